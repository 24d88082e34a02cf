"""`hoso serve`: hoso in a browser for the clerks of an office network (pipeline/web/app.py)."""
