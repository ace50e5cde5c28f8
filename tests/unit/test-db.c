/* test-db.c: the session database: create, read back read-only, results, versions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "cleanup.h"
#include "db.h"
#include "mutant.h"
#include "result.h"
#include "util.h"

static char	dir[] = "/tmp/cr-test-db.XXXXXX";
static char	*path;

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	path = xasprintf("%s/session.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	remove_tree(dir);
	free(path);
	return 0;
}

static void
fill(struct mutant *m, const char *id, const char *op, uint32_t start)
{
	memset(m, 0, sizeof *m);
	strcpy(m->id, id);
	m->operator = (char *)op;
	m->start = start;
	m->end = start + 1;
	m->replacement = (char *)"-";
	m->line = 2;
	m->col = start;
	m->end_line = 2;
	m->end_col = start + 1;
	m->scope = (char *)"f";
}

static int
count(const struct planned *p, void *arg)
{
	char	**order = arg;
	size_t	  i;

	for (i = 0; order[i] != NULL; i++)
		;
	order[i] = xstrdup(p->id);
	return 0;
}

static void
test_round_trip(void **state)
{
	struct db	*db;
	struct mutant	 m;
	struct mutant_plan mp;
	struct planned	 p;
	struct planned_test *tv;
	struct result	 r;
	int64_t		 t1, t2, t3, sel[2];
	struct buf	 before = { 0 }, after = { 0 };
	char		*cause = NULL, *v, *content, *order[8] = { 0 }, *rpath;
	size_t		 len, i, nt;
	int64_t		 fid;

	(void)state;
	db = db_create(path, &cause);
	assert_non_null(db);
	assert_int_equal(db_begin(db, &cause), 0);
	assert_int_equal(db_config_set(db, "root", "/r", &cause), 0);
	assert_int_equal(db_config_set(db, "root", "/root", &cause), 0);
	fid = db_file_add(db, "pkg/a.py", "abc", "x = a+b\0z", 9, 1, &cause);
	assert_true(fid > 0);
	assert_int_equal(db_file_add(db, "pkg/a.py", "abc", "", 0, 0, &cause),
	    -1);
	free(cause);
	cause = NULL;
	t1 = db_test_add(db, "pytest", "tests/t.py::test_slow", "/p/t.py", 3,
	    2.0, 1.5, "f1", &cause);
	t2 = db_test_add(db, "pytest", "tests/t.py::test_fast[a b]", NULL, 0,
	    0.5, 0.25, "f2", &cause);
	t3 = db_test_add(db, "unittest", "t.T.test_mid", "/p/u.py", 9, 1.0,
	    1.0, "f3", &cause);
	assert_true(t1 > 0 && t2 > 0 && t3 > 0);
	/* One ID per runner. */
	assert_int_equal(db_test_add(db, "pytest", "tests/t.py::test_slow",
	    NULL, 0, 1, 1, "x", &cause), -1);
	free(cause);
	cause = NULL;
	memset(&mp, 0, sizeof mp);
	mp.sel = SEL_TESTS;
	strcpy(mp.inputs, "in-b2");
	mp.wall = 2.5;
	mp.cpu = 1.75;
	sel[0] = t1;
	sel[1] = t2;
	mp.tests = sel;
	mp.ntests = 2;
	fill(&m, "00000000000000b2", "core/ReplaceBinaryOperator_Add_Sub", 5);
	assert_int_equal(db_mutant_add(db, fid, &m, &mp, &cause), 0);
	memset(&mp, 0, sizeof mp);
	mp.sel = SEL_ALL;
	strcpy(mp.inputs, "in-a1");
	fill(&m, "00000000000000a1", "core/NumberReplacer", 1);
	m.skip = (char *)"pragma";
	assert_int_equal(db_mutant_add(db, fid, &m, &mp, &cause), 0);
	/* IDs are unique: a collision is reported, not stored. */
	assert_int_equal(db_mutant_add(db, fid, &m, &mp, &cause), -1);
	assert_non_null(strstr(cause, "00000000000000a1"));
	free(cause);
	cause = NULL;
	assert_int_equal(db_commit(db, &cause), 0);
	db_close(db);

	/* Read-only, as the runners open it. */
	db = db_open(path, 1, &cause);
	assert_non_null(db);
	v = db_config_get(db, "root");
	assert_string_equal(v, "/root");
	free(v);
	assert_null(db_config_get(db, "nope"));
	assert_int_equal(db_planned_get(db, "00000000000000b2", &p, &cause), 0);
	assert_string_equal(p.path, "pkg/a.py");
	assert_string_equal(p.sha256, "abc");
	assert_string_equal(p.operator, "core/ReplaceBinaryOperator_Add_Sub");
	assert_int_equal(p.start, 5);
	assert_int_equal(p.end, 6);
	assert_string_equal(p.replacement, "-");
	assert_string_equal(p.scope, "f");
	assert_null(p.skip);
	assert_int_equal(p.sel, SEL_TESTS);
	assert_string_equal(p.inputs, "in-b2");
	assert_true(p.wall == 2.5 && p.cpu == 1.75);
	planned_clear(&p);
	/* A mutant's tests, fastest first; every test for SEL_ALL. */
	assert_int_equal(db_mutant_tests(db, "00000000000000b2", &tv, &nt,
	    &cause), 0);
	assert_int_equal(nt, 2);
	assert_string_equal(tv[0].name, "tests/t.py::test_fast[a b]");
	assert_string_equal(tv[0].runner, "pytest");
	assert_true(tv[0].wall == 0.5 && tv[0].cpu == 0.25);
	assert_string_equal(tv[1].name, "tests/t.py::test_slow");
	planned_tests_free(tv, nt);
	assert_int_equal(db_mutant_tests(db, "00000000000000a1", &tv, &nt,
	    &cause), 0);
	assert_int_equal(nt, 3);
	assert_string_equal(tv[0].name, "tests/t.py::test_fast[a b]");
	assert_string_equal(tv[1].name, "t.T.test_mid");
	assert_string_equal(tv[1].runner, "unittest");
	assert_string_equal(tv[2].name, "tests/t.py::test_slow");
	planned_tests_free(tv, nt);
	assert_int_equal(db_planned_get(db, "00000000000000a1", &p, &cause), 0);
	assert_int_equal(p.sel, SEL_ALL);
	planned_clear(&p);
	assert_int_equal(db_planned_get(db, "ffffffffffffffff", &p, &cause),
	    -1);
	assert_non_null(strstr(cause, "ffffffffffffffff"));
	free(cause);
	cause = NULL;
	content = db_file_content(db, "pkg/a.py", &len);
	assert_int_equal(len, 9);
	assert_memory_equal(content, "x = a+b\0z", 9);
	free(content);
	/* Plan order, not ID order. */
	assert_int_equal(db_planned_foreach(db, count, order), 0);
	assert_string_equal(order[0], "00000000000000b2");
	assert_string_equal(order[1], "00000000000000a1");
	assert_null(order[2]);
	for (i = 0; order[i] != NULL; i++)
		free(order[i]);
	/* A read-only session refuses writes. */
	memset(&r, 0, sizeof r);
	r.id = (char *)"00000000000000b2";
	assert_int_equal(db_result_put(db, &r, &cause), -1);
	free(cause);
	cause = NULL;
	db_close(db);

	/* Results go in read-write and come back, into results.db beside the
	 * plan; the plan's bytes never change. */
	assert_int_equal(file_read(path, &before, &cause), 0);
	db = db_open(path, 0, &cause);
	assert_non_null(db);
	memset(&r, 0, sizeof r);
	r.id = (char *)"00000000000000b2";
	r.outcome = OUTCOME_SURVIVED;
	r.exit_status = 0;
	r.duration = 1.5;
	r.output = (char *)"ok";
	r.sha256 = (char *)"abc";
	r.tests_run = -1;
	assert_int_equal(db_result_put(db, &r, &cause), 0);
	r.outcome = OUTCOME_KILLED;
	r.exit_status = -1;
	r.signal = 9;
	r.inputs = (char *)"in-b2";
	r.killed_by = (char *)"tests/t.py::test_fast[a b]";
	r.tests_run = 2;
	assert_int_equal(db_result_put(db, &r, &cause), 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(db_result_get(db, "00000000000000b2", &r, &cause), 1);
	assert_int_equal(r.outcome, OUTCOME_KILLED);
	assert_int_equal(r.exit_status, -1);
	assert_int_equal(r.signal, 9);
	assert_true(r.duration == 1.5);
	assert_string_equal(r.output, "ok");
	assert_string_equal(r.inputs, "in-b2");
	assert_string_equal(r.killed_by, "tests/t.py::test_fast[a b]");
	assert_int_equal(r.tests_run, 2);
	result_clear(&r);
	assert_int_equal(db_result_get(db, "00000000000000a1", &r, &cause), 0);
	db_close(db);
	assert_int_equal(file_read(path, &after, &cause), 0);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	rpath = xasprintf("%s/results.db", dir);
	assert_int_equal(access(rpath, F_OK), 0);
	free(rpath);
	buf_free(&before);
	buf_free(&after);
}

