/* test-filter.c: unit tests for the plan-time filters: operator regexes and changed lines. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "filter.h"
#include "mutant.h"
#include "util.h"

static struct filter_ops *
ops_of(const char *const *includes, const char *const *excludes)
{
	struct filter_ops	*ops = filter_ops_new();
	char			*cause = NULL;

	for (; includes != NULL && *includes != NULL; includes++)
		assert_int_equal(filter_ops_add(ops, 0, *includes, &cause), 0);
	for (; excludes != NULL && *excludes != NULL; excludes++)
		assert_int_equal(filter_ops_add(ops, 1, *excludes, &cause), 0);
	assert_null(cause);
	return ops;
}

static void
test_default_set(void **state)
{
	struct filter_ops	*ops = filter_ops_new();

	(void)state;
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_RUN);
	assert_int_equal(filter_ops_check(NULL, "core/NumberReplacer"),
	    FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "crmake/ReplaceInWithNotIn"),
	    FILTER_DROP);
	/* Variable* mutants exist only when parameterised: that asks for them. */
	assert_int_equal(filter_ops_check(NULL, "core/VariableReplacer"),
	    FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "core/VariableInserter"),
	    FILTER_RUN);
	filter_ops_free(ops);
}

/* With --operators, Variable* runs only if a regex names it. */
static void
test_variable_needs_include(void **state)
{
	const char *const	 inc[] = { "core/Replace", NULL };
	struct filter_ops	*ops = ops_of(inc, NULL);

	(void)state;
	assert_int_equal(filter_ops_check(ops, "core/VariableReplacer"),
	    FILTER_DROP);
	filter_ops_free(ops);
}

/* Like Python's re.match: anchored at the start, not at the end. */
static void
test_include_anchored(void **state)
{
	const char *const	 inc[] = { "crmake/", "Sub", NULL };
	struct filter_ops	*ops = ops_of(inc, NULL);

	(void)state;
	assert_int_equal(filter_ops_check(ops, "crmake/ReplaceInWithNotIn"),
	    FILTER_RUN);
	/* "Sub" occurs in the ID but not at its start. */
	assert_int_equal(filter_ops_check(ops,
	    "core/ReplaceBinaryOperator_Add_Sub"), FILTER_DROP);
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_DROP);
	assert_int_equal(filter_ops_check(ops, "Subtract"), FILTER_RUN);
	filter_ops_free(ops);
}

/* An alternation stays inside the anchor. */
static void
test_include_alternation(void **state)
{
	const char *const	 inc[] = { "core/Number|crmake/", NULL };
	const char *const	 inc2[] = { ".*_Sub$", NULL };
	const char *const	 inc3[] = { "x)|core/", NULL };
	struct filter_ops	*ops = ops_of(inc, NULL);

	(void)state;
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "crmake/X"), FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "xcrmake/X"), FILTER_DROP);
	assert_int_equal(filter_ops_check(ops, "core/ReplaceTrueWithFalse"),
	    FILTER_DROP);
	filter_ops_free(ops);

	ops = ops_of(inc2, NULL);
	assert_int_equal(filter_ops_check(ops,
	    "core/ReplaceBinaryOperator_Add_Sub"), FILTER_RUN);
	assert_int_equal(filter_ops_check(ops,
	    "core/ReplaceBinaryOperator_Sub_Add"), FILTER_DROP);
	filter_ops_free(ops);

	/* A stray parenthesis cannot unanchor an alternative. */
	ops = ops_of(inc3, NULL);
	assert_int_equal(filter_ops_check(ops, "core/AddNot"), FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "my/core/AddNot"), FILTER_DROP);
	filter_ops_free(ops);
}

/* --operators selects opt-in operators by name, core/ included. */
static void
test_include_optin(void **state)
{
	const char *const	 inc[] = { "core/", NULL };
	struct filter_ops	*ops = ops_of(inc, NULL);

	(void)state;
	assert_int_equal(filter_ops_check(ops, "core/VariableReplacer"),
	    FILTER_RUN);
	assert_int_equal(filter_ops_check(ops, "crmake/X"), FILTER_DROP);
	filter_ops_free(ops);
}

