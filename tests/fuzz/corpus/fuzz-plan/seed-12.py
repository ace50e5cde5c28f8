"""Tests for greet; draft.py is never imported, so the suite passes."""
import unittest

from greet import greeting


class TestGreeting(unittest.TestCase):
    def test_plain(self):
        self.assertEqual(greeting("Ada"), "Hello, Ada.")

    def test_excited(self):
        self.assertEqual(greeting("Ada", excited=True), "Hello, Ada!")

    def test_nameless(self):
        self.assertEqual(greeting(""), "Hello, stranger.")


if __name__ == "__main__":
    unittest.main()
