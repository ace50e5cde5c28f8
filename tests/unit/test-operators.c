/* test-operators.c: the mutants of each operator on small Python snippets (golden lists), and the parser module. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mutant.h"
#include "operators.h"
#include "golden.h"
#include "pyast.h"
#include "util.h"

static void
enumerate(const char *src, struct mutant_list *l)
{
	golden_enumerate(src, NULL, l);
}

/*
 * The mutants of src whose operator, less "core/", starts with prefix, one
 * per line: "Operator line:col-endline:endcol 'replacement'".
 */
static void
check(const char *src, const char *prefix, const char *expected)
{
	golden_check(src, NULL, "core/", prefix, expected);
}

static size_t
count(const char *src, const char *prefix)
{
	return golden_count(src, NULL, "core/", prefix);
}

/* The text of src after applying its nth mutant of operator op (without "core/"). */
static void
check_apply(const char *src, const char *op, size_t nth, const char *expected)
{
	char	*got = golden_apply(src, NULL, "core/", op, nth);

	assert_string_equal(got, expected);
	free(got);
}

static void
test_binary(void **state)
{
	(void)state;
	check("x = a + b\n", "",
	    "ReplaceBinaryOperator_Add_Sub 1:6-1:7 '-'\n"
	    "ReplaceBinaryOperator_Add_Mul 1:6-1:7 '*'\n"
	    "ReplaceBinaryOperator_Add_Div 1:6-1:7 '/'\n"
	    "ReplaceBinaryOperator_Add_FloorDiv 1:6-1:7 '//'\n"
	    "ReplaceBinaryOperator_Add_Mod 1:6-1:7 '%'\n"
	    "ReplaceBinaryOperator_Add_Pow 1:6-1:7 '**'\n"
	    "ReplaceBinaryOperator_Add_RShift 1:6-1:7 '>>'\n"
	    "ReplaceBinaryOperator_Add_LShift 1:6-1:7 '<<'\n"
	    "ReplaceBinaryOperator_Add_BitOr 1:6-1:7 '|'\n"
	    "ReplaceBinaryOperator_Add_BitAnd 1:6-1:7 '&'\n"
	    "ReplaceBinaryOperator_Add_BitXor 1:6-1:7 '^'\n");
	check("y = a//b\n", "ReplaceBinaryOperator_FloorDiv_P",
	    "ReplaceBinaryOperator_FloorDiv_Pow 1:5-1:7 '**'\n");
	check("y = a ** b\n", "ReplaceBinaryOperator_Pow_A",
	    "ReplaceBinaryOperator_Pow_Add 1:6-1:8 '+'\n");
	check_apply("y = a<<b\n", "ReplaceBinaryOperator_LShift_Pow", 0,
	    "y = a**b\n");
	/* String formatting is an operator like any other. */
	assert_int_equal(count("s = '%d' % n\n", "ReplaceBinaryOperator_Mod_"),
	    11);
}

static void
test_binary_every_operator(void **state)
{
	static const char *const ops[][2] = {
		{ "+", "Add" }, { "-", "Sub" }, { "*", "Mul" }, { "/", "Div" },
		{ "//", "FloorDiv" }, { "%", "Mod" }, { "**", "Pow" },
		{ ">>", "RShift" }, { "<<", "LShift" }, { "|", "BitOr" },
		{ "&", "BitAnd" }, { "^", "BitXor" },
	};
	char	*src, *prefix, *same;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		src = xasprintf("r = p %s q\n", ops[i][0]);
		prefix = xasprintf("ReplaceBinaryOperator_%s_", ops[i][1]);
		same = xasprintf("ReplaceBinaryOperator_%s_%s ", ops[i][1],
		    ops[i][1]);
		assert_int_equal(count(src, prefix), 11);
		assert_int_equal(count(src, "ReplaceBinaryOperator_"), 11);
		assert_int_equal(count(src, same), 0);
		free(src);
		free(prefix);
		free(same);
	}
}

/* Stars and slashes that are not binary operators, and operators not in the table. */
static void
test_binary_not_mutated(void **state)
{
	static const char *const none[] = {
		"a @ b\n",
		"a @= b\n",
		"x += 1\n",
		"x **= y\n",
		"f(*a, **k)\n",
		"d = {**d, 'k': v}\n",
		"l = [*a, *b]\n",
		"a, *b = c\n",
		"def f(a, /, b, *, c):\n    pass\n",
		"def f(*args, **kwargs):\n    pass\n",
		"lambda *a, **k: a\n",
		"from m import *\n",
		"print(*a, sep='')\n",
		"for x, *y in z:\n    pass\n",
		"s = 'a + b - c * d / e'\n",
		"# x = a + b\n",
		"t = f'{a}+{b}'\n",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof none / sizeof none[0]; i++)
		assert_int_equal(count(none[i], "ReplaceBinaryOperator"), 0);
	/* Only the number of an augmented assignment. */
	check("x += 1\n", "",
	    "NumberReplacer 1:5-1:6 '2'\n"
	    "NumberReplacer 1:5-1:6 '0'\n");
}

