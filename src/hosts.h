/* hosts.h: CR_HOSTS, the hosts that run mutants over ssh, and their slots. */
#ifndef CR_HOSTS_H
#define CR_HOSTS_H

#include <stddef.h>

struct host {
	char		*name;		/* as ssh takes it: [user@]host */
	unsigned	 slots;		/* runs at once */
	int		 local;		/* "localhost": run here, without ssh */
};

/*
 * Parse a host list in distcc's notation: entries separated by blanks,
 * each NAME or NAME/SLOTS (SLOTS from 1 to 1024; 4 if not given, 2 for
 * localhost). -1 with *cause, naming the entry and its column, if bad.
 */
int hosts_parse(const char *spec, struct host **out, size_t *n, char **cause);
void hosts_free(struct host *, size_t);

/*
 * Take a free slot: a lock file per host and slot in dir, held by flock,
 * so that any number of cr-run-one processes share the slots, first hosts
 * first. Hosts whose bit is set in skip are passed over. Waits while every
 * slot is taken. Returns the host's index with *fd the lock (released by
 * closing it, or by exiting), or -1 with *cause.
 */
int hosts_acquire(const struct host *, size_t n, const char *dir,
    const unsigned char *skip, int *fd, char **cause);

#endif
