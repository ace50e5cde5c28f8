/* test-cmdline.c: PYTHONPATH assignments found and extended in shell command lines. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"
#include "util.h"

#define D "/usr/share/crmake/python"
#define Q "'" D "'"

static void
expect(const char *cmd, const char *want, int wantn)
{
	char	*got;
	int	 n;

	got = cmdline_pythonpath(cmd, D, &n);
	if (strcmp(got, want) != 0 || n != wantn)
		fail_msg("'%s': got '%s' (%d), want '%s' (%d)", cmd, got, n,
		    want, wantn);
	free(got);
}

static void
test_assignments(void **state)
{
	(void)state;
	/* Nothing to change. */
	expect("python3 -m pytest -q tests", "python3 -m pytest -q tests", 0);
	expect("", "", 0);
	/* Before the command, after env, in export. */
	expect("PYTHONPATH=src python3 -m pytest",
	    "PYTHONPATH=" Q ":src python3 -m pytest", 1);
	expect("env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=src python3 -m pytest "
	    "-x -q tests", "env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=" Q
	    ":src python3 -m pytest -x -q tests", 1);
	expect("/usr/bin/env -u X -i PYTHONPATH=a:b py",
	    "/usr/bin/env -u X -i PYTHONPATH=" Q ":a:b py", 1);
	expect("export PYTHONPATH=src; python3 -m unittest",
	    "export PYTHONPATH=" Q ":src; python3 -m unittest", 1);
	/* Quoted values, and an empty value gets no empty entry. */
	expect("PYTHONPATH=\"my src\" py", "PYTHONPATH=" Q ":\"my src\" py", 1);
	expect("PYTHONPATH= py", "PYTHONPATH=" Q " py", 1);
	expect("PYTHONPATH='' py", "PYTHONPATH=" Q "'' py", 1);
	expect("PYTHONPATH=$PYTHONPATH:x py",
	    "PYTHONPATH=" Q ":$PYTHONPATH:x py", 1);
	/* Several commands, each its own. */
	expect("cd proj && PYTHONPATH=. python3 -m pytest || PYTHONPATH=.. x",
	    "cd proj && PYTHONPATH=" Q ":. python3 -m pytest || PYTHONPATH="
	    Q ":.. x", 2);
	expect("if true; then PYTHONPATH=a py; fi",
	    "if true; then PYTHONPATH=" Q ":a py; fi", 1);
	/* A redirection before the assignment. */
	expect(">/dev/null PYTHONPATH=a py", ">/dev/null PYTHONPATH=" Q ":a py",
	    1);
	/* Behind wrappers, and as a make variable. */
	expect("timeout 600 env PYTHONPATH=src py", "timeout 600 env PYTHONPATH="
	    Q ":src py", 1);
	expect("nice -n 5 env --chdir d --unset X PYTHONPATH=s py",
	    "nice -n 5 env --chdir d --unset X PYTHONPATH=" Q ":s py", 1);
	expect("xvfb-run env PYTHONPATH=s py", "xvfb-run env PYTHONPATH=" Q
	    ":s py", 1);
	expect("make PYTHONPATH=src test", "make PYTHONPATH=" Q ":src test", 1);
	expect("py && timeout 60 env PYTHONPATH=src py",
	    "py && timeout 60 env PYTHONPATH=" Q ":src py", 1);
}

static void
test_not_assignments(void **state)
{
	(void)state;
	/* A redirection's file is not an assignment. */
	expect("py >PYTHONPATH=x", "py >PYTHONPATH=x", 0);
	/* Other names, quoted names, comments, command substitutions. */
	expect("MYPYTHONPATH=x PYTHONPATHS=y py", "MYPYTHONPATH=x PYTHONPATHS=y py",
	    0);
	expect("'PYTHONPATH=x' py", "'PYTHONPATH=x' py", 0);
	expect("py # PYTHONPATH=x", "py # PYTHONPATH=x", 0);
	expect("X=$(PYTHONPATH=a py) py", "X=$(PYTHONPATH=a py) py", 0);
	expect("X=\"$(echo ')') PYTHONPATH=a\" py",
	    "X=\"$(echo ')') PYTHONPATH=a\" py", 0);
	/* A here-document ends what is read. */
	expect("cat <<EOF\nPYTHONPATH=a py\nEOF", "cat <<EOF\nPYTHONPATH=a py\nEOF",
	    0);
}

static void
test_quoting(void **state)
{
	char	*got;
	int	 n;

	(void)state;
	got = cmdline_pythonpath("PYTHONPATH=s py", "/o'dd dir", &n);
	assert_string_equal(got, "PYTHONPATH='/o'\\''dd dir':s py");
	assert_int_equal(n, 1);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_not_assignments),
		cmocka_unit_test(test_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