static void
test_exclude(void **state)
{
	const char *const	 exc[] = { "core/ReplaceBinaryOperator_",
				    "crmake/", NULL };
	const char *const	 inc[] = { "core/ReplaceBinary", NULL };
	struct filter_ops	*ops = ops_of(NULL, exc);

	(void)state;
	/* Selected by default, then excluded: recorded as skipped. */
	assert_int_equal(filter_ops_check(ops,
	    "core/ReplaceBinaryOperator_Add_Mul"), FILTER_SKIP);
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_RUN);
	/* Never selected: an exclusion does not make it recorded. */
	assert_int_equal(filter_ops_check(ops, "crmake/X"), FILTER_DROP);
	filter_ops_free(ops);

	ops = ops_of(inc, exc);
	assert_int_equal(filter_ops_check(ops,
	    "core/ReplaceBinaryOperator_Add_Mul"), FILTER_SKIP);
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_DROP);
	filter_ops_free(ops);
}

static void
test_bad_regex(void **state)
{
	struct filter_ops	*ops = filter_ops_new();
	const char		*bad[] = { "(", "a{2,1}", "[z-a]", "*(", "\\",
				    NULL };
	char			*cause = NULL;
	size_t			 i;
	int			 exclude = -1;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(filter_ops_add(ops, (int)(i % 2), bad[i],
		    &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "bad regular expression"));
		assert_non_null(strstr(cause, bad[i]));
		free(cause);
		cause = NULL;
	}
	/* Nothing was added: still the default set. */
	assert_null(filter_ops_get(ops, 0, &exclude));
	assert_int_equal(filter_ops_check(ops, "core/NumberReplacer"),
	    FILTER_RUN);
	filter_ops_free(ops);
}

static void
test_get_and_match(void **state)
{
	struct filter_ops	*ops = filter_ops_new();
	char			*cause = NULL;
	int			 exclude = -1;

	(void)state;
	assert_int_equal(filter_ops_add(ops, 1, "core/Number", &cause), 0);
	assert_int_equal(filter_ops_add(ops, 0, "core/", &cause), 0);
	assert_int_equal(filter_ops_add(ops, 0, "nomatch", &cause), 0);
	/* Includes first, then excludes. */
	assert_string_equal(filter_ops_get(ops, 0, &exclude), "core/");
	assert_int_equal(exclude, 0);
	assert_string_equal(filter_ops_get(ops, 1, &exclude), "nomatch");
	assert_string_equal(filter_ops_get(ops, 2, &exclude), "core/Number");
	assert_int_equal(exclude, 1);
	assert_null(filter_ops_get(ops, 3, &exclude));
	assert_true(filter_ops_match(ops, 0, "core/AddNot"));
	assert_false(filter_ops_match(ops, 1, "core/AddNot"));
	assert_true(filter_ops_match(ops, 2, "core/NumberReplacer"));
	assert_false(filter_ops_match(ops, 2, "core/AddNot"));
	assert_false(filter_ops_match(ops, 3, "core/AddNot"));
	filter_ops_free(ops);
}

static void
test_lines_merge(void **state)
{
	struct filter_lines	*fl = filter_lines_new();

	(void)state;
	filter_lines_add(fl, "a.py", 10, 12);
	filter_lines_add(fl, "a.py", 1, 2);
	filter_lines_add(fl, "a.py", 20, 20);
	filter_lines_add(fl, "a.py", 5, 5);
	assert_false(filter_lines_touch(fl, "a.py", 3, 4));
	assert_true(filter_lines_touch(fl, "a.py", 3, 5));
	assert_true(filter_lines_touch(fl, "a.py", 2, 2));
	assert_false(filter_lines_touch(fl, "a.py", 6, 9));
	assert_true(filter_lines_touch(fl, "a.py", 6, 10));
	assert_true(filter_lines_touch(fl, "a.py", 12, 12));
	assert_false(filter_lines_touch(fl, "a.py", 13, 19));
	assert_true(filter_lines_touch(fl, "a.py", 1, 100));
	assert_false(filter_lines_touch(fl, "a.py", 21, 30));
	/* Bridging ranges merges them all. */
	filter_lines_add(fl, "a.py", 3, 19);
	assert_true(filter_lines_touch(fl, "a.py", 7, 7));
	assert_true(filter_lines_touch(fl, "a.py", 15, 15));
	assert_false(filter_lines_touch(fl, "a.py", 21, 21));
	/* An inverted range checks its first line only. */
	assert_true(filter_lines_touch(fl, "a.py", 20, 3));
	assert_false(filter_lines_touch(fl, "b.py", 1, 100));
	assert_false(filter_lines_touch(fl, "a.p", 1, 100));
	filter_lines_add_file(fl, "b.py");
	assert_true(filter_lines_touch(fl, "b.py", 999, 999));
	filter_lines_add(fl, "c.py", 7, UINT32_MAX);
	assert_true(filter_lines_touch(fl, "c.py", 4000000000u, 4000000000u));
	assert_false(filter_lines_touch(fl, "c.py", 1, 6));
	filter_lines_free(fl);
}

