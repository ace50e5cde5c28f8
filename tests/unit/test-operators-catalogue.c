/* test-operators-catalogue.c: golden lists for the newer operators, their options and the pragma filter. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mutant.h"
#include "golden.h"
#include "operators.h"
#include "pyast.h"
#include "util.h"

static int
select_all(const char *id, void *arg)
{
	(void)id;
	(void)arg;
	return 1;
}

static int
select_variable(const char *id, void *arg)
{
	(void)arg;
	return strncmp(id, "core/Variable", 13) == 0;
}

/* Every operator, with the given parameter sets and seed. */
static struct operator_options
options_all(const struct operator_param *params, size_t nparams,
    uint64_t seed)
{
	struct operator_options	o = { 0 };

	o.select = select_all;
	o.params = params;
	o.nparams = nparams;
	o.seed = seed;
	return o;
}

static void
enumerate(const char *src, const struct operator_options *o,
    struct mutant_list *l)
{
	golden_enumerate(src, o, l);
}

/*
 * The mutants of src whose operator ID starts with prefix, one per line:
 * "ID line:col-endline:endcol 'replacement'", and " skip=REASON" if skipped.
 */
static void
check_opts(const char *src, const struct operator_options *o,
    const char *prefix, const char *expected)
{
	golden_check(src, o, "", prefix, expected);
}

/* check_opts() with every operator selected and no parameter set. */
static void
check(const char *src, const char *prefix, const char *expected)
{
	struct operator_options	o = options_all(NULL, 0, 0);

	check_opts(src, &o, prefix, expected);
}

static size_t
count(const char *src, const char *prefix)
{
	struct operator_options	o = options_all(NULL, 0, 0);

	return golden_count(src, &o, "", prefix);
}

/* The text of src after applying its nth mutant of operator op. */
static char *
apply_opts(const char *src, const struct operator_options *o, const char *op,
    size_t nth)
{
	return golden_apply(src, o, "", op, nth);
}

static void
check_apply(const char *src, const char *op, size_t nth, const char *expected)
{
	struct operator_options	 o = options_all(NULL, 0, 0);
	char			*got = apply_opts(src, &o, op, nth);

	assert_string_equal(got, expected);
	free(got);
}

static void
test_break_continue(void **state)
{
	(void)state;
	check("for x in y:\n"
	    "    if x:\n"
	    "        break\n"
	    "    continue\n", "core/ReplaceBreak",
	    "core/ReplaceBreakWithContinue 3:8-3:13 'continue'\n");
	check("while 1:\n    continue\n", "core/ReplaceContinue",
	    "core/ReplaceContinueWithBreak 2:4-2:12 'break'\n");
	check_apply("while x:\n    if y: break\n",
	    "core/ReplaceBreakWithContinue", 0,
	    "while x:\n    if y: continue\n");
	/* Words that contain the keywords are names. */
	assert_int_equal(count("breaker = continued\n", "core/Replace"), 0);
}

static void
test_add_not(void **state)
{
	(void)state;
	check("if a:\n"
	    "    pass\n"
	    "elif b:\n"
	    "    pass\n"
	    "elif c:\n"
	    "    pass\n"
	    "else:\n"
	    "    pass\n"
	    "while d:\n"
	    "    pass\n"
	    "assert e, 'message'\n"
	    "x = f if g else h\n", "core/AddNot",
	    "core/AddNot 1:3-1:4 'not a'\n"
	    "core/AddNot 3:5-3:6 'not b'\n"
	    "core/AddNot 5:5-5:6 'not c'\n"
	    "core/AddNot 9:6-9:7 'not d'\n"
	    "core/AddNot 11:7-11:8 'not e'\n"
	    "core/AddNot 12:9-12:10 'not g'\n");
	/* The occurrence counts elif tests in file order. */
	check_apply("if a: pass\nelif b: pass\n", "core/AddNot", 1,
	    "if a: pass\nelif not b: pass\n");
	/* A comprehension's if clause and a match guard are not tests here. */
	assert_int_equal(count("y = [i for i in r if i]\n"
	    "match v:\n    case _ if v: pass\n", "core/AddNot"), 0);
}

/* Parentheses exactly where 'not' would bind tighter than the test. */
static void
test_add_not_parentheses(void **state)
{
	(void)state;
	check("if a and b: pass\n"
	    "if a or b and c: pass\n"
	    "while x := f(): pass\n"
	    "assert (lambda: 0) if p else q\n"
	    "y = u if lambda: 0 else v\n", "core/AddNot",
	    "core/AddNot 1:3-1:10 'not (a and b)'\n"
	    "core/AddNot 2:3-2:15 'not (a or b and c)'\n"
	    "core/AddNot 3:6-3:14 'not (x := f())'\n"
	    "core/AddNot 4:7-4:30 'not ((lambda: 0) if p else q)'\n"
	    "core/AddNot 4:22-4:23 'not p'\n"
	    "core/AddNot 5:9-5:18 'not (lambda: 0)'\n");
	/* not binds looser than comparisons and arithmetic: no parentheses. */
	check("if a < b: pass\n"
	    "if a is not None: pass\n"
	    "if not a: pass\n"
	    "if -a + b: pass\n"
	    "if (a and b): pass\n"
	    "if await f(): pass\n", "core/AddNot",
	    "core/AddNot 1:3-1:8 'not a < b'\n"
	    "core/AddNot 2:3-2:16 'not a is not None'\n"
	    "core/AddNot 3:3-3:8 'not not a'\n"
	    "core/AddNot 4:3-4:9 'not -a + b'\n"
	    "core/AddNot 5:3-5:12 'not (a and b)'\n"
	    "core/AddNot 6:3-6:12 'not await f()'\n");
	check_apply("if(a)or b:\n    pass\n", "core/AddNot", 0,
	    "if not ((a)or b):\n    pass\n");
	check_apply("while(x):\n    pass\n", "core/AddNot", 0,
	    "while not (x):\n    pass\n");
	check_apply("if a and \\\n   b: pass\n", "core/AddNot", 0,
	    "if not (a and \\\n   b): pass\n");
}

