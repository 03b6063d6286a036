"""Widgets the workbook's screens are built from."""
