"""geometry: functions, a class and module-level state for the selection tests."""

SCALE = 2


def area(w, h):
    if w == h:
        return w * w * SCALE
    return w * h * SCALE


def make_unit():
    return {"side": 3, "name": "unit"}


class Square:
    SIDES = 4

    def __init__(self, side):
        self.side = side

    def perimeter(self):
        return self.side * self.SIDES


def label(n):
    if n > 10:
        return "big"
    return "small"


def unused(x):
    return x - 7
