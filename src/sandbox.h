/* sandbox.h: running the test command, isolated, with one file replaced and a time limit. */
#ifndef CR_SANDBOX_H
#define CR_SANDBOX_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "proctree.h"
#include "util.h"

enum isolation {
	ISOLATION_AUTO,		/* namespace if possible, else copy */
	ISOLATION_NAMESPACE,	/* private mount (and pid) namespace: overlay, else bind mount */
	ISOLATION_COPY,		/* private copy of the project tree */
	ISOLATION_NONE,		/* no replacement (the baseline run): overlay, else in place */
};

/*
 * Per-test CPU budgets of a run with a selection. The tests tell when each
 * starts and ends (the hooks' records, or a warm child's replies); the
 * first that overruns its budget ends the run (LIMIT_TEST), so that it can
 * run again after the others.
 */
struct run_pace {
	const double	*budget;	/* per test, by its place in the selection; 0 for none */
	size_t		 n;
	const char	*records;	/* the hooks' record file to follow, or NULL */
};

struct run_spec {
	const char	*root;		/* project root: the command's working directory */
	const char	*command;	/* run as /bin/sh -c command */
	const char	*target;	/* file to replace, relative to root; NULL for none (ignored by NONE) */
	const char	*data;		/* its new contents */
	size_t		 len;
	double		 timeout;	/* wall-clock seconds; 0 for none */
	double		 cpu_timeout;	/* CPU seconds of the command and all it starts; 0 for none */
	const char *const *env;		/* "NAME=value" entries to set, NULL-terminated; or NULL */
	enum isolation	 isolation;
	size_t		 tail_max;	/* bytes of output kept (the last ones; 0 keeps none) */
	const char	*exclude;	/* absolute path not to copy in copy mode (the session), or NULL */
	int		 private_tmp;	/* in a namespace, a /tmp of the run's own (see below) */
	const char	*keep;		/* a directory in /tmp that stays shared (the hooks' records), or NULL */
	const struct run_pace *pace;	/* per-test budgets, or NULL */
	struct run_caps {
		uint64_t memory;	/* bytes of memory (cgroup, else address space); 0 for none */
		uint64_t procs;		/* processes at once (cgroup); 0 for none */
		uint64_t output;	/* bytes of output; 0 for none */
	}		 caps;
};

/* The default limits of a mutant's run: memory, processes at once, output. */
#define DEFAULT_MAX_MEMORY	(4ULL << 30)
#define DEFAULT_MAX_PROCS	1024
#define DEFAULT_MAX_OUTPUT	(64ULL << 20)

/* Which limit ended a run. */
enum run_limit {
	LIMIT_NONE,
	LIMIT_WALL,		/* the wall-clock limit */
	LIMIT_CPU,		/* the CPU-time limit */
	LIMIT_MEMORY,		/* the memory limit: the kernel ended a process */
	LIMIT_PROCS,		/* the process limit: a fork failed */
	LIMIT_OUTPUT,		/* the output limit */
	LIMIT_TEST,		/* a test's own CPU budget (no verdict: run it last) */
};

struct run_result {
	int		 timed_out;
	enum run_limit	 limit;		/* which limit, when timed_out */
	enum run_limit	 reached;	/* a limit the tests met and lived with (a fork refused) */
	int		 exit_status;	/* -1 unless the command exited */
	int		 signal;	/* 0 unless killed by a signal */
	double		 duration;	/* wall-clock seconds */
	double		 cpu;		/* CPU seconds of the command and all it started */
	struct buf	 output;	/* tail of stdout+stderr */
	enum isolation	 used;		/* what isolation was in effect */
	int		 overlay;	/* whether the tree was behind a private overlay */
	size_t		 overran;	/* with LIMIT_TEST, the test (its place in the selection) */
};

/*
 * Run the command; -1 with *cause only when the tool itself failed. With
 * private_tmp, in a namespace, /tmp is an overlay whose writes go to a
 * tmpfs of the run's own (half the memory limit in size), which no other run
 * sees and which vanishes with the run; spec->keep is seen as it is. The
 * command never writes byte code (PYTHONDONTWRITEBYTECODE=1) and finds it
 * where Python keeps it (PYTHONPYCACHEPREFIX is removed), so the project's
 * tree gets none and installed modules load from their own caches.
 */
int sandbox_run(const struct run_spec *, struct run_result *, char **cause);
/*
 * Start the spec's command as a daemon in its own session, behind a private
 * overlay of the root as the baseline runs, with no time limit and its
 * output appended to log; *pid gets the ID of the process that runs it and
 * ends, with it, everything it leaves (kill that process's tree to end it
 * all). Without privileges it runs in a user namespace that maps the
 * caller's IDs, where it holds the capabilities to enter the namespaces
 * sandbox_mntns makes.
 */
