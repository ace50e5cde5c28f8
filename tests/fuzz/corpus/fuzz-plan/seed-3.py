"""calc: small numeric helpers, the main fixture of the crmake end-to-end tests."""


def add(a, b):
    return a + b


def average(values):
    if not values:
        return None
    return sum(values) / len(values)


def split_minutes(total):
    return total // 60, total % 60


def in_range(x, low, high):
    return low <= x <= high


def is_missing(value):
    return value is None


def can_ship(in_stock, paid, override=False):
    return in_stock and paid or override


def fall_height(height, seconds):
    return height - 5 * seconds ** 2
