#!/bin/sh
# Builds crmake in build/ and mutation-tests the example project with it, ending with the report.
#
# Environment: CONFIGURE_FLAGS is passed to configure (for instance
# --with-tree-sitter-python=DIR to build without npm); JOBS sets the
# parallelism (default: the number of processors).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
example=$top/examples/inventory
session=$build/demo-session
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { printf '\n== %s\n' "$*"; }

say "dependencies"
sh "$top/scripts/setup-deps.sh"

say "build in $build"
cd "$top"
if ! test -x configure || test configure.ac -nt configure ||
    test Makefile.am -nt configure; then
	./autogen.sh
fi
mkdir -p "$build"
cd "$build"
if ! test -f Makefile; then
	# shellcheck disable=SC2086
	../configure ${CONFIGURE_FLAGS:-}
fi
make -j"$jobs"

snapshot() {
	(cd "$example" && find . -print | LC_ALL=C sort &&
	    find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2)
}
snapshot >"$build/demo-before.txt"

say "plan: examples/inventory"
rm -rf "$session"
cd "$example"
"$build/cr-plan" --session "$session" \
    --test-command '/usr/bin/python3 -m pytest -q -x -p no:cacheprovider tests' \
    inventory

say "run: make -f $session/Makefile -j$jobs"
make -f "$session/Makefile" -j"$jobs" CR_RUN_ONE="$build/cr-run-one"

snapshot >"$build/demo-after.txt"
if ! diff -u "$build/demo-before.txt" "$build/demo-after.txt" >&2; then
	echo "demo.sh: the example tree changed during the run" >&2
	exit 1
fi
rm -f "$build/demo-before.txt" "$build/demo-after.txt"

say "report"
exec "$build/cr-report" "$session"