static void
test_comparison_chain(void **state)
{
	(void)state;
	check("a < b < c\n", "",
	    "ReplaceComparisonOperator_Lt_Eq 1:2-1:3 '=='\n"
	    "ReplaceComparisonOperator_Lt_NotEq 1:2-1:3 '!='\n"
	    "ReplaceComparisonOperator_Lt_LtE 1:2-1:3 '<='\n"
	    "ReplaceComparisonOperator_Lt_Gt 1:2-1:3 '>'\n"
	    "ReplaceComparisonOperator_Lt_GtE 1:2-1:3 '>='\n"
	    "ReplaceComparisonOperator_Lt_Is 1:2-1:3 'is'\n"
	    "ReplaceComparisonOperator_Lt_IsNot 1:2-1:3 'is not'\n"
	    "ReplaceComparisonOperator_Lt_Eq 1:6-1:7 '=='\n"
	    "ReplaceComparisonOperator_Lt_NotEq 1:6-1:7 '!='\n"
	    "ReplaceComparisonOperator_Lt_LtE 1:6-1:7 '<='\n"
	    "ReplaceComparisonOperator_Lt_Gt 1:6-1:7 '>'\n"
	    "ReplaceComparisonOperator_Lt_GtE 1:6-1:7 '>='\n"
	    "ReplaceComparisonOperator_Lt_Is 1:6-1:7 'is'\n"
	    "ReplaceComparisonOperator_Lt_IsNot 1:6-1:7 'is not'\n");
	/* Each link looks at its own right operand. */
	assert_int_equal(count("a < b == None\n", "ReplaceComparisonOperator"),
	    7 + 1);
	assert_int_equal(count("a == None < b\n", "ReplaceComparisonOperator"),
	    1 + 7);
	assert_int_equal(count("0 < x <= 10\n", "ReplaceComparisonOperator"),
	    7 + 5);
}

static void
test_comparison_none(void **state)
{
	(void)state;
	check("x == None\nx != None\nx is None\nx is not None\n"
	    "x < None\nx <= None\nx > None\nx >= None\n", "",
	    "ReplaceComparisonOperator_Eq_IsNot 1:2-1:4 'is not'\n"
	    "ReplaceComparisonOperator_NotEq_Is 2:2-2:4 'is'\n"
	    "ReplaceComparisonOperator_Is_IsNot 3:2-3:4 'is not'\n"
	    "ReplaceComparisonOperator_IsNot_Is 4:2-4:8 'is'\n");
	/* Only a literal None: a parenthesised one is any operand. */
	assert_int_equal(count("x == (None)\n", "ReplaceComparisonOperator"),
	    7);
	/* The left operand does not matter. */
	assert_int_equal(count("None == x\n", "ReplaceComparisonOperator"), 7);
	check_apply("if a is not None: pass\n",
	    "ReplaceComparisonOperator_IsNot_Is", 0, "if a is None: pass\n");
}

static void
test_comparison_number(void **state)
{
	(void)state;
	check("x < 3\n", "ReplaceComparison",
	    "ReplaceComparisonOperator_Lt_Eq 1:2-1:3 '=='\n"
	    "ReplaceComparisonOperator_Lt_NotEq 1:2-1:3 '!='\n"
	    "ReplaceComparisonOperator_Lt_LtE 1:2-1:3 '<='\n"
	    "ReplaceComparisonOperator_Lt_Gt 1:2-1:3 '>'\n"
	    "ReplaceComparisonOperator_Lt_GtE 1:2-1:3 '>='\n");
	check("x is 3\n", "ReplaceComparison",
	    "ReplaceComparisonOperator_Is_Eq 1:2-1:4 '=='\n"
	    "ReplaceComparisonOperator_Is_NotEq 1:2-1:4 '!='\n"
	    "ReplaceComparisonOperator_Is_Lt 1:2-1:4 '<'\n"
	    "ReplaceComparisonOperator_Is_LtE 1:2-1:4 '<='\n"
	    "ReplaceComparisonOperator_Is_Gt 1:2-1:4 '>'\n"
	    "ReplaceComparisonOperator_Is_GtE 1:2-1:4 '>='\n");
	assert_int_equal(count("x is not 0x1f\n", "ReplaceComparison"), 6);
	assert_int_equal(count("x == 1.5\n", "ReplaceComparison"), 5);
	assert_int_equal(count("x != 2j\n", "ReplaceComparison"), 5);
	/* -1 is a unary operator, not a literal: every target. */
	check("x == -1\n", "",
	    "ReplaceComparisonOperator_Eq_NotEq 1:2-1:4 '!='\n"
	    "ReplaceComparisonOperator_Eq_Lt 1:2-1:4 '<'\n"
	    "ReplaceComparisonOperator_Eq_LtE 1:2-1:4 '<='\n"
	    "ReplaceComparisonOperator_Eq_Gt 1:2-1:4 '>'\n"
	    "ReplaceComparisonOperator_Eq_GtE 1:2-1:4 '>='\n"
	    "ReplaceComparisonOperator_Eq_Is 1:2-1:4 'is'\n"
	    "ReplaceComparisonOperator_Eq_IsNot 1:2-1:4 'is not'\n"
	    "ReplaceUnaryOperator_USub_UAdd 1:5-1:6 '+'\n"
	    "ReplaceUnaryOperator_USub_Invert 1:5-1:6 '~'\n"
	    "ReplaceUnaryOperator_Delete_USub 1:5-1:6 ''\n"
	    "NumberReplacer 1:6-1:7 '2'\n"
	    "NumberReplacer 1:6-1:7 '0'\n");
}