static void
test_exception_replacer(void **state)
{
	(void)state;
	check("try:\n"
	    "    pass\n"
	    "except ValueError:\n"
	    "    pass\n"
	    "except os.error as e:\n"
	    "    pass\n"
	    "except (A, m.n.B, C):\n"
	    "    pass\n"
	    "except (D,) as e:\n"
	    "    pass\n"
	    "except (E):\n"
	    "    pass\n"
	    "except:\n"
	    "    pass\n", "core/Exception",
	    "core/ExceptionReplacer 3:7-3:17 '()'\n"
	    "core/ExceptionReplacer 5:7-5:15 '()'\n"
	    "core/ExceptionReplacer 7:8-7:11 ''\n"
	    "core/ExceptionReplacer 7:11-7:18 ''\n"
	    "core/ExceptionReplacer 7:16-7:19 ''\n"
	    "core/ExceptionReplacer 9:7-9:11 '()'\n"
	    "core/ExceptionReplacer 11:7-11:10 '()'\n");
	/* A dotted name is replaced whole, by something that exists. */
	check_apply("try: f()\nexcept m.Error as e: pass\n",
	    "core/ExceptionReplacer", 0, "try: f()\nexcept () as e: pass\n");
	check_apply("try: f()\nexcept(E): pass\n", "core/ExceptionReplacer", 0,
	    "try: f()\nexcept(): pass\n");
	/* In a tuple the name goes, with a comma: no nested (). */
	check_apply("try: f()\nexcept (A, B, C): pass\n",
	    "core/ExceptionReplacer", 0, "try: f()\nexcept (B, C): pass\n");
	check_apply("try: f()\nexcept (A, B, C): pass\n",
	    "core/ExceptionReplacer", 1, "try: f()\nexcept (A, C): pass\n");
	check_apply("try: f()\nexcept (A, B, C,): pass\n",
	    "core/ExceptionReplacer", 2, "try: f()\nexcept (A, B,): pass\n");
	check_apply("try: f()\nexcept (A,) as e: pass\n",
	    "core/ExceptionReplacer", 0, "try: f()\nexcept () as e: pass\n");
	/* except* and other expressions: no site. */
	assert_int_equal(count("try: f()\nexcept* E: pass\n",
	    "core/Exception"), 0);
	assert_int_equal(count("try: f()\nexcept *E: pass\n",
	    "core/Exception"), 0);
	assert_int_equal(count("try: f()\nexcept* (A, B): pass\n",
	    "core/Exception"), 0);
	assert_int_equal(count("try: f()\nexcept errors(): pass\n"
	    "try: f()\nexcept E[0]: pass\n", "core/Exception"), 0);
	/* A tuple with a call keeps the call; the name still goes. */
	check_apply("try: f()\nexcept (g(), Y): pass\n",
	    "core/ExceptionReplacer", 0, "try: f()\nexcept (g()): pass\n");
}

static void
test_remove_decorator(void **state)
{
	(void)state;
	check("@a\n"
	    "@b.c(1,\n"
	    "     2)  # note\n"
	    "def f():\n"
	    "    pass\n"
	    "class C:\n"
	    "    @property\n"
	    "    def p(self): pass\n", "core/RemoveDecorator",
	    "core/RemoveDecorator 1:0-2:0 ''\n"
	    "core/RemoveDecorator 2:0-4:0 ''\n"
	    "core/RemoveDecorator 7:4-8:0 ''\n");
	check_apply("@a\n@b\n@c\ndef f(): pass\n", "core/RemoveDecorator", 1,
	    "@a\n@c\ndef f(): pass\n");
	check_apply("class C:\r\n    @staticmethod\r\n    def f(): pass\r\n",
	    "core/RemoveDecorator", 0, "class C:\r\n    def f(): pass\r\n");
	check_apply("if x:\n\t@d\n\tclass K: pass\n", "core/RemoveDecorator",
	    0, "if x:\n\tclass K: pass\n");
	/* Decorators are outside the definition's scope. */
	{
		struct operator_options	o = options_all(NULL, 0, 0);
		struct mutant_list	l = { 0 };

		enumerate("class C:\n    @d\n    def f(self): pass\n", &o, &l);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.v[0].scope, "C");
		mutant_list_free(&l);
	}
}

static void
test_zero_iteration(void **state)
{
	(void)state;
	check("for x in range(3):\n"
	    "    pass\n"
	    "for a, b in p, q:\n"
	    "    pass\n"
	    "async def f():\n"
	    "    async for y in z:\n"
	    "        pass\n"
	    "l = [i for i in r]\n"
	    "g = (j async for j in s)\n", "core/ZeroIteration",
	    "core/ZeroIterationForLoop 1:9-1:17 '[]'\n"
	    "core/ZeroIterationForLoop 3:12-3:16 '[]'\n"
	    "core/ZeroIterationForLoop 6:19-6:20 '[]'\n");
	check_apply("for x in(y):\n    pass\n", "core/ZeroIterationForLoop",
	    0, "for x in[]:\n    pass\n");
}

