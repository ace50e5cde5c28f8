import pytest

from shapes import geometry


@pytest.fixture(scope="module")
def unit():
    return geometry.make_unit()
