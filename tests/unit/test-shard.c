/* test-shard.c: shards of equal expected cost, and the random run order. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shard.h"
#include "util.h"

static void
test_parse(void **state)
{
	const char	*bad[] = { "", "1", "/", "1/", "/2", "0/3", "4/3", "1/0",
	    "a/b", "1/2/3", " 1/2", "1/2 ", "-1/2", "1/100001", "+1/2" };
	char		*cause = NULL;
	unsigned	 k, m;
	size_t		 i;

	(void)state;
	assert_int_equal(shard_parse("2/4", &k, &m, &cause), 0);
	assert_int_equal(k, 2);
	assert_int_equal(m, 4);
	assert_int_equal(shard_parse("1/1", &k, &m, &cause), 0);
	assert_int_equal(shard_parse("100000/100000", &k, &m, &cause), 0);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		assert_int_equal(shard_parse(bad[i], &k, &m, &cause), -1);
		assert_non_null(cause);
		/* The message names what was given. */
		assert_non_null(strstr(cause, bad[i]));
		free(cause);
	}
}

static struct shard_item *
items_new(size_t n, unsigned seed)
{
	struct shard_item	*v;
	size_t			 i;

	v = xcalloc(n, sizeof *v);
	srand(seed);
	for (i = 0; i < n; i++) {
		v[i].id = xasprintf("%016zx", i * 2654435761u);
		v[i].cost = (double)(rand() % 1000) / 100.0;
	}
	return v;
}

static void
items_free(struct shard_item *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free((char *)v[i].id);
	free(v);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct shard_item *)a)->id,
	    ((const struct shard_item *)b)->id);
}

/* Every item in one shard; the totals differ by at most the largest item. */
static void
test_assign_balanced(void **state)
{
	struct shard_item	*v;
	double			 total[7], lo, hi, big = 0;
	size_t			 n = 1000, i;
	unsigned		 m = 7, s;

	(void)state;
	v = items_new(n, 1);
	shard_assign(v, n, m);
	memset(total, 0, sizeof total);
	for (i = 0; i < n; i++) {
		assert_in_range(v[i].shard, 1, m);
		total[v[i].shard - 1] += v[i].cost;
		if (v[i].cost > big)
			big = v[i].cost;
		/* Longest first. */
		if (i > 0)
			assert_true(v[i - 1].cost >= v[i].cost);
	}
	lo = hi = total[0];
	for (s = 1; s < m; s++) {
		if (total[s] < lo)
			lo = total[s];
		if (total[s] > hi)
			hi = total[s];
	}
	assert_true(hi - lo <= big);
	items_free(v, n);
}

/* The same shards whatever order the items come in. */
static void
test_assign_order_free(void **state)
{
	struct shard_item	*a, *b, t;
	size_t			 n = 300, i, j;

	(void)state;
	a = items_new(n, 2);
	b = items_new(n, 2);
	/* Reverse b and give some items equal costs. */
	for (i = 0; i < n; i += 3)
		a[i].cost = b[i].cost = 1.0;
	for (i = 0, j = n - 1; i < j; i++, j--) {
		t = b[i];
		b[i] = b[j];
		b[j] = t;
	}
	shard_assign(a, n, 4);
	shard_assign(b, n, 4);
	qsort(a, n, sizeof *a, by_id);
	qsort(b, n, sizeof *b, by_id);
	for (i = 0; i < n; i++) {
		assert_string_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].shard, b[i].shard);
	}
	items_free(a, n);
	items_free(b, n);
}

/* More shards than items: the extra shards are empty, none is doubled. */
static void
test_assign_few(void **state)
{
	struct shard_item	*v;
	size_t			 i, n = 3;
	int			 seen[10] = { 0 };

	(void)state;
	v = items_new(n, 3);
	shard_assign(v, n, 10);
	for (i = 0; i < n; i++) {
		assert_in_range(v[i].shard, 1, 10);
		assert_int_equal(seen[v[i].shard - 1], 0);
		seen[v[i].shard - 1] = 1;
	}
	items_free(v, n);
	shard_assign(NULL, 0, 3);
}

static void
test_shuffle(void **state)
{
	struct shard_item	*a, *b, *c;
	size_t			 n = 200, i, moved = 0, differ = 0;

	(void)state;
	a = items_new(n, 4);
	b = items_new(n, 4);
	c = items_new(n, 4);
	qsort(b, n, sizeof *b, by_id);
	shard_shuffle(a, n, 42);
	shard_shuffle(b, n, 42);
	shard_shuffle(c, n, 43);
	for (i = 0; i < n; i++) {
		/* Fixed by the seed, whatever the order given. */
		assert_string_equal(a[i].id, b[i].id);
		if (strcmp(a[i].id, c[i].id) != 0)
			differ++;
	}
	assert_true(differ > n / 2);
	/* A permutation, and not the sorted order. */
	qsort(b, n, sizeof *b, by_id);
	for (i = 0; i < n; i++) {
		if (strcmp(a[i].id, b[i].id) != 0)
			moved++;
		if (i > 0)
			assert_true(strcmp(b[i - 1].id, b[i].id) < 0);
	}
	assert_true(moved > n / 2);
	items_free(a, n);
	items_free(b, n);
	items_free(c, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_assign_balanced),
		cmocka_unit_test(test_assign_order_free),
		cmocka_unit_test(test_assign_few),
		cmocka_unit_test(test_shuffle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
