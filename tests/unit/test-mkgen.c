/* test-mkgen.c: generated Makefiles: shell words, shape, and make's view of them. */
#include "config.h"

#include <sys/stat.h>

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

/* Names of every kind a file system allows, each byte but NUL and '/'. */
static const char *names[] = {
	"plain-name_1.py", "a b", "tab\there", "new\nline", "end\n",
	"dollar$x$$y", "$(shell echo no)", "hash#x", "colon:x", "semi;x",
	"pct%x", "star*?[]x", "quote'x", "dq\"x", "back\\slash\\",
	"back\\#hash", "bq`x`", "eq=x", "pipe|x&y", "paren(x)", "-dash",
	"~tilde", "utf8-\xc3\xa9\xe2\x82\xac", "\x01\x7f\xff",
};

/* make runs a recipe and a variable holding the word; the shell must see the bytes. */
static void
test_shell_word(void **state)
{
	char		 dir[] = "/tmp/cr-test-mkgen.XXXXXX";
	char		 all[256];
	struct buf	 mk = { 0 }, got = { 0 };
	char		*path, *cmd, *cause = NULL;
	size_t		 i, j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 1, j = 0; i < 256; i++)
		if (i != '/')
			all[j++] = (char)i;
	all[j] = '\0';
	for (i = 0; i <= sizeof names / sizeof names[0]; i++) {
		const char *name = i < sizeof names / sizeof names[0] ?
		    names[i] : all;

		size_t n = strlen(name);
		int nl = name[n - 1] == '\n';

		buf_reset(&mk);
		buf_adds(&mk, "W := ");
		assert_int_equal(mkgen_shell_word(&mk, name, ""), nl ? -1 : 0);
		buf_adds(&mk, "\nall:\n\t@printf '%s|' ");
		assert_int_equal(mkgen_shell_word(&mk, name, "/"), 0);
		buf_addf(&mk, " $(W) >%s/out\n", dir);
		path = xasprintf("%s/Makefile", dir);
		assert_int_equal(file_write_atomic(path, mk.data, mk.len,
		    &cause), 0);
		cmd = xasprintf("make -s -f %s/Makefile", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
		free(path);
		path = xasprintf("%s/out", dir);
		buf_reset(&got);
		assert_int_equal(file_read(path, &got, &cause), 0);
		free(path);
		path = nl ? xasprintf("%s/|", name) :
		    xasprintf("%s/|%s|", name, name);
		assert_int_equal(got.len, strlen(path));
		assert_memory_equal(got.data, path, got.len);
		free(path);
		/* A plain word is written as it is. */
		buf_reset(&mk);
		mkgen_shell_word(&mk, name, "");
		if (i == 0)
			assert_string_equal(buf_str(&mk), name);
	}
	buf_free(&mk);
	buf_free(&got);
	remove_tree(dir);
}

/* In the order make should start them: longest expected run first. */
static const char *ids[] = { "00000000000000ba", "00000000000000aa",
    "00000000000000ab" };

