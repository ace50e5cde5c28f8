/* test-coverage.c: per-test line coverage read from real coverage.py data files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "coverage.h"
#include "util.h"

/* The data files are made by coverage.py itself, each run by the test. */
#define PYTHON "/usr/bin/python3"

static char	*dir;

static const char mod[] =
    "def f(x):\n"		/* 1 */
    "    return x + 1\n"	/* 2 */
    "def g(x):\n"		/* 3 */
    "    return x * 2\n"	/* 4 */
    "def h(x):\n"		/* 5 */
    "    return x - 1\n";	/* 6 */

/* Run mod.py's functions under coverage.py, one context per "test". */
static const char driver[] =
    "import sys, coverage\n"
    "cov = coverage.Coverage(data_file=sys.argv[1] + '/data/.coverage',\n"
    "    data_suffix=True, config_file=False, include=[sys.argv[2]])\n"
    "cov.start()\n"
    "import mod\n"
    "for name in sys.argv[3:]:\n"
    "    test, fn = name.split(':')\n"
    "    cov.switch_context(test)\n"
    "    getattr(mod, fn)(1)\n"
    "cov.switch_context('')\n"
    "cov.stop()\n"
    "cov.save()\n";

static void
put(const char *name, const char *text)
{
	char	*p, *cause = NULL;

	p = xasprintf("%s/%s", dir, name);
	if (file_write_atomic(p, text, strlen(text), &cause) == -1)
		fail_msg("%s", cause);
	free(p);
}

static int
setup(void **state)
{
	char	*cmd;

	(void)state;
	if (access(PYTHON, X_OK) == -1 || system(PYTHON " -c 'import "
	    "coverage' 2>/dev/null") != 0) {
		fprintf(stderr, "test-coverage: needs %s with coverage.py "
		    "(python3-coverage)\n", PYTHON);
		exit(99);
	}
	dir = xstrdup("/tmp/cr-test-coverage.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("mod.py", mod);
	put("driver.py", driver);
	cmd = xasprintf("cd %s && mkdir data && " PYTHON " driver.py %s "
	    "%s/mod.py test_a:f test_b:g test_b:f && " PYTHON " driver.py %s "
	    "%s/mod.py test_c:h 'test_b:g'", dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	remove_tree(dir);
	free(dir);
	return 0;
}

/* The names of the contexts that executed one of the lines. */
static char *
hits(struct coverage *c, int file, uint32_t first, uint32_t last)
{
	struct buf	 b = { 0 };
	uint8_t		*hit;
	size_t		 k, n, count = 0;
	char		**names;

	n = coverage_ncontexts(c);
	hit = xcalloc(n + 1, 1);
	names = xcalloc(n + 1, sizeof *names);
	coverage_hits(c, file, first, last, hit);
	for (k = 0; k < n; k++) {
		if (hit[k])
			names[count++] = (char *)coverage_context(c, k);
	}
	/* Sorted, so the answer does not depend on the data's order. */
	for (k = 1; k < count; k++) {
		char *x = names[k];
		size_t j = k;
		while (j > 0 && strcmp(names[j - 1], x) > 0) {
			names[j] = names[j - 1];
			j--;
		}
		names[j] = x;
	}
	for (k = 0; k < count; k++)
		buf_addf(&b, "[%s]", names[k]);
	free(names);
	free(hit);
	return buf_detach(&b);
}

static void
expect(struct coverage *c, int file, uint32_t first, uint32_t last,
    const char *want)
{
	char	*got = hits(c, file, first, last);

	if (strcmp(got, want) != 0)
		fail_msg("lines %u-%u: got '%s', want '%s'", first, last, got,
		    want);
	free(got);
}

static void
test_contexts(void **state)
{
	struct coverage	*c;
	char		*data, *path, *real, *cause = NULL;
	int		 f;

	(void)state;
	c = coverage_new();
	data = xasprintf("%s/data", dir);
	/* Two processes, two data files, merged. */
	assert_int_equal(coverage_load_dir(c, data, &cause), 2);
	path = xasprintf("%s/mod.py", dir);
	real = path_absolute(path);
	f = coverage_file(c, real);
	assert_true(f >= 0);
	assert_int_equal(coverage_file(c, "/no/such/file.py"), -1);
	/* def lines run at import, in no test. */
	expect(c, f, 1, 1, "[]");
	expect(c, f, 3, 3, "[]");
	expect(c, f, 2, 2, "[test_a][test_b]");
	expect(c, f, 4, 4, "[test_b]");
	expect(c, f, 6, 6, "[test_c]");
	expect(c, f, 5, 6, "[][test_c]");
	expect(c, f, 1, 6, "[][test_a][test_b][test_c]");
	/* Past the end of the data. */
	expect(c, f, 7, 100, "");
	expect(c, -1, 1, 6, "");
	coverage_free(c);
	free(real);
	free(path);
	free(data);
}

static void
test_bad_data(void **state)
{
	struct coverage	*c;
	char		*p, *cause = NULL;

	(void)state;
	c = coverage_new();
	p = xasprintf("%s/.coverage.bad", dir);
	put(".coverage.bad", "not a database at all, not even close to one");
	assert_int_equal(coverage_load(c, p, &cause), -1);
	assert_non_null(strstr(cause, ".coverage.bad"));
	free(cause);
	cause = NULL;
	free(p);
	p = xasprintf("%s/nodir", dir);
	assert_int_equal(coverage_load_dir(c, p, &cause), -1);
	assert_non_null(strstr(cause, "nodir"));
	free(cause);
	free(p);
	coverage_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_bad_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
