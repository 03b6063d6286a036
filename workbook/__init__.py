"""Intervention Workbook: a family's blameless look back at an intervention that did not work."""

__version__ = "0.1.0"
