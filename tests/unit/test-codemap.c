/* test-codemap.c: statements, definitions and skeletons of Python files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codemap.h"
#include "mutant.h"
#include "operators.h"
#include "pyast.h"
#include "util.h"

static const char src[] =
    "import os\n"					/* 1 */
    "LIMIT = 10 + 1\n"					/* 2 */
    "\n"						/* 3 */
    "@decorate(2 * 3)\n"				/* 4 */
    "def area(w, h=4 - 1):\n"				/* 5 */
    "    total = (w *\n"				/* 6 */
    "             h)\n"					/* 7 */
    "    if total > LIMIT:\n"				/* 8 */
    "        return 0\n"				/* 9 */
    "    elif total < 0:\n"				/* 10 */
    "        return -1\n"				/* 11 */
    "    def inner():\n"				/* 12 */
    "        return total + 1\n"			/* 13 */
    "    return inner()\n"				/* 14 */
    "\n"						/* 15 */
    "class Shape:\n"					/* 16 */
    "    sides = 3 + 1\n"				/* 17 */
    "    def perimeter(self):\n"			/* 18 */
    "        return self.sides * 2\n";			/* 19 */

/* Byte offset of the first occurrence of needle. */
static uint32_t
at(const char *text, const char *needle)
{
	const char	*p = strstr(text, needle);

	assert_non_null(p);
	return (uint32_t)(p - text);
}

static struct codemap *
map(const char *text)
{
	struct codemap	*cm;
	char		*cause = NULL;

	cm = codemap_new(text, strlen(text), &cause);
	if (cm == NULL)
		fail_msg("%s", cause);
	return cm;
}

static void
test_statement_lines(void **state)
{
	struct codemap	*cm = map(src);

	(void)state;
	assert_int_equal(codemap_stmt_line(cm, at(src, "10 + 1")), 2);
	/* A continuation line belongs to the statement's first line. */
	assert_int_equal(codemap_stmt_line(cm, at(src, "h)")), 6);
	assert_int_equal(codemap_stmt_line(cm, at(src, "> LIMIT")), 8);
	/* An elif's condition is on its own line. */
	assert_int_equal(codemap_stmt_line(cm, at(src, "< 0")), 10);
	/* Decorators and defaults run with the def. */
	assert_int_equal(codemap_stmt_line(cm, at(src, "2 * 3")), 4);
	assert_int_equal(codemap_stmt_line(cm, at(src, "4 - 1")), 5);
	assert_int_equal(codemap_stmt_line(cm, at(src, "3 + 1")), 17);
	assert_int_equal(codemap_stmt_line(cm, at(src, "total + 1")), 13);
	codemap_free(cm);
}

static void
test_functions(void **state)
{
	struct codemap	*cm = map(src);
	uint32_t	 s, e;

	(void)state;
	/* Module and class level: no function. */
	assert_int_equal(codemap_function(cm, at(src, "10 + 1"), CODEMAP_BODY,
	    &s, &e), -1);
	assert_int_equal(codemap_function(cm, at(src, "3 + 1"), 0, &s, &e), -1);
	/* A body: the function with its decorators. */
	assert_int_equal(codemap_function(cm, at(src, "> LIMIT"), CODEMAP_BODY,
	    &s, &e), 0);
	assert_int_equal(s, at(src, "@decorate"));
	assert_int_equal(e, at(src, "\n\nclass"));
	/* A default value is in the function but not in its body. */
	assert_int_equal(codemap_function(cm, at(src, "4 - 1"), CODEMAP_BODY,
	    &s, &e), -1);
	assert_int_equal(codemap_function(cm, at(src, "4 - 1"), 0, &s, &e), 0);
	assert_int_equal(s, at(src, "@decorate"));
	/* The innermost. */
	assert_int_equal(codemap_function(cm, at(src, "total + 1"), CODEMAP_BODY,
	    &s, &e), 0);
	assert_int_equal(s, at(src, "def inner"));
	/* ...or the outermost, whose code holds the inner one's. */
	assert_int_equal(codemap_function(cm, at(src, "total + 1"),
	    CODEMAP_BODY | CODEMAP_OUTERMOST, &s, &e), 0);
	assert_int_equal(s, at(src, "@decorate"));
	assert_int_equal(codemap_function(cm, at(src, "sides * 2"), CODEMAP_BODY,
	    &s, &e), 0);
	assert_int_equal(s, at(src, "def perimeter"));

	/* Definitions by line: the first line, decorators included, else the holder. */
	assert_int_equal(codemap_definition_at(cm, 4, &s, &e), 0);
	assert_int_equal(s, at(src, "@decorate"));
	assert_int_equal(codemap_definition_at(cm, 18, &s, &e), 0);
	assert_int_equal(s, at(src, "def perimeter"));
	assert_int_equal(codemap_definition_at(cm, 13, &s, &e), 0);
	assert_int_equal(s, at(src, "def inner"));
	assert_int_equal(codemap_definition_at(cm, 9, &s, &e), 0);
	assert_int_equal(s, at(src, "@decorate"));
	assert_int_equal(codemap_definition_at(cm, 2, &s, &e), -1);
	assert_int_equal(codemap_definition_at(cm, 0, &s, &e), -1);
	codemap_free(cm);
}

