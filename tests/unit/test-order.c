/* test-order.c: the order a mutant's tests run in, their budgets, and setting one aside. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "order.h"

static struct planned_test tests[] = {
	{ "unittest", "t.A", 0.001, 0.001 },
	{ "unittest", "t.B", 0.002, 0.002 },
	{ "unittest", "t.C", 0.010, 0.010 },
	{ "unittest", "t.D", 0.100, 0.100 },
};
#define NTESTS (sizeof tests / sizeof *tests)

/* The order's test names, joined by spaces. */
static const char *
names(const struct test_order *o)
{
	static char	s[256];
	size_t		i;

	s[0] = '\0';
	for (i = 0; i < o->n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, o->v[i].name + 2);
	}
	return s;
}

static void
test_budgets(void **state)
{
	struct test_order	o;
	size_t			i;

	(void)state;
	order_init(&o, tests, NTESTS, 2, 1.5);
	assert_string_equal(names(&o), "A B C D");
	assert_true(order_paced(&o));
	/* Twice the test's own time and a tenth of the limit; none for the last. */
	for (i = 0; i < NTESTS - 1; i++)
		assert_float_equal(o.budget[i], 2 * tests[i].cpu + 0.15, 1e-9);
	assert_float_equal(o.budget[NTESTS - 1], 0, 0);
	order_free(&o);

	/* Without a CPU limit, or with one test, nothing is paced. */
	order_init(&o, tests, NTESTS, 2, 0);
	assert_false(order_paced(&o));
	for (i = 0; i < NTESTS; i++)
		assert_float_equal(o.budget[i], 0, 0);
	order_free(&o);
	order_init(&o, tests, 1, 2, 1.5);
	assert_false(order_paced(&o));
	order_free(&o);
	order_init(&o, NULL, 0, 2, 1.5);
	assert_false(order_paced(&o));
	order_free(&o);
}

static void
test_set_aside(void **state)
{
	struct test_order	o;

	(void)state;
	order_init(&o, tests, NTESTS, 2, 1.5);
	order_set_aside(&o, 1);
	assert_string_equal(names(&o), "A C D B");
	assert_int_equal(o.late, 1);
	/* B has no budget now, and D, the last before it, has none either. */
	assert_true(o.budget[0] > 0 && o.budget[1] > 0);
	assert_float_equal(o.budget[2], 0, 0);
	assert_float_equal(o.budget[3], 0, 0);
	assert_float_equal(o.budget[1], 2 * 0.010 + 0.15, 1e-9);
	/* Set aside in turn: the first one set aside runs first of them. */
	order_set_aside(&o, 0);
	assert_string_equal(names(&o), "C D B A");
	assert_true(order_paced(&o));
	assert_float_equal(o.budget[1], 0, 0);
	order_set_aside(&o, 0);
	assert_string_equal(names(&o), "D B A C");
	/* One test left before those set aside: no budget is of use. */
	assert_false(order_paced(&o));
	order_free(&o);
}

static void
test_spent(void **state)
{
	static struct planned_test slow[] = {
		{ "pytest", "t.A", 0.2, 0.2 },
		{ "pytest", "t.B", 0.2, 0.2 },
		{ "pytest", "t.C", 0.2, 0.2 },
		{ "pytest", "t.D", 0.2, 0.2 },
	};
	struct test_order	o;

	(void)state;
	/*
	 * Tests are set aside while the budgets they overran add up to less
	 * than the limit: each has 2 * 0.2 + 0.1 here.
	 */
	order_init(&o, slow, 4, 2, 1.0);
	assert_float_equal(o.budget[0], 0.5, 1e-9);
	order_set_aside(&o, 0);
	assert_string_equal(names(&o), "B C D A");
	assert_true(order_paced(&o));
	order_set_aside(&o, 0);
	assert_string_equal(names(&o), "C D A B");
	assert_false(order_paced(&o));
	order_free(&o);

	/* A test without a budget cannot have overrun it: budgets end. */
	order_init(&o, tests, NTESTS, 2, 1.0);
	order_set_aside(&o, 3);
	assert_string_equal(names(&o), "A B C D");
	assert_false(order_paced(&o));
	order_free(&o);
	order_init(&o, tests, NTESTS, 2, 1.0);
	order_set_aside(&o, 99);
	assert_string_equal(names(&o), "A B C D");
	assert_false(order_paced(&o));
	order_free(&o);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_budgets),
		cmocka_unit_test(test_set_aside),
		cmocka_unit_test(test_spent),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