static const struct operator_param replace_i[] = {
	{ "core/VariableReplacer", "i", NULL },
};

static void
test_variable_replacer(void **state)
{
	struct operator_options	 o = options_all(replace_i, 1, 7);
	struct mutant_list	 l = { 0 };
	char			*got;
	size_t			 k;

	(void)state;
	o.select = select_variable;
	/* Sites: assignment statements whose value reads i. */
	enumerate("y = i + 1\n"
	    "z = 2\n"
	    "w: int = f(i, i)\n"
	    "v += i\n"
	    "a = b = i * c\n"
	    "i = 3\n"
	    "u = obj.i + g(i=1)\n"
	    "t = lambda i: i\n"
	    "s = [i for i in r]\n"
	    "q = (i := 4)\n"
	    "if i: p = 0\n", &o, &l);
	assert_int_equal(l.n, 4);
	for (k = 0; k < l.n; k++) {
		assert_string_equal(l.v[k].operator, "core/VariableReplacer");
		assert_int_equal(l.v[k].occurrence, k);
		assert_null(strstr(l.v[k].replacement, "i"));
	}
	assert_int_equal(l.v[0].line, 1);
	assert_int_equal(l.v[0].col, 4);
	assert_int_equal(l.v[0].end_col, 9);
	assert_int_equal(l.v[1].line, 3);
	assert_int_equal(l.v[2].line, 4);
	assert_int_equal(l.v[3].line, 5);
	assert_int_equal(l.v[3].col, 8);
	mutant_list_free(&l);

	/* Every use in the value, each with its own number. */
	got = apply_opts("w = f(i, i, k=i.real, j=-i)\n", &o,
	    "core/VariableReplacer", 0);
	assert_int_equal(pyast_check(got, strlen(got), NULL), 0);
	assert_null(strstr(got, "i,"));
	assert_non_null(strstr(got, "k=("));
	assert_non_null(strstr(got, ").real, j=-"));
	free(got);

	/* Attribute names, keyword names, := targets, bound names stay. */
	got = apply_opts("u = obj.i + g(i=i) + (i := 2) + "
	    "[i for i in r][0] + (lambda i: i)(1)\n", &o,
	    "core/VariableReplacer", 0);
	assert_non_null(strstr(got, "obj.i + g(i="));
	assert_non_null(strstr(got, "(i := 2) + [i for i in r][0] + "
	    "(lambda i: i)(1)"));
	assert_null(strstr(got, "g(i=i)"));
	free(got);
}

static void
test_variable_replacer_effect(void **state)
{
	static const struct operator_param params[] = {
		{ "core/VariableReplacer", "x", "y" },
		{ "core/VariableReplacer", "x", "count" },
	};
	struct operator_options	o = options_all(params, 2, 1);
	struct mutant_list	l = { 0 };

	(void)state;
	o.select = select_variable;
	enumerate("j = x + z\n"
	    "y = x + z\n"
	    "a, (b, *y) = x, 1, 2\n"
	    "self.count = x\n"
	    "y[0] = x\n"
	    "q = y = x\n", &o, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].line, 2);
	assert_int_equal(l.v[1].line, 3);
	assert_int_equal(l.v[2].line, 4);
	assert_int_equal(l.v[3].line, 6);
	/* Each parameter set numbers its own mutants. */
	assert_int_equal(l.v[0].occurrence, 0);
	assert_int_equal(l.v[1].occurrence, 1);
	assert_int_equal(l.v[2].occurrence, 0);
	assert_int_equal(l.v[3].occurrence, 2);
	assert_string_not_equal(l.v[0].id, l.v[2].id);
	mutant_list_free(&l);
}

static void
test_variable_inserter(void **state)
{
	static const struct operator_param params[] = {
		{ "core/VariableInserter", "j", "y" },
	};
	struct operator_options	 o = options_all(params, 1, 3);
	struct mutant_list	 l = { 0 };
	char			*got;
	size_t			 k;

	(void)state;
	o.select = select_variable;
	/* One site per sum and per product, in values that define y. */
	enumerate("y = a + b - c\n"
	    "y = a * b + c\n"
	    "z = a + b\n"
	    "y += f(a + b) // 2\n"
	    "y = a ** b\n"
	    "y[a + b] = 1\n"
	    "y = a @ b\n", &o, &l);
	assert_int_equal(l.n, 6);
	assert_int_equal(l.v[0].line, 1);
	assert_int_equal(l.v[0].col, 4);
	assert_int_equal(l.v[0].end_col, 13);
	assert_int_equal(l.v[1].line, 2);
	assert_int_equal(l.v[1].end_col, 13);
	assert_int_equal(l.v[2].line, 2);
	assert_int_equal(l.v[2].end_col, 9);
	assert_int_equal(l.v[3].line, 4);
	assert_int_equal(l.v[3].col, 5);
	assert_int_equal(l.v[4].line, 4);
	assert_int_equal(l.v[4].col, 7);
	assert_int_equal(l.v[5].line, 7);
	for (k = 0; k < l.n; k++) {
		assert_string_equal(l.v[k].operator, "core/VariableInserter");
		assert_true(strlen(l.v[k].replacement) > 4);
		assert_string_equal(l.v[k].replacement +
		    strlen(l.v[k].replacement) - 2, " j");
	}
	mutant_list_free(&l);
	got = apply_opts("y = a + b\n", &o, "core/VariableInserter", 0);
	assert_true(strcmp(got, "y = a + b + j\n") == 0 ||
	    strcmp(got, "y = a + b * j\n") == 0 ||
	    strcmp(got, "y = a + b - j\n") == 0);
	free(got);
}

