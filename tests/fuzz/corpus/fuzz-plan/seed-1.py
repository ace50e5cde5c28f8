"""draft: an unfinished edit that is not valid Python (the colon is missing)."""


def shipping_cost(weight)
    return 5 + weight * 2