static void
test_comparison_words(void **state)
{
	(void)state;
	/* in and not in are never mutated. */
	check("a in b\na not in b\nc = x not in y in z\n", "", "");
	/* A word operator is padded where it would glue to a neighbour. */
	check("a==b\n", "ReplaceComparisonOperator_Eq_Is",
	    "ReplaceComparisonOperator_Eq_Is 1:1-1:3 ' is '\n"
	    "ReplaceComparisonOperator_Eq_IsNot 1:1-1:3 ' is not '\n");
	check_apply("a==b\n", "ReplaceComparisonOperator_Eq_IsNot", 0,
	    "a is not b\n");
	check_apply("f(a)==(b)\n", "ReplaceComparisonOperator_Eq_IsNot", 0,
	    "f(a)is not(b)\n");
	check_apply("x=='s'\n", "ReplaceComparisonOperator_Eq_Is", 0,
	    "x is 's'\n");
	check_apply("a is b\n", "ReplaceComparisonOperator_Is_LtE", 0,
	    "a <= b\n");
	/* is not across lines inside brackets: one token, replaced whole. */
	check("x = (a is\n     not b)\n", "ReplaceComparisonOperator_IsNot_E",
	    "ReplaceComparisonOperator_IsNot_Eq 1:7-2:8 '=='\n");
	check_apply("x = (a is\n     not b)\n",
	    "ReplaceComparisonOperator_IsNot_Eq", 0, "x = (a == b)\n");
}

/* Cosmic Ray numbers the links of a comparison before comparisons inside its operands. */
static void
test_comparison_occurrence(void **state)
{
	struct mutant_list	l = { 0 };
	size_t			i, seen = 0;

	(void)state;
	enumerate("(a < b) < c\n", &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].operator,
		    "core/ReplaceComparisonOperator_Lt_Gt") != 0)
			continue;
		if (seen++ == 0) {
			assert_int_equal(l.v[i].col, 3);
			assert_int_equal(l.v[i].occurrence, 1);
		} else {
			assert_int_equal(l.v[i].col, 8);
			assert_int_equal(l.v[i].occurrence, 0);
		}
	}
	assert_int_equal(seen, 2);
	mutant_list_free(&l);
}

static void
test_unary(void **state)
{
	(void)state;
	check("+x\n-x\n~x\nnot x\n", "",
	    "ReplaceUnaryOperator_UAdd_USub 1:0-1:1 '-'\n"
	    "ReplaceUnaryOperator_UAdd_Invert 1:0-1:1 '~'\n"
	    "ReplaceUnaryOperator_UAdd_Not 1:0-1:1 'not '\n"
	    "ReplaceUnaryOperator_USub_UAdd 2:0-2:1 '+'\n"
	    "ReplaceUnaryOperator_USub_Invert 2:0-2:1 '~'\n"
	    "ReplaceUnaryOperator_USub_Not 2:0-2:1 'not '\n"
	    "ReplaceUnaryOperator_Delete_USub 2:0-2:1 ''\n"
	    "ReplaceUnaryOperator_Invert_UAdd 3:0-3:1 '+'\n"
	    "ReplaceUnaryOperator_Invert_USub 3:0-3:1 '-'\n"
	    "ReplaceUnaryOperator_Invert_Not 3:0-3:1 'not '\n"
	    "ReplaceUnaryOperator_Delete_Invert 3:0-3:1 ''\n"
	    "ReplaceUnaryOperator_Delete_Not 4:0-4:4 ''\n");
	/* -1 is unary minus on the literal 1. */
	check("y = -1\n", "",
	    "ReplaceUnaryOperator_USub_UAdd 1:4-1:5 '+'\n"
	    "ReplaceUnaryOperator_USub_Invert 1:4-1:5 '~'\n"
	    "ReplaceUnaryOperator_USub_Not 1:4-1:5 'not '\n"
	    "ReplaceUnaryOperator_Delete_USub 1:4-1:5 ''\n"
	    "NumberReplacer 1:5-1:6 '2'\n"
	    "NumberReplacer 1:5-1:6 '0'\n");
	check_apply("y = - x\n", "ReplaceUnaryOperator_USub_Not", 0,
	    "y = not x\n");
	check_apply("y = -(x)\n", "ReplaceUnaryOperator_USub_Not", 0,
	    "y = not(x)\n");
	check_apply("return-x\n", "ReplaceUnaryOperator_USub_Not", 0,
	    "return not x\n");
	check_apply("return-x\n", "ReplaceUnaryOperator_Delete_USub", 0,
	    "return x\n");
	check_apply("y = a--b\n", "ReplaceUnaryOperator_Delete_USub", 0,
	    "y = a-b\n");
	check_apply("y = ~~b\n", "ReplaceUnaryOperator_Delete_Invert", 1,
	    "y = ~b\n");
}

