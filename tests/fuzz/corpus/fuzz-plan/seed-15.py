import unittest

import hostile


class TestHostile(unittest.TestCase):
    def test_loop(self):
        self.assertEqual(hostile.loop(), 1)

    def test_stubborn(self):
        self.assertEqual(hostile.stubborn(), 1)

    def test_daemon(self):
        self.assertEqual(hostile.daemon(), 1)

    def test_storm(self):
        self.assertEqual(hostile.storm(), 1)

    def test_scribble(self):
        self.assertEqual(hostile.scribble(), 1)

    def test_fill_tmp(self):
        self.assertEqual(hostile.fill_tmp(), 1)

    def test_shout(self):
        self.assertEqual(hostile.shout(), 1)

    def test_hog(self):
        self.assertEqual(hostile.hog(), 1)


if __name__ == "__main__":
    unittest.main()