/* The replacements of every Variable* mutant of src, joined. */
static char *
variable_texts(const char *src, uint64_t seed)
{
	static const struct operator_param params[] = {
		{ "core/VariableReplacer", "i", NULL },
		{ "core/VariableInserter", "i", "y" },
	};
	struct operator_options	 o = options_all(params, 2, seed);
	struct mutant_list	 l = { 0 };
	struct buf		 b = { 0 };
	size_t			 k;

	enumerate(src, &o, &l);
	for (k = 0; k < l.n; k++) {
		if (strncmp(l.v[k].operator, "core/Variable", 13) == 0)
			buf_addf(&b, "%s|%s|%s\n", l.v[k].id, l.v[k].scope,
			    l.v[k].replacement);
	}
	mutant_list_free(&l);
	return buf_detach(&b);
}

static void
test_variable_determinism(void **state)
{
	static const char src[] =
	    "def f():\n"
	    "    y = i + i * 2 + i - i // i\n"
	    "    y = i * 3 + i\n"
	    "def g():\n"
	    "    y = i + 1\n";
	static const char edited[] =
	    "import os\n"
	    "def f():\n"
	    "    y = i * 5 + i\n"
	    "    y = i + i * 2 + i - i // i\n"
	    "    y = i * 3 + i\n"
	    "def g():\n"
	    "    y = i + 1\n";
	char	*a, *b, *c, *d, *p, *q;
	size_t	 n = 0;

	(void)state;
	a = variable_texts(src, 1);
	b = variable_texts(src, 1);
	c = variable_texts(src, 2);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/*
	 * Other values and other IDs under another seed, so make runs the
	 * new mutants instead of keeping the old seed's results.
	 */
	for (p = a, q = c; *p != '\0' && *q != '\0'; n++) {
		assert_memory_not_equal(p, q, MUTANT_ID_LEN);
		p = strchr(p, '\n') + 1;
		q = strchr(q, '\n') + 1;
	}
	assert_true(*p == '\0' && *q == '\0');
	assert_int_equal(n, 3 + 4 + 2);
	/* g's mutants keep their IDs and values when f changes. */
	d = variable_texts(edited, 1);
	p = strstr(a, "|g|");
	assert_non_null(p);
	p -= MUTANT_ID_LEN;
	assert_non_null(strstr(d, p));
	free(a);
	free(b);
	free(c);
	free(d);
}

/* The values for one seed, as a plan would have them. */
static void
test_variable_golden(void **state)
{
	static const struct operator_param params[] = {
		{ "core/VariableReplacer", "i", NULL },
		{ "core/VariableInserter", "j", "y" },
	};
	static const char src[] =
	    "def f(i):\n"
	    "    y = i + 1\n"
	    "    y = i.real + i ** 2 + g(-i)\n"
	    "    x = y * 2 + i\n";
	struct operator_options	o = options_all(params, 2, 7);

	(void)state;
	check_opts(src, &o, "core/Variable",
	    "core/VariableReplacer 2:8-2:13 '-16 + 1'\n"
	    "core/VariableInserter 2:8-2:13 'i + 1 + j'\n"
	    "core/VariableReplacer 3:8-3:31 '(-50).real + 92 ** 2 + g(-81)'\n"
	    "core/VariableInserter 3:8-3:31 'i.real + i ** 2 + g(-i) - j'\n"
	    "core/VariableReplacer 4:8-4:17 'y * 2 + 35'\n");
	o.seed = 8;
	check_opts(src, &o, "core/VariableReplacer",
	    "core/VariableReplacer 2:8-2:13 '-70 + 1'\n"
	    "core/VariableReplacer 3:8-3:31 '(34).real + (-6) ** 2 + "
	    "g(-14)'\n"
	    "core/VariableReplacer 4:8-4:17 'y * 2 + -37'\n");
}

static void
test_variable_params(void **state)
{
	static const struct operator_param bad[] = {
		{ "core/NumberReplacer", "i", NULL },
		{ "core/VariableReplacer", "1x", NULL },
		{ "core/VariableInserter", "i", NULL },
		{ "core/VariableReplacer", "i", "a-b" },
		{ "core/VariableReplacer", NULL, NULL },
	};
	static const struct operator_param good = {
		"core/VariableReplacer", "i", NULL,
	};
	struct operator_options	 o = { 0 };
	struct mutant_list	 l = { 0 };
	char			*cause;
	size_t			 k;

	(void)state;
	for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		cause = NULL;
		assert_int_equal(operator_param_check(&bad[k], &cause), -1);
		assert_non_null(cause);
		free(cause);
		o.params = &bad[k];
		o.nparams = 1;
		cause = NULL;
		assert_int_equal(operators_enumerate_opts("a.py", "x = i\n", 6,
		    &o, &l, &cause), -1);
		assert_non_null(cause);
		free(cause);
		assert_int_equal(l.n, 0);
	}
	assert_int_equal(operator_param_check(&good, NULL), 0);
	/* Default selection: a parameter set is what asks for Variable*. */
	o.params = &good;
	o.nparams = 1;
	assert_int_equal(operators_enumerate_opts("a.py", "x = i\n", 6, &o,
	    &l, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].operator, "core/VariableReplacer");
	mutant_list_free(&l);
	assert_int_equal(operators_enumerate("a.py", "x = i\n", 6, &l, NULL),
	    0);
	assert_int_equal(l.n, 0);
	mutant_list_free(&l);
}