static const char two_files[] =
    "diff --git a/pkg/m.py b/pkg/m.py\n"
    "index 1111111..2222222 100644\n"
    "--- a/pkg/m.py\n"
    "+++ b/pkg/m.py\n"
    "@@ -3 +3 @@ def f():\n"
    "-    return a + b\n"
    "+    return a - b\n"
    "@@ -10,2 +9,0 @@ def g():\n"
    "--- removed line that looks like a header\n"
    "-+++ b/evil.py\n"
    "@@ -20,0 +19,3 @@ def h():\n"
    "+x = 1\n"
    "+@@ -1 +1 @@\n"
    "+z = 3\n"
    "diff --git a/new.py b/new.py\n"
    "new file mode 100644\n"
    "index 0000000..3333333\n"
    "--- /dev/null\n"
    "+++ b/new.py\n"
    "@@ -0,0 +1,2 @@\n"
    "+a = 1\n"
    "+b = 2\n"
    "\\ No newline at end of file\n"
    "diff --git a/gone.py b/gone.py\n"
    "deleted file mode 100644\n"
    "--- a/gone.py\n"
    "+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n"
    "-a = 1\n"
    "-b = 2\n"
    "diff --git a/img.png b/img.png\n"
    "Binary files a/img.png and b/img.png differ\n";

static void
test_diff_two_files(void **state)
{
	struct filter_lines	*fl = filter_lines_new();
	char			*cause = NULL;

	(void)state;
	assert_int_equal(filter_lines_parse_diff(fl, two_files,
	    strlen(two_files), &cause), 0);
	assert_null(cause);
	assert_false(filter_lines_touch(fl, "pkg/m.py", 1, 2));
	assert_true(filter_lines_touch(fl, "pkg/m.py", 3, 3));
	assert_false(filter_lines_touch(fl, "pkg/m.py", 4, 18));
	/* The pure deletion after new line 9 marks no line. */
	assert_false(filter_lines_touch(fl, "pkg/m.py", 9, 9));
	assert_false(filter_lines_touch(fl, "pkg/m.py", 10, 10));
	assert_true(filter_lines_touch(fl, "pkg/m.py", 19, 19));
	assert_true(filter_lines_touch(fl, "pkg/m.py", 21, 21));
	assert_false(filter_lines_touch(fl, "pkg/m.py", 22, 100));
	/* Hunk bodies are never taken for headers. */
	assert_false(filter_lines_touch(fl, "evil.py", 1, 100));
	assert_true(filter_lines_touch(fl, "new.py", 1, 1));
	assert_true(filter_lines_touch(fl, "new.py", 2, 2));
	assert_false(filter_lines_touch(fl, "new.py", 3, 3));
	assert_false(filter_lines_touch(fl, "gone.py", 1, 100));
	assert_false(filter_lines_touch(fl, "img.png", 1, 100));
	filter_lines_free(fl);
}

static const char odd_names[] =
    "diff --git a/with space.py b/with space.py\n"
    "index 1111111..2222222 100644\n"
    "--- a/with space.py\t\n"
    "+++ b/with space.py\t\n"
    "@@ -2 +2,2 @@\n"
    "-b\n"
    "+B\n"
    "+c\n"
    "\\ No newline at end of file\n"
    "diff --git \"a/q\\\"\\\\\\t.py\" b/renamed.py\n"
    "similarity index 50%\n"
    "rename from \"q\\\"\\\\\\t.py\"\n"
    "rename to renamed.py\n"
    "--- \"a/q\\\"\\\\\\t.py\"\n"
    "+++ b/renamed.py\n"
    "@@ -1,0 +2 @@ q\n"
    "+r\n"
    "diff --git a/x b/x\n"
    "--- a/x\n"
    "+++ \"b/caf\\303\\251 \\\"t\\\".py\"\n"
    "@@ -1 +1 @@\n"
    "-a\n"
    "\\ No newline at end of file\n"
    "+b\n"
    "\\ No newline at end of file\n"
    "diff --git a/moved.py b/moved2.py\n"
    "similarity index 100%\n"
    "rename from moved.py\n"
    "rename to moved2.py\n";

