"""The warehouse: canonical tables, their creation, the import manifest and quarantine."""

from shopops.warehouse.schema import DATA_TABLES, TABLES, Column, TableSpec
from shopops.warehouse.store import Warehouse, warehouse_of

__all__ = ["DATA_TABLES", "TABLES", "Column", "TableSpec", "Warehouse", "warehouse_of"]
