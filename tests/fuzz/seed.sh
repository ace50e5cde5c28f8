#!/bin/sh
# Usage: seed.sh SRCDIR TARGET DIR: put a fuzz target's seeds in DIR: its
# kept corpus (tests/fuzz/corpus/TARGET, inputs the fuzzer found), and for
# the planner every Python file of the fixtures and examples, read where
# they are rather than kept twice.
src=$1 target=$2 dir=$3
mkdir -p "$dir" || exit 1
if [ -d "$src/tests/fuzz/corpus/$target" ]; then
	cp "$src/tests/fuzz/corpus/$target"/* "$dir/" 2>/dev/null
fi
if [ "$target" = fuzz-plan ]; then
	i=0
	find "$src/tests/fixtures" "$src/examples" -name '*.py' | LC_ALL=C sort |
	    while read -r f; do
		i=$((i + 1))
		cp "$f" "$dir/seed-$i.py" || exit 1
	done
fi
exit 0