/* The skeleton digest of a text, every function left out. */
static void
skeleton(const char *text, char hex[65])
{
	struct codemap	*cm = map(text);

	codemap_skeleton(cm, NULL, 0, hex);
	codemap_free(cm);
}

static char *
replace(const char *text, const char *old, const char *new)
{
	const char	*p = strstr(text, old);

	assert_non_null(p);
	return xasprintf("%.*s%s%s", (int)(p - text), text, new,
	    p + strlen(old));
}

static void
test_skeleton(void **state)
{
	char	 base[65], other[65], *t;

	(void)state;
	skeleton(src, base);
	/* Function bodies, blank lines and comments between statements: no change. */
	t = replace(src, "return 0", "return 100");
	skeleton(t, other);
	assert_string_equal(base, other);
	free(t);
	t = replace(src, "\nclass", "\n\n# a comment\n\nclass");
	skeleton(t, other);
	assert_string_equal(base, other);
	free(t);
	t = replace(src, "self.sides * 2", "self.sides * 3");
	skeleton(t, other);
	assert_string_equal(base, other);
	free(t);
	/* Module-level and class-level statements: a change. */
	t = replace(src, "10 + 1", "10 + 2");
	skeleton(t, other);
	assert_string_not_equal(base, other);
	free(t);
	t = replace(src, "sides = 3 + 1", "sides = 3 + 2");
	skeleton(t, other);
	assert_string_not_equal(base, other);
	free(t);
	t = replace(src, "class Shape:", "class Shape(object):");
	skeleton(t, other);
	assert_string_not_equal(base, other);
	free(t);
}

static void
test_skeleton_skip(void **state)
{
	static const char test_src[] =
	    "import unittest\n"
	    "def helper():\n"
	    "    return 1\n"
	    "class T(unittest.TestCase):\n"
	    "    def setUp(self):\n"
	    "        self.x = 1\n"
	    "    def test_a(self):\n"
	    "        self.assertEqual(helper(), 1)\n"
	    "    def test_b(self):\n"
	    "        self.assertTrue(self.x)\n";
	struct codemap	*cm;
	uint32_t	 skip[2], e;
	char		 base[65], other[65], *t;

	(void)state;
	cm = map(test_src);
	assert_int_equal(codemap_definition_at(cm, 7, &skip[0], &e), 0);
	assert_int_equal(codemap_definition_at(cm, 9, &skip[1], &e), 0);
	codemap_skeleton(cm, skip, 2, base);
	codemap_free(cm);

	/* A test's own body is left out of the context... */
	t = replace(test_src, "assertTrue(self.x)", "assertFalse(not self.x)");
	cm = map(t);
	assert_int_equal(codemap_definition_at(cm, 7, &skip[0], &e), 0);
	assert_int_equal(codemap_definition_at(cm, 9, &skip[1], &e), 0);
	codemap_skeleton(cm, skip, 2, other);
	codemap_free(cm);
	assert_string_equal(base, other);
	free(t);
	/* ...but a helper or a set-up is in it. */
	t = replace(test_src, "return 1", "return 2");
	cm = map(t);
	assert_int_equal(codemap_definition_at(cm, 7, &skip[0], &e), 0);
	assert_int_equal(codemap_definition_at(cm, 9, &skip[1], &e), 0);
	codemap_skeleton(cm, skip, 2, other);
	codemap_free(cm);
	assert_string_not_equal(base, other);
	free(t);
	t = replace(test_src, "self.x = 1", "self.x = 0");
	cm = map(t);
	assert_int_equal(codemap_definition_at(cm, 7, &skip[0], &e), 0);
	assert_int_equal(codemap_definition_at(cm, 9, &skip[1], &e), 0);
	codemap_skeleton(cm, skip, 2, other);
	codemap_free(cm);
	assert_string_not_equal(base, other);
	free(t);
}