static void
test_unary_delete_not(void **state)
{
	(void)state;
	check_apply("return not  x\n", "ReplaceUnaryOperator_Delete_Not", 0,
	    "return x\n");
	check_apply("y = not(x)\n", "ReplaceUnaryOperator_Delete_Not", 0,
	    "y = (x)\n");
	check_apply("if a and not\tb: pass\n",
	    "ReplaceUnaryOperator_Delete_Not", 0, "if a and b: pass\n");
	check_apply("y = not not x\n", "ReplaceUnaryOperator_Delete_Not", 1,
	    "y = not x\n");
	/* not is only ever deleted. */
	assert_int_equal(count("y = not x\n", "ReplaceUnaryOperator"), 1);
	/* not in is a comparison operator, not a not. */
	assert_int_equal(count("y = a not in b\n", ""), 0);
}

/* Where Python accepts 'not' in place of a unary operator. */
static void
test_unary_not_contexts(void **state)
{
	static const struct {
		const char	*src;
		size_t		 n;	/* how many ...USub_Not */
	} cases[] = {
		{ "y = a * -b\n", 0 },
		{ "y = -a * b\n", 1 },
		{ "y = a + -b * c\n", 0 },
		{ "y = -a ** b\n", 1 },
		{ "y = a ** -b\n", 0 },
		{ "y = a < -b\n", 0 },
		{ "y = -a < b\n", 1 },
		{ "y = - -x\n", 1 },
		{ "y = f(-x, k=-y)\n", 2 },
		{ "y = x[-1] + x[:-1]\n", 2 },
		{ "x[-1]\nx[:-1]\nx[::-1]\n", 3 },
		{ "y = f(*-x)\n", 0 },
		{ "y = {**-x}\n", 0 },
		{ "y = [-a, -b]\n", 2 },
		{ "y = a if -b else -c\n", 2 },
		{ "y = lambda: -x\n", 1 },
		{ "y = -a and -b or -c\n", 3 },
		{ "y = f'{-x}'\n", 1 },
		{ "async def f():\n    await -x\n", 0 },
		{ "def f(a=-1):\n    return -a\n", 2 },
		{ "for x in -y:\n    pass\n", 1 },
		{ "y = (-a).b\n", 1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (count(cases[i].src, "ReplaceUnaryOperator_USub_Not") !=
		    cases[i].n)
			fail_msg("%s: expected %zu", cases[i].src, cases[i].n);
	}
	/* The other unary replacements are always there. */
	assert_int_equal(count("y = a * -b\n", "ReplaceUnaryOperator"), 3);
	assert_int_equal(count("y = a * ~b\n", "ReplaceUnaryOperator"), 3);
	assert_int_equal(count("y = a * +b\n", "ReplaceUnaryOperator"), 2);
	check_apply("y = -a * b\n", "ReplaceUnaryOperator_USub_Not", 0,
	    "y = not a * b\n");
}

static void
test_keywords(void **state)
{
	(void)state;
	check("x = True and False or y\n", "",
	    "ReplaceTrueWithFalse 1:4-1:8 'False'\n"
	    "ReplaceAndWithOr 1:9-1:12 'or'\n"
	    "ReplaceFalseWithTrue 1:13-1:18 'True'\n"
	    "ReplaceOrWithAnd 1:19-1:21 'and'\n");
	/* None is never mutated. */
	check("x = None\n", "", "");
	check_apply("y = (a)and(b)\n", "ReplaceAndWithOr", 0,
	    "y = (a)or(b)\n");
}

static void
test_numbers(void **state)
{
	(void)state;
	check("a = 0x10 + 0o17 + 0b101 + 1_000 + 0.1 + 1e3 + 3j + 1.5J\n",
	    "Number",
	    "NumberReplacer 1:4-1:8 '17'\n"
	    "NumberReplacer 1:4-1:8 '15'\n"
	    "NumberReplacer 1:11-1:15 '16'\n"
	    "NumberReplacer 1:11-1:15 '14'\n"
	    "NumberReplacer 1:18-1:23 '6'\n"
	    "NumberReplacer 1:18-1:23 '4'\n"
	    "NumberReplacer 1:26-1:31 '1001'\n"
	    "NumberReplacer 1:26-1:31 '999'\n"
	    "NumberReplacer 1:34-1:37 '1.1'\n"
	    "NumberReplacer 1:34-1:37 '-0.9'\n"
	    "NumberReplacer 1:40-1:43 '1001.0'\n"
	    "NumberReplacer 1:40-1:43 '999.0'\n"
	    "NumberReplacer 1:46-1:48 '(1+3j)'\n"
	    "NumberReplacer 1:46-1:48 '(-1+3j)'\n"
	    "NumberReplacer 1:51-1:55 '(1+1.5j)'\n"
	    "NumberReplacer 1:51-1:55 '(-1+1.5j)'\n");
	check("x = 0\n", "",
	    "NumberReplacer 1:4-1:5 '1'\n"
	    "NumberReplacer 1:4-1:5 '-1'\n");
	check("x = 123456789012345678901234567890\n", "",
	    "NumberReplacer 1:4-1:34 '123456789012345678901234567891'\n"
	    "NumberReplacer 1:4-1:34 '123456789012345678901234567889'\n");
	/* An int that is an attribute's object keeps a space before the dot. */
	check_apply("y = 0x1.real\n", "NumberReplacer", 0, "y = 2 .real\n");
	check_apply("y = 1if x else 2\n", "NumberReplacer", 0,
	    "y = 2 if x else 2\n");
}

/* Numbers in match patterns: only replacements that are still patterns. */
static void
test_numbers_in_patterns(void **state)
{
	(void)state;
	check("match x:\n"
	    "    case 0: pass\n"
	    "    case -0: pass\n"
	    "    case 3j: pass\n"
	    "    case -1 + 2j: pass\n"
	    "    case {-1: y}: pass\n"
	    "    case {2j: y}: pass\n"
	    "    case -1e1000 | 1e400: pass\n", "",
	    "NumberReplacer 2:9-2:10 '1'\n"
	    "NumberReplacer 2:9-2:10 '-1'\n"
	    "NumberReplacer 3:10-3:11 '1'\n"
	    "NumberReplacer 4:9-4:11 '(1+3j)'\n"
	    "NumberReplacer 4:9-4:11 '(-1+3j)'\n"
	    "NumberReplacer 5:10-5:11 '2'\n"
	    "NumberReplacer 5:10-5:11 '0'\n"
	    "NumberReplacer 6:11-6:12 '2'\n"
	    "NumberReplacer 6:11-6:12 '0'\n");
}

/* Literal text in strings and comments is not code; f-string fields are. */
static void
test_strings_and_comments(void **state)
{
	(void)state;
	check("s = \"a + b == c and d\"  # x - y or not z == 1\n"
	    "t = 'p - q' 'r < s'\n"
	    "u = \"\"\"1 + 2\nnot True\n\"\"\"\n"
	    "v = f\"a + b {c} and - d 1\"\n"
	    "w = rb'a|b'\n", "", "");
	check("v = f\"{a+b} + c\"\n", "ReplaceBinaryOperator_Add_S",
	    "ReplaceBinaryOperator_Add_Sub 1:8-1:9 '-'\n");
	assert_int_equal(count("v = f\"{a+b} + c\"\n", ""), 11);
	assert_int_equal(count("v = f\"{x:>{w+1}}\"\n", ""), 11 + 2);
}

/* Nothing inside an annotation is mutated; defaults and values are. */
static void
test_annotations(void **state)
{
	(void)state;
	check("def f(x: int | None = 1, *a: A | B, **k: Literal[True]) "
	    "-> A | B:\n"
	    "    y: list[int | None] = 2\n"
	    "    z: Literal[-3, 4 + 5] = True\n"
	    "    return x\n", "",
	    "NumberReplacer 1:22-1:23 '2'\n"
	    "NumberReplacer 1:22-1:23 '0'\n"
	    "NumberReplacer 2:26-2:27 '3'\n"
	    "NumberReplacer 2:26-2:27 '1'\n"
	    "ReplaceTrueWithFalse 3:28-3:32 'False'\n");
	check("class C:\n    x: 'A | B'\n    y: int = a | b\n",
	    "ReplaceBinaryOperator_BitOr_BitA",
	    "ReplaceBinaryOperator_BitOr_BitAnd 3:15-3:16 '&'\n");
}

static void
test_scopes(void **state)
{
	static const char src[] =
	    "x = 1\n"
	    "class Outer:\n"
	    "    y = 2\n"
	    "    def method(self, d=3):\n"
	    "        f = lambda: 4\n"
	    "        def inner():\n"
	    "            return 5\n"
	    "        return 6\n"
	    "    @dec(7)\n"
	    "    def other(self):\n"
	    "        pass\n"
	    "async def top():\n"
	    "    class Local:\n"
	    "        z = 8\n"
	    "w = 9\n";
	static const char *const scopes[] = {
		"", "Outer", "Outer.method", "Outer.method",
		"Outer.method.inner", "Outer.method", "Outer", "top.Local", "",
	};
	struct mutant_list	l = { 0 };
	char			id[MUTANT_ID_LEN + 1];
	size_t			i;

	(void)state;
	enumerate(src, &l);
	/* The numbers, and the decorator, which is in the class's scope. */
	assert_int_equal(l.n, 2 * 9 + 1);
	assert_string_equal(l.v[12].operator, "core/RemoveDecorator");
	assert_string_equal(l.v[12].scope, "Outer");
	mutant_clear(&l.v[12]);
	memmove(&l.v[12], &l.v[13], (l.n - 13) * sizeof l.v[0]);
	l.n--;
	for (i = 0; i < l.n; i++) {
		assert_string_equal(l.v[i].operator, "core/NumberReplacer");
		assert_int_equal(l.v[i].occurrence, i);
		assert_string_equal(l.v[i].scope, scopes[i / 2]);
	}
	/* k counts within the scope: 3, 4 and 6 of Outer.method are 0..5. */
	mutant_make_id(id, "pkg/mod.py", "core/NumberReplacer",
	    "Outer.method", 5);
	assert_string_equal(l.v[11].id, id);
	mutant_make_id(id, "pkg/mod.py", "core/NumberReplacer", "", 3);
	assert_string_equal(l.v[17].id, id);
	mutant_make_id(id, "pkg/mod.py", "core/NumberReplacer", "Outer", 2);
	assert_string_equal(l.v[12].id, id);
	mutant_list_free(&l);
}

/* Columns count characters; a BOM is not on the line; CRLF ends lines. */
static void
test_positions(void **state)
{
	static const char src[] =
	    "\xef\xbb\xbfif x == 0:\r\n"
	    "\ty = '\xc3\xa9\xe2\x82\xac' + 2\r\n";
	struct mutant_list	l = { 0 };

	(void)state;
	check(src, "ReplaceComparisonOperator_Eq_N",
	    "ReplaceComparisonOperator_Eq_NotEq 1:5-1:7 '!='\n");
	check(src, "ReplaceBinaryOperator_Add_Sub",
	    "ReplaceBinaryOperator_Add_Sub 2:10-2:11 '-'\n");
	check(src, "Number",
	    "NumberReplacer 1:8-1:9 '1'\n"
	    "NumberReplacer 1:8-1:9 '-1'\n"
	    "NumberReplacer 2:12-2:13 '3'\n"
	    "NumberReplacer 2:12-2:13 '1'\n");
	/* Byte offsets count from the start of the file, BOM included. */
	enumerate(src, &l);
	assert_string_equal(l.v[0].operator, "core/AddNot");
	assert_string_equal(l.v[0].replacement, "not x == 0");
	mutant_clear(&l.v[0]);
	memmove(&l.v[0], &l.v[1], (l.n - 1) * sizeof l.v[0]);
	l.n--;
	assert_int_equal(l.v[0].start, 3 + 5);
	assert_int_equal(l.v[0].end, 3 + 7);
	assert_memory_equal(src + l.v[0].start, "==", 2);
	assert_memory_equal(src + l.v[l.n - 1].start, "2", 1);
	mutant_list_free(&l);
}

static int
check_text(const char *src, char **cause)
{
	return pyast_check(src, strlen(src), cause);
}

static void
test_syntax_error(void **state)
{
	struct mutant_list	 l = { 0 };
	char			*cause = NULL;

	(void)state;
	mutant_list_push(&l)->operator = xstrdup("core/NumberReplacer");
	assert_int_equal(operators_enumerate("a.py", "x = 1\ndef f(:\n",
	    14, &l, &cause), -1);
	assert_string_equal(cause, "2:6: syntax error");
	assert_int_equal(l.n, 1);
	free(cause);
	mutant_list_free(&l);

	cause = NULL;
	assert_int_equal(check_text("x = 1\n", &cause), 0);
	assert_null(cause);
	assert_int_equal(check_text("", &cause), 0);
	assert_int_equal(check_text("s = '\xc3\xa9'; f(a b)\n", &cause), -1);
	assert_string_equal(cause, "1:13: syntax error");
	free(cause);
	assert_int_equal(check_text("\xef\xbb\xbf\n\tx = (1,\n", &cause), -1);
	assert_string_equal(cause, "2:1: syntax error");
	free(cause);
	assert_int_equal(check_text("a * not b\n", NULL), -1);
	assert_int_equal(check_text("x = a is not(b)\n", NULL), 0);
}

/*
 * A syntax error that comes of deep indentation says so, at the first line
 * too deep: past column 255 (tree-sitter-python's limit) or past 100 levels
 * (Python's). Indentation inside strings, brackets, comments and continued
 * lines is not a line's.
 */
static void
test_deep_indentation(void **state)
{
	char	*src, *cause = NULL;
	size_t	 n = 0, cap = 64 * 1024;
	int	 i;

	(void)state;
	src = xmalloc(cap);
	n += (size_t)snprintf(src + n, cap - n, "s = \"\"\"\n%300s\"\"\"\n"
	    "t = (1,\n%300s2)\n%300s# a comment\nu = 1 + \\\n%300s2\n"
	    "v = 'a\\'b'\n", "", "", "", "");
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(src + n, cap - n, "%*sif x:\n", 4 * i, "");
	n += (size_t)snprintf(src + n, cap - n, "%*sy = 1\n", 4 * i, "");
	assert_int_equal(check_text(src, &cause), -1);
	/* 8 lines before the 64 ifs; the last one's body is at column 256. */
	assert_string_equal(cause, "73:256: indented 256 columns, past the "
	    "255 that the Python grammar in use can parse");
	free(cause);

	cause = NULL;
	n = 0;
	for (i = 0; i < 101; i++)
		n += (size_t)snprintf(src + n, cap - n, "%*sif x:\n", i, "");
	n += (size_t)snprintf(src + n, cap - n, "%*sf(:\n", i, "");
	assert_int_equal(check_text(src, &cause), -1);
	assert_string_equal(cause, "101:100: too many levels of indentation");
	free(cause);

	/* Deep but legal: the grammar parses it. */
	n = 0;
	for (i = 0; i < 63; i++)
		n += (size_t)snprintf(src + n, cap - n, "%*sif x:\n", 4 * i, "");
	n += (size_t)snprintf(src + n, cap - n, "%*sy = 1\n", 4 * i, "");
	assert_int_equal(check_text(src, NULL), 0);
	free(src);
}

/* The same text gives the same IDs; an edit in one function leaves another's alone. */
static void
test_determinism(void **state)
{
	static const char before[] =
	    "def f(a):\n"
	    "    return a + 1\n"
	    "def g(b):\n"
	    "    return b - 2 if b > 0 else -b\n";
	static const char after[] =
	    "import os\n"
	    "def f(a):\n"
	    "    x = a * 3\n"
	    "    return a + 1 < x\n"
	    "def g(b):\n"
	    "    return b - 2 if b > 0 else -b\n";
	struct mutant_list	l1 = { 0 }, l2 = { 0 }, l3 = { 0 };
	size_t			i, j, ng = 0;

	(void)state;
	enumerate(before, &l1);
	enumerate(before, &l2);
	assert_int_equal(l1.n, l2.n);
	for (i = 0; i < l1.n; i++) {
		assert_string_equal(l1.v[i].id, l2.v[i].id);
		assert_string_equal(l1.v[i].operator, l2.v[i].operator);
		assert_string_equal(l1.v[i].replacement, l2.v[i].replacement);
		assert_int_equal(l1.v[i].start, l2.v[i].start);
		for (j = 0; j < i; j++)
			assert_string_not_equal(l1.v[i].id, l1.v[j].id);
	}
	enumerate(after, &l3);
	for (i = 0; i < l1.n; i++) {
		if (strcmp(l1.v[i].scope, "g") != 0)
			continue;
		ng++;
		for (j = 0; j < l3.n; j++) {
			if (strcmp(l1.v[i].id, l3.v[j].id) == 0)
				break;
		}
		assert_true(j < l3.n);
		assert_string_equal(l3.v[j].replacement, l1.v[i].replacement);
		assert_int_equal(l3.v[j].line, l1.v[i].line + 2);
	}
	assert_int_equal(ng, 11 + 2 + 5 + 2 + 4 + 1);
	mutant_list_free(&l1);
	mutant_list_free(&l2);
	mutant_list_free(&l3);
}

/* No mutant of a valid file is a syntax error. */
static void
test_mutants_parse(void **state)
{
	static const char src[] =
	    "\xef\xbb\xbf# -*- coding: utf-8 -*-\r\n"
	    "import os, sys\r\n"
	    "from m import *\r\n"
	    "X = 0x1F | 0o7 & ~0b1 ^ 1_000 << 2 >> 1\r\n"
	    "@decorator(-1, k=not True)\r\n"
	    "class K(Base, metaclass=M):\r\n"
	    "    '''doc + string'''\r\n"
	    "    z: int | None = -2.5e-3\r\n"
	    "    def m(self, a, /, b=1, *args, c=-1j, **kw) -> A | B:\r\n"
	    "        if a==b and not(c) or a is not None:\r\n"
	    "            return-a\r\n"
	    "        elif a<b<=c!=d:\r\n"
	    "            x = [*args, -a, +b, ~c, not a, a if-b else-c]\r\n"
	    "            y = {**kw, 'k': a@b, 'l': a//b%c**-d}\r\n"
	    "        while a>=0x10 and b<1.5 or c>=-1:\r\n"
	    "            a -= 1; b **= 2\r\n"
	    "        for i in range(-1, 10, +2):\r\n"
	    "            print(f\"{i+1!r:>{w-1}} {a is b} {-i}\", *args)\r\n"
	    "        return lambda q=1: q*-q, a[::-1], a[-1:], (yield -a)\r\n"
	    "async def g(a):\r\n"
	    "    return await f(-a) + (await h()) * 2, not -a\r\n"
	    "match X:\r\n"
	    "    case 0 | -1 | 1.5 | -2j | 1+2j | -1-0j: pass\r\n"
	    "    case {0: a, -5: b, 2j: c} if a<0: pass\r\n"
	    "    case P(x=0, y=-0.5) | [1, -2, *_]: pass\r\n"
	    "s = 1if a else 2\r\n";
	struct mutant_list	 l = { 0 };
	char			*out, *cause;
	size_t			 i, n;

	(void)state;
	assert_int_equal(pyast_check(src, sizeof src - 1, NULL), 0);
	assert_int_equal(operators_enumerate("k.py", src, sizeof src - 1, &l,
	    NULL), 0);
	assert_true(l.n > 300);
	for (i = 0; i < l.n; i++) {
		out = mutant_splice(src, sizeof src - 1, l.v[i].start,
		    l.v[i].end, l.v[i].replacement, &n);
		assert_non_null(out);
		cause = NULL;
		if (pyast_check(out, n, &cause) != 0)
			fail_msg("%s at %u:%u '%s': %s\n%s", l.v[i].operator,
			    l.v[i].line, l.v[i].col, l.v[i].replacement, cause,
			    out);
		free(out);
	}
	mutant_list_free(&l);
}

static void
test_operators_all(void **state)
{
	const char *const	*all;
	struct mutant_list	 l = { 0 };
	size_t			 n, i, j, binary = 0, comparison = 0, unary = 0;

	(void)state;
	all = operators_all(&n);
	/* Cosmic Ray's 213 and the extended set. */
	assert_int_equal(n, 132 + 56 + 12 + 13 + 141);
	for (i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1], all[i]) < 0);
	for (i = 0; i < n; i++) {
		binary += strncmp(all[i], "core/ReplaceBinaryOperator_", 27) == 0;
		comparison += strncmp(all[i],
		    "core/ReplaceComparisonOperator_", 31) == 0;
		unary += strncmp(all[i], "core/ReplaceUnaryOperator_", 26) == 0;
	}
	assert_int_equal(binary, 132);
	assert_int_equal(comparison, 56);
	assert_int_equal(unary, 12);
	/* Every mutant names a listed operator. */
	enumerate("x = -a + b < ~c and not True or 1\n", &l);
	for (i = 0; i < l.n; i++) {
		for (j = 0; j < n; j++) {
			if (strcmp(l.v[i].operator, all[j]) == 0)
				break;
		}
		assert_true(j < n);
	}
	mutant_list_free(&l);
	for (i = 0; i < n; i++) {
		assert_string_not_equal(all[i],
		    "core/ReplaceUnaryOperator_Delete_UAdd");
		assert_string_not_equal(all[i],
		    "core/ReplaceUnaryOperator_Not_UAdd");
		assert_string_not_equal(all[i],
		    "core/ReplaceBinaryOperator_Add_Add");
	}
}

