"""hoso: annual evaluation and rating of Vietnamese public-sector staff, from one workbook to PDF dossiers."""

__version__ = "0.1.0"