/* Run make -n on a generated Makefile, from another directory, and return what it prints. */
static char *
make_dry_run(const char *dir, const char *extra)
{
	struct buf	 out = { 0 }, cmd = { 0 };
	char		 line[4096];
	FILE		*f;

	buf_adds(&cmd, "cd / && make -n -f ");
	buf_add_shquoted(&cmd, dir);
	buf_addf(&cmd, "/Makefile %s 2>&1", extra);
	f = popen(buf_str(&cmd), "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		buf_adds(&out, line);
	pclose(f);
	buf_free(&cmd);
	return buf_detach(&out);
}

static void
put_file(const char *dir, const char *name, const char *text)
{
	char	*p, *cause = NULL;

	p = xasprintf("%s/%s", dir, name);
	assert_int_equal(file_write_atomic(p, text, strlen(text), &cause), 0);
	free(p);
}

/* A stand-in for cr-run-one: the plan is stale when the session holds a file "stale". */
static const char runner[] = "#!/bin/sh\n"
    "if [ \"$1\" = --check-sources ]; then\n"
    "  [ ! -e stale ] || { echo 'crmake: changed since cr-plan ran: x.py' >&2; exit 1; }\n"
    "fi\n"
    "exit 0\n";

static void
test_make_sees_targets(void **state)
{
	char		 base[] = "/tmp/cr-test-mkgen.XXXXXX";
	char		*dir, *bin, *run, *path, *out, *cause = NULL, *p;
	char		*ba, *aa, *ab;
	struct mkgen	 g;
	size_t		 i;

	(void)state;
	assert_non_null(mkdtemp(base));
	/* A session and a program of names make cannot say. */
	dir = xasprintf("%s/s p$a#c'e\nx:y%%;*", base);
	bin = xasprintf("%s/b in$#'", base);
	p = xasprintf("%s/stamps", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	assert_int_equal(mkdir_p(bin, &cause), 0);
	put_file(bin, "cr-run-one", runner);
	put_file(base, "run", runner);
	run = xasprintf("%s/cr-run-one", bin);
	assert_int_equal(chmod(run, 0755), 0);
	p = xasprintf("%s/run", base);
	assert_int_equal(chmod(p, 0755), 0);
	free(p);
	for (i = 0; i < 3; i++) {
		p = xasprintf("stamps/%s", ids[i]);
		put_file(dir, p, "inputs\n");
		free(p);
	}

	memset(&g, 0, sizeof g);
	g.session = dir;
	g.runner = run;
	g.reporter = "/opt/cr/cr-report";
	g.mk = ABS_TOP_SRCDIR "/mk/crmake.mk";
	g.ids = ids;
	g.n = 3;
	path = xasprintf("%s/Makefile", dir);
	assert_int_equal(mkgen_write(path, &g, &cause), 0);

	/* Every mutant is a target, in the given order; the recipe names the runner and the ID. */
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, "/cr-run-one')\"  -o \"$(printf '%b' '"));
	assert_non_null(strstr(out, "')\"/results/00000000000000aa.json \"$(printf "));
	ba = strstr(out, " 00000000000000ba\n");
	aa = strstr(out, " 00000000000000aa\n");
	ab = strstr(out, " 00000000000000ab\n");
	assert_true(ba != NULL && aa != NULL && ab != NULL);
	assert_true(ba < aa && aa < ab);
	/* Without a launcher, cr-run-one's status is the target's. */
	assert_null(strstr(out, " 00000000000000ba && "));
	assert_null(strstr(out, "test -f"));
	free(out);

	/* Variables override the runner and add a launcher. */
	p = xasprintf("CR_RUN_ONE=%s/run CR_LAUNCH='srun -n1'", base);
	out = make_dry_run(dir, p);
	free(p);
	p = xasprintf("srun -n1 %s/run  -o \"$(printf ", base);
	assert_non_null(strstr(out, p));
	free(p);
	/* A launcher's status is not enough: the result must be there. */
	assert_non_null(strstr(out, " 00000000000000aa && { test -f "));
	free(out);

	/* A result file named as a goal, by any path, is made alone. */
	out = make_dry_run(dir, "/elsewhere/results/00000000000000aa.json");
	assert_non_null(strstr(out, " 00000000000000aa\n"));
	assert_null(strstr(out, " 00000000000000ba\n"));
	free(out);

	/* A present result file newer than its stamp is up to date. */
	p = xasprintf("%s/results", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	free(p);
	sleep(1);
	put_file(dir, "results/00000000000000ba.json", "{}\n");
	out = make_dry_run(dir, "");
	assert_null(strstr(out, " 00000000000000ba\n"));
	assert_non_null(strstr(out, " 00000000000000aa\n"));
	free(out);

	/* A rewritten stamp makes its mutant out of date again, and only it. */
	put_file(dir, "results/00000000000000aa.json", "{}\n");
	sleep(1);
	put_file(dir, "stamps/00000000000000ba", "changed\n");
	out = make_dry_run(dir, "");
	assert_non_null(strstr(out, " 00000000000000ba\n"));
	assert_null(strstr(out, " 00000000000000aa\n"));
	free(out);

	/* A missing stamp is an error that says what to do. */
	p = xasprintf("%s/stamps/00000000000000ab", dir);
	assert_int_equal(unlink(p), 0);
	free(p);
	out = make_dry_run(dir, "-k");
	assert_non_null(strstr(out, "stamps/00000000000000ab is missing: run cr-plan again"));
	free(out);

	/* A stale plan stops make before any mutant, saying what changed; a report still runs. */
	put_file(dir, "stale", "");
	out = make_dry_run(dir, "-k");
	assert_non_null(strstr(out, "changed since cr-plan ran: x.py"));
	assert_non_null(strstr(out, "crmake: run cr-plan again"));
	assert_null(strstr(out, " -o "));
	free(out);
	out = make_dry_run(dir, "report");
	assert_non_null(strstr(out, "/opt/cr/cr-report \"$(printf "));
	assert_null(strstr(out, "run cr-plan again"));
	free(out);

	free(path);
	free(run);
	free(bin);
	free(dir);
	remove_tree(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_word),
		cmocka_unit_test(test_make_sees_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