static void
test_pyast_tree(void **state)
{
	static const char	 src[] = "x = a + -1  # c\n";
	struct pyast		*t;
	int32_t			 i, op;
	uint32_t		 k, line, col;

	(void)state;
	t = pyast_parse(src, sizeof src - 1, NULL);
	assert_non_null(t);
	assert_int_equal(t->v[0].kind, PYAST_MODULE);
	assert_int_equal(t->v[0].parent, -1);
	assert_int_equal(t->v[0].subtree_end, t->n);
	for (i = 0; i < (int32_t)t->n; i++) {
		if (t->v[i].kind == PYAST_BINARY_OPERATOR)
			break;
	}
	assert_true(i < (int32_t)t->n);
	op = pyast_field_child(t, i, PYAST_FIELD_OPERATOR);
	assert_int_equal(t->v[op].kind, PYAST_T_ADD);
	assert_int_equal(t->v[op].start, 6);
	assert_int_equal(t->v[op].parent, i);
	assert_false(t->v[op].flags & PYAST_NAMED);
	assert_int_equal(t->v[pyast_field_child(t, i, PYAST_FIELD_RIGHT)].kind,
	    PYAST_UNARY_OPERATOR);
	/* Pre-order: every node's subtree is a contiguous range. */
	for (k = 1; k < t->n; k++) {
		assert_true(t->v[k].parent >= 0 && (uint32_t)t->v[k].parent < k);
		assert_true(t->v[t->v[k].parent].subtree_end >= t->v[k].subtree_end);
		assert_true(t->v[k].start >= t->v[t->v[k].parent].start);
	}
	for (k = 0; k < t->n; k++) {
		if (t->v[k].kind == PYAST_COMMENT)
			assert_true(t->v[k].flags & PYAST_EXTRA);
	}
	pyast_position(t, 13, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 13);
	assert_string_equal(pyast_kind_name(PYAST_NOT_OPERATOR), "not_operator");
	assert_string_equal(pyast_kind_name(PYAST_T_ISNOT), "is not");
	pyast_free(t);
	assert_null(pyast_parse("(", 1, NULL));
}

