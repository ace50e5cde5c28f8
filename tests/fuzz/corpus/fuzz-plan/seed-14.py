"""Tests for dates: the century case fails against the buggy rule."""
import unittest

from dates import is_leap


class TestLeap(unittest.TestCase):
    def test_ordinary_years(self):
        self.assertTrue(is_leap(2024))
        self.assertFalse(is_leap(2023))

    def test_centuries(self):
        self.assertFalse(is_leap(1900))
        self.assertTrue(is_leap(2000))


if __name__ == "__main__":
    unittest.main()