int sandbox_spawn(const struct run_spec *, const char *log, pid_t *pid,
    char **cause);
/*
 * Make a mount namespace in which the root is seen as a mutant's run sees
 * it (spec's target replaced by its data; writes private, behind an
 * overlay if one can be made, and *overlay set) and return it as a file
 * descriptor, for a warm worker's child of process owner to enter. The
 * helper process that made it is left in *helper, for sandbox_reap once the
 * namespace has been used.
 */
int sandbox_mntns(const struct run_spec *, pid_t owner, int *fd, int *overlay,
    pid_t *helper, char **cause);
/*
 * Wait for the helper process that sandbox_mntns leaves in *helper (-1:
 * none). It has sent the namespace and ends by itself, undoing in its exit
 * what it no longer needs, which can keep the kernel a while: the caller
 * uses the namespace first, and waits for the helper after.
 */
void sandbox_reap(pid_t helper);
/*
 * Make the control groups of one run (cgroup_make) with the caps' memory
 * and process limits; *as gets the address-space limit to set in the run's
 * processes instead where no memory group could be made (else 0).
 */
void run_caps_groups(const struct run_caps *, struct cgroup *, uint64_t *as);
/*
 * After a run in groups made by run_caps_groups: set r->timed_out and
 * r->limit if the memory limit ended a process (no verdict), else
 * r->reached if a fork was refused (run_caps_seen); then remove the groups.
 */
void run_caps_done(struct cgroup *, int *timed_out, enum run_limit *limit,
    enum run_limit *reached);
/* What run_caps_done sets, read from the groups while they are there. */
void run_caps_seen(const struct cgroup *, int *timed_out,
    enum run_limit *limit, enum run_limit *reached);
/* Free what a run result holds. */
void run_result_free(struct run_result *);
/* Name of a limit ("cpu", "wall", "memory", "processes", "output"), or NULL for LIMIT_NONE. */
const char *run_limit_name(enum run_limit);

/* A run's two limits, looked at as it goes. */
struct run_limits {
	double			 deadline;	/* wall clock; 0 for none */
	double			 cpu_timeout;	/* CPU seconds; 0 for none */
	double			 cpu_check;	/* when to read the CPU time next */
	double			 ncpu;
	struct proctree_watch	 watch;		/* the processes whose time counts */
	const struct run_pace	*pace;		/* per-test budgets, or NULL */
	int			 records;	/* pace->records open, or -1 */
	int			 notify;	/* an inotify watch of their directory, or -1 */
	struct buf		 partial;	/* the part of a record read so far */
	size_t			 current;	/* the test running with a budget, or SIZE_MAX */
	double			 until;		/* the CPU time at which it overruns */
	double			 pace_check;	/* when to read the CPU time for it next */
	size_t			 overran;	/* the test that did, with LIMIT_TEST */
};

/* Limits from start (now_seconds()) on; 0 for a limit is none. */
void run_limits_init(struct run_limits *, double start, double timeout,
    double cpu_timeout);
/*
 * Count the CPU time of root and every process below it (none before
 * this), found in group (the control group that holds them and nothing
 * else) if it is not NULL, else in the process table.
 */
void run_limits_watch(struct run_limits *, pid_t root, const char *group);
/* Hold the tests to pace's budgets (kept by the caller) as they tell of their starts. */
void run_limits_pace(struct run_limits *, const struct run_pace *);
/*
 * A descriptor that is readable when the records pace follows were written
 * to; -1 if there is none (run_limits_check reads them every PACE_POLL
 * seconds then). Where there is one, run_limits_check reads them only
 * every half second otherwise: a caller's poll() must include it.
 */
int run_limits_fd(const struct run_limits *);
/* Test n (its place in the selection) starts, or ends if start is 0. */
void run_limits_told(struct run_limits *, int start, size_t n);
/*
 * The limit reached, or LIMIT_NONE; *cpu rises to the CPU time read, and
 * *ms falls to the milliseconds until the limits need another look. With
 * LIMIT_TEST, the test that overran its budget is in overran.
 */
enum run_limit run_limits_check(struct run_limits *, double *cpu, int *ms);
void run_limits_free(struct run_limits *);
/* Name of an isolation mode ("namespace", ...). */
const char *isolation_name(enum isolation);
/* Parse an isolation name; -1 if unknown. */
int isolation_parse(const char *);

#endif
