/* test-hosts.c: CR_HOSTS in distcc's notation, and the slots' locks. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "hosts.h"
#include "util.h"

static void
test_parse(void **state)
{
	struct host	*h;
	size_t		 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(hosts_parse("  localhost/2 build1/8\tme@build2 "
	    "[::1]/3\n", &h, &n, &cause), 0);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].name, "localhost");
	assert_true(h[0].local);
	assert_int_equal(h[0].slots, 2);
	assert_string_equal(h[1].name, "build1");
	assert_false(h[1].local);
	assert_int_equal(h[1].slots, 8);
	/* distcc's defaults: four slots, two for localhost. */
	assert_string_equal(h[2].name, "me@build2");
	assert_int_equal(h[2].slots, 4);
	assert_string_equal(h[3].name, "[::1]");
	assert_int_equal(h[3].slots, 3);
	hosts_free(h, n);
	assert_int_equal(hosts_parse("localhost", &h, &n, &cause), 0);
	assert_int_equal(h[0].slots, 2);
	hosts_free(h, n);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char	*spec, *want;
	} bad[] = {
		{ "", "CR_HOSTS is empty" },
		{ "  \t", "CR_HOSTS is empty" },
		{ "a/0", "column 1: 'a/0': the slots" },
		{ "a b/1025", "column 3: 'b/1025': the slots" },
		{ "a b/", "column 3: 'b/'" },
		{ "a b/x", "column 3: 'b/x'" },
		{ "a /2", "column 3: '/2' is not HOST" },
		{ "a,b", "column 1: 'a,b' is not HOST" },
		{ "-oProxyCommand=x", "is not HOST" },
		{ "a/2/3", "column 1: 'a/2/3'" },
		{ "a/+2", "column 1: 'a/+2'" },
	};
	struct host	*h;
	size_t		 n, i;
	char		*cause;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		assert_int_equal(hosts_parse(bad[i].spec, &h, &n, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i].spec,
			    cause, bad[i].want);
		free(cause);
	}
}

/* Slots are taken first host first; a taken one is passed over. */
static void
test_acquire(void **state)
{
	struct host	*h;
	unsigned char	 skip[2] = { 0, 0 };
	size_t		 n;
	char		 dir[] = "/tmp/cr-test-hosts.XXXXXX", *cause = NULL;
	int		 fd[4], k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hosts_parse("a/2 b/1", &h, &n, &cause), 0);
	assert_int_equal(hosts_acquire(h, n, dir, skip, &fd[0], &cause), 0);
	assert_int_equal(hosts_acquire(h, n, dir, skip, &fd[1], &cause), 0);
	assert_int_equal(hosts_acquire(h, n, dir, skip, &fd[2], &cause), 1);
	/* A slot given back is taken again. */
	close(fd[1]);
	assert_int_equal(hosts_acquire(h, n, dir, skip, &fd[1], &cause), 0);
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
	/* A host passed over is never chosen; none left is an error. */
	skip[0] = 1;
	assert_int_equal(hosts_acquire(h, n, dir, skip, &fd[3], &cause), 1);
	close(fd[3]);
	skip[1] = 1;
	k = hosts_acquire(h, n, dir, skip, &fd[3], &cause);
	assert_int_equal(k, -1);
	assert_non_null(strstr(cause, "no host"));
	free(cause);
	hosts_free(h, n);
	assert_int_equal(remove_tree(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_acquire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
