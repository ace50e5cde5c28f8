/* shard.c: shards of equal expected cost, and a reproducible random order. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "util.h"

#define SHARD_MAX 100000

static int
parse_count(const char *s, const char *end, unsigned long *v)
{
	char	*e;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &e, 10);
	return errno != 0 || e != end ? -1 : 0;
}

int
shard_parse(const char *spec, unsigned *k, unsigned *m, char **cause)
{
	const char	*slash;
	unsigned long	 a, b;

	if ((slash = strchr(spec, '/')) == NULL ||
	    parse_count(spec, slash, &a) == -1 ||
	    parse_count(slash + 1, slash + 1 + strlen(slash + 1), &b) == -1)
		return cause_set(cause, "shard '%s': expected K/M, for example "
		    "2/4 (the second of four)", spec);
	if (b < 1 || b > SHARD_MAX)
		return cause_set(cause, "shard '%s': the number of shards must "
		    "be from 1 to %d", spec, SHARD_MAX);
	if (a < 1 || a > b)
		return cause_set(cause, "shard '%s': K must be from 1 to %lu",
		    spec, b);
	*k = (unsigned)a;
	*m = (unsigned)b;
	return 0;
}

static int
by_cost(const void *pa, const void *pb)
{
	const struct shard_item	*a = pa, *b = pb;

	if (a->cost != b->cost)
		return a->cost > b->cost ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* A binary heap of shards, least loaded (then lowest number) on top. */
struct load {
	double		total;
	unsigned	shard;
};

static int
load_less(const struct load *a, const struct load *b)
{
	return a->total < b->total ||
	    (a->total == b->total && a->shard < b->shard);
}

static void
heap_down(struct load *h, size_t n, size_t i)
{
	struct load	t;
	size_t		c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && load_less(&h[c + 1], &h[c]))
			c++;
		if (!load_less(&h[c], &h[i]))
			return;
		t = h[c];
		h[c] = h[i];
		h[i] = t;
		i = c;
	}
}

void
shard_assign(struct shard_item *items, size_t n, unsigned m)
{
	struct load	*h;
	size_t		 i;
	double		 c;

	if (n > 1)
		qsort(items, n, sizeof *items, by_cost);
	h = xcalloc(m, sizeof *h);
	/* Ascending numbers with equal totals already form a heap. */
	for (i = 0; i < m; i++)
		h[i].shard = (unsigned)i + 1;
	for (i = 0; i < n; i++) {
		c = items[i].cost > 0 ? items[i].cost : 0;
		items[i].shard = h[0].shard;
		h[0].total += c;
		heap_down(h, m, 0);
	}
	free(h);
}

/* splitmix64: a small generator whose output is fixed by its seed. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t	z;

	z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
by_id(const void *pa, const void *pb)
{
	const struct shard_item	*a = pa, *b = pb;

	return strcmp(a->id, b->id);
}

void
shard_shuffle(struct shard_item *items, size_t n, uint64_t seed)
{
	struct shard_item	t;
	uint64_t		s = seed;
	size_t			i, j;

	if (n < 2)
		return;
	/* From one order, whatever the order given. */
	qsort(items, n, sizeof *items, by_id);
	for (i = n - 1; i > 0; i--) {
		j = (size_t)(next_random(&s) % (i + 1));
		t = items[i];
		items[i] = items[j];
		items[j] = t;
	}
}
