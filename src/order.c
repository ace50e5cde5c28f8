/* order.c: the order a mutant's selected tests run in, and the CPU budget each has there. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "util.h"

/* Budgets for the tests before the last one that is not set aside. */
static void
order_budgets(struct test_order *o)
{
	size_t	i, paced;

	paced = o->left > 0 && o->n - o->late > 1 ? o->n - o->late - 1 : 0;
	for (i = 0; i < o->n; i++)
		o->budget[i] = i < paced ? o->factor * o->v[i].cpu +
		    o->constant : 0;
}

void
order_init(struct test_order *o, const struct planned_test *tests, size_t n,
    double factor, double limit)
{
	memset(o, 0, sizeof *o);
	o->n = n;
	o->v = xcalloc(n + 1, sizeof *o->v);
	if (n > 0)
		memcpy(o->v, tests, n * sizeof *o->v);
	o->budget = xcalloc(n + 1, sizeof *o->budget);
	if (limit > 0) {
		o->factor = factor > 0 ? factor : 0;
		o->constant = limit / 10;
		o->left = limit;
	}
	order_budgets(o);
}

void
order_set_aside(struct test_order *o, size_t k)
{
	struct planned_test	t;

	if (k >= o->n || o->budget[k] <= 0)
		o->left = 0;
	else {
		o->left -= o->budget[k];
		t = o->v[k];
		memmove(o->v + k, o->v + k + 1, (o->n - k - 1) * sizeof *o->v);
		o->v[o->n - 1] = t;
		o->late++;
	}
	order_budgets(o);
}

int
order_paced(const struct test_order *o)
{
	return o->n > 0 && o->budget[0] > 0;
}

void
order_free(struct test_order *o)
{
	free(o->v);
	free(o->budget);
	memset(o, 0, sizeof *o);
}
