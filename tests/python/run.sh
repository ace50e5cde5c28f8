#!/bin/sh
# Runs the pytest tests of crmake's Python hooks (tests/python) with Debian's Python.
: "${CR_SRCDIR:?run through make check, or set CR_SRCDIR}"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "no $PY" >&2; exit 99; }
"$PY" -c 'import pytest, coverage' 2>/dev/null || {
	echo "run.sh: $PY needs pytest and coverage.py (python3-pytest, python3-coverage)" >&2
	exit 99
}
export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH
cd "$CR_SRCDIR/tests/python" || exit 99
exec "$PY" -m pytest -q -p no:cacheprovider .
