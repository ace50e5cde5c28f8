/* test-pyhooks.c: the hooks' environment, selection files and records. */
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
#include "json.h"
#include "pyhooks.h"
#include "util.h"

static char	*dir;

static int
setup(void **state)
{
	(void)state;
	dir = xstrdup("/tmp/cr-test-pyhooks.XXXXXX");
	assert_non_null(mkdtemp(dir));
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

static const char *
find(char **env, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; env[i] != NULL; i++) {
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	}
	return NULL;
}

static void
test_env(void **state)
{
	struct pyhooks_spec	 s;
	char			**env;

	(void)state;
	memset(&s, 0, sizeof s);
	s.pydir = "/usr/share/crmake/python";
	s.record = "/tmp/r.jsonl";
	s.runner = "auto";
	setenv("PYTHONPATH", "/mine:/other", 1);
	env = pyhooks_env(&s);
	assert_string_equal(find(env, "PYTHONPATH"),
	    "/usr/share/crmake/python:/mine:/other");
	assert_string_equal(find(env, "CRMAKE_PROTOCOL"), "1");
	assert_string_equal(find(env, "CRMAKE_RECORD"), "/tmp/r.jsonl");
	assert_string_equal(find(env, "CRMAKE_RUNNER"), "auto");
	assert_null(find(env, "CRMAKE_SELECT"));
	assert_null(find(env, "CRMAKE_COVERAGE"));
	pyhooks_env_free(env);

	unsetenv("PYTHONPATH");
	s.runner = NULL;
	s.select = "/tmp/sel";
	s.coverage = "/tmp/cov";
	s.include = "/tmp/inc";
	env = pyhooks_env(&s);
	assert_string_equal(find(env, "PYTHONPATH"), "/usr/share/crmake/python");
	assert_null(find(env, "CRMAKE_RUNNER"));
	assert_string_equal(find(env, "CRMAKE_SELECT"), "/tmp/sel");
	assert_string_equal(find(env, "CRMAKE_COVERAGE"), "/tmp/cov");
	assert_string_equal(find(env, "CRMAKE_COVERAGE_INCLUDE"), "/tmp/inc");
	pyhooks_env_free(env);
}

static void
test_selection(void **state)
{
	static const char *const runners[] = { "pytest", "unittest" };
	static const char *const ids[] = { "t.py::test[a \"b\"\n]",
	    "t.T.test_\xc3\xa9" };
	struct buf	 b = { 0 };
	struct json	*j;
	char		*p, *cause = NULL, *nl;

	(void)state;
	p = xasprintf("%s/selection", dir);
	assert_int_equal(pyhooks_write_selection(p, runners, ids, 2, &cause),
	    0);
	assert_int_equal(file_read(p, &b, &cause), 0);
	/* One JSON object per line, whatever the ID holds. */
	nl = strchr(b.data, '\n');
	assert_non_null(nl);
	j = json_parse(b.data, (size_t)(nl - b.data), &cause);
	assert_non_null(j);
	assert_string_equal(json_get(j, "runner")->string, "pytest");
	assert_string_equal(json_get(j, "id")->string, ids[0]);
	json_free(j);
	j = json_parse(nl + 1, strlen(nl + 1), &cause);
	assert_non_null(j);
	assert_string_equal(json_get(j, "id")->string, ids[1]);
	json_free(j);
	buf_free(&b);
	free(p);
}

static void
put(const char *name, const char *text)
{
	char	*p, *cause = NULL;

	p = xasprintf("%s/%s", dir, name);
	assert_int_equal(file_write_atomic(p, text, strlen(text), &cause), 0);
	free(p);
}

