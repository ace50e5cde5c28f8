/* test-diff.c: unit tests for the unified diff of one mutant. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"
#include "util.h"

/* Diff replacing the first occurrence of what (after skip bytes) by repl. */
static char *
diff_of(const char *src, const char *what, size_t skip, const char *repl,
    unsigned context)
{
	struct buf	 out = { 0 };
	const char	*p = strstr(src + skip, what);
	uint32_t	 start, end;

	assert_non_null(p);
	start = (uint32_t)(p - src);
	end = start + (uint32_t)strlen(what);
	assert_int_equal(diff_mutant_context("pkg/m.py", src, strlen(src), start,
	    end, repl, context, &out), 0);
	return buf_detach(&out);
}

static void
check(const char *src, const char *what, size_t skip, const char *repl,
    unsigned context, const char *want)
{
	char	*got = diff_of(src, what, skip, repl, context);

	assert_string_equal(got, want);
	free(got);
}

static void
test_one_line(void **state)
{
	(void)state;
	check("a = 1\nb = x + y\nc = 3\n", "+", 0, "-", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-b = x + y\n+b = x - y\n");
}

static void
test_first_and_last_line(void **state)
{
	(void)state;
	check("if True:\n    pass\n", "True", 0, "False", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1 +1 @@\n"
	    "-if True:\n+if False:\n");
	check("x = 1\ny = a < b\n", "<", 0, "<=", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-y = a < b\n+y = a <= b\n");
}

static void
test_crlf(void **state)
{
	(void)state;
	check("a = 1\r\nb = x + y\r\nc = 3\r\n", "+", 0, "-", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-b = x + y\r\n+b = x - y\r\n");
}

static void
test_no_newline_at_end(void **state)
{
	(void)state;
	check("a = 1\nb = x + y", "+", 0, "*", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-b = x + y\n\\ No newline at end of file\n"
	    "+b = x * y\n\\ No newline at end of file\n");
}

static void
test_multi_line_range(void **state)
{
	(void)state;
	check("for i in (a +\n          b):\n    f(i)\n", "(a +\n          b)", 0,
	    "[]", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1 @@\n"
	    "-for i in (a +\n-          b):\n+for i in []:\n");
}

static void
test_joins_lines(void **state)
{
	(void)state;
	check("a = [1,\n2]\nz = 0\n", ",\n", 0, ", ", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1 @@\n"
	    "-a = [1,\n-2]\n+a = [1, 2]\n");
}

static void
test_adds_lines(void **state)
{
	(void)state;
	check("def f():\n    return 1\n", "return 1", 0, "pass\n    return 1", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,0 +2 @@\n+    pass\n");
	check("x = 1\ny = 2\n", "1", 0, "(\n    1\n)", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1 +1,3 @@\n"
	    "-x = 1\n+x = (\n+    1\n+)\n");
}

static void
test_deletion(void **state)
{
	(void)state;
	check("@dec\ndef f():\n    pass\n", "@dec\n", 0, "", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1 +0,0 @@\n-@dec\n");
	check("x = 1\ny = 2\nz = 3\n", "y = 2\n", 0, "", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +1,0 @@\n-y = 2\n");
	/* Part of a line: the line is shown changed, not removed. */
	check("x = not y\n", "not ", 0, "", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1 +1 @@\n"
	    "-x = not y\n+x = y\n");
}

static void
test_repeated_lines(void **state)
{
	const char	*src = "@d\n@d\ndef f(): pass\n";

	(void)state;
	/* The second of two identical lines is deleted: the hunk says line 2. */
	check(src, "@d\n", 3, "", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +1,0 @@\n-@d\n");
	check(src, "@d\n", 0, "", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1 +0,0 @@\n-@d\n");
}

static void
test_newline_at_end_changes(void **state)
{
	(void)state;
	check("x = 1\ny = 2", "2", 0, "2\n", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-y = 2\n\\ No newline at end of file\n+y = 2\n");
	check("x = 1\ny = 2\n", "2\n", 0, "3", 0,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2 +2 @@\n"
	    "-y = 2\n+y = 3\n\\ No newline at end of file\n");
}

static void
test_context(void **state)
{
	const char	*src = "a\nb\nc\nd\ne\n";

	(void)state;
	check(src, "c", 0, "C", 1,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2,3 +2,3 @@\n"
	    " b\n-c\n+C\n d\n");
	check(src, "a", 0, "A", 2,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +1,3 @@\n"
	    "-a\n+A\n b\n c\n");
	check(src, "e", 0, "E", 3,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2,4 +2,4 @@\n"
	    " b\n c\n d\n-e\n+E\n");
	check(src, "c\n", 0, "", 1,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -2,3 +2,2 @@\n"
	    " b\n-c\n d\n");
	/* A context line without a newline gets the marker too. */
	check("a\nb", "a", 0, "A", 1,
	    "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,2 @@\n"
	    "-a\n+A\n b\n\\ No newline at end of file\n");
}

static void
test_empty_file(void **state)
{
	struct buf	out = { 0 };

	(void)state;
	assert_int_equal(diff_mutant("e.py", "", 0, 0, 0, "x\n", &out), 0);
	assert_string_equal(buf_str(&out),
	    "--- a/e.py\n+++ b/e.py\n@@ -0,0 +1 @@\n+x\n");
	buf_free(&out);
}

static void
test_unchanged(void **state)
{
	struct buf	out = { 0 };

	(void)state;
	assert_int_equal(diff_mutant("m.py", "a + b\n", 6, 2, 3, "+", &out), 0);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void
test_bad_range(void **state)
{
	struct buf	out = { 0 };

	(void)state;
	buf_adds(&out, "keep");
	assert_int_equal(diff_mutant("m.py", "a + b\n", 6, 3, 2, "-", &out), -1);
	assert_int_equal(diff_mutant("m.py", "a + b\n", 6, 2, 7, "-", &out), -1);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

static void
test_appends(void **state)
{
	struct buf	out = { 0 };

	(void)state;
	buf_adds(&out, "m.py:1:2 op\n");
	assert_int_equal(diff_mutant("m.py", "a + b\n", 6, 2, 3, "-", &out), 0);
	assert_string_equal(buf_str(&out), "m.py:1:2 op\n"
	    "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-a + b\n+a - b\n");
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_first_and_last_line),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_no_newline_at_end),
		cmocka_unit_test(test_multi_line_range),
		cmocka_unit_test(test_joins_lines),
		cmocka_unit_test(test_adds_lines),
		cmocka_unit_test(test_deletion),
		cmocka_unit_test(test_repeated_lines),
		cmocka_unit_test(test_newline_at_end_changes),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_bad_range),
		cmocka_unit_test(test_appends),
	};

	progname = "test-diff";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
