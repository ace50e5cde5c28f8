/* test-result.c: writing and reading result files. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
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
#include "result.h"
#include "util.h"

static char	*dir;

static int
setup(void **state)
{
	(void)state;
	dir = xstrdup("/tmp/test-result.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
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

static char *
path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
write_text(const char *path, const char *text)
{
	char	*cause = NULL;

	if (file_write_atomic(path, text, strlen(text), &cause) == -1)
		fail_msg("%s", cause);
}

static void
sample(struct result *r)
{
	memset(r, 0, sizeof *r);
	r->id = xstrdup("0123456789abcdef");
	r->outcome = OUTCOME_KILLED;
	r->exit_status = 1;
	r->signal = 0;
	r->duration = 1.25;
	r->output = xstrdup("FAILED test_x.py::test_a - assert 1 == 2\n"
	    "\"q\" \\ \t\xc3\xa9\n");
	r->path = xstrdup("pkg/mod.py");
	r->line = 12;
	r->col = 4;
	r->operator = xstrdup("core/ReplaceBinaryOperator_Add_Sub");
	r->sha256 = xstrdup("e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	r->inputs = xstrdup("9f86d081884c7d659a2feaa0c55ad015"
	    "a3bf4f1b2b0b822cd15d6c15b0f00a08");
	r->selection = xstrdup("tests");
	r->tests_run = 3;
	r->set_aside = 2;
	r->killed_by = xstrdup("tests/test_x.py::test_a[1-\xc3\xa9 ]");
	r->mode = xstrdup("cold");
	r->cold_reason = xstrdup("the worker was starting");
	r->cpu = 0.5;
	r->tests_seconds = 0.25;
	r->plan = xstrdup("e50fb8f9054288b35d6a2da2e9b43bf0"
	    "a4b713d77144d2e779313602df1f70d4");
	r->host = xstrdup("node-7.example");
	r->slurm_job = xstrdup("4242");
	r->slurm_step = xstrdup("17");
	r->slurm_node = xstrdup("node7");
}

static void
test_names(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < OUTCOME_COUNT; i++)
		assert_int_equal(outcome_parse(outcome_name(i)), i);
	assert_string_equal(outcome_name(OUTCOME_TIMEOUT), "timeout");
	assert_int_equal(outcome_parse("killed"), OUTCOME_KILLED);
	assert_int_equal(outcome_parse("Killed"), -1);
	assert_int_equal(outcome_parse(""), -1);
}

static void
test_round_trip(void **state)
{
	struct result	 r, back;
	struct buf	 b = { 0 };
	char		*path = path_in("r.json"), *cause = NULL;
	const char	*want;

	(void)state;
	sample(&r);
	assert_int_equal(result_write(path, &r, &cause), 0);
	assert_int_equal(result_read(path, &back, &cause), 0);
	assert_string_equal(back.id, r.id);
	assert_int_equal(back.outcome, OUTCOME_KILLED);
	assert_int_equal(back.exit_status, 1);
	assert_int_equal(back.signal, 0);
	assert_true(back.duration == 1.25);
	assert_string_equal(back.output, r.output);
	assert_string_equal(back.path, "pkg/mod.py");
	assert_int_equal(back.line, 12);
	assert_int_equal(back.col, 4);
	assert_string_equal(back.operator, r.operator);
	assert_string_equal(back.sha256, r.sha256);
	assert_string_equal(back.inputs, r.inputs);
	assert_string_equal(back.selection, "tests");
	assert_int_equal(back.tests_run, 3);
	assert_int_equal(back.set_aside, 2);
	assert_string_equal(back.killed_by, r.killed_by);
	assert_null(back.limit);
	assert_string_equal(back.mode, "cold");
	assert_string_equal(back.cold_reason, "the worker was starting");
	assert_true(back.cpu == 0.5);
	assert_true(back.tests_seconds == 0.25);
	assert_string_equal(back.plan, r.plan);
	assert_string_equal(back.host, "node-7.example");
	assert_string_equal(back.slurm_job, "4242");
	assert_string_equal(back.slurm_step, "17");
	assert_string_equal(back.slurm_node, "node7");
	result_clear(&back);

	/* One object, one line, a trailing newline, nulls for absent numbers. */
	r.outcome = OUTCOME_TIMEOUT;
	r.exit_status = -1;
	r.signal = 9;
	r.limit = xstrdup("cpu");
	r.tests_run = -1;
	r.tests_seconds = -1;
	assert_int_equal(result_write(path, &r, &cause), 0);
	assert_int_equal(file_read(path, &b, &cause), 0);
	assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
	assert_null(memchr(b.data, '\n', b.len - 1));
	want = "{\"version\":2,\"id\":\"0123456789abcdef\",\"outcome\":"
	    "\"timeout\",\"exit_status\":null,\"signal\":9,\"duration\":1.250,"
	    "\"cpu\":0.500,\"tests_seconds\":null,\"path\":\"pkg/mod.py\","
	    "\"line\":12,\"col\":4,";
	assert_memory_equal(b.data, want, strlen(want));
	assert_int_equal(result_read(path, &back, &cause), 0);
	assert_int_equal(back.outcome, OUTCOME_TIMEOUT);
	assert_int_equal(back.exit_status, -1);
	assert_int_equal(back.signal, 9);
	assert_string_equal(back.limit, "cpu");
	assert_int_equal(back.tests_run, -1);
	result_clear(&back);

	/* Output with NUL bytes and bad UTF-8 still reads back. */
	free(r.output);
	r.output = xstrdup("bad \xff byte");
	r.exit_status = 0;
	r.signal = 0;
	r.outcome = OUTCOME_SURVIVED;
	assert_int_equal(result_write(path, &r, &cause), 0);
	assert_int_equal(result_read(path, &back, &cause), 0);
	assert_string_equal(back.output, "bad \xef\xbf\xbd byte");
	assert_int_equal(back.exit_status, 0);
	assert_int_equal(back.signal, 0);
	result_clear(&back);

	buf_free(&b);
	result_clear(&r);
	free(path);
}

