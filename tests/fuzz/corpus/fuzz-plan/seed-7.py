"""dates: a leap-year rule with a bug, so the fixture's own tests fail unmutated."""


def is_leap(year):
    return year % 4 == 0