static void
test_membership(void **state)
{
	(void)state;
	check("a in b\nc not in d\nfor x in y: pass\ne = [f for f in g]\n",
	    "crmake/",
	    "crmake/ReplaceInWithNotIn 1:2-1:4 'not in'\n"
	    "crmake/ReplaceNotInWithIn 2:2-2:8 'in'\n");
	check_apply("x = a in(b)\n", "crmake/ReplaceInWithNotIn", 0,
	    "x = a not in(b)\n");
	check_apply("x = (a not\n     in b)\n", "crmake/ReplaceNotInWithIn", 0,
	    "x = (a in b)\n");
	check_apply("x = 'a'in'b'\n", "crmake/ReplaceInWithNotIn", 0,
	    "x = 'a' not in 'b'\n");
}

static void
test_augmented_assignment(void **state)
{
	(void)state;
	check("x += 1\n", "crmake/",
	    "crmake/ReplaceAugmentedAssignment_Add_Sub 1:2-1:4 '-='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_Mul 1:2-1:4 '*='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_Div 1:2-1:4 '/='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_FloorDiv 1:2-1:4 '//='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_Mod 1:2-1:4 '%='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_Pow 1:2-1:4 '**='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_RShift 1:2-1:4 '>>='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_LShift 1:2-1:4 '<<='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_BitOr 1:2-1:4 '|='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_BitAnd 1:2-1:4 '&='\n"
	    "crmake/ReplaceAugmentedAssignment_Add_BitXor 1:2-1:4 '^='\n");
	check_apply("x //= 2\n", "crmake/ReplaceAugmentedAssignment_FloorDiv_Pow",
	    0, "x **= 2\n");
	check_apply("x^=2\n", "crmake/ReplaceAugmentedAssignment_BitXor_Sub", 0,
	    "x-=2\n");
	assert_int_equal(count("a -= 1\na *= 1\na /= 1\na //= 1\na %= 1\n"
	    "a **= 1\na >>= 1\na <<= 1\na |= 1\na &= 1\na ^= 1\n",
	    "crmake/ReplaceAugmentedAssignment_"), 12 * 11 - 11);
	assert_int_equal(count("m @= n\n", "crmake/"), 0);
}

static void
test_return_none(void **state)
{
	(void)state;
	check("def f():\n"
	    "    return x + 1\n"
	    "    return\n"
	    "    return None\n"
	    "    return (None)\n"
	    "    return a, b\n"
	    "    return(y)\n", "crmake/ReplaceReturn",
	    "crmake/ReplaceReturnWithNone 2:11-2:16 'None'\n"
	    "crmake/ReplaceReturnWithNone 6:11-6:15 'None'\n"
	    "crmake/ReplaceReturnWithNone 7:10-7:13 ' None'\n");
	check_apply("def f():\n    return(y)\n", "crmake/ReplaceReturnWithNone",
	    0, "def f():\n    return None\n");
}

static void
test_string_literal(void **state)
{
	(void)state;
	check("'''Module doc.'''\n"
	    "def f(a: 'A' = 'd') -> 'R':\n"
	    "    \"\"\"Function doc.\"\"\"\n"
	    "    x = 'abc' + \"\" + b'\\x00' + rb'raw' + '''t\n'''\n"
	    "    y = f'{a} text' 'plain' F\"{b!r}\"\n"
	    "    'a statement'\n"
	    "    z: 'Ann' = u'v'\n"
	    "    d = {'k': f'{m[\"i\"]}'}\n", "crmake/",
	    "crmake/ReplaceStringLiteral 2:16-2:17 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 4:9-4:12 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 4:17-4:17 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 4:23-4:27 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 4:34-4:37 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 4:44-5:0 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 6:21-6:26 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 8:17-8:18 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 9:10-9:11 'XXcrmakeXX'\n"
	    "crmake/ReplaceStringLiteral 9:20-9:21 'XXcrmakeXX'\n");
	check_apply("x = rb''\n", "crmake/ReplaceStringLiteral", 0,
	    "x = rb'XXcrmakeXX'\n");
	check_apply("x = '''a\nb'''\n", "crmake/ReplaceStringLiteral", 0,
	    "x = '''XXcrmakeXX'''\n");
	/* Already the marker: no mutant. */
	assert_int_equal(count("x = 'XXcrmakeXX'\n", "crmake/"), 0);
}

static void
test_remove_match_case(void **state)
{
	(void)state;
	check("match x:\n"
	    "    case 1:\n"
	    "        pass\n"
	    "    case [a, *b] if a:  # note\n"
	    "        pass\n"
	    "        pass\n"
	    "    case _: pass\n"
	    "match y:\n"
	    "    case _: pass\n", "crmake/",
	    "crmake/RemoveMatchCase 2:4-4:0 ''\n"
	    "crmake/RemoveMatchCase 4:4-7:0 ''\n"
	    "crmake/RemoveMatchCase 7:4-8:0 ''\n");
	check_apply("match x:\r\n    case 1: a()\r\n    case 2: b()",
	    "crmake/RemoveMatchCase", 1, "match x:\r\n    case 1: a()\r\n");
	check_apply("match x:\n    case 1: a()\n    case 2: b()\nc()\n",
	    "crmake/RemoveMatchCase", 0, "match x:\n    case 2: b()\nc()\n");
}

