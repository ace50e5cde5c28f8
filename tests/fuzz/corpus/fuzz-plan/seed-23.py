"""shapes: a small src-layout package, the fixture for test selection."""
