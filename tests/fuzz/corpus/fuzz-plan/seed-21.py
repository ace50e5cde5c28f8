"""Tests for retry: each waits half a second (or $RETRY_SETTLE seconds), as
tests of a service do."""
import os
import time
import unittest

import retry as q


def settle():
    time.sleep(float(os.environ.get("RETRY_SETTLE", "0.5")))


class TestRetry(unittest.TestCase):
    def test_backoff(self):
        settle()
        self.assertEqual(q.backoff(3), 8)

    def test_give_up(self):
        settle()
        self.assertTrue(q.give_up(3, 3))
        self.assertFalse(q.give_up(2, 3))

    def test_slot(self):
        settle()
        self.assertEqual(q.slot(7, 3), 1)