static void
test_diff_odd_names(void **state)
{
	struct filter_lines	*fl = filter_lines_new();
	char			*cause = NULL;

	(void)state;
	assert_int_equal(filter_lines_parse_diff(fl, odd_names,
	    strlen(odd_names), &cause), 0);
	assert_null(cause);
	assert_false(filter_lines_touch(fl, "with space.py", 1, 1));
	assert_true(filter_lines_touch(fl, "with space.py", 2, 2));
	assert_true(filter_lines_touch(fl, "with space.py", 3, 3));
	assert_false(filter_lines_touch(fl, "with space.py\t", 2, 2));
	assert_true(filter_lines_touch(fl, "renamed.py", 2, 2));
	assert_false(filter_lines_touch(fl, "renamed.py", 1, 1));
	assert_false(filter_lines_touch(fl, "q\"\\\t.py", 1, 10));
	assert_true(filter_lines_touch(fl, "caf\xc3\xa9 \"t\".py", 1, 1));
	/* A rename without changes changes no line. */
	assert_false(filter_lines_touch(fl, "moved2.py", 1, 100));
	filter_lines_free(fl);
}

static void
test_diff_crlf_and_empty(void **state)
{
	const char		 crlf[] = "diff --git a/w.py b/w.py\r\n"
				    "--- a/w.py\r\n+++ b/w.py\r\n"
				    "@@ -5,3 +5,2 @@\r\n-a\r\n-b\r\n-c\r\n"
				    "+d\r\n+e\r\n";
	struct filter_lines	*fl = filter_lines_new();
	char			*cause = NULL;

	(void)state;
	assert_int_equal(filter_lines_parse_diff(fl, "", 0, &cause), 0);
	assert_int_equal(filter_lines_parse_diff(fl, crlf, strlen(crlf),
	    &cause), 0);
	assert_true(filter_lines_touch(fl, "w.py", 5, 5));
	assert_true(filter_lines_touch(fl, "w.py", 6, 6));
	assert_false(filter_lines_touch(fl, "w.py", 7, 7));
	assert_false(filter_lines_touch(fl, "w.py", 4, 4));
	filter_lines_free(fl);
}

/* Context lines (a diff with context, hunks merged) are not changes. */
static void
test_diff_context(void **state)
{
	const char		 ctx[] = "diff --git a/c.py b/c.py\n"
				    "--- a/c.py\n+++ b/c.py\n"
				    "@@ -3,6 +3,6 @@ def f():\n"
				    " a\n-b\n+B\n c\n\n d\n-e\n+E\n";
	struct filter_lines	*fl = filter_lines_new();
	char			*cause = NULL;

	(void)state;
	assert_int_equal(filter_lines_parse_diff(fl, ctx, strlen(ctx),
	    &cause), 0);
	assert_false(filter_lines_touch(fl, "c.py", 3, 3));
	assert_true(filter_lines_touch(fl, "c.py", 4, 4));
	assert_false(filter_lines_touch(fl, "c.py", 5, 7));
	assert_true(filter_lines_touch(fl, "c.py", 8, 8));
	assert_false(filter_lines_touch(fl, "c.py", 9, 9));
	filter_lines_free(fl);
}

