"""The workbook's screens and dialogs."""
