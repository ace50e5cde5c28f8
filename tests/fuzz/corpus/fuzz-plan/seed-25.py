"""limits: imported by the tests only inside test functions, never at collection."""

LIMIT = 100


def within(n):
    return n <= LIMIT