static void
test_bool_operands(void **state)
{
	(void)state;
	check("x = a and b\ny = c or d\n", "crmake/",
	    "crmake/ReplaceAndWithRight 1:4-1:10 ''\n"
	    "crmake/ReplaceAndWithLeft 1:5-1:11 ''\n"
	    "crmake/ReplaceOrWithRight 2:4-2:9 ''\n"
	    "crmake/ReplaceOrWithLeft 2:5-2:10 ''\n");
	check_apply("x = a and b and c\n", "crmake/ReplaceAndWithLeft", 0,
	    "x = a and c\n");
	check_apply("x = a and b and c\n", "crmake/ReplaceAndWithLeft", 1,
	    "x = a and b\n");
	check_apply("x = a and b and c\n", "crmake/ReplaceAndWithRight", 0,
	    "x = c\n");
	check_apply("x = a and b and c\n", "crmake/ReplaceAndWithRight", 1,
	    "x = b and c\n");
	check_apply("if(a)or(b): pass\n", "crmake/ReplaceOrWithRight", 0,
	    "if(b): pass\n");
	check_apply("x = (a or  # why\n     b)\n", "crmake/ReplaceOrWithLeft",
	    0, "x = (a)\n");
	check_apply("x = not a and b\n", "crmake/ReplaceAndWithLeft", 0,
	    "x = not a\n");
}

/* What the default set holds, and what operators_all() lists. */
static void
test_selection(void **state)
{
	static const char src[] =
	    "@d\n"
	    "def f(x):\n"
	    "    for i in x:\n"
	    "        if i in x and i:\n"
	    "            continue\n"
	    "    x += 's'\n"
	    "    return x\n";
	const char *const	*all;
	struct mutant_list	 l = { 0 };
	size_t			 n, k, core = 0, crmake = 0, optin = 0;

	(void)state;
	all = operators_all(&n);
	for (k = 0; k < n; k++) {
		core += strncmp(all[k], "core/", 5) == 0;
		crmake += strncmp(all[k], "crmake/", 7) == 0;
		optin += operator_is_opt_in(all[k]);
	}
	/* Cosmic Ray's 213 listed operators, and the extended set. */
	assert_int_equal(core, 213);
	assert_int_equal(crmake, 2 + 132 + 1 + 1 + 1 + 4);
	assert_int_equal(core + crmake, n);
	assert_int_equal(optin, crmake + 2);
	assert_true(operator_is_opt_in("core/VariableReplacer"));
	assert_true(operator_is_opt_in("core/VariableInserter"));
	assert_false(operator_is_opt_in("core/AddNot"));
	assert_false(operator_is_opt_in("core/ReplaceBreakWithContinue"));

	assert_int_equal(operators_enumerate("a.py", src, strlen(src), &l,
	    NULL), 0);
	for (k = 0; k < l.n; k++) {
		assert_false(operator_is_opt_in(l.v[k].operator));
		assert_null(l.v[k].skip);
	}
	/* A decorator, a for, an if, an and, a continue. */
	assert_int_equal(l.n, 5);
	mutant_list_free(&l);
	assert_true(count(src, "crmake/") > 0);
}

static void
test_pragma_line(void **state)
{
	(void)state;
	check("x = 1 + 2  # pragma: no mutate\n"
	    "y = (3 +  # pragma: no mutate\n"
	    "     4)\n"
	    "s = '# pragma: no mutate'; z = 5\n"
	    "w = 6  # noqa pragma:no mutate (why)\n"
	    "v = 7  # pragma: no mutated\n", "core/NumberReplacer",
	    "core/NumberReplacer 1:4-1:5 '2' skip=pragma\n"
	    "core/NumberReplacer 1:4-1:5 '0' skip=pragma\n"
	    "core/NumberReplacer 1:8-1:9 '3' skip=pragma\n"
	    "core/NumberReplacer 1:8-1:9 '1' skip=pragma\n"
	    "core/NumberReplacer 2:5-2:6 '4' skip=pragma\n"
	    "core/NumberReplacer 2:5-2:6 '2' skip=pragma\n"
	    "core/NumberReplacer 3:5-3:6 '5'\n"
	    "core/NumberReplacer 3:5-3:6 '3'\n"
	    "core/NumberReplacer 4:31-4:32 '6'\n"
	    "core/NumberReplacer 4:31-4:32 '4'\n"
	    "core/NumberReplacer 5:4-5:5 '7' skip=pragma\n"
	    "core/NumberReplacer 5:4-5:5 '5' skip=pragma\n"
	    "core/NumberReplacer 6:4-6:5 '8'\n"
	    "core/NumberReplacer 6:4-6:5 '6'\n");
	/* A mutant spanning a marked line is skipped. */
	check("if (a and\n    b):  # pragma: no mutate\n    pass\n",
	    "core/AddNot",
	    "core/AddNot 1:3-2:6 'not (a and\n    b)' skip=pragma\n");
	/* A deleted decorator line ends at its newline, not on the next line. */
	check("@d\ndef f(): pass  # pragma: no mutate\n",
	    "core/RemoveDecorator", "core/RemoveDecorator 1:0-2:0 ''\n");
}

