#!/bin/sh
# Builds crmake three times (build/; build-asan/ with --enable-asan;
# build-fuzz/ with clang and --enable-fuzzing, whose check runs the libFuzzer
# targets briefly), runs `make check` in each, sums up.
#
# Environment: CONFIGURE_FLAGS is passed to both configure runs (for instance
# --with-tree-sitter-python=DIR to build without npm); JOBS sets the
# parallelism (default: the number of processors).
# The last line is always "N passed, N failed", counted from the
# test-suite.log of each build (XFAIL counts as passed, ERROR and XPASS as
# failed, SKIP as neither); a build that stops before its tests have run
# counts as one failure.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { printf '\n== %s\n' "$*"; }

passed=0
failed=0
status=0

# count LOG: add the totals of one automake test-suite.log.
count() {
	p=0
	f=0
	eval "$(awk '
		/^# [A-Z]+: +[0-9]+$/ && !($2 in seen) {
			seen[$2] = 1
			if ($2 == "PASS:" || $2 == "XFAIL:") p += $3
			if ($2 == "FAIL:" || $2 == "XPASS:" || $2 == "ERROR:") f += $3
		}
		END { printf "p=%d f=%d\n", p, f }' "$1")"
	passed=$((passed + p))
	failed=$((failed + f))
	if test "$f" -gt 0; then
		say "failing tests in $1"
		cat "$1"
		status=1
	fi
}

# check DIR [CONFIGURE-ARGS]: configure if needed, build and test in DIR.
check() {
	dir=$1
	shift
	say "build and check in $dir"
	mkdir -p "$top/$dir" || return 1
	cd "$top/$dir" || return 1
	rm -f test-suite.log
	if ! test -f Makefile; then
		# shellcheck disable=SC2086
		../configure "$@" ${CONFIGURE_FLAGS:-} || return 1
	fi
	make -j"$jobs" || return 1
	make -j"$jobs" check
	test -f test-suite.log
}

say "dependencies"
sh "$top/scripts/setup-deps.sh" || exit 1

cd "$top" || exit 1
if ! test -x configure || test configure.ac -nt configure ||
    test Makefile.am -nt configure; then
	./autogen.sh || exit 1
fi

for build in build build-asan build-fuzz; do
	case $build in
	build) args= ;;
	build-asan) args=--enable-asan ;;
	build-fuzz) args="CC=clang --enable-fuzzing" ;;
	esac
	# shellcheck disable=SC2086
	if (check "$build" $args); then
		count "$top/$build/test-suite.log"
	elif test -f "$top/$build/test-suite.log"; then
		count "$top/$build/test-suite.log"
		if test "$f" -eq 0; then
			say "$build: make check failed outside the test suite"
			failed=$((failed + 1))
		fi
		status=1
	else
		say "$build: the build failed before its tests ran"
		failed=$((failed + 1))
		status=1
	fi
done

echo "$passed passed, $failed failed"
exit "$status"
