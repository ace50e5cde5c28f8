"""inventory: prices, stock levels and a small catalogue format for a shop."""

from .catalog import CatalogError, Item, format_catalog, low_stock, parse_catalog
from .money import CurrencyMismatch, Money
from .pricing import bulk_discount_percent, free_items, line_total, order_total
from .stock import OutOfStock, StockLevel

__all__ = [
    "CatalogError", "CurrencyMismatch", "Item", "Money", "OutOfStock",
    "StockLevel", "bulk_discount_percent", "format_catalog", "free_items",
    "line_total", "low_stock", "order_total", "parse_catalog",
]