/* The lines a function's reduced text keeps, and the text made from them. */
static void
test_reduce_lines(void **state)
{
	struct codemap	*cm;
	struct buf	 b = { 0 }, text = { 0 };
	char		*cause = NULL, *mutated;
	uint32_t	 off;
	size_t		 mlen;

	(void)state;
	cm = map(src);
	assert_int_equal(codemap_reduce_lines(cm, at(src, "total + 1"), &b), 0);
	assert_string_equal(buf_str(&b), "5-14");
	buf_reset(&b);
	assert_int_equal(codemap_reduce_lines(cm, at(src, "* 2\n"), &b), 0);
	assert_string_equal(buf_str(&b), "16-16,18-19");
	/* Module and class level, and a default value: no function body. */
	buf_reset(&b);
	assert_int_equal(codemap_reduce_lines(cm, at(src, "10 + 1"), &b), -1);
	assert_int_equal(codemap_reduce_lines(cm, at(src, "3 + 1"), &b), -1);
	assert_int_equal(codemap_reduce_lines(cm, at(src, "4 - 1"), &b), -1);
	assert_int_equal(b.len, 0);

	/* The text: the kept lines, every other line empty, the change made. */
	off = at(src, "* 2\n") + 2;
	assert_int_equal(codemap_reduce_text(src, strlen(src), "16-16,18-19",
	    off, off + 1, "3", 1, &text, &cause), 0);
	assert_string_equal(buf_str(&text), "\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
	    "\nclass Shape:\n\n    def perimeter(self):\n"
	    "        return self.sides * 3\n");
	mutated = mutant_splice(src, strlen(src), off, off + 1, "3", &mlen);
	buf_reset(&b);
	codemap_free(cm);
	cm = map(mutated);
	assert_int_equal(codemap_reduce(cm, off, &b), 0);
	assert_string_equal(buf_str(&b), buf_str(&text));
	codemap_free(cm);
	free(mutated);

	/* Lines that do not fit the text, or a change off them, are refused. */
	static const char *const bad[] = { "", "x", "3", "3-2", "0-1", "1-21",
	    "1-2;3-4", "1-2,", NULL };
	size_t i;
	for (i = 0; bad[i] != NULL; i++) {
		buf_reset(&text);
		if (bad[i][0] == '\0') {
			/* No line kept: only a change is refused. */
			assert_int_equal(codemap_reduce_text(src, strlen(src),
			    bad[i], 0, 0, NULL, 0, &text, &cause), 0);
			assert_int_equal(codemap_reduce_text(src, strlen(src),
			    bad[i], 0, 1, "y", 1, &text, &cause), -1);
		} else
			assert_int_equal(codemap_reduce_text(src, strlen(src),
			    bad[i], 0, 0, NULL, 0, &text, &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
	buf_reset(&text);
	assert_int_equal(codemap_reduce_text(src, strlen(src), "18-19",
	    at(src, "3 + 1"), at(src, "3 + 1") + 1, "4", 1, &text, &cause), -1);
	assert_non_null(strstr(cause, "line 17"));
	free(cause);
	buf_free(&text);
	buf_free(&b);
}

/* Read a file of the source tree, or fail. */
static char *
source_file(const char *rel, size_t *len)
{
	struct buf	 b = { 0 };
	const char	*top = getenv("CR_SRCDIR");
	char		*path, *cause = NULL;

	path = xasprintf("%s/%s", top != NULL ? top : ".", rel);
	if (file_read(path, &b, &cause) == -1)
		fail_msg("%s", cause);
	free(path);
	*len = b.len;
	return buf_detach(&b);
}

/*
 * Every mutant of real files: the reduced text made from the original and
 * the kept lines is the one a parse of the mutated file gives, and it
 * parses exactly when the whole mutated file does.
 */
static void
test_reduce_mutants(void **state)
{
	static const char *const files[] = {
		"tests/fixtures/constructs/constructs.py",
		"tests/fixtures/warmth/store.py",
		"examples/inventory/inventory/catalog.py",
		"examples/inventory/inventory/money.py",
		"examples/inventory/inventory/stock.py",
		NULL,
	};
	struct mutant_list	 list;
	struct codemap		*cm, *mcm;
	struct buf		 lines = { 0 }, made = { 0 }, parsed = { 0 };
	static const char *const junk[] = { "(", ")", "\"", "'''", "\\",
	    ":", "lambda", "\n  x = 1\n", "\nclass C:\n", "#", "1 2", NULL };
	char			*text, *mutated, *cause = NULL;
	size_t			 len, mlen, f, i, k, compared = 0, broken = 0;
	size_t			 lenient = 0;
	int			 whole;

	(void)state;
	for (f = 0; files[f] != NULL; f++) {
		text = source_file(files[f], &len);
		cm = map(text);
		memset(&list, 0, sizeof list);
		if (operators_enumerate(files[f], text, len, &list, &cause) == -1)
			fail_msg("%s", cause);
		for (i = 0; i < list.n; i++) {
			const struct mutant *m = &list.v[i];

			buf_reset(&lines);
			if (codemap_reduce_lines(cm, m->start, &lines) == -1)
				continue;
			buf_reset(&made);
			if (codemap_reduce_text(text, len, buf_str(&lines),
			    m->start, m->end, m->replacement,
			    strlen(m->replacement), &made, &cause) == -1)
				fail_msg("%s %s: %s", files[f], m->id, cause);
			mutated = mutant_splice(text, len, m->start, m->end,
			    m->replacement, &mlen);
			assert_int_equal(pyast_check(made.data, made.len, NULL),
			    pyast_check(mutated, mlen, NULL));
			free(mutated);
			/*
			 * Broken on purpose: whenever the reduced text parses,
			 * so does the whole file (a run trusts that direction
			 * and looks at the whole file for the other).
			 */
			for (k = 0; junk[k] != NULL; k++) {
				buf_reset(&made);
				assert_int_equal(codemap_reduce_text(text, len,
				    buf_str(&lines), m->start, m->end, junk[k],
				    strlen(junk[k]), &made, &cause), 0);
				mutated = mutant_splice(text, len, m->start,
				    m->end, junk[k], &mlen);
				whole = pyast_check(mutated, mlen, NULL);
				if (pyast_check(made.data, made.len, NULL) == 0)
					assert_int_equal(whole, 0);
				else if (whole == 0)
					lenient++;
				else
					broken++;
				free(mutated);
			}
			buf_reset(&made);
			assert_int_equal(codemap_reduce_text(text, len,
			    buf_str(&lines), m->start, m->end, m->replacement,
			    strlen(m->replacement), &made, &cause), 0);
			mutated = mutant_splice(text, len, m->start, m->end,
			    m->replacement, &mlen);
			if ((mcm = codemap_new(mutated, mlen, NULL)) == NULL)
				fail_msg("%s %s: the mutant does not parse",
				    files[f], m->id);
			buf_reset(&parsed);
			assert_int_equal(codemap_reduce(mcm, m->start, &parsed),
			    0);
			if (strcmp(buf_str(&made), buf_str(&parsed)) != 0)
				fail_msg("%s %s %s at line %u: reduced texts "
				    "differ", files[f], m->id, m->operator,
				    (unsigned)m->line);
			compared++;
			codemap_free(mcm);
			free(mutated);
		}
		mutant_list_free(&list);
		codemap_free(cm);
		free(text);
	}
	/* Enough of them to mean something. */
	assert_true(compared > 1000);
	assert_true(broken > 5000);
	print_message("%zu mutants; %zu broken on purpose, %zu of them "
	    "refused only in the reduced text\n", compared, broken + lenient,
	    lenient);
	buf_free(&lines);
	buf_free(&made);
	buf_free(&parsed);
}

static void
test_syntax_error(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(codemap_new("def f(:\n", 8, &cause));
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statement_lines),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_skeleton),
		cmocka_unit_test(test_skeleton_skip),
		cmocka_unit_test(test_reduce_lines),
		cmocka_unit_test(test_reduce_mutants),
		cmocka_unit_test(test_syntax_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
