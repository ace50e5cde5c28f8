"""Prices of order lines: quantity discounts, "buy N get M free" and tax."""

from .money import Money

# (minimum quantity, percent off), largest first.
BULK_TIERS = ((100, 15), (50, 10), (10, 5))


def bulk_discount_percent(quantity):
    for minimum, percent in BULK_TIERS:
        if quantity >= minimum:
            return percent
    return 0


def free_items(quantity, buy, get):
    """How many of quantity items are free under "buy `buy`, get `get` free"."""
    if buy < 1 or get < 1:
        raise ValueError("a promotion needs buy >= 1 and get >= 1")
    group = buy + get
    full, partial = divmod(quantity, group)
    return full * get + max(0, partial - buy)


def line_total(unit_price, quantity, promotion=None):
    """Price of quantity items: free items first, then the bulk discount."""
    if quantity < 0:
        raise ValueError(f"negative quantity: {quantity}")
    charged = quantity
    if promotion is not None:
        charged -= free_items(quantity, *promotion)
    gross = unit_price * charged
    return gross - gross.percent(bulk_discount_percent(quantity))


def order_total(lines, tax_percent=0, currency="EUR"):
    """Total of (unit price, quantity, promotion) lines, tax added at the end."""
    total = Money(0, currency)
    for unit_price, quantity, promotion in lines:
        total += line_total(unit_price, quantity, promotion)
    if tax_percent:
        total += total.percent(tax_percent)
    return total