static void
test_bad_files(void **state)
{
	struct db	*db;
	sqlite3		*h;
	char		*cause = NULL, *p;

	(void)state;
	/* Missing. */
	p = xasprintf("%s/none.db", dir);
	assert_null(db_open(p, 1, &cause));
	assert_non_null(strstr(cause, "none.db"));
	free(cause);
	cause = NULL;
	/* Not a database. */
	assert_int_equal(file_write_atomic(p, "hello world, not sqlite", 23,
	    &cause), 0);
	assert_null(db_open(p, 1, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* A future schema version is refused with both versions named. */
	unlink(p);
	assert_int_equal(sqlite3_open(p, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version=99", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	db = db_open(p, 1, &cause);
	assert_null(db);
	assert_non_null(strstr(cause, "version 99"));
	free(cause);
	free(p);
}

static int
never(const char *runner, const char *name, const char *file, uint32_t line,
    void *arg)
{
	(void)runner;
	(void)name;
	(void)file;
	(void)line;
	(void)arg;
	fail_msg("a test row without a runner was passed on");
	return 0;
}

static int
never_planned(const struct planned *p, void *arg)
{
	(void)arg;
	fail_msg("mutant %s without a replacement was passed on", p->id);
	return 0;
}

static int
never_target(const char *id, double cost, void *arg)
{
	(void)id;
	(void)cost;
	(void)arg;
	fail_msg("a target without an ID was passed on");
	return 0;
}

/*
 * Rows that lack values the schema requires, as a damaged file reads (the
 * session reader's fuzz target found them): refused with a message, never
 * handed on as NULL strings.
 */
static void
test_damaged_rows(void **state)
{
	struct db		*db;
	struct mutant		 m;
	struct mutant_plan	 mp;
	struct planned		 p;
	struct planned_test	*tv;
	struct result		 r;
	sqlite3			*h;
	char			*cause = NULL;
	size_t			 nt;
	int64_t			 fid, t1;

	(void)state;
	db = db_create(path, &cause);
	assert_non_null(db);
	assert_int_equal(db_config_set(db, "root", "/root", &cause), 0);
	fid = db_file_add(db, "a.py", "abc", "x = a+b\n", 8, 1, &cause);
	t1 = db_test_add(db, "pytest", "t.py::test_a", "/p/t.py", 3, 1, 1,
	    "f1", &cause);
	assert_true(fid > 0 && t1 > 0);
	memset(&mp, 0, sizeof mp);
	mp.sel = SEL_TESTS;
	strcpy(mp.inputs, "in");
	mp.tests = &t1;
	mp.ntests = 1;
	fill(&m, "00000000000000c3", "core/ReplaceBinaryOperator_Add_Sub", 5);
	assert_int_equal(db_mutant_add(db, fid, &m, &mp, &cause), 0);
	db_close(db);

	/* Drop the NOT NULL constraints, then the values. */
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA writable_schema=ON; "
	    "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') "
	    "WHERE type = 'table'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE config SET value = NULL; "
	    "UPDATE mutants SET replacement = NULL; "
	    "UPDATE tests SET runner = NULL", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);

	db = db_open(path, 1, &cause);
	assert_non_null(db);
	assert_null(db_config_get(db, "root"));
	assert_int_equal(db_planned_get(db, "00000000000000c3", &p, &cause),
	    -1);
	assert_non_null(strstr(cause, "00000000000000c3"));
	assert_non_null(strstr(cause, "no replacement"));
	assert_null(p.id);
	free(cause);
	cause = NULL;
	assert_int_equal(db_planned_foreach(db, never_planned, NULL), -1);
	assert_int_equal(db_mutant_tests(db, "00000000000000c3", &tv, &nt,
	    &cause), -1);
	assert_null(tv);
	assert_int_equal(nt, 0);
	assert_non_null(strstr(cause, "no runner"));
	free(cause);
	cause = NULL;
	assert_int_equal(db_tests_foreach(db, never, NULL), -1);
	db_close(db);

	/* Without an ID, the mutant is no target; its stored verdict is none. */
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE mutants SET id = NULL, "
	    "replacement = '-'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	db = db_open(path, 0, &cause);
	assert_non_null(db);
	assert_int_equal(db_target_costs(db, never_target, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no ID"));
	free(cause);
	cause = NULL;
	memset(&r, 0, sizeof r);
	r.id = (char *)"00000000000000c3";
	r.outcome = OUTCOME_KILLED;
	assert_int_equal(db_result_put(db, &r, &cause), 0);
	db_close(db);
	h = NULL;
	cause = xasprintf("%s/results.db", dir);
	assert_int_equal(sqlite3_open(cause, &h), SQLITE_OK);
	free(cause);
	cause = NULL;
	assert_int_equal(sqlite3_exec(h, "PRAGMA writable_schema=ON; "
	    "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') "
	    "WHERE type = 'table'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	cause = xasprintf("%s/results.db", dir);
	assert_int_equal(sqlite3_open(cause, &h), SQLITE_OK);
	free(cause);
	cause = NULL;
	assert_int_equal(sqlite3_exec(h, "UPDATE results SET outcome = NULL",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	db = db_open(path, 0, &cause);
	assert_non_null(db);
	assert_int_equal(db_result_get(db, "00000000000000c3", &r, &cause), 1);
	assert_int_equal(r.outcome, OUTCOME_PENDING);
	result_clear(&r);
	db_close(db);
}

static int
collect_source(const char *path, void *arg)
{
	buf_adds(arg, path);
	buf_addc(arg, '|');
	return 0;
}

static int
stop_at_first(const char *path, void *arg)
{
	(void)path;
	(void)arg;
	return 7;
}

/* The files whose edits make a plan stale: any name, each once, in order. */
static void
test_sources(void **state)
{
	struct db	*db;
	struct buf	 got = { 0 };
	sqlite3		*h;
	char		*cause = NULL;

	(void)state;
	db = db_create(path, &cause);
	assert_non_null(db);
	assert_int_equal(db_source_add(db, "/p/b\nnew\nline.py", &cause), 0);
	assert_int_equal(db_source_add(db, "/p/a b$#:;'.py", &cause), 0);
	assert_int_equal(db_source_add(db, "/p/a b$#:;'.py", &cause), 0);
	db_close(db);
	db = db_open(path, 1, &cause);
	assert_non_null(db);
	assert_int_equal(db_sources_foreach(db, collect_source, &got, &cause),
	    0);
	assert_string_equal(buf_str(&got), "/p/a b$#:;'.py|/p/b\nnew\nline.py|");
	assert_int_equal(db_sources_foreach(db, stop_at_first, NULL, &cause),
	    7);
	db_close(db);

	/* A row without a path is damage, said so. */
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "INSERT INTO sources VALUES (NULL)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	db = db_open(path, 1, &cause);
	assert_non_null(db);
	assert_int_equal(db_sources_foreach(db, collect_source, &got, &cause),
	    -1);
	assert_non_null(strstr(cause, "without a path"));
	free(cause);
	db_close(db);
	buf_free(&got);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_damaged_rows),
		cmocka_unit_test(test_sources),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
