#!/bin/sh
# Every cmocka unit test again under valgrind's memcheck: no invalid read or
# write, no use of uninitialised memory, no definite leak. Not in a build
# with AddressSanitizer (which valgrind cannot run); the plain build runs it.
: "${CR_BUILDDIR:?run through make check}"
: "${CR_UNIT_TESTS:?run through make check}"
case "${CR_CFLAGS:-}" in *-fsanitize=address*)
	echo "SKIP: an AddressSanitizer build; the plain build runs this" >&2
	exit 77 ;;
esac
command -v valgrind >/dev/null || { echo "no valgrind (scripts/setup-deps.sh installs it)" >&2; exit 99; }
status=0
for t in $CR_UNIT_TESTS; do
	case $t in
	# Debian 12's valgrind (3.19) does not know the new mount API nor
	# pidfd_open: under it the sandbox cannot make its namespaces, and its
	# timed assertions do not hold at valgrind's speed. The ASan build
	# checks that program's memory.
	*/test-sandbox) echo "not under valgrind: $t"; continue ;;
	esac
	log=$CR_BUILDDIR/$t.valgrind.log
	if valgrind --error-exitcode=97 --leak-check=full \
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	    --track-origins=yes --quiet "$CR_BUILDDIR/$t" >"$log" 2>&1; then
		echo "ok: $t"
	else
		echo "FAIL: $t (status $?), from $log:"
		grep -E '^==[0-9]+== |FAILED|ERROR' "$log" | head -n 40
		status=1
	fi
done
exit "$status"
