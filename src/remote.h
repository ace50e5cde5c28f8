/* remote.h: running mutants on other hosts over ssh (CR_HOSTS). */
#ifndef CR_REMOTE_H
#define CR_REMOTE_H

#include "result.h"

/* What a run on another host needs to be asked for. */
struct remote_job {
	const char	*session;	/* absolute */
	const char	*id;
	const char	*plan_hash;
	const char	*hosts;		/* CR_HOSTS */
	const char	*const *flags;	/* cr-run-one options to pass on, NULL-terminated */
};

/*
 * Run the mutant on a free slot of CR_HOSTS. Returns 1 if the slot is
 * this host's (run it here; the slot stays taken until exit), 0 with the
 * remote's result in *r (its "remote" set to the host), or -1 with *cause
 * when no host could give a verdict (each host that failed is tried no
 * more for a while; at most three tries).
 */
int remote_run(const struct remote_job *, struct result *r, char **cause);

/*
 * The remote side. remote_session: the directory of the session received
 * under hash on this host (NULL with *cause if the hash is not one).
 * remote_receive: store the session database read from standard input.
 * remote_watch: fork; the child returns and runs the mutant, writing its
 * result to path; the parent copies that result to standard output when
 * the child is done, or stops the child if standard input ends first (the
 * connection was lost), and exits.
 */
char *remote_session(const char *hash, char **cause);
int remote_receive(const char *hash);
void remote_watch(const char *path);

/* Exit status of a remote cr-run-one that does not have the session. */
#define REMOTE_NO_SESSION	3

#endif
