"""Tests for pricing: bulk tiers, free-item promotions, line and order totals."""

import pytest

from inventory import Money, bulk_discount_percent, free_items, line_total, order_total


def test_bulk_tiers():
    assert bulk_discount_percent(1) == 0
    assert bulk_discount_percent(10) == 5
    assert bulk_discount_percent(60) == 10
    assert bulk_discount_percent(500) == 15


def test_free_items():
    assert free_items(4, 3, 1) == 1
    assert free_items(8, 3, 1) == 2
    assert free_items(3, 3, 1) == 0
    with pytest.raises(ValueError):
        free_items(4, 0, 1)


def test_line_total_plain():
    assert line_total(Money(250), 4) == Money(1000)


def test_line_total_with_promotion():
    assert line_total(Money(250), 4, promotion=(3, 1)) == Money(750)


def test_line_total_with_bulk_discount():
    assert line_total(Money(100), 20) == Money(1900)


def test_negative_quantity():
    with pytest.raises(ValueError):
        line_total(Money(100), -1)


def test_order_total_with_tax():
    lines = [(Money(250), 4, None), (Money(100), 2, None)]
    assert order_total(lines) == Money(1200)
    assert order_total(lines, tax_percent=20) == Money(1440)
