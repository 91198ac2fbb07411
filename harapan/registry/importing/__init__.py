"""The registry import of DESIGN §12: read, validate row by row, check families
set-based in a staging table, then upsert in bulk. See `engine.import_registry`."""
