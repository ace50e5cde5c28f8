"""countdown: a loop that one mutant turns into an endless one (fixture for timeouts)."""


def countdown(n):
    steps = 0
    while n > 0:
        n -= 1
        steps += 1
    return steps
