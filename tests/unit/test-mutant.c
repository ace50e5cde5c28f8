/* test-mutant.c: splicing a replacement into a text, mutant IDs and the mutant list. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mutant.h"
#include "util.h"

static void
test_splice_middle(void **state)
{
	const char	*src = "x = a + b\n";
	char		*out;
	size_t		 n;

	(void)state;
	out = mutant_splice(src, strlen(src), 6, 7, "//", &n);
	assert_non_null(out);
	assert_string_equal(out, "x = a // b\n");
	assert_int_equal(n, strlen(out));
	free(out);
	out = mutant_splice(src, strlen(src), 6, 7, " is not ", &n);
	assert_string_equal(out, "x = a  is not  b\n");
	assert_int_equal(n, 17);
	free(out);
}

static void
test_splice_edges(void **state)
{
	const char	*src = "-1";
	char		*out;
	size_t		 n;

	(void)state;
	/* Deleting. */
	out = mutant_splice(src, 2, 0, 1, "", &n);
	assert_string_equal(out, "1");
	assert_int_equal(n, 1);
	free(out);
	/* At the very start and the very end. */
	out = mutant_splice(src, 2, 0, 0, "not ", &n);
	assert_string_equal(out, "not -1");
	free(out);
	out = mutant_splice(src, 2, 1, 2, "(1+3j)", &n);
	assert_string_equal(out, "-(1+3j)");
	assert_int_equal(n, 7);
	free(out);
	out = mutant_splice(src, 2, 2, 2, "0", &n);
	assert_string_equal(out, "-10");
	free(out);
	/* Whole text. */
	out = mutant_splice(src, 2, 0, 2, "", &n);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	free(out);
}

/* The text may hold NULs and need not end in one: lengths rule. */
static void
test_splice_binary(void **state)
{
	const char	 src[] = { 'a', '\0', '+', 'b' };
	char		*out;
	size_t		 n;

	(void)state;
	out = mutant_splice(src, sizeof src, 2, 3, "-", &n);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "a\0-b", 4);
	assert_int_equal(out[4], '\0');
	free(out);
}

static void
test_splice_bad_range(void **state)
{
	size_t	n = 99;

	(void)state;
	assert_null(mutant_splice("abc", 3, 2, 1, "x", &n));
	assert_null(mutant_splice("abc", 3, 1, 4, "x", &n));
	assert_null(mutant_splice("abc", 3, 4, 4, "x", &n));
	assert_int_equal(n, 99);
}

/* sha256("path\0operator\0scope\0k"), first 16 hex digits, computed with Python's hashlib. */
static void
test_id_known(void **state)
{
	char	id[MUTANT_ID_LEN + 1];

	(void)state;
	mutant_make_id(id, "pkg/mod.py", "core/NumberReplacer", "", 0);
	assert_string_equal(id, "018c1a467311a8a6");
	mutant_make_id(id, "pkg/mod.py", "core/ReplaceBinaryOperator_Add_Sub",
	    "A.f", 3);
	assert_string_equal(id, "6aea559488a00785");
}

static void
test_id_parts(void **state)
{
	char	base[MUTANT_ID_LEN + 1], id[MUTANT_ID_LEN + 1];
	size_t	i;

	(void)state;
	mutant_make_id(base, "a.py", "core/NumberReplacer", "f", 1);
	assert_int_equal(strlen(base), MUTANT_ID_LEN);
	for (i = 0; i < MUTANT_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", base[i]));
	mutant_make_id(id, "a.py", "core/NumberReplacer", "f", 1);
	assert_string_equal(id, base);
	mutant_make_id(id, "b.py", "core/NumberReplacer", "f", 1);
	assert_string_not_equal(id, base);
	mutant_make_id(id, "a.py", "core/ReplaceTrueWithFalse", "f", 1);
	assert_string_not_equal(id, base);
	mutant_make_id(id, "a.py", "core/NumberReplacer", "g", 1);
	assert_string_not_equal(id, base);
	mutant_make_id(id, "a.py", "core/NumberReplacer", "f", 2);
	assert_string_not_equal(id, base);
	/* The separators keep the fields apart: "ab"+"c" is not "a"+"bc". */
	mutant_make_id(base, "ab", "c", "", 0);
	mutant_make_id(id, "a", "bc", "", 0);
	assert_string_not_equal(id, base);
	mutant_make_id(base, "a.py", "op", "f1", 0);
	mutant_make_id(id, "a.py", "op", "f", 10);
	assert_string_not_equal(id, base);
}

static void
test_list(void **state)
{
	struct mutant_list	 l = { 0 };
	struct mutant		*m;
	size_t			 i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		m = mutant_list_push(&l);
		assert_null(m->operator);
		assert_int_equal(m->start, 0);
		m->operator = xstrdup("core/NumberReplacer");
		m->replacement = xasprintf("%zu", i);
		m->scope = xstrdup("");
		m->start = (uint32_t)i;
	}
	assert_int_equal(l.n, 1000);
	assert_string_equal(l.v[999].replacement, "999");
	assert_int_equal(l.v[500].start, 500);
	mutant_clear(&l.v[3]);
	assert_null(l.v[3].operator);
	mutant_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splice_middle),
		cmocka_unit_test(test_splice_edges),
		cmocka_unit_test(test_splice_binary),
		cmocka_unit_test(test_splice_bad_range),
		cmocka_unit_test(test_id_known),
		cmocka_unit_test(test_id_parts),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