/* A file with nothing to mutate: no mutant, and no arithmetic on an empty list (UBSan). */
static void
test_nothing_to_mutate(void **state)
{
	static const char *const texts[] = { "", "\n", "# a comment\n",
	    "pass\n", "import os\n", NULL };
	struct mutant_list	 list = { 0 };
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; texts[i] != NULL; i++) {
		assert_int_equal(operators_enumerate("empty.py", texts[i],
		    strlen(texts[i]), &list, &cause), 0);
		assert_int_equal(list.n, 0);
	}
	mutant_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_binary_every_operator),
		cmocka_unit_test(test_binary_not_mutated),
		cmocka_unit_test(test_comparison_chain),
		cmocka_unit_test(test_comparison_none),
		cmocka_unit_test(test_comparison_number),
		cmocka_unit_test(test_comparison_words),
		cmocka_unit_test(test_comparison_occurrence),
		cmocka_unit_test(test_unary),
		cmocka_unit_test(test_unary_delete_not),
		cmocka_unit_test(test_unary_not_contexts),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_in_patterns),
		cmocka_unit_test(test_strings_and_comments),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_deep_indentation),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_mutants_parse),
		cmocka_unit_test(test_operators_all),
		cmocka_unit_test(test_pyast_tree),
		cmocka_unit_test(test_nothing_to_mutate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
