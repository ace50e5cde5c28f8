"""A small text format for the catalogue: one item a line, fields split by '|'.

    # sku    | name   | price | stock | reorder at | promotion
    APL-1    | Apple  | 0.45  | 120   | 20
    PEAR-2   | Pear   | 0.60  | 40    | 10         | 3+1

Blank lines and lines starting with '#' are ignored. The promotion "3+1"
means buy 3, get 1 free.
"""

from dataclasses import dataclass

from .money import Money
from .stock import StockLevel


class CatalogError(ValueError):
    def __init__(self, lineno, message):
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


@dataclass
class Item:
    sku: str
    name: str
    price: Money
    stock: StockLevel
    promotion: tuple = None


def _parse_promotion(text):
    buy, plus, get = text.partition("+")
    if not plus or not buy.isdigit() or not get.isdigit():
        raise ValueError(f"bad promotion {text!r}")
    return int(buy), int(get)


def _parse_line(fields, currency):
    if not 4 <= len(fields) <= 6:
        raise ValueError(f"expected 4 to 6 fields, got {len(fields)}")
    sku, name, price, on_hand = fields[:4]
    if not sku or not name:
        raise ValueError("empty sku or name")
    if not on_hand.isdigit():
        raise ValueError(f"bad stock {on_hand!r}")
    reorder = int(fields[4]) if len(fields) > 4 and fields[4] else 0
    promotion = _parse_promotion(fields[5]) if len(fields) > 5 else None
    stock = StockLevel(sku, int(on_hand), reorder_point=reorder)
    return Item(sku, name, Money.parse(price, currency), stock, promotion)


def parse_catalog(text, currency="EUR"):
    """Items by sku, in file order; CatalogError names the first bad line."""
    items = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("|")]
        try:
            item = _parse_line(fields, currency)
        except ValueError as e:
            raise CatalogError(lineno, str(e)) from None
        if item.sku in items:
            raise CatalogError(lineno, f"duplicate sku {item.sku!r}")
        items[item.sku] = item
    return items


def format_catalog(items):
    """The text form of items; parse_catalog reads it back."""
    lines = []
    for item in items.values():
        price = str(item.price).split()[0]
        fields = [item.sku, item.name, price, str(item.stock.on_hand),
                  str(item.stock.reorder_point)]
        if item.promotion:
            fields.append("+".join(map(str, item.promotion)))
        lines.append(" | ".join(fields))
    return "\n".join(lines) + "\n"


def low_stock(items):
    """Skus that need reordering, with how many to order, most urgent first."""
    wanted = [(item.stock.available - item.stock.reorder_point, sku,
               item.stock.reorder_quantity())
              for sku, item in items.items() if item.stock.needs_reorder()]
    return [(sku, quantity) for _, sku, quantity in sorted(wanted)]
