/* warm.h: a session's warm worker on this host: finding or starting it, and testing a mutant in it. */
#ifndef CR_WARM_H
#define CR_WARM_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "sandbox.h"
#include "util.h"

/* Seconds warm_stop waits for a worker told to stop to remove its socket. */
#define WARM_STOP_WAIT 5

/* Version of the request protocol, as the worker (python/crmake_worker.py) reads it. */
#define WARM_PROTOCOL 5

/* The session a worker serves, and how to start it. */
struct warm_spec {
	const char	*session;	/* absolute session directory */
	const char	*plan_id;	/* changes whenever cr-plan writes the session */
	const char	*root;		/* project root */
	const char	*command;	/* the test command as run */
	const char	*runner;	/* CRMAKE_RUNNER */
	const char	*pydir;		/* crmake's Python hooks */
	/* The real paths of the planned files, one per line (caller frees), for
	   the worker's index: asked for only when a worker is started. */
	char		*(*files)(void *);
	void		*files_arg;
	double		 start_limit;	/* seconds a worker may take to serve */
	double		 idle;		/* seconds it lives without a request */
	struct run_caps	 caps;		/* the limits of each run's control groups */
};

/* A worker that serves. */
struct warm {
	char		*sock;		/* its socket */
	pid_t		 pid;		/* its process */
	int		 fd;		/* a connection to it, or -1 */
	pid_t		 spare;		/* the spare that took it, once it said so */
	const char	*none;		/* when warm_find found none: why, in a few words */
};

/* One mutant to test in the worker. */
struct warm_job {
	const char		 *file;		/* the mutated file's real path */
	const char		 *source;	/* the mutated text, reduced to its function */
	size_t			  source_len;
	const char		 *full;		/* the whole mutated text */
	size_t			  full_len;
	const char		 *scope;	/* the mutant's enclosing definition */
	uint32_t		  line;		/* the mutant's line */
	const char *const	 *runners;	/* the selected tests, fastest first */
	const char *const	 *ids;
	size_t			  ntests;
	int			  mntns;	/* the mount namespace the child joins, or -1;
						   warm_run closes it */
	double			  timeout;	/* wall-clock seconds; 0 for none */
	double			  cpu_timeout;	/* CPU seconds; 0 for none */
	const struct run_pace	 *pace;		/* per-test budgets (records unused), or NULL */
	size_t			  tail_max;	/* bytes of output kept */
	uint64_t		  max_output;	/* bytes of output before the child is ended; 0 for none */
	uint64_t		  as;		/* the child's address-space limit, or 0 */
	const struct cgroup	 *cg;		/* the control groups the child runs in, or NULL */
	const int		 *groups;	/* their cgroup.procs, for the child to join, */
	size_t			  ngroups;	/* or none where it is in them already */
	int			  fresh;	/* a fresh run (warm_fresh): its exit ends it */
};

/* What the worker said of a mutant. */
struct warm_result {
	int		 verdict;	/* the tests gave a verdict (else run cold) */
	int		 not_applied;	/* the worker could not put the mutant in place */
	int		 timed_out;
	enum run_limit	 limit;
	size_t		 overran;	/* with LIMIT_TEST, the test that overran its budget */
	enum run_limit	 reached;	/* a limit met that did not end the run */
	int		 exited;	/* a fresh run's process exited, */
	int		 exit_status;	/* with this status */
	char		*failed;	/* the first failing test, or NULL if none failed */
	size_t		 ran;		/* tests run */
	size_t		 nfound;	/* selected tests found */
	int		 reported;	/* the tests said how they went */
	double		 tests_seconds;	/* the child's own time running the tests, or -1 */
	double		 duration;	/* wall-clock seconds */
	double		 cpu;		/* CPU seconds of the child and what it started */
	struct buf	 output;	/* tail of the child's output */
	char		*why;		/* why there is no verdict */
};

/*
 * Find the session's worker on this host, starting it if there is none (one
 * cr-run-one starts it; the others run cold meanwhile). Returns 0, or -1
 * when this mutant must run cold: *why then says why the session has no
 * worker the first time that is known (and NULL after that, or while
 * another process starts it), so that it is said once; w->none says it
 * every time, in a few words.
 */
int warm_find(const struct warm_spec *, struct warm *, char **why);
/*
 * Turn a worker that warm_find found to its fresh server, forked before
 * the project was imported, for a mutant that no function's code carries
 * (python/crmake_worker.py, fresh_point): a fresh run imports the project
 * anew in the run's namespace, and its process's exit gives the verdict,
 * as a cold run's does. -1 if the worker has none.
 */
int warm_fresh(struct warm *);
/*
 * Wait up to limit seconds for a spare of the worker to take the connection
 * (made here if warm_find did not) and say which process it is: 0 with it
 * in spare, or -1 with *why when the mutant must run cold.
 */
int warm_greet(struct warm *, double limit, char **why);
/*
 * Test one mutant in the worker, over the connection that warm_greet saw a
 * spare take; -1 only on a tool failure.
 */
int warm_run(struct warm *, const struct warm_job *,
    struct warm_result *, char **cause);
/* Free what a result holds. */
void warm_result_free(struct warm_result *);
/* Free what a worker handle holds. */
void warm_clear(struct warm *);
/*
 * Ask the session's worker on this host to stop, if there is one, and wait
 * up to WARM_STOP_WAIT seconds until it no longer serves; forget why it had
 * none if it had not. Returns 1 if there was one.
 */
int warm_stop(const char *session, const char *plan_id);

/*
 * The caller's private state directory (mode 0700) on local disk, outside
 * root: $XDG_RUNTIME_DIR/crmake-UID, else /tmp/crmake-UID; NULL with
 * *cause.
 */
char *warm_state_dir(const char *root, char **cause);

#endif
