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
		cmocka_unit_test(test_syntax_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
