"""Tests for countdown: fast, and they never loop unless the code under test does."""
import unittest

from countdown import countdown


class TestCountdown(unittest.TestCase):
    def test_counts_every_step(self):
        self.assertEqual(countdown(3), 3)


if __name__ == "__main__":
    unittest.main()
