"""Tests for StockLevel: reservations, shipping, receiving and reordering."""

import pytest

from inventory import OutOfStock, StockLevel


def test_reserve_and_ship():
    s = StockLevel("A", on_hand=10)
    s.reserve(4)
    assert s.available == 6
    s.ship(3)
    assert (s.on_hand, s.reserved, s.available) == (7, 1, 6)


def test_cannot_reserve_more_than_available():
    s = StockLevel("A", on_hand=5)
    s.reserve(5)
    with pytest.raises(OutOfStock):
        s.reserve(1)


def test_release_never_goes_negative():
    s = StockLevel("A", on_hand=5)
    s.reserve(2)
    s.release(5)
    assert s.reserved == 0


def test_receive():
    s = StockLevel("A")
    s.receive(12)
    assert s.on_hand == 12
    with pytest.raises(ValueError):
        s.receive(0)


def test_ship_needs_reservation():
    s = StockLevel("A", on_hand=5)
    with pytest.raises(ValueError):
        s.ship(1)


def test_invalid_levels():
    with pytest.raises(ValueError):
        StockLevel("A", on_hand=-1)
    with pytest.raises(ValueError):
        StockLevel("A", reorder_point=10, reorder_target=5)


def test_reorder():
    s = StockLevel("A", on_hand=30, reorder_point=10, reorder_target=50)
    assert not s.needs_reorder()
    assert s.reorder_quantity() == 0
    s.reserve(25)
    assert s.needs_reorder()
    assert s.reorder_quantity() == 45
