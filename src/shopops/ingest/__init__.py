"""Ingest: read exports (any encoding, CSV/Excel/Parquet), parse values, map them to canonical rows.

Writing to the warehouse is the warehouse layer's job (``shopops.warehouse.load``).
"""
