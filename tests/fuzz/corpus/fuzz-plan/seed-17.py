import os
import subprocess
import sys

import pytest

from shapes import geometry


# Runs first and uses the module-scoped fixture without looking at it.
def test_unit_exists(unit):
    assert unit is not None


def test_unit_side(unit):
    assert unit["side"] == 3


@pytest.mark.parametrize("w,h,want", [(2, 3, 12), (1, 1, 2)],
                         ids=["two by three", "\u00fcn\u00ef [1]"])
def test_area(w, h, want):
    assert geometry.area(w, h) == want


def test_perimeter():
    assert geometry.Square(2).perimeter() == 8


# label runs only in a child Python process.
def test_label_in_subprocess():
    out = subprocess.run(
        [sys.executable, "-c",
         "from shapes import geometry; print(geometry.label(20), "
         "geometry.label(10))"],
        stdout=subprocess.PIPE, check=True, env=os.environ.copy())
    assert out.stdout.split() == [b"big", b"small"]


# limits is first imported here, by a test that checks nothing of it...
def test_limits_imported():
    from shapes import limits
    assert limits


# ...and its module-level LIMIT is checked by another.
def test_limits_value():
    from shapes import limits
    assert limits.within(100)
    assert not limits.within(101)