static void
test_diff_malformed(void **state)
{
	const char *bad[] = {
		"+++ b/a.py\n@@ -1 +x @@\n",
		"+++ b/a.py\n@@ -1 +1\n+a\n",
		"+++ b/a.py\n@@ -1,2 +1,2 @@\n-a\n+b\n",
		"+++ b/a.py\n@@ -1 +1 @@\n-a\nstray\n",
		"+++ b/a.py\n@@ -1 +1,99999999999 @@\n",
		NULL
	};
	struct filter_lines	*fl;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		fl = filter_lines_new();
		assert_int_equal(filter_lines_parse_diff(fl, bad[i],
		    strlen(bad[i]), &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		filter_lines_free(fl);
	}
}

static void
test_untracked_list(void **state)
{
	const char		 list[] = "new.py\0dir/with space.py\0\0last.py";
	struct filter_lines	*fl = filter_lines_new();

	(void)state;
	filter_lines_parse_list(fl, list, sizeof list - 1);
	assert_true(filter_lines_touch(fl, "new.py", 1, 1));
	assert_true(filter_lines_touch(fl, "dir/with space.py", 50, 60));
	assert_true(filter_lines_touch(fl, "last.py", 3, 3));
	assert_false(filter_lines_touch(fl, "", 1, 1));
	assert_false(filter_lines_touch(fl, "other.py", 1, 1));
	filter_lines_free(fl);
}

static void
test_git_bad_revision(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(filter_lines_git(".", "--output=/tmp/x", &cause));
	assert_non_null(strstr(cause, "is not a revision"));
	free(cause);
	cause = NULL;
	assert_null(filter_lines_git(".", "", &cause));
	assert_non_null(cause);
	free(cause);
}

static void
push(struct mutant_list *l, const char *op, uint32_t line, uint32_t end_line,
    uint32_t end_col, const char *skip)
{
	struct mutant	*m = mutant_list_push(l);

	m->operator = xstrdup(op);
	m->replacement = xstrdup("x");
	m->scope = xstrdup("");
	m->line = line;
	m->end_line = end_line;
	m->end_col = end_col;
	m->start = line * 100;
	m->end = end_line * 100 + end_col;
	m->skip = skip != NULL ? xstrdup(skip) : NULL;
}

static void
test_apply(void **state)
{
	const char *const	 exc[] = { "core/NumberReplacer", NULL };
	struct filter_ops	*ops = ops_of(NULL, exc);
	struct filter_lines	*fl = filter_lines_new();
	struct mutant_list	 l = { 0 };
	struct filter		 f = { ops, fl, "unchanged since HEAD" };

	(void)state;
	filter_lines_add(fl, "m.py", 5, 5);
	push(&l, "core/AddNot", 1, 1, 9, NULL);		/* stays, before start */
	push(&l, "crmake/X", 5, 5, 3, NULL);		/* dropped */
	push(&l, "core/NumberReplacer", 5, 5, 3, NULL);	/* operator filter */
	push(&l, "core/AddNot", 5, 5, 3, "pragma");	/* keeps pragma */
	push(&l, "core/AddNot", 5, 5, 3, NULL);		/* runs */
	push(&l, "core/AddNot", 4, 5, 0, NULL);		/* ends at line 5's start */
	push(&l, "core/AddNot", 4, 6, 0, NULL);		/* covers line 5 */
	push(&l, "core/VariableReplacer", 7, 7, 1, "pragma"); /* keeps pragma */
	push(&l, "core/AddNot", 6, 6, 1, NULL);		/* unchanged */
	filter_apply(&f, "m.py", 0, &l, 1);
	assert_int_equal(l.n, 8);
	assert_null(l.v[0].skip);
	assert_string_equal(l.v[1].operator, "core/NumberReplacer");
	assert_string_equal(l.v[1].skip, FILTER_SKIP_OPERATOR);
	assert_string_equal(l.v[2].skip, "pragma");
	assert_null(l.v[3].skip);
	assert_string_equal(l.v[4].skip, "unchanged since HEAD");
	assert_null(l.v[5].skip);
	assert_string_equal(l.v[6].operator, "core/VariableReplacer");
	assert_string_equal(l.v[6].skip, "pragma");
	assert_string_equal(l.v[7].skip, "unchanged since HEAD");
	mutant_list_free(&l);

	/* An excluded module: everything selected is skipped as such. */
	push(&l, "core/NumberReplacer", 5, 5, 3, NULL);
	push(&l, "core/AddNot", 6, 6, 3, "pragma");
	push(&l, "crmake/X", 5, 5, 3, NULL);
	push(&l, "core/AddNot", 9, 9, 3, NULL);
	filter_apply(&f, "m.py", 1, &l, 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].skip, FILTER_SKIP_EXCLUDED);
	assert_string_equal(l.v[1].skip, "pragma");
	assert_string_equal(l.v[2].skip, FILTER_SKIP_EXCLUDED);
	mutant_list_free(&l);

	/* No filters at all: only the opt-in operators go. */
	f.ops = NULL;
	f.lines = NULL;
	push(&l, "core/NumberReplacer", 5, 5, 3, NULL);
	push(&l, "crmake/X", 5, 5, 3, NULL);
	filter_apply(&f, "other.py", 0, &l, 0);
	assert_int_equal(l.n, 1);
	assert_null(l.v[0].skip);
	mutant_list_free(&l);

	filter_lines_free(fl);
	filter_ops_free(ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_set),
		cmocka_unit_test(test_variable_needs_include),
		cmocka_unit_test(test_include_anchored),
		cmocka_unit_test(test_include_alternation),
		cmocka_unit_test(test_include_optin),
		cmocka_unit_test(test_exclude),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_get_and_match),
		cmocka_unit_test(test_lines_merge),
		cmocka_unit_test(test_diff_two_files),
		cmocka_unit_test(test_diff_odd_names),
		cmocka_unit_test(test_diff_crlf_and_empty),
		cmocka_unit_test(test_diff_context),
		cmocka_unit_test(test_diff_malformed),
		cmocka_unit_test(test_untracked_list),
		cmocka_unit_test(test_git_bad_revision),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