static void
test_records(void **state)
{
	struct pyhooks_run	 r;
	char			*p, *cause = NULL;

	(void)state;
	put("rec", "{\"type\":\"boot\",\"pid\":1}\n"
	    "{\"type\":\"runner\",\"runner\":\"pytest\",\"conftest\":"
	    "[\"/p/conftest.py\",\"/p/conftest.py\",\"/p/t/conftest.py\"]}\n"
	    "{\"type\":\"test\",\"runner\":\"pytest\",\"id\":\"t.py::a\","
	    "\"file\":\"/p/t.py\",\"line\":3,\"wall\":0.5,\"cpu\":0.25,"
	    "\"outcome\":\"passed\"}\n"
	    "\n"
	    "{\"type\":\"test\",\"runner\":\"unittest\",\"id\":\"t.T.b\","
	    "\"file\":\"rel.py\",\"line\":null,\"wall\":1,\"cpu\":-3,"
	    "\"outcome\":\"failed\"}\n"
	    "{\"type\":\"test\",\"runner\":\"pytest\",\"id\":\"t.py::a\","
	    "\"file\":\"/p/t.py\",\"line\":3,\"wall\":0.5,\"cpu\":0.25,"
	    "\"outcome\":\"passed\"}\n"
	    "{\"type\":\"test\",\"runner\":\"nose\",\"id\":\"x\"}\n"
	    "{\"type\":\"error\",\"what\":\"coverage\",\"message\":\"No module "
	    "named 'coverage'\"}\n"
	    "{\"type\":\"error\",\"what\":\"hook\",\"message\":\"second\"}\n"
	    "{\"type\":\"future\",\"x\":1}\n"
	    "{\"type\":\"result\",\"runner\":\"pytest\",\"found\":[0,2,2,9,-1,"
	    "1.5],\"ran\":2,\"failed\":\"t.py::a\"}\n"
	    "{\"type\":\"result\",\"runner\":\"unittest\",\"found\":[1],"
	    "\"ran\":1,\"failed\":null}\n"
	    "{\"type\":\"test\",\"runner\":\"pytest\",\"id\":\"cut sh");
	p = xasprintf("%s/rec", dir);
	assert_int_equal(pyhooks_read(p, 3, &r, &cause), 0);
	assert_true(r.booted);
	assert_int_equal(r.runners, PYHOOKS_PYTEST | PYHOOKS_UNITTEST);
	assert_int_equal(r.nconftest, 2);
	/* Unique per runner, a second run of a test adds up. */
	assert_int_equal(r.ntests, 2);
	assert_string_equal(r.tests[0].id, "t.py::a");
	assert_string_equal(r.tests[0].file, "/p/t.py");
	assert_int_equal(r.tests[0].line, 3);
	assert_true(r.tests[0].wall == 1.0 && r.tests[0].cpu == 0.5);
	assert_false(r.tests[0].failed);
	assert_string_equal(r.tests[1].runner, "unittest");
	assert_null(r.tests[1].file);
	assert_int_equal(r.tests[1].line, 0);
	assert_true(r.tests[1].cpu == 0);
	assert_true(r.tests[1].failed);
	assert_string_equal(r.error, "coverage: No module named 'coverage'");
	/* Selection results: lines found by any runner, in range. */
	assert_int_equal(r.results, 2);
	assert_int_equal(r.nfound, 3);
	assert_true(r.found[0] && r.found[1] && r.found[2]);
	assert_int_equal(r.ran, 3);
	assert_string_equal(r.failed, "t.py::a");
	pyhooks_run_free(&r);

	/* A missing file is an empty one. */
	free(p);
	p = xasprintf("%s/none", dir);
	assert_int_equal(pyhooks_read(p, 0, &r, &cause), 0);
	assert_false(r.booted);
	assert_int_equal(r.ntests, 0);
	pyhooks_run_free(&r);

	/* A malformed line is an error with its position. */
	free(p);
	put("bad", "{\"type\":\"boot\"}\n{\"type\":\n");
	p = xasprintf("%s/bad", dir);
	assert_int_equal(pyhooks_read(p, 0, &r, &cause), -1);
	assert_non_null(strstr(cause, "/bad:2:"));
	free(cause);
	pyhooks_run_free(&r);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_records),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