static void
test_atomic(void **state)
{
	struct result	 r;
	struct dirent	*de;
	DIR		*d;
	char		*path = path_in("a.json"), *cause = NULL;
	int		 n = 0;

	(void)state;
	sample(&r);
	write_text(path, "old");
	assert_int_equal(result_write(path, &r, &cause), 0);
	assert_int_equal(result_write(path, &r, &cause), 0);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "a.json", 6) == 0) {
			assert_string_equal(de->d_name, "a.json");
			n++;
		}
	}
	closedir(d);
	assert_int_equal(n, 1);

	/* A directory that does not exist: an error, and nothing written. */
	free(path);
	path = path_in("nodir/a.json");
	assert_int_equal(result_write(path, &r, &cause), -1);
	assert_non_null(strstr(cause, "nodir/a.json"));
	free(cause);
	result_clear(&r);
	free(path);
}

/* Write text, read it as a result and check the message. */
static void
rejects(const char *text, const char *want)
{
	struct result	 r;
	char		*path = path_in("bad.json"), *cause = NULL, *full;

	write_text(path, text);
	assert_int_equal(result_read(path, &r, &cause), -1);
	assert_null(r.id);
	assert_null(r.output);
	full = xasprintf("%s%s", path, want);
	if (strcmp(cause, full) != 0)
		fail_msg("got '%s', want '%s'", cause, full);
	free(full);
	free(cause);
	free(path);
}

#define GOOD_TAIL "\"path\":\"a.py\",\"line\":1,\"col\":0," \
	"\"operator\":\"o\",\"sha256\":\"s\",\"output\":\"\"}"
#define GOOD_TAIL_NOBRACE "\"path\":\"a.py\",\"line\":1,\"col\":0," \
	"\"operator\":\"o\",\"sha256\":\"s\",\"output\":\"\""

static void
test_malformed(void **state)
{
	struct result	 r;
	char		*cause = NULL, *path;

	(void)state;
	/* The JSON reader's own words (jansson's), after the position. */
	rejects("", ":1:1: unexpected token near end of file");
	rejects("{\"version\":1,", ":1:13: string or '}' expected near end of "
	    "file");
	rejects("[1]", ": not a JSON object");
	rejects("{}", ": missing 'version'");
	rejects("{\"version\":3}", ": unsupported version 3 (expected 1 to 2)");
	rejects("{\"version\":0}", ": unsupported version 0 (expected 1 to 2)");
	rejects("{\"version\":\"1\"}", ": 'version' is a string, not a number");
	rejects("{\"version\":1.5}", ": 'version' is not an integer from 0 to "
	    "2147483647");
	rejects("{\"version\":1,\"id\":7}", ": 'id' is a number, not a string");
	rejects("{\"version\":1,\"id\":\"\"}", ": 'id' is empty");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"dead\"}",
	    ": unknown outcome 'dead'");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":true}", ": 'exit_status' is a boolean, not a number "
	    "or null");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":-1}", ": 'exit_status' is not an integer from 0 to "
	    "2147483647");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":null}",
	    ": 'duration' is null, not a number");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":-1}",
	    ": 'duration' is negative");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    "\"path\":\"a.py\",\"line\":4294967296}",
	    ": 'line' is not an integer from 0 to 4294967295");
	rejects("{\"version\":1,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    "\"path\":\"a.py\",\"line\":1,\"col\":0,\"operator\":\"o\","
	    "\"sha256\":\"s\"}", ": missing 'output'");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"killed_by\":3}",
	    ": 'killed_by' is not a string");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"cold_reason\":[]}",
	    ": 'cold_reason' is not a string");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"tests_run\":-2}",
	    ": 'tests_run' is not an integer from 0 to 2147483647");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"set_aside\":1.5}",
	    ": 'set_aside' is not an integer from 0 to 2147483647");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"set_aside\":null}",
	    ": 'set_aside' is null, not a number");
	rejects("{\"version\":2,\"id\":\"x\",\"outcome\":\"killed\","
	    "\"exit_status\":1,\"signal\":null,\"duration\":1,"
	    GOOD_TAIL_NOBRACE ",\"cpu\":\"1\"}",
	    ": 'cpu' is not a number of seconds");

	/* The smallest valid file, with an unknown extra key. */
	path = path_in("good.json");
	write_text(path, "{\"version\":1,\"id\":\"x\",\"outcome\":\"pending\","
	    "\"exit_status\":null,\"signal\":null,\"duration\":0,\"extra\":[],"
	    GOOD_TAIL "\n");
	assert_int_equal(result_read(path, &r, &cause), 0);
	assert_int_equal(r.outcome, OUTCOME_PENDING);
	assert_int_equal(r.exit_status, -1);
	assert_int_equal(r.tests_run, -1);
	assert_int_equal(r.set_aside, 0);
	assert_null(r.inputs);
	assert_null(r.killed_by);
	assert_null(r.cold_reason);
	assert_null(r.plan);
	assert_null(r.host);
	assert_null(r.slurm_job);
	result_clear(&r);
	free(path);

	/* A missing file names the file and the reason. */
	path = path_in("none.json");
	assert_int_equal(result_read(path, &r, &cause), -1);
	assert_non_null(strstr(cause, "none.json: No such file"));
	free(cause);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
