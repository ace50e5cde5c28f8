/* order.h: the order a mutant's selected tests run in, and the CPU budget each has there. */
#ifndef CR_ORDER_H
#define CR_ORDER_H

#include <stddef.h>

#include "db.h"

/*
 * The tests run fastest first. Each but the last has a CPU budget of its
 * own, a share of the run's limit; a test that overruns it ends the run,
 * which runs again with that test set aside, after the others, without a
 * budget. A mutant that sends one test into a loop is then still caught by
 * a test that fails, instead of burning the whole limit on the first.
 * Tests are set aside while the budgets they overran add up to less than
 * the limit; after that the tests keep the order they have, with no
 * budgets. What is counted is the budgets, not the time the runs took, so
 * that a warm run, which starts no interpreter, and a cold one set the
 * same tests aside.
 */
struct test_order {
	struct planned_test	*v;		/* the tests in the order they run (not owned) */
	double			*budget;	/* each one's CPU seconds; 0 for none */
	size_t			 n;
	size_t			 late;		/* the last ones, set aside */
	double			 factor;	/* a budget: factor times the test's CPU time, */
	double			 constant;	/* plus this */
	double			 left;		/* the limit, less the budgets overrun so far */
};

/*
 * The n tests in the order given, with budgets for a run whose CPU limit is
 * limit (none if it is 0): factor times each test's CPU time plus a tenth of
 * the limit.
 */
void order_init(struct test_order *, const struct planned_test *, size_t n,
    double factor, double limit);
/*
 * A run was cut short because test k overran its budget: set it aside.
 * The next run has the new order and budgets; a k that had no budget
 * leaves the order as it is and ends the budgets.
 */
void order_set_aside(struct test_order *, size_t k);
/* Whether any test has a budget. */
int order_paced(const struct test_order *);
void order_free(struct test_order *);

#endif
