"""Tests for the catalogue format: parsing, errors with line numbers, round trip, low stock."""

import pytest

from inventory import CatalogError, Money, format_catalog, low_stock, parse_catalog

TEXT = """\
# sku | name | price | stock | reorder at | promotion
APL-1  | Apple | 0.45 | 120 | 20

PEAR-2 | Pear  | 0.60 | 8   | 10 | 3+1
FIG-3  | Fig   | 1.10 | 0
"""


def test_parse():
    items = parse_catalog(TEXT)
    assert list(items) == ["APL-1", "PEAR-2", "FIG-3"]
    pear = items["PEAR-2"]
    assert pear.name == "Pear"
    assert pear.price == Money(60)
    assert pear.stock.on_hand == 8
    assert pear.stock.reorder_point == 10
    assert pear.promotion == (3, 1)
    assert items["APL-1"].promotion is None


def test_round_trip():
    items = parse_catalog(TEXT)
    assert parse_catalog(format_catalog(items)) == items


@pytest.mark.parametrize("line, lineno", [
    ("A | Apple | 0.45", 2),
    ("A | Apple | cheap | 1", 2),
    ("A | Apple | 0.45 | -1", 2),
    ("A | Apple | 0.45 | 1 | 0 | 3-1", 2),
    (" | Apple | 0.45 | 1", 2),
])
def test_errors_name_the_line(line, lineno):
    with pytest.raises(CatalogError) as e:
        parse_catalog("# header\n" + line + "\n")
    assert e.value.lineno == lineno
    assert str(e.value).startswith(f"line {lineno}: ")


def test_duplicate_sku():
    with pytest.raises(CatalogError, match="duplicate"):
        parse_catalog("A | Apple | 1 | 1\nA | Apricot | 2 | 1\n")


def test_low_stock():
    items = parse_catalog(TEXT)
    assert low_stock(items) == [("PEAR-2", 3), ("FIG-3", 1)]
