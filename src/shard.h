/* shard.h: splitting a plan's targets into shards of equal expected cost, and a run order. */
#ifndef CR_SHARD_H
#define CR_SHARD_H

#include <stddef.h>
#include <stdint.h>

struct shard_item {
	const char	*id;
	double		 cost;		/* expected cost, in any unit */
	unsigned	 shard;		/* set by shard_assign: 1 to m */
};

/*
 * Parse "K/M" (1 <= K <= M <= 100000) into *k and *m; -1 with *cause if
 * it is not that.
 */
int shard_parse(const char *spec, unsigned *k, unsigned *m, char **cause);

/*
 * Give every item a shard from 1 to m, longest first to the shard with the
 * least expected cost so far (the lowest-numbered on a tie): the greedy
 * schedule whose longest shard is within 4/3 of the best possible. It
 * depends only on the items, so every shard of a CI matrix, computing it
 * on its own, gets the same answer. Sorts items, by cost, longest first,
 * then by ID.
 */
void shard_assign(struct shard_item *items, size_t n, unsigned m);

/*
 * Put the items in a pseudo-random order that depends only on seed and
 * the items: a run cut short at any point has run a fair sample.
 */
void shard_shuffle(struct shard_item *items, size_t n, uint64_t seed);

#endif
