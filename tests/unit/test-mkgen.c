/* test-mkgen.c: generated Makefiles: path checks, shape, and make's view of them. */
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
#include "mkgen.h"
#include "util.h"

static void
test_check_path(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(mkgen_check_path("pkg/mod_1.py", &cause), 0);
	assert_int_equal(mkgen_check_path("/abs/dir-x/a.b.py", &cause), 0);
	assert_int_equal(mkgen_check_path("a b.py", &cause), -1);
	assert_non_null(strstr(cause, "'a b.py'"));
	free(cause);
	assert_int_equal(mkgen_check_path("a:b.py", &cause), -1);
	free(cause);
	assert_int_equal(mkgen_check_path("a$b.py", &cause), -1);
	free(cause);
	assert_int_equal(mkgen_check_path("100%.py", &cause), -1);
	free(cause);
	assert_int_equal(mkgen_check_path("", &cause), -1);
	free(cause);
}

/* In the order make should start them: longest expected run first. */
static const char *ids[] = { "00000000000000ba", "00000000000000aa",
    "00000000000000ab" };

/* Run make -n on a generated Makefile and return what it prints. */
static char *
make_dry_run(const char *dir, const char *extra)
{
	struct buf	 out = { 0 };
	char		*cmd, line[4096];
	FILE		*f;

	cmd = xasprintf("make -n -f %s/Makefile %s 2>&1", dir, extra);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		buf_adds(&out, line);
	pclose(f);
	free(cmd);
	return buf_detach(&out);
}

static void
put_stamp(const char *dir, const char *id, const char *text)
{
	char	*p, *cause = NULL;

	p = xasprintf("%s/stamps/%s", dir, id);
	assert_int_equal(file_write_atomic(p, text, strlen(text), &cause), 0);
	free(p);
}

static void
test_make_sees_targets(void **state)
{
	char		 dir[] = "/tmp/cr-test-mkgen.XXXXXX";
	char		*mk, *path, *out, *cause = NULL, *p, *ba, *aa, *ab;
	struct mkgen	 g;
	size_t		 i;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mk = xasprintf("%s/crmake.mk", dir);
	f = fopen(mk, "w");
	assert_non_null(f);
	/* The real static rules, copied so the test needs no install. */
	{
		struct buf b = { 0 };
		assert_int_equal(file_read(ABS_TOP_SRCDIR "/mk/crmake.mk", &b,
		    &cause), 0);
		fwrite(b.data, 1, b.len, f);
		buf_free(&b);
	}
	fclose(f);
	p = xasprintf("%s/stamps", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	for (i = 0; i < 3; i++)
		put_stamp(dir, ids[i], "inputs\n");

	memset(&g, 0, sizeof g);
	g.session = dir;
	g.root = "/nonexistent/root";
	g.runner = "/opt/cr/cr-run-one";
	g.reporter = "/opt/cr/cr-report";
	g.mk = mk;
	g.ids = ids;
	g.n = 3;
	path = xasprintf("%s/Makefile", dir);
	assert_int_equal(mkgen_write(path, &g, &cause), 0);

	/* Every mutant is a target, in the given order; the recipe names the runner and the ID. */
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, "/opt/cr/cr-run-one  -o "));
	assert_non_null(strstr(out, "/results/00000000000000aa.json"));
	ba = strstr(out, " 00000000000000ba && ");
	aa = strstr(out, " 00000000000000aa && ");
	ab = strstr(out, " 00000000000000ab && ");
	assert_true(ba != NULL && aa != NULL && ab != NULL);
	assert_true(ba < aa && aa < ab);
	free(out);

	/* Variables override the runner and add a launcher. */
	out = make_dry_run(dir, "CR_RUN_ONE=/x/run CR_LAUNCH='srun -n1'");
	assert_non_null(strstr(out, "srun -n1 /x/run  -o "));
	free(out);

	/* A present result file newer than its stamp is up to date. */
	p = xasprintf("%s/results", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	p = xasprintf("%s/results/00000000000000ba.json", dir);
	sleep(1);
	assert_int_equal(file_write_atomic(p, "{}\n", 3, &cause), 0);
	free(p);
	out = make_dry_run(dir, "");
	assert_null(strstr(out, " 00000000000000ba && "));
	assert_non_null(strstr(out, " 00000000000000aa && "));
	free(out);

	/* A rewritten stamp makes its mutant out of date again, and only it. */
	p = xasprintf("%s/results/00000000000000aa.json", dir);
	assert_int_equal(file_write_atomic(p, "{}\n", 3, &cause), 0);
	free(p);
	sleep(1);
	put_stamp(dir, "00000000000000ba", "changed\n");
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, " 00000000000000ba && "));
	assert_null(strstr(out, " 00000000000000aa && "));
	free(out);

	/* A missing stamp is an error that says what to do. */
	p = xasprintf("%s/stamps/00000000000000ab", dir);
	assert_int_equal(unlink(p), 0);
	free(p);
	out = make_dry_run(dir, "-k");
	assert_non_null(strstr(out, "run cr-plan again"));
	free(out);

	free(path);
	free(mk);
	remove_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_path),
		cmocka_unit_test(test_make_sees_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
