"""Tests for Money: parsing, printing, arithmetic, rounding and allocation."""

import pytest

from inventory import CurrencyMismatch, Money


def test_parse_whole_and_decimals():
    assert Money.parse("12") == Money(1200)
    assert Money.parse("12.5") == Money(1250)
    assert Money.parse(" 12.05 ") == Money(1205)
    assert Money.parse("-0.05") == Money(-5)


@pytest.mark.parametrize("text", ["", "12.345", "1,50", "abc", "1.x"])
def test_parse_rejects_garbage(text):
    with pytest.raises(ValueError):
        Money.parse(text)


def test_cents_must_be_int():
    with pytest.raises(TypeError):
        Money(1.5)
    with pytest.raises(TypeError):
        Money(True)


def test_str():
    assert str(Money(1205)) == "12.05 EUR"
    assert str(Money(-5, "USD")) == "-0.05 USD"


def test_arithmetic():
    assert Money(150) + Money(275) == Money(425)
    assert Money(150) - Money(275) == Money(-125)
    assert Money(150) * 3 == Money(450)
    assert 3 * Money(150) == Money(450)


def test_currencies_do_not_mix():
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") + Money(100, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") < Money(100, "USD")
    assert Money(100, "EUR") != Money(100, "USD")


def test_ordering():
    assert Money(100) < Money(101)
    assert not Money(101) < Money(100)
    assert sorted([Money(3), Money(1), Money(2)]) == [Money(1), Money(2), Money(3)]


def test_hashable():
    assert len({Money(100), Money(100), Money(100, "USD")}) == 2


def test_percent_rounds_half_away_from_zero():
    assert Money(1000).percent(15) == Money(150)
    assert Money(250).percent(1) == Money(3)
    assert Money(-250).percent(1) == Money(-3)
    assert Money(249).percent(1) == Money(2)


def test_allocate():
    parts = Money(1000).allocate(3)
    assert parts == [Money(334), Money(333), Money(333)]
    assert sum(p.cents for p in parts) == 1000
    with pytest.raises(ValueError):
        Money(1000).allocate(0)