static void
test_pragma_block(void **state)
{
	static const char src[] =
	    "@dec(1)  # pragma: no mutate block\n"
	    "def f():\n"
	    "    return 2\n"
	    "def g():  # pragma: no mutate block\n"
	    "    if 3:\n"
	    "        return 4\n"
	    "h = 5\n"
	    "if 6:\n"
	    "    pass\n"
	    "else:  # pragma: no mutate block\n"
	    "    x = 7\n"
	    "for i in []:  # pragma: no mutate block\n"
	    "    y = 8\n"
	    "else:\n"
	    "    y = 9\n"
	    "@dec(10)\n"
	    "def k():  # pragma: no mutate block\n"
	    "    return 11\n"
	    "# pragma: no mutate block\n"
	    "m = 12\n";
	static const char *const skipped[] = {
		"1", "2", "3", "4", "7", "8", "9", "11",
	};
	struct operator_options	o = options_all(NULL, 0, 0);
	struct mutant_list	l = { 0 };
	size_t			i, k, n;
	int			is_skipped;

	(void)state;
	enumerate(src, &o, &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].operator, "core/NumberReplacer") != 0)
			continue;
		n = l.v[i].end - l.v[i].start;
		is_skipped = 0;
		for (k = 0; k < sizeof skipped / sizeof skipped[0]; k++) {
			if (n == strlen(skipped[k]) && memcmp(src +
			    l.v[i].start, skipped[k], n) == 0)
				is_skipped = 1;
		}
		if (is_skipped != (l.v[i].skip != NULL))
			fail_msg("%.*s at line %u: skip %s", (int)n,
			    src + l.v[i].start, l.v[i].line,
			    l.v[i].skip != NULL ? l.v[i].skip : "(none)");
		if (l.v[i].skip != NULL)
			assert_string_equal(l.v[i].skip, "pragma");
	}
	/* The decorators: the first under the block, the second not. */
	n = 0;
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].operator, "core/RemoveDecorator") != 0)
			continue;
		assert_int_equal(l.v[i].skip != NULL, n == 0);
		n++;
	}
	assert_int_equal(n, 2);
	mutant_list_free(&l);

	/* The block form on a case clause, and on a match. */
	check("match x:\n"
	    "    case 1:  # pragma: no mutate block\n"
	    "        pass\n"
	    "    case 2:\n"
	    "        pass\n", "crmake/RemoveMatchCase",
	    "crmake/RemoveMatchCase 2:4-4:0 '' skip=pragma\n"
	    "crmake/RemoveMatchCase 4:4-6:0 ''\n");
	check("match x:  # pragma: no mutate block\n"
	    "    case 1: pass\n"
	    "    case 2: pass\n", "crmake/RemoveMatchCase",
	    "crmake/RemoveMatchCase 2:4-3:0 '' skip=pragma\n"
	    "crmake/RemoveMatchCase 3:4-4:0 '' skip=pragma\n");
}

/* Cosmic Ray's noise, absent here: one case for each. */
static void
test_better_than_cosmic_ray(void **state)
{
	static const char *const none[] = {
		"def f(a: int | None, *, b: A | B = None) -> X | Y:\n"
		"    pass\n",
		"x: int | str = None\n",
		"def f(a, /, b, *, c): pass\n",
		"lambda a, /, *, b: 0\n",
		"f(*a, **k)\n",
		"d = {**a, **b}\n",
		"l = [*a, *b]\n",
		"def f(*args, **kwargs): pass\n",
		"c = a @ b\n",
		"c @= b\n",
	};
	size_t	k;

	(void)state;
	for (k = 0; k < sizeof none / sizeof none[0]; k++) {
		if (count(none[k], "core/ReplaceBinaryOperator") != 0 ||
		    count(none[k], "crmake/ReplaceAug") != 0)
			fail_msg("mutated: %s", none[k]);
	}
	/* elif, parentheses, dotted names and a name that exists. */
	check_apply("if a: pass\nelif b or c: pass\n", "core/AddNot", 1,
	    "if a: pass\nelif not (b or c): pass\n");
	check_apply("try: f()\nexcept socket.timeout: pass\n",
	    "core/ExceptionReplacer", 0, "try: f()\nexcept (): pass\n");
	/* Annotations carry no mutant of any operator. */
	assert_int_equal(count("def f(a: Literal[1, 'x', True] = 0) -> "
	    "Literal[-1]:\n    pass\n", "core/NumberReplacer"), 2);
	assert_int_equal(count("x: Literal['a' + 'b', not c] = 1\n", ""), 2);
}

