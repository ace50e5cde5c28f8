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

static char *ids_a[] = { "00000000000000aa", "00000000000000ab" };
static char *ids_b[] = { "00000000000000ba" };

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
test_make_sees_targets(void **state)
{
	char			 dir[] = "/tmp/cr-test-mkgen.XXXXXX";
	char			*mk, *path, *out, *cause = NULL, *p;
	struct mkgen_file	 files[2];
	struct mkgen		 g;
	FILE			*f;

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
	p = xasprintf("%s/root/pkg", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	p = xasprintf("%s/root/pkg/a.py", dir);
	assert_int_equal(file_write_atomic(p, "x = 1\n", 6, &cause), 0);
	free(p);
	p = xasprintf("%s/root/pkg/b.py", dir);
	assert_int_equal(file_write_atomic(p, "y = 2\n", 6, &cause), 0);
	free(p);
	p = xasprintf("%s/config.stamp", dir);
	assert_int_equal(file_write_atomic(p, "s\n", 2, &cause), 0);
	free(p);

	files[0].path = "pkg/a.py";
	files[0].ids = ids_a;
	files[0].n = 2;
	files[1].path = "pkg/b.py";
	files[1].ids = ids_b;
	files[1].n = 1;
	memset(&g, 0, sizeof g);
	g.session = dir;
	g.root = p = xasprintf("%s/root", dir);
	g.runner = "/opt/cr/cr-run-one";
	g.reporter = "/opt/cr/cr-report";
	g.mk = mk;
	g.files = files;
	g.nfiles = 2;
	path = xasprintf("%s/Makefile", dir);
	assert_int_equal(mkgen_write(path, &g, &cause), 0);

	/* Every mutant is a target; the recipe names the runner and the ID. */
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, "/opt/cr/cr-run-one  -o "));
	assert_non_null(strstr(out, "/results/00000000000000aa.json"));
	assert_non_null(strstr(out, " 00000000000000ab\n"));
	assert_non_null(strstr(out, " 00000000000000ba\n"));
	free(out);

	/* Variables override the runner and add a launcher. */
	out = make_dry_run(dir, "CR_RUN_ONE=/x/run CR_LAUNCH='srun -n1'");
	assert_non_null(strstr(out, "srun -n1 /x/run  -o "));
	free(out);

	/* A present, newer result file is up to date: make leaves it alone. */
	p = xasprintf("%s/results", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	p = xasprintf("%s/results/00000000000000ba.json", dir);
	sleep(1);
	assert_int_equal(file_write_atomic(p, "{}\n", 3, &cause), 0);
	free(p);
	out = make_dry_run(dir, "");
	assert_null(strstr(out, " 00000000000000ba\n"));
	assert_non_null(strstr(out, " 00000000000000aa\n"));
	free(out);

	/* Touching the source makes its mutants out of date again. */
	sleep(1);
	p = xasprintf("%s/root/pkg/b.py", dir);
	assert_int_equal(file_write_atomic(p, "y = 3\n", 6, &cause), 0);
	free(p);
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, " 00000000000000ba\n"));
	free(out);

	free((char *)g.root);
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
