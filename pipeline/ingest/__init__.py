"""load: the input workbook -> a validated, frozen Campaign (or every problem at once)."""

from pipeline.ingest.load import check, load, read

__all__ = ["check", "load", "read"]
