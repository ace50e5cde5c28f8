"""Tests for calc: good enough to kill most mutants, weak on purpose in places."""
import unittest

import calc


class TestCalc(unittest.TestCase):
    def test_add(self):
        self.assertEqual(calc.add(2, 3), 5)

    def test_average(self):
        self.assertIsNone(calc.average([]))
        self.assertEqual(calc.average([1, 2, 3]), 2)

    def test_split_minutes(self):
        self.assertEqual(calc.split_minutes(135), (2, 15))

    def test_in_range(self):
        self.assertTrue(calc.in_range(5, 1, 10))
        self.assertFalse(calc.in_range(0, 1, 10))
        self.assertFalse(calc.in_range(11, 1, 10))

    def test_is_missing(self):
        self.assertTrue(calc.is_missing(None))
        self.assertFalse(calc.is_missing(0))

    def test_can_ship(self):
        self.assertTrue(calc.can_ship(True, True))
        self.assertFalse(calc.can_ship(True, False))
        self.assertTrue(calc.can_ship(False, False, override=True))


if __name__ == "__main__":
    unittest.main()