/* Every mutant of every operator on a file using most of Python 3 parses. */
static void
test_all_mutants_parse(void **state)
{
	static const char src[] =
	    "\xef\xbb\xbf#!/usr/bin/env python3\r\n"
	    "'''Module docstring.'''\r\n"
	    "from __future__ import annotations\r\n"
	    "import os.path as p, sys\r\n"
	    "from . import (a,\r\n"
	    "    b)\r\n"
	    "type Alias[T] = list[T] | None\r\n"
	    "@decorator(-1, k=not True)\r\n"
	    "@other.thing\r\n"
	    "class K(Base, metaclass=M):\r\n"
	    "    '''Doc.'''\r\n"
	    "    z: int | None = -2.5e-3\r\n"
	    "    def m[T](self, a: T, /, b=1, *args, c=-1j, **kw) -> A | B:\r\n"
	    "        global g\r\n"
	    "        if a==b and not(c) or a is not None:\r\n"
	    "            return-a\r\n"
	    "        elif a<b<=c!=d in e not in f:\r\n"
	    "            x = [*args, -a, +b, ~c, not a, a if-b else-c]\r\n"
	    "            y = {**kw, 'k': a@b, 'l': a//b%c**-d}\r\n"
	    "        elif (n := len(a)) > 10:\r\n"
	    "            pass\r\n"
	    "        else:\r\n"
	    "            del a[0]\r\n"
	    "        while a>=0x10 and b<1.5 or c>=-1:\r\n"
	    "            a -= 1; b **= 2; c @= d; e //= 3\r\n"
	    "            if a: break\r\n"
	    "            else: continue\r\n"
	    "        else:\r\n"
	    "            pass\r\n"
	    "        for i, (j, *k) in enumerate(range(-1, 10, +2)):\r\n"
	    "            print(f\"{i+1!r:>{w-1}} {a is b} {-i} text\", *args,\r\n"
	    "                  sep='', end=\"\\n\")\r\n"
	    "        try:\r\n"
	    "            assert a, 'message'\r\n"
	    "            assert (a or b), f'{a}'\r\n"
	    "        except (ValueError, os.error, (KeyError)) as e:\r\n"
	    "            raise RuntimeError('x') from e\r\n"
	    "        except OSError:\r\n"
	    "            pass\r\n"
	    "        except:\r\n"
	    "            raise\r\n"
	    "        finally:\r\n"
	    "            x = a if b else c if d else e\r\n"
	    "        with open(p) as f, lock:\r\n"
	    "            data = f.read() \\\r\n"
	    "                + 'tail'\r\n"
	    "        return lambda q=1: q*-q, a[::-1], a[-1:], (yield -a)\r\n"
	    "\r\n"
	    "\t\r\n"
	    "async def g(a, i):\r\n"
	    "\tresult = await f(-a) + (await h()) * 2 - i\r\n"
	    "\tasync with x as y:\r\n"
	    "\t\tasync for q in y:\r\n"
	    "\t\t\tresult += q * i\r\n"
	    "\tr = [i * 2 for i in a if i] + [k async for k in y]\r\n"
	    "\ts = {i: -i for i in a}; t = (i for i in a); u = {i for i in a}\r\n"
	    "\treturn not -a, result\r\n"
	    "match X:\r\n"
	    "    case 0 | -1 | 1.5 | -2j | 1+2j | -1-0j: pass\r\n"
	    "    case {0: a, -5: b, 2j: c, 'k': d, **rest} if a<0: pass\r\n"
	    "    case P(x=0, y=-0.5) | [1, -2, *_]: pass\r\n"
	    "    case str() as s if s in 'abc': pass\r\n"
	    "    case _:\r\n"
	    "        pass\r\n"
	    "s = 1if a else 2\r\n"
	    "i = i + 1; y = i * 2 + x  # pragma: no mutate\r\n"
	    "y = [i for i in range(i)] + [(lambda i: i)(i), i.real, -i ** 2]\r\n"
	    "y = f(i)[i] + await_(i) + g(k=i, *i, **i) + (i if i else i)\r\n"
	    "print >> sys.stderr, 'x'\r\n";
	static const struct operator_param params[] = {
		{ "core/VariableReplacer", "i", NULL },
		{ "core/VariableReplacer", "a", "result" },
		{ "core/VariableInserter", "i", "result" },
		{ "core/VariableInserter", "x", "y" },
	};
	struct operator_options	 o;
	struct mutant_list	 l = { 0 };
	char			*out, *cause;
	size_t			 i, n, per[8] = { 0 }, k;
	uint64_t		 seed;
	static const char *const ops[] = {
		"core/AddNot", "core/ExceptionReplacer", "core/RemoveDecorator",
		"core/ZeroIterationForLoop", "core/VariableReplacer",
		"core/VariableInserter", "crmake/", "core/Replace",
	};

	(void)state;
	assert_int_equal(pyast_check(src, sizeof src - 1, NULL), 0);
	for (seed = 0; seed < 3; seed++) {
		o = options_all(params, sizeof params / sizeof params[0], seed);
		assert_int_equal(operators_enumerate_opts("k.py", src,
		    sizeof src - 1, &o, &l, NULL), 0);
		assert_true(l.n > 500);
		for (i = 0; i < l.n; i++) {
			for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
				if (strncmp(l.v[i].operator, ops[k],
				    strlen(ops[k])) == 0) {
					per[k]++;
					break;
				}
			}
			out = mutant_splice(src, sizeof src - 1, l.v[i].start,
			    l.v[i].end, l.v[i].replacement, &n);
			assert_non_null(out);
			cause = NULL;
			if (pyast_check(out, n, &cause) != 0)
				fail_msg("%s at %u:%u '%s': %s\n%s",
				    l.v[i].operator, l.v[i].line, l.v[i].col,
				    l.v[i].replacement, cause, out);
			free(out);
		}
		mutant_list_free(&l);
	}
	for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		if (per[k] == 0)
			fail_msg("no mutant of %s", ops[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_break_continue),
		cmocka_unit_test(test_add_not),
		cmocka_unit_test(test_add_not_parentheses),
		cmocka_unit_test(test_exception_replacer),
		cmocka_unit_test(test_remove_decorator),
		cmocka_unit_test(test_zero_iteration),
		cmocka_unit_test(test_variable_replacer),
		cmocka_unit_test(test_variable_replacer_effect),
		cmocka_unit_test(test_variable_inserter),
		cmocka_unit_test(test_variable_determinism),
		cmocka_unit_test(test_variable_golden),
		cmocka_unit_test(test_variable_params),
		cmocka_unit_test(test_membership),
		cmocka_unit_test(test_augmented_assignment),
		cmocka_unit_test(test_return_none),
		cmocka_unit_test(test_string_literal),
		cmocka_unit_test(test_remove_match_case),
		cmocka_unit_test(test_bool_operands),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_pragma_line),
		cmocka_unit_test(test_pragma_block),
		cmocka_unit_test(test_better_than_cosmic_ray),
		cmocka_unit_test(test_all_mutants_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
