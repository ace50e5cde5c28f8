import unittest

from shapes import geometry

UNIT = None


def setUpModule():
    global UNIT
    UNIT = geometry.make_unit()


class TestUnit(unittest.TestCase):
    def test_unit_exists(self):
        self.assertIsNotNone(UNIT)

    def test_unit_side(self):
        self.assertEqual(UNIT["side"], 3)


class TestArea(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.square = geometry.Square(2)

    def test_area(self):
        self.assertEqual(geometry.area(2, 3), 12)

    def test_squäre_area(self):
        self.assertEqual(geometry.area(1, 1), 2)

    def test_perimeter(self):
        self.assertEqual(self.square.perimeter(), 8)

    def test_label(self):
        self.assertEqual(geometry.label(20), "big")
        self.assertEqual(geometry.label(10), "small")


class TestLimits(unittest.TestCase):
    def test_imported(self):
        from shapes import limits
        self.assertTrue(limits)

    def test_value(self):
        from shapes import limits
        self.assertTrue(limits.within(100))
        self.assertFalse(limits.within(101))
