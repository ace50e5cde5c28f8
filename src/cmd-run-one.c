/* cmd-run-one.c: cr-run-one, which tests one planned mutant and writes its verdict. */
#include "config.h"

#include <sys/file.h>
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "codemap.h"
#include "db.h"
#include "mutant.h"
#include "order.h"
#include "proctree.h"
#include "pyast.h"
#include "pyhooks.h"
#include "remote.h"
#include "result.h"
#include "sandbox.h"
#include "session.h"
#include "shard.h"
#include "sha256.h"
#include "util.h"
#include "warm.h"

/* Used when the session does not say (cr-plan always does). */
#define DEFAULT_TIMEOUT_FACTOR		3.0
#define DEFAULT_TIMEOUT_CONSTANT	5.0
#define DEFAULT_TAIL_MAX		16384
/* Seconds a warm worker lives without a request. */
#define WARM_IDLE			60
/* Seconds a run without a time limit waits for a spare to take it. */
#define WARM_GREET_MAX			60

enum {
	OPT_TIMEOUT = CHAR_MAX + 1,
	OPT_CPU_TIMEOUT,
	OPT_ISOLATION,
	OPT_COLD,
	OPT_STOP_WORKER,
	OPT_START_WORKER,
	OPT_TARGETS,
	OPT_SHARD,
	OPT_SHUFFLE,
	OPT_DEADLINE_AT,
	OPT_REMOTE,
	OPT_RECEIVE,
	OPT_MAX_MEMORY,
	OPT_MAX_PROCS,
	OPT_MAX_OUTPUT,
	OPT_CHECK_RESULTS,
	OPT_CHECK_SOURCES,
};

static const struct option longopts[] = {
	{ "output",	required_argument,	NULL, 'o' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "cpu-timeout", required_argument,	NULL, OPT_CPU_TIMEOUT },
	{ "isolation",	required_argument,	NULL, OPT_ISOLATION },
	{ "cold",	no_argument,		NULL, OPT_COLD },
	{ "stop-worker", no_argument,		NULL, OPT_STOP_WORKER },
	{ "start-worker", no_argument,		NULL, OPT_START_WORKER },
	{ "targets",	no_argument,		NULL, OPT_TARGETS },
	{ "shard",	required_argument,	NULL, OPT_SHARD },
	{ "shuffle",	no_argument,		NULL, OPT_SHUFFLE },
	{ "deadline-at", required_argument,	NULL, OPT_DEADLINE_AT },
	{ "remote",	required_argument,	NULL, OPT_REMOTE },
	{ "receive-session", required_argument,	NULL, OPT_RECEIVE },
	{ "max-memory",	required_argument,	NULL, OPT_MAX_MEMORY },
	{ "max-procs",	required_argument,	NULL, OPT_MAX_PROCS },
	{ "max-output",	required_argument,	NULL, OPT_MAX_OUTPUT },
	{ "check-results", no_argument,		NULL, OPT_CHECK_RESULTS },
	{ "check-sources", no_argument,		NULL, OPT_CHECK_SOURCES },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* The options of the limits, in the order of OPT_MAX_MEMORY on. */
static const char *cap_options[] = { "--max-memory", "--max-procs",
    "--max-output" };

/* What a run needs from the session's configuration, loaded once. */
struct config {
	char		*root;
	char		*command;	/* the command as run, hooks' PYTHONPATH included */
	int		 selecting;	/* per-test selection is on */
	char		*runner;	/* CRMAKE_RUNNER for the hooks */
	double		 timeout_factor;
	double		 timeout_constant;
	double		 cpu_factor;
	double		 cpu_constant;
	double		 base_wall;	/* the whole command, unmutated */
	double		 base_cpu;
	enum isolation	 isolation;
	size_t		 tail_max;
	struct run_caps	 caps;		/* memory, processes, output */
	int		 private_tmp;	/* each run has a /tmp of its own */
	int		 warm;		/* warm runs are on for the session */
	char		*plan_id;
	char		*plan_hash;	/* "" in a session planned before it */
};

/* One mutant's run: what it runs and the limits it runs under. */
struct job {
	const char	*session;
	const struct config *cf;
	const struct planned *p;
	const char	*mutated;
	size_t		 mlen;
	const char	*reduced;	/* the mutated function's reduced text, or NULL */
	size_t		 rlen;
	double		 timeout;	/* --timeout, or -1 */
	double		 cpu_timeout;	/* --cpu-timeout, or -1 */
	int		 cold;		/* --cold */
	const char	*cold_reason;	/* why the tests did not run warm */
	char		*pydir;
	char		*tmp;		/* for the selection and the records */
	double		 spent;		/* seconds of runs cut short for a test set aside */
	double		 spent_cpu;	/* and their CPU seconds */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-run-one [-hVq] [-o FILE] [--timeout SECONDS] "
	    "[--cpu-timeout SECONDS]\n"
	    "                  [--max-memory SIZE] [--max-procs N] "
	    "[--max-output SIZE]\n"
	    "                  [--isolation auto|namespace|copy] [--cold] "
	    "SESSION ID\n"
	    "       cr-run-one --start-worker | --stop-worker SESSION\n"
	    "       cr-run-one --targets [--shard K/M] [--shuffle] SESSION\n"
	    "       cr-run-one --check-results | --check-sources SESSION\n"
	    "       cr-run-one --deadline-at DURATION\n");
}

static void
usage_error(void)
{
	usage(stderr);
	exit(2);
}

static double
parse_seconds(const char *opt, const char *s)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0 ||
	    v > 1e9) {
		warn("%s: '%s' is not a number of seconds", opt, s);
		usage_error();
	}
	return v;
}

/* A number from the session's configuration, or dflt if unset. */
static double
config_number(struct db *db, const char *key, double dflt)
{
	char	*v, *end;
	double	 d;

	if ((v = db_config_get(db, key)) == NULL)
		return dflt;
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !isfinite(d) || d < 0)
		fatal("session database: '%s' is not a valid %s", v, key);
	free(v);
	return d;
}

static char *
config_string(struct db *db, const char *key)
{
	char	*v;

	if ((v = db_config_get(db, key)) == NULL || *v == '\0')
		fatal("session database: no %s", key);
	return v;
}

static void
config_load(struct db *db, int isolation, struct config *cf)
{
	char	*v;

	memset(cf, 0, sizeof *cf);
	cf->root = config_string(db, "root");
	cf->command = config_string(db, "run_command");
	v = config_string(db, "selection");
	cf->selecting = strcmp(v, "on") == 0;
	free(v);
	cf->runner = config_string(db, "runner");
	cf->timeout_factor = config_number(db, "timeout_factor",
	    DEFAULT_TIMEOUT_FACTOR);
	cf->timeout_constant = config_number(db, "timeout_constant",
	    DEFAULT_TIMEOUT_CONSTANT);
	cf->cpu_factor = config_number(db, "cpu_timeout_factor", 0);
	cf->cpu_constant = config_number(db, "cpu_timeout_constant", 0);
	cf->base_wall = config_number(db, "baseline_seconds", 0);
	cf->base_cpu = config_number(db, "baseline_cpu", 0);
	cf->tail_max = (size_t)config_number(db, "tail_max", DEFAULT_TAIL_MAX);
	cf->caps.memory = (uint64_t)config_number(db, "max_memory",
	    (double)DEFAULT_MAX_MEMORY);
	cf->caps.procs = (uint64_t)config_number(db, "max_procs",
	    DEFAULT_MAX_PROCS);
	cf->caps.output = (uint64_t)config_number(db, "max_output",
	    (double)DEFAULT_MAX_OUTPUT);
	v = db_config_get(db, "tmp");
	cf->private_tmp = v == NULL || strcmp(v, "shared") != 0;
	free(v);
	v = db_config_get(db, "warm");
	cf->warm = v != NULL && strcmp(v, "on") == 0;
	free(v);
	if ((cf->plan_id = db_config_get(db, "plan_id")) == NULL)
		cf->plan_id = xstrdup("");
	if ((cf->plan_hash = db_config_get(db, "plan_hash")) == NULL)
		cf->plan_hash = xstrdup("");
	if (isolation == -1) {
		if ((v = db_config_get(db, "isolation")) == NULL)
			isolation = ISOLATION_AUTO;
		else {
			isolation = isolation_parse(v);
			if (isolation < 0 || isolation == ISOLATION_NONE)
				fatal("session database: '%s' is not an "
				    "isolation mode", v);
			free(v);
		}
	}
	cf->isolation = (enum isolation)isolation;
}

static void
config_clear(struct config *cf)
{
	free(cf->root);
	free(cf->command);
	free(cf->runner);
	free(cf->plan_id);
	free(cf->plan_hash);
}

/*
 * Write the result with the signals that end a run held off, so it is all
 * or nothing; and not at all if one of them has come: a run that was told
 * to stop (scancel, a time limit, Ctrl-C) has no verdict, whatever its
 * tests did meanwhile. The held signal then ends cr-run-one.
 */
static void
write_result(const char *path, const struct result *r)
{
	sigset_t	 set, old, pending;
	char		*cause = NULL;
	int		 rc, sig;

	cleanup_stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigpending(&pending);
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&set, sig) == 1 &&
		    sigismember(&pending, sig) == 1) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			/* Not reached while the handler re-raises the signal. */
			fatal("stopped by signal %d: no result written", sig);
		}
	}
	rc = result_write(path, r, &cause);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == -1)
		fatal("%s", cause);
}

/* Where the tests run: the host, and Slurm's job, step and node under srun. */
static void
where_ran(struct result *r)
{
	char		 host[HOST_NAME_MAX + 1];
	const char	*v;

	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		r->host = xstrdup(host);
	}
	if ((v = getenv("SLURM_JOB_ID")) != NULL && *v != '\0')
		r->slurm_job = xstrdup(v);
	if ((v = getenv("SLURM_STEP_ID")) != NULL && *v != '\0')
		r->slurm_step = xstrdup(v);
	if ((v = getenv("SLURMD_NODENAME")) != NULL && *v != '\0')
		r->slurm_node = xstrdup(v);
}

/*
 * The signal by which a run's tests ended, if it is one that stops a
 * program from outside (a job scheduler cancelling, a terminal, a killer of
 * stray processes) and crmake did not send it; else 0. A shell that ran the
 * tests reports the signal as 128 plus its number.
 */
static int
outside_signal(const struct run_result *run)
{
	int	sig;

	if (run->timed_out)
		return 0;
	sig = run->signal > 0 ? run->signal :
	    run->exit_status > 128 ? run->exit_status - 128 : 0;
	switch (sig) {
	case SIGHUP:
	case SIGINT:
	case SIGQUIT:
	case SIGKILL:
	case SIGTERM:
		return sig;
	default:
		return 0;
	}
}

/*
 * A run's wall-clock limit for what it is expected to take: --timeout, else
 * the session's factor times that plus its constant.
 */
static double
wall_limit(const struct job *j, double expected)
{
	return j->timeout >= 0 ? j->timeout :
	    j->cf->timeout_factor * expected + j->cf->timeout_constant;
}

/* A run's CPU limit for the CPU time it is expected to take, likewise. */
static double
cpu_limit(const struct job *j, double expected)
{
	return j->cpu_timeout >= 0 ? j->cpu_timeout :
	    j->cf->cpu_factor * expected + j->cf->cpu_constant;
}

/*
 * What a cold run is expected to spend before its first test (whole, less
 * its tests' own time), which a warm run's limit leaves out; none from a
 * limit given on the command line (given >= 0), which is the tests' own.
 */
static double
startup(double given, double whole, double tests)
{
	return given >= 0 || whole <= tests ? 0 : whole - tests;
}

/*
 * Run the tests on the mutant once: the selected ones when tests is not
 * NULL, else the whole command. The limits are the expected time times a
 * factor plus a constant, in wall-clock and in CPU time; budget, if not
 * NULL, is each selected test's own CPU budget (see order.h).
 */
static void
run_tests(struct job *j, const struct planned_test *tests, size_t ntests,
    const double *budget, double wall, double cpu, struct run_result *run,
    struct pyhooks_run *hr)
{
	const struct config	 *cf = j->cf;
	struct pyhooks_spec	  hs;
	struct run_spec		  spec;
	struct run_pace		  pace;
	const char		**runners = NULL, **names = NULL;
	char			**env = NULL, *record = NULL, *select = NULL;
	char			 *cause = NULL;
	size_t			  i;

	memset(&spec, 0, sizeof spec);
	memset(hr, 0, sizeof *hr);
	spec.root = cf->root;
	spec.command = cf->command;
	spec.target = j->p->path;
	spec.data = j->mutated;
	spec.len = j->mlen;
	spec.timeout = wall_limit(j, wall);
	spec.cpu_timeout = cpu_limit(j, cpu);
	spec.isolation = cf->isolation;
	spec.tail_max = cf->tail_max;
	spec.caps = cf->caps;
	spec.private_tmp = cf->private_tmp;
	spec.exclude = j->session;
	if (cf->selecting) {
		if (j->tmp == NULL && (j->tmp = session_tmpdir(cf->root,
		    "crmake-run", &cause)) == NULL)
			fatal("%s", cause);
		spec.keep = j->tmp;
		record = xasprintf("%s/records.%zu", j->tmp, ntests);
		unlink(record);
		memset(&hs, 0, sizeof hs);
		hs.pydir = j->pydir;
		hs.record = record;
		hs.runner = cf->runner;
		if (tests != NULL) {
			runners = xcalloc(ntests + 1, sizeof *runners);
			names = xcalloc(ntests + 1, sizeof *names);
			for (i = 0; i < ntests; i++) {
				runners[i] = tests[i].runner;
				names[i] = tests[i].name;
			}
			select = xasprintf("%s/selection", j->tmp);
			if (pyhooks_write_selection(select, runners, names,
			    ntests, &cause) == -1)
				fatal("%s", cause);
			hs.select = select;
			if (budget != NULL) {
				pace.budget = budget;
				pace.n = ntests;
				pace.records = record;
				spec.pace = &pace;
			}
		}
		env = pyhooks_env(&hs);
		spec.env = (const char *const *)env;
	}
	if (sandbox_run(&spec, run, &cause) == -1)
		fatal("%s", cause);
	if (record != NULL && pyhooks_read(record, tests != NULL ? ntests : 0,
	    hr, &cause) == -1) {
		/* A test may write anything there: it is only information. */
		warn("%s", cause);
		free(cause);
	}
	pyhooks_env_free(env);
	free(runners);
	free(names);
	free(select);
	free(record);
}

/*
 * run_tests, and once more if the tests were ended by a signal that comes
 * from outside: that run says nothing about the mutant. If it was sent to
 * the whole job (scancel, Ctrl-C), it comes to cr-run-one too, which ends
 * without a result; if the second run ends by the same kind of signal, the
 * mutant itself brings it about, and that is the verdict.
 */
static void
run_tests_checked(struct job *j, const struct planned_test *tests,
    size_t ntests, const double *budget, double wall, double cpu,
    struct run_result *run, struct pyhooks_run *hr)
{
	int	sig;

	run_tests(j, tests, ntests, budget, wall, cpu, run, hr);
	if ((sig = outside_signal(run)) == 0)
		return;
	warn("%s: the tests were ended by signal %d (%s), which crmake did not "
	    "send; running them again", j->p->id, sig, strsignal(sig));
	run_result_free(run);
	pyhooks_run_free(hr);
	run_tests(j, tests, ntests, budget, wall, cpu, run, hr);
}

/* The first test that failed, from the records of a run without a selection. */
static const char *
first_failure(const struct pyhooks_run *hr)
{
	size_t	i;

	if (hr->failed != NULL)
		return hr->failed;
	for (i = 0; i < hr->ntests; i++) {
		if (hr->tests[i].failed)
			return hr->tests[i].id;
	}
	return NULL;
}

static void
verdict(const struct run_result *run, const struct pyhooks_run *hr,
    const char *selection, struct result *res)
{
	const char	*killer;
	size_t		 i;

	if (run->timed_out) {
		res->outcome = OUTCOME_TIMEOUT;
		res->limit = xstrdup(run_limit_name(run->limit));
	} else if (run->exit_status == 0)
		res->outcome = OUTCOME_SURVIVED;
	else {
		res->outcome = OUTCOME_KILLED;
		if ((killer = first_failure(hr)) != NULL)
			res->killed_by = xstrdup(killer);
	}
	if (!run->timed_out && run->reached != LIMIT_NONE)
		res->limit = xstrdup(run_limit_name(run->reached));
	res->exit_status = run->exit_status;
	res->signal = run->signal;
	res->duration = run->duration;
	res->cpu = run->cpu;
	res->output = xstrdup(buf_str((struct buf *)&run->output));
	res->isolation = xstrdup(isolation_name(run->used));
	res->selection = xstrdup(selection);
	res->mode = xstrdup("cold");
	if (hr->results > 0)
		res->tests_run = (int)hr->ran;
	else if (hr->ntests > 0)
		res->tests_run = (int)hr->ntests;
	if (hr->ntests > 0) {
		res->tests_seconds = 0;
		for (i = 0; i < hr->ntests; i++)
			res->tests_seconds += hr->tests[i].wall;
	}
}

/*
 * The real paths of the planned files, one per line, as cr-plan recorded
 * them, for the worker's index. A session without them gets a worker that
 * cannot put any mutant in place: its mutants run cold.
 */
static char *
planned_files(void *db)
{
	char	*v;

	return (v = db_config_get(db, "planned_files")) != NULL ? v :
	    xstrdup("");
}

/* What it takes to find or start the session's worker. */
static void
warm_spec_init(struct warm_spec *ws, const char *session,
    const struct config *cf, const char *pydir, struct db *db)
{
	memset(ws, 0, sizeof *ws);
	ws->session = session;
	ws->plan_id = cf->plan_id;
	ws->root = cf->root;
	ws->command = cf->command;
	ws->runner = cf->runner;
	ws->pydir = pydir;
	ws->files = planned_files;
	ws->files_arg = db;
	/* The worker's self-check runs every test: the whole suite's limit. */
	ws->start_limit = cf->timeout_factor * cf->base_wall +
	    cf->timeout_constant;
	ws->idle = WARM_IDLE;
	ws->caps = cf->caps;
}

/*
 * Whether the mutated text parses: 0, or -1 with *why (an incompetent
 * mutant). A mutant in a function is checked in its reduced text, the
 * function and the headers around it, which is what a warm run compiles:
 * the rest of the file parsed before the change and the function is a
 * statement of its own, so the whole file parses if the reduced text does.
 * Only an error there is looked for in the whole file, which decides.
 */
static int
check_mutant(const struct planned *p, struct buf *src, const char *mutated,
    size_t mlen, struct buf *reduced, char **why)
{
	char	*cause = NULL;

	if (p->reduced != NULL) {
		if (codemap_reduce_text(src->data, src->len, p->reduced,
		    p->start, p->end, p->replacement, strlen(p->replacement),
		    reduced, &cause) == -1) {
			warn("%s: %s; checking the whole file", p->id, cause);
			free(cause);
			buf_reset(reduced);
		} else if (pyast_check(reduced->data, reduced->len, NULL) == 0)
			return 0;
		else
			buf_reset(reduced);
	}
	return pyast_check(mutated, mlen, why);
}

/*
 * Whether a run ended because a test overran its CPU budget (no verdict):
 * then that test is set aside in o, and the run's time counted as spent.
 */
static int
cut_short(struct job *j, struct test_order *o, enum run_limit limit,
    size_t overran, double duration, double cpu)
{
	if (limit != LIMIT_TEST)
		return 0;
	order_set_aside(o, overran);
	j->spent += duration;
	j->spent_cpu += cpu;
	return 1;
}

/*
 * One warm run of the tests in o's order and with its budgets: a fresh
 * namespace, a spare of the worker, its groups. Returns 0 with *r, or -1
 * with why in j->cold_reason.
 */
static int
warm_attempt(struct job *j, struct warm *w, const struct test_order *o,
    struct buf *reduced, const char *real, int fresh, struct warm_result *r)
{
	const struct config	 *cf = j->cf;
	const struct planned	 *p = j->p;
	struct warm_job		  wj;
	struct run_spec		  spec;
	struct run_pace		  pace;
	struct cgroup		  cg, pre;
	const char		**runners, **ids;
	char			 *why = NULL, *cause = NULL;
	double			  wall = 0, cpu = 0;
	size_t			  i;
	pid_t			  helper;
	int			  mntns, overlay, gfds[CG_N], theirs;

	memset(&spec, 0, sizeof spec);
	spec.root = cf->root;
	spec.target = p->path;
	spec.data = j->mutated;
	spec.len = j->mlen;
	spec.caps = cf->caps;
	spec.private_tmp = cf->private_tmp;
	if (sandbox_mntns(&spec, w->pid, &mntns, &overlay, &helper,
	    &cause) == -1) {
		j->cold_reason = "no mount namespace";
		warn("warm run of %s: %s; running it cold", p->id, cause);
		free(cause);
		return -1;
	}
	runners = xcalloc(o->n + 1, sizeof *runners);
	ids = xcalloc(o->n + 1, sizeof *ids);
	for (i = 0; i < o->n; i++) {
		runners[i] = o->v[i].runner;
		ids[i] = o->v[i].name;
		wall += o->v[i].wall;
		cpu += o->v[i].cpu;
	}
	memset(&pace, 0, sizeof pace);
	pace.budget = o->budget;
	pace.n = order_paced(o) ? o->n : 0;
	memset(&wj, 0, sizeof wj);
	wj.file = real;
	wj.source = buf_str(reduced);
	wj.source_len = reduced->len;
	/* A fresh run's mutant is the namespace's file, which it imports. */
	wj.full = fresh ? "" : j->mutated;
	wj.full_len = fresh ? 0 : j->mlen;
	wj.fresh = fresh;
	wj.scope = p->scope != NULL ? p->scope : "";
	wj.line = p->line;
	wj.runners = runners;
	wj.ids = ids;
	wj.ntests = o->n;
	wj.mntns = mntns;
	wj.pace = &pace;
	/*
	 * The limits of a cold run, less the start-up that a cold run spends
	 * of them before its first test and a warm one does not: the tests
	 * get the same time either way, and a slow mutant the same verdict.
	 * Limits given on the command line are the tests' as they are. A
	 * fresh run imports and collects as a cold run does, with the
	 * interpreter and the test framework ready: a cold run's limits.
	 */
	wj.timeout = wall_limit(j, p->wall) - (fresh ? 0 :
	    startup(j->timeout, p->wall, wall));
	wj.cpu_timeout = cpu_limit(j, p->cpu) - (fresh ? 0 :
	    startup(j->cpu_timeout, p->cpu, cpu));
	wj.tail_max = cf->tail_max;
	wj.max_output = cf->caps.output;
	/*
	 * The spare that takes the request is in fresh groups that the
	 * worker's reaper made for it while it waited, as a rule: the run's
	 * groups if their limits are this run's. Else it joins groups made
	 * here, and leaves those, which go too.
	 */
	if (warm_greet(w, wj.timeout > 0 ? wj.timeout : WARM_GREET_MAX,
	    &why) == -1) {
		j->cold_reason = "the worker did not answer";
		free(why);
		close(mntns);
		sandbox_reap(helper);
		free(runners);
		free(ids);
		return -1;
	}
	cgroup_of(w->spare, w->pid, &pre);
	if ((theirs = cgroup_limited(&pre, cf->caps.memory, cf->caps.procs))) {
		cg = pre;
		memset(&pre, 0, sizeof pre);
		wj.as = cg.dir[CG_MEMORY] == NULL ? cf->caps.memory : 0;
	} else {
		run_caps_groups(&cf->caps, &cg, &wj.as);
		wj.ngroups = (size_t)cgroup_open_procs(&cg, gfds);
		wj.groups = gfds;
	}
	wj.cg = &cg;
	if (warm_run(w, &wj, r, &cause) == -1)
		fatal("%s", cause);
	for (i = 0; i < wj.ngroups; i++)
		close(gfds[i]);
	cgroup_remove(&pre);
	/*
	 * The spare's own groups are left to the worker's reaper, which made
	 * them: every process in them is killed, and the result does not wait
	 * for the child's end (its memory's release, its namespace's teardown).
	 * Those of a reaper that was killed are stale for the next sweep.
	 */
	if (theirs)
		cgroup_leave(&cg);
	else
		cgroup_remove(&cg);
	sandbox_reap(helper);
	(void)overlay;
	free(runners);
	free(ids);
	return 0;
}

/*
 * Test the mutant in the session's warm worker: a forked child of the test
 * command, paused after its tests were collected, that puts the mutated
 * function in place and runs the selected tests. A mutant outside any
 * function body runs fresh: in a child of the worker's fresh server,
 * forked before the project was imported, which imports it anew from the
 * mutated file and runs the selected tests; its exit status says, as a
 * cold run's does, and one that passed without finding every selected
 * test says nothing. Returns 1 with a verdict, or 0 if the mutant must
 * run cold, with why in j->cold_reason: no worker (or no fresh server), a
 * worker that could not put it in place or whose child ended without a
 * verdict, or a selected test it did not find. A run in which a test
 * overran its budget is no verdict: the tests run again in a new child,
 * that test last.
 */
static int
run_warm(struct job *j, struct db *db, const struct planned_test *tests,
    size_t ntests, struct result *res)
{
	const struct config	 *cf = j->cf;
	const struct planned	 *p = j->p;
	struct warm_spec	  ws;
	struct warm_result	  r;
	struct test_order	  o;
	struct codemap		 *cm;
	struct warm		  w;
	struct buf		  reduced = { 0 };
	char			 *why = NULL, *abs, *real;
	int			  done = 0, said, killed, fresh = p->sel != SEL_TESTS;

	if (j->reduced != NULL)
		buf_add(&reduced, j->reduced, j->rlen);
	else if (!fresh) {
		if ((cm = codemap_new(j->mutated, j->mlen, NULL)) == NULL ||
		    codemap_reduce(cm, p->start, &reduced) == -1) {
			fresh = 1;
			buf_reset(&reduced);
		}
		codemap_free(cm);
	}
	warm_spec_init(&ws, j->session, cf, j->pydir, db);
	if (warm_find(&ws, &w, &why) == -1) {
		j->cold_reason = w.none;
		if (why != NULL)
			warn("no warm worker for this session: %s; its mutants "
			    "run cold", why);
		free(why);
		buf_free(&reduced);
		return 0;
	}
	if (fresh && warm_fresh(&w) == -1) {
		j->cold_reason = p->sel != SEL_TESTS ?
		    "code run outside the tests" : "not in a function body";
		warm_clear(&w);
		buf_free(&reduced);
		return 0;
	}
	abs = xasprintf("%s/%s", cf->root, p->path);
	real = path_absolute(abs);
	order_init(&o, tests, ntests, cf->cpu_factor, cpu_limit(j, p->cpu));
	for (;;) {
		if (warm_attempt(j, &w, &o, &reduced, real, fresh, &r) == -1)
			goto out;
		if (!cut_short(j, &o, r.limit, r.overran, r.duration, r.cpu))
			break;
		warm_result_free(&r);
	}
	/* A child the kernel ended for its memory had the limit for verdict. */
	if (r.timed_out && r.limit == LIMIT_MEMORY)
		r.verdict = 1;
	/* A fresh run's exit says, as a cold run's does; a warm one's tests. */
	killed = r.exited ? r.exit_status != 0 : r.failed != NULL;
	said = r.timed_out || killed || r.nfound == ntests;
	if (r.verdict && said) {
		if (r.timed_out) {
			res->outcome = OUTCOME_TIMEOUT;
			res->limit = xstrdup(run_limit_name(r.limit));
		} else if (killed) {
			res->outcome = OUTCOME_KILLED;
			if (r.failed != NULL)
				res->killed_by = xstrdup(r.failed);
		} else
			res->outcome = OUTCOME_SURVIVED;
		if (!r.timed_out && r.reached != LIMIT_NONE)
			res->limit = xstrdup(run_limit_name(r.reached));
		res->duration = r.duration;
		res->cpu = r.cpu;
		res->output = xstrdup(buf_str(&r.output));
		res->isolation = xstrdup("namespace");
		res->selection = xstrdup(selection_name(p->sel));
		/*
		 * A fresh run's process that ended without a word of its tests
		 * (it never got to them) says none, as a cold one's does.
		 */
		res->tests_run = r.exited && !r.reported ? -1 : (int)r.ran;
		res->tests_seconds = r.tests_seconds;
		res->set_aside = (int)o.late;
		if (r.exited)
			res->exit_status = r.exit_status;
		res->mode = xstrdup("warm");
		done = 1;
	} else if (r.not_applied)
		j->cold_reason = "the worker could not put it in place";
	else if (r.verdict)
		j->cold_reason = "a selected test was not collected";
	else
		j->cold_reason = "no verdict from the worker";
	warm_result_free(&r);
out:
	order_free(&o);
	warm_clear(&w);
	free(real);
	free(abs);
	buf_free(&reduced);
	return done;
}

/*
 * Why the mutant's tests may not run warm, in a few words, what holds for
 * the whole session first; NULL if they may. A session planned without
 * selection is planned without warm runs too.
 */
static const char *
warm_barred(const struct job *j)
{
	const struct config	*cf = j->cf;

	if (j->cold)
		return "warm runs off";
	if (!cf->selecting)
		return "no test selection";
	if (!cf->warm)
		return "warm runs off";
	if (cf->isolation == ISOLATION_COPY)
		return "copy isolation";
	return NULL;
}

/*
 * Test the mutant. With selection, only its tests run, fastest first,
 * stopping at the first failure; a run in which a test overran its CPU
 * budget runs again with that test last (see order.h). If the tests
 * passed but some selected test was not found among those the command
 * collected (a test renamed since planning, a module that failed to
 * import), the pass proves nothing: the whole command runs again and
 * gives the verdict.
 */
static void
run_mutant(struct job *j, struct db *db, struct result *res)
{
	const struct config	*cf = j->cf;
	const struct planned	*p = j->p;
	struct planned_test	*tests = NULL;
	struct pyhooks_run	 hr;
	struct run_result	 run;
	struct test_order	 o;
	char			*cause = NULL;
	size_t			 ntests = 0;

	memset(&o, 0, sizeof o);
	memset(&run, 0, sizeof run);
	memset(&hr, 0, sizeof hr);
	j->cold_reason = warm_barred(j);
	if (cf->selecting && (p->sel == SEL_TESTS || p->sel == SEL_ALL)) {
		if (db_mutant_tests(db, p->id, &tests, &ntests, &cause) == -1)
			fatal("%s", cause);
		if (ntests > 0) {
			if ((j->pydir = session_find_python()) == NULL)
				fatal("cannot find crmake's Python hooks (set "
				    "CR_PYTHONDIR to their directory)");
			if (j->cold_reason == NULL &&
			    run_warm(j, db, tests, ntests, res))
				goto out;
			order_init(&o, tests, ntests, cf->cpu_factor,
			    cpu_limit(j, p->cpu));
			for (;;) {
				run_tests_checked(j, o.v, ntests,
				    order_paced(&o) ? o.budget : NULL, p->wall,
				    p->cpu, &run, &hr);
				if (!cut_short(j, &o, run.limit, run.overran,
				    run.duration, run.cpu))
					break;
				run_result_free(&run);
				pyhooks_run_free(&hr);
			}
			if (run.timed_out || run.exit_status != 0 ||
			    hr.nfound == ntests) {
				verdict(&run, &hr, selection_name(p->sel), res);
				res->set_aside = (int)o.late;
				goto cold;
			}
			run_result_free(&run);
			pyhooks_run_free(&hr);
		}
	}
	if (cf->selecting && j->pydir == NULL &&
	    (j->pydir = session_find_python()) == NULL)
		fatal("cannot find crmake's Python hooks (set CR_PYTHONDIR to "
		    "their directory)");
	run_tests_checked(j, NULL, 0, NULL, cf->base_wall, cf->base_cpu, &run,
	    &hr);
	verdict(&run, &hr, ntests > 0 ? "fallback" : "suite", res);
cold:
	/* Without a reason, the warm path was open and had nothing to run. */
	res->cold_reason = xstrdup(j->cold_reason != NULL ? j->cold_reason :
	    "no selected test");
out:
	/* Runs cut short for a test set aside, warm or cold, took time too. */
	res->duration += j->spent;
	res->cpu += j->spent_cpu;
	run_result_free(&run);
	pyhooks_run_free(&hr);
	order_free(&o);
	planned_tests_free(tests, ntests);
}

/*
 * If the session was planned again while the mutant ran, its inputs may
 * have changed: the result then gets an mtime older than the new stamp, so
 * that make runs the mutant again, as cr-report counts it pending.
 */
static void
check_stamp(const char *session, const struct planned *p, const char *result)
{
	struct buf	 b = { 0 };
	struct stat	 st;
	struct timespec	 ts[2];
	char		*path;
	size_t		 n;

	path = session_stamp_path(session, p->id);
	if (file_read(path, &b, NULL) == 0 && stat(path, &st) == 0) {
		n = strcspn(buf_str(&b), "\n");
		if (p->inputs == NULL || strlen(p->inputs) != n ||
		    strncmp(buf_str(&b), p->inputs, n) != 0) {
			ts[0].tv_sec = 0;
			ts[0].tv_nsec = UTIME_OMIT;
			ts[1] = st.st_mtim;
			ts[1].tv_sec -= 1;
			utimensat(AT_FDCWD, result, ts, 0);
		}
	}
	buf_free(&b);
	free(path);
}

struct target_list {
	struct shard_item	*v;
	size_t			 n, cap;
};

static int
add_target(const char *id, double cost, void *arg)
{
	struct target_list	*l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 1024 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].id = xstrdup(id);
	l->v[l->n].cost = cost;
	l->v[l->n].shard = 0;
	l->n++;
	return 0;
}

/*
 * The session's targets, each with its shard of m, and the plan's digest
 * as a seed for --shuffle when seed is not NULL; -1 with *cause.
 */
static int
session_targets(const char *session, unsigned m, struct target_list *l,
    uint64_t *seed, char **cause)
{
	struct db	*db;
	char		*dbpath, *hash;
	int		 rc;

	dbpath = session_db_path(session);
	db = db_open(dbpath, 1, cause);
	free(dbpath);
	if (db == NULL)
		return -1;
	if ((rc = db_target_costs(db, add_target, l, cause)) == -1) {
		while (l->n > 0)
			free((char *)l->v[--l->n].id);
	}
	if (seed != NULL && (hash = db_config_get(db, "plan_hash")) != NULL) {
		hash[strnlen(hash, 16)] = '\0';
		*seed = strtoull(hash, NULL, 16);
		free(hash);
	}
	db_close(db);
	shard_assign(l->v, l->n, m);
	return rc;
}

/*
 * --targets: print the IDs of the session's targets, one per line: those
 * of shard K of M, costliest first, or in a random order fixed by the plan
 * (--shuffle). The session Makefile reads them for CR_SHARD and
 * CR_DEADLINE. A mutant's cost is the number of tests it runs, not their
 * timings: CI jobs that each plan the same code on their own must agree
 * on the shards, and their timings never quite agree.
 */
static int
targets_command(const char *session_arg, const char *shard, int shuffle)
{
	struct target_list	 l = { 0 };
	char			*session, *cause = NULL;
	unsigned		 k = 1, m = 1;
	uint64_t		 seed = 0;
	size_t			 i;

	if (shard != NULL && shard_parse(shard, &k, &m, &cause) == -1)
		fatal("%s", cause);
	session = path_absolute(session_arg);
	if (session_targets(session, m, &l, &seed, &cause) == -1)
		fatal("%s", cause);
	if (shuffle)
		shard_shuffle(l.v, l.n, seed);
	for (i = 0; i < l.n; i++) {
		if (l.v[i].shard == k)
			printf("%s\n", l.v[i].id);
		free((char *)l.v[i].id);
	}
	free(l.v);
	free(session);
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("stdout:");
	return 0;
}

/*
 * --deadline-at: the time, in seconds since the epoch, DURATION from now:
 * a number of seconds, or of minutes or hours with "m" or "h" after it.
 */
static int
deadline_command(const char *duration)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(duration, &end);
	if (end != duration && (*end == 'h' || *end == 'm' || *end == 's') &&
	    end[1] == '\0') {
		v *= *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;
		end++;
	}
	if (errno != 0 || end == duration || *end != '\0' || !isfinite(v) ||
	    v < 0 || v > 1e8)
		fatal("CR_DEADLINE: '%s' is not a duration (seconds, or a "
		    "number followed by s, m or h)", duration);
	printf("%lld\n", (long long)time(NULL) + (long long)v);
	return 0;
}

/* Whether a's modification time is before b's. */
static int
older(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec < b->st_mtim.tv_sec ||
	    (a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec < b->st_mtim.tv_nsec);
}

/*
 * The targets of this make run that were not up to date when it started:
 * the explicit result files it was asked for, else those of its shard (or
 * all) whose result is missing or older than its stamp, as make sees them,
 * or was written since the run started (at start, seconds since the
 * epoch): counted once, by the run's first mutant to finish, when its own
 * result and perhaps others of the run are written.
 */
static size_t
run_total(const char *session, double start)
{
	struct target_list	 l = { 0 };
	struct stat		 rs, ss;
	const char		*goals = getenv("CR_MAKE_GOALS");
	const char		*shard = getenv("CR_MAKE_SHARD");
	char			*rp, *sp;
	unsigned		 k = 1, m = 1;
	size_t			 i, n = 0;

	if (goals != NULL && strtoul(goals, NULL, 10) > 0)
		return strtoul(goals, NULL, 10);
	if (shard != NULL && *shard != '\0' &&
	    shard_parse(shard, &k, &m, NULL) == -1)
		k = m = 1;
	/* A count it cannot make is not shown: the verdict is what counts. */
	if (session_targets(session, m, &l, NULL, NULL) == -1) {
		free(l.v);
		return 0;
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].shard == k) {
			rp = session_result_path(session, l.v[i].id);
			sp = session_stamp_path(session, l.v[i].id);
			if (stat(rp, &rs) == -1 ||
			    (stat(sp, &ss) == 0 && older(&rs, &ss)) ||
			    (double)rs.st_mtim.tv_sec +
			    (double)rs.st_mtim.tv_nsec / 1e9 >= start)
				n++;
			free(rp);
			free(sp);
		}
		free((char *)l.v[i].id);
	}
	free(l.v);
	return n;
}

/* Seconds since the epoch, as make's start is given. */
static double
wall_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Remove the progress files of make runs that have ended, but run's. */
static void
progress_forget(const char *session, const char *run)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir, *path;
	long		 pid;

	dir = xasprintf("%s/progress", session);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || strcmp(de->d_name, run) == 0)
				continue;
			pid = strtol(de->d_name, NULL, 10);
			if (proctree_gone(pid)) {
				path = xasprintf("%s/%s", dir, de->d_name);
				unlink(path);
				free(path);
			}
		}
		closedir(d);
	}
	free(dir);
}

/* Width of a progress file's header: the total and the run's start. */
#define PROGRESS_HEADER	42

/*
 * Count this mutant done in its make run (CR_MAKE_RUN, which crmake.mk
 * sets): SESSION/progress/RUN holds the run's total and start, then a byte
 * per finished mutant, each appended in one write, so that the offset after
 * it is this mutant's place. 0 with *done, *total and *elapsed, or -1.
 */
static int
progress_count(const char *session, size_t *done, size_t *total,
    double *elapsed)
{
	const char	*run = getenv("CR_MAKE_RUN");
	struct stat	 st;
	char		*dir, *path, header[PROGRESS_HEADER + 1], *end;
	double		 start;
	off_t		 at;
	int		 fd, rc = -1;

	if (run == NULL || *run == '\0' || strchr(run, '/') != NULL)
		return -1;
	dir = xasprintf("%s/progress", session);
	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		free(dir);
		return -1;
	}
	path = xasprintf("%s/%s", dir, run);
	free(dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) == -1) {
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1)
		goto out;
	if (st.st_size == 0) {
		progress_forget(session, run);
		/* The run's start is in its name, after make's process ID. */
		end = strchr(run, '.');
		start = end != NULL ? strtod(end + 1, NULL) : 0;
		if (start <= 0)
			start = wall_clock();
		snprintf(header, sizeof header, "%20zu %20.3f\n",
		    run_total(session, start), start);
		if (write(fd, header, PROGRESS_HEADER) != PROGRESS_HEADER)
			goto out;
	} else if (pread(fd, header, PROGRESS_HEADER, 0) != PROGRESS_HEADER)
		goto out;
	header[PROGRESS_HEADER] = '\0';
	if (write(fd, ".", 1) != 1 ||
	    (at = lseek(fd, 0, SEEK_CUR)) < PROGRESS_HEADER)
		goto out;
	*done = (size_t)(at - PROGRESS_HEADER);
	*total = strtoul(header, &end, 10);
	*elapsed = wall_clock() - strtod(end, NULL);
	/* A total of 0 (unknown), or one the run outgrew, is not shown. */
	if (*total < *done)
		*total = 0;
	rc = 0;
out:
	close(fd);
	free(path);
	return rc;
}

/* The progress line of a finished mutant, and now and then a summary. */
static void
progress_line(const char *session, const struct planned *p,
    const struct result *res)
{
	struct buf	 b = { 0 };
	size_t		 done = 0, total = 0, step;
	double		 elapsed = 0;
	int		 counted;

	counted = progress_count(session, &done, &total, &elapsed) == 0;
	if (counted && total > 0)
		buf_addf(&b, "[%zu/%zu] ", done, total);
	else if (counted)
		buf_addf(&b, "[%zu] ", done);
	buf_addf(&b, "%s:%u:%u %s \xe2\x86\x92 %s (%.2f s", p->path, p->line,
	    p->col, p->operator, outcome_name(res->outcome), res->duration);
	if (res->tests_run >= 0)
		buf_addf(&b, ", %d test%s", res->tests_run,
		    res->tests_run == 1 ? "" : "s");
	if (res->set_aside > 0)
		buf_addf(&b, ", %d set aside", res->set_aside);
	if (res->limit != NULL)
		buf_addf(&b, ", %s limit", res->limit);
	if (res->remote != NULL)
		buf_addf(&b, ", on %s", res->remote);
	buf_addf(&b, ", %s)\n", p->id);
	/* About twenty summaries a run, and one at its end. */
	step = total / 20 > 10 ? total / 20 : 10;
	if (counted && total > 0 && elapsed > 0 &&
	    (done % step == 0 || done == total)) {
		buf_addf(&b, "crmake: %zu of %zu done in ", done, total);
		buf_add_duration(&b, elapsed);
		buf_addf(&b, " (%.1f mutants a second)", (double)done /
		    elapsed);
		if (done < total) {
			buf_adds(&b, ", about ");
			buf_add_duration(&b, elapsed / (double)done *
			    (double)(total - done));
			buf_adds(&b, " left");
		}
		buf_addc(&b, '\n');
	}
	/* One write, which make -j's other jobs cannot cut into. */
	if (write_all(STDOUT_FILENO, b.data, b.len) == -1)
		fatal("stdout:");
	buf_free(&b);
}

/*
 * Write the result where it goes (the session's results, or the -o file),
 * and print the progress line unless quiet.
 */
static void
finish(const char *session, const char *output, const struct planned *p,
    const struct result *res, int quiet)
{
	char	*out_path, *dir, *cause = NULL;

	if (output != NULL)
		out_path = xstrdup(output);
	else {
		dir = session_results_dir(session);
		if (mkdir_p(dir, &cause) == -1)
			fatal("%s", cause);
		free(dir);
		out_path = session_result_path(session, p->id);
	}
	write_result(out_path, res);
	if (output == NULL)
		check_stamp(session, p, out_path);
	if (!quiet)
		progress_line(session, p, res);
	free(out_path);
}

/*
 * Run the mutant on another host of CR_HOSTS if the first free slot is
 * there: 1 with that host's result in *res, or 0 to run it here.
 */
static int
run_elsewhere(const char *session, const char *hosts, const struct planned *p,
    const struct config *cf, int cold, double timeout, double cpu_timeout,
    int isolation, const char *const *caps, struct result *res)
{
	struct remote_job	 rj;
	struct result		 r;
	const char		*flags[14];
	char			 num[2][32], *cause = NULL;
	size_t			 n = 0;
	int			 rc;

	if (*cf->plan_hash == '\0')
		fatal("%s: planned by an older cr-plan, without a plan digest: "
		    "plan it again to use CR_HOSTS", session);
	/* The options that change the run go with it. */
	if (cold)
		flags[n++] = "--cold";
	if (timeout >= 0) {
		snprintf(num[0], sizeof num[0], "%.3f", timeout);
		flags[n++] = "--timeout";
		flags[n++] = num[0];
	}
	if (cpu_timeout >= 0) {
		snprintf(num[1], sizeof num[1], "%.3f", cpu_timeout);
		flags[n++] = "--cpu-timeout";
		flags[n++] = num[1];
	}
	if (isolation >= 0) {
		flags[n++] = "--isolation";
		flags[n++] = isolation_name(isolation);
	}
	for (rc = 0; rc < 3; rc++) {
		if (caps[rc] != NULL) {
			flags[n++] = cap_options[rc];
			flags[n++] = caps[rc];
		}
	}
	flags[n] = NULL;
	memset(&rj, 0, sizeof rj);
	rj.session = session;
	rj.id = p->id;
	rj.plan_hash = cf->plan_hash;
	rj.hosts = hosts;
	rj.flags = flags;
	memset(&r, 0, sizeof r);
	if ((rc = remote_run(&rj, &r, &cause)) == -1)
		fatal("%s", cause);
	if (rc == 1)
		return 0;
	result_clear(res);
	*res = r;
	return 1;
}

/*
 * --start-worker and --stop-worker: start the session's warm worker on this
 * host and wait until it serves, or ask it to stop.
 */
static int
worker_command(const char *session_arg, int start)
{
	struct warm_spec	 ws;
	struct config		 cf;
	struct warm		 w;
	struct db		*db;
	char			*session, *dbpath, *pydir, *why = NULL;
	char			*cause = NULL;
	int			 status = 0;

	session = path_absolute(session_arg);
	dbpath = session_db_path(session);
	if ((db = db_open(dbpath, 1, &cause)) == NULL)
		fatal("%s", cause);
	config_load(db, -1, &cf);
	if (!start)
		warm_stop(session, cf.plan_id);
	else if (!cf.warm)
		fatal("%s: warm runs are off for this session", session_arg);
	else {
		cleanup_init();
		if ((pydir = session_find_python()) == NULL)
			fatal("cannot find crmake's Python hooks (set "
			    "CR_PYTHONDIR to their directory)");
		warm_spec_init(&ws, session, &cf, pydir, db);
		if (warm_find(&ws, &w, &why) == -1) {
			warn("no warm worker for this session: %s", why != NULL ?
			    why : "one is starting, or could not start before");
			status = 1;
		} else
			warm_clear(&w);
		free(why);
		free(pydir);
	}
	db_close(db);
	config_clear(&cf);
	free(dbpath);
	free(session);
	return status;
}

/*
 * --check-results: move every result file that cannot be read (cut short,
 * overwritten, not a result) to SESSION/corrupt/, saying why and where in
 * it, so that make runs its mutant again; remove the temporary files of
 * writers that are gone. cr-run-one never writes a result in place, so
 * such a file comes from outside (a crash of the machine, an edit).
 */
static int
check_results_command(const char *arg)
{
	struct dirent	*e;
	struct result	 r;
	DIR		*d;
	char		*session, *dir, *path, *dest, *corrupt, *cause = NULL;
	const char	*tmp;
	long		 pid;
	int		 status = 0;

	session = path_absolute(arg);
	dir = xasprintf("%s/results", session);
	corrupt = xasprintf("%s/corrupt", session);
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			fatal("%s:", dir);
		free(dir);
		free(corrupt);
		free(session);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if ((tmp = strstr(e->d_name, ".json.tmp.")) != NULL) {
			pid = strtol(tmp + 10, NULL, 10);
			if (proctree_gone(pid))
				unlink(path);
		} else if (strlen(e->d_name) > 5 && strcmp(e->d_name +
		    strlen(e->d_name) - 5, ".json") == 0) {
			memset(&r, 0, sizeof r);
			if (result_read(path, &r, &cause) == -1) {
				dest = xasprintf("%s/%s", corrupt, e->d_name);
				if (mkdir_p(corrupt, NULL) == -1 ||
				    rename(path, dest) == -1) {
					warn("%s; it cannot be moved to %s: %s",
					    cause, dest, strerror(errno));
					status = 1;
				} else
					warn("%s; moved to %s: its mutant "
					    "runs again", cause, dest);
				free(dest);
				free(cause);
				cause = NULL;
			}
			result_clear(&r);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	free(corrupt);
	free(session);
	return status;
}

/* What check_sources_command is comparing: the plan, the project, what changed. */
struct sources_check {
	struct stat	 planned;
	const char	*root;
	struct buf	 changed;
	size_t		 n;
};

static int
check_source(const char *path, void *arg)
{
	struct sources_check	*c = arg;
	struct stat		 st;
	const char		*name = path;

	/* As make: changed if newer than the plan, or gone. */
	if (stat(path, &st) == 0 && !older(&c->planned, &st))
		return 0;
	if (path_inside(path, c->root) && strcmp(path, c->root) != 0)
		name = path + strlen(c->root) + (strcmp(c->root, "/") != 0);
	buf_addc(&c->changed, ' ');
	buf_add_shword(&c->changed, name);
	c->n++;
	return 0;
}

/*
 * --check-sources: whether the plan is older than a file it planned, a test
 * file or a conftest.py, or one of them is gone, as make would judge from
 * their times: the mutants would be of code, or their tests' coverage of
 * tests, that are no longer there. Names what changed, relative to the
 * project, and exits 1; make stops before running any mutant.
 */
static int
check_sources_command(const char *arg)
{
	struct sources_check	 c;
	struct db		*db;
	char			*session, *dbpath, *cause = NULL;

	memset(&c, 0, sizeof c);
	session = path_absolute(arg);
	dbpath = session_db_path(session);
	if (stat(dbpath, &c.planned) == -1)
		fatal("%s:", dbpath);
	if ((db = db_open(dbpath, 1, &cause)) == NULL)
		fatal("%s", cause);
	if ((c.root = db_config_get(db, "root")) == NULL)
		fatal("%s: no project root; run cr-plan again", dbpath);
	if (db_sources_foreach(db, check_source, &c, &cause) == -1)
		fatal("%s: %s", dbpath, cause);
	if (c.n > 0)
		fprintf(stderr, "crmake: changed since cr-plan ran:%s\n",
		    buf_str(&c.changed));
	db_close(db);
	buf_free(&c.changed);
	free((char *)c.root);
	free(dbpath);
	free(session);
	return c.n > 0;
}

int
main(int argc, char **argv)
{
	struct config		 cf;
	struct job		 job;
	struct result		 res;
	struct planned		 p;
	struct buf		 src = { 0 }, reduced = { 0 };
	struct db		*db;
	const char		*output = NULL, *session_arg, *id;
	char			*session, *dbpath, *file, *mutated = NULL;
	char			*cause = NULL, *why, *out_remote = NULL;
	char			 hex[65];
	double			 timeout = -1, cpu_timeout = -1;
	size_t			 mlen = 0;
	int			 c, quiet = 0, isolation = -1, cold = 0, stop = 0;
	int			 targets = 0, shuffle = 0;
	const char		*shard = NULL, *deadline = NULL;
	const char		*remote = NULL, *receive = NULL, *hosts;
	const char		*caps[3] = { NULL, NULL, NULL };
	uint64_t		 capv[3];
	int			 check = 0;

	progname = "cr-run-one";
	while ((c = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cr-run-one (crmake) %s\n", PACKAGE_VERSION);
			return 0;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_TIMEOUT:
			timeout = parse_seconds("--timeout", optarg);
			break;
		case OPT_CPU_TIMEOUT:
			cpu_timeout = parse_seconds("--cpu-timeout", optarg);
			break;
		case OPT_COLD:
			cold = 1;
			break;
		case OPT_STOP_WORKER:
			stop = 1;
			break;
		case OPT_START_WORKER:
			stop = 2;
			break;
		case OPT_TARGETS:
			targets = 1;
			break;
		case OPT_SHARD:
			shard = optarg;
			break;
		case OPT_SHUFFLE:
			shuffle = 1;
			break;
		case OPT_DEADLINE_AT:
			deadline = optarg;
			break;
		case OPT_REMOTE:
			remote = optarg;
			break;
		case OPT_RECEIVE:
			receive = optarg;
			break;
		case OPT_CHECK_RESULTS:
			check = 1;
			break;
		case OPT_CHECK_SOURCES:
			check = 2;
			break;
		case OPT_MAX_MEMORY:
		case OPT_MAX_PROCS:
		case OPT_MAX_OUTPUT:
			caps[c - OPT_MAX_MEMORY] = optarg;
			if (parse_size(optarg, &capv[c - OPT_MAX_MEMORY]) == -1) {
				warn("%s: '%s' is not a size",
				    cap_options[c - OPT_MAX_MEMORY], optarg);
				usage_error();
			}
			break;
		case OPT_ISOLATION:
			isolation = isolation_parse(optarg);
			if (isolation < 0 || isolation == ISOLATION_NONE) {
				warn("--isolation: '%s' is not auto, namespace "
				    "or copy", optarg);
				usage_error();
			}
			break;
		default:
			usage_error();
		}
	}
	if (deadline != NULL) {
		if (argc != optind)
			usage_error();
		return deadline_command(deadline);
	}
	if (targets) {
		if (argc - optind != 1)
			usage_error();
		return targets_command(argv[optind], shard, shuffle);
	}
	if (check) {
		if (argc - optind != 1)
			usage_error();
		return check == 1 ? check_results_command(argv[optind]) :
		    check_sources_command(argv[optind]);
	}
	if (shard != NULL || shuffle)
		usage_error();
	if (stop) {
		if (argc - optind != 1)
			usage_error();
		return worker_command(argv[optind], stop == 2);
	}
	if (receive != NULL) {
		if (argc != optind)
			usage_error();
		return remote_receive(receive);
	}
	if (remote != NULL) {
		/* On a host of CR_HOSTS: the session as received, by digest. */
		if (argc - optind != 1)
			usage_error();
		id = argv[optind];
		if ((session = remote_session(remote, &cause)) == NULL)
			fatal("%s", cause);
		dbpath = session_db_path(session);
		if (access(dbpath, F_OK) == -1) {
			warn("%s: no session of plan %.12s here", session,
			    remote);
			exit(REMOTE_NO_SESSION);
		}
		free(dbpath);
		output = out_remote = xasprintf("%s/out.%ld.json", session,
		    (long)getpid());
		quiet = 1;
		remote_watch(output);
	} else {
		if (argc - optind != 2)
			usage_error();
		session_arg = argv[optind];
		id = argv[optind + 1];
		session = path_absolute(session_arg);
	}
	cleanup_init();

	dbpath = session_db_path(session);
	if ((db = db_open(dbpath, 1, &cause)) == NULL)
		fatal("%s", cause);
	if (db_planned_get(db, id, &p, &cause) == -1)
		fatal("%s", cause);
	config_load(db, isolation, &cf);
	if (caps[0] != NULL)
		cf.caps.memory = capv[0];
	if (caps[1] != NULL)
		cf.caps.procs = capv[1];
	if (caps[2] != NULL)
		cf.caps.output = capv[2];

	memset(&res, 0, sizeof res);
	res.id = xstrdup(p.id);
	res.exit_status = -1;
	res.tests_run = -1;
	res.tests_seconds = -1;
	res.path = xstrdup(p.path);
	res.line = p.line;
	res.col = p.col;
	res.operator = xstrdup(p.operator);
	res.sha256 = xstrdup(p.sha256);
	res.inputs = p.inputs != NULL ? xstrdup(p.inputs) : NULL;
	res.plan = cf.plan_hash[0] != '\0' ? xstrdup(cf.plan_hash) : NULL;
	where_ran(&res);

	file = xasprintf("%s/%s", cf.root, p.path);
	if (file_read(file, &src, &cause) == -1)
		fatal("%s", cause);
	sha256_hex(src.data, src.len, hex);
	if (strcmp(hex, p.sha256) != 0)
		fatal("stale plan: '%s' changed since it was planned; run "
		    "cr-plan again", p.path);

	/* On another host of CR_HOSTS, if a slot there comes first. */
	hosts = getenv("CR_HOSTS");
	if (remote == NULL && hosts != NULL && *hosts != '\0' &&
	    p.skip == NULL && p.sel != SEL_NONE &&
	    run_elsewhere(session, hosts, &p, &cf, cold, timeout, cpu_timeout,
	    isolation, caps, &res)) {
		db_close(db);
		finish(session, output, &p, &res, quiet);
		goto done;
	}

	if (p.skip != NULL) {
		res.outcome = OUTCOME_SKIPPED;
		res.output = xstrdup(p.skip);
	} else if (p.sel == SEL_NONE) {
		res.outcome = OUTCOME_NO_COVERAGE;
		res.output = xstrdup("no test executes this code");
	} else if ((mutated = mutant_splice(src.data, src.len, p.start, p.end,
	    p.replacement, &mlen)) == NULL) {
		fatal("%s:%u:%u: mutant %s lies outside the file; run cr-plan "
		    "again", p.path, p.line, p.col, p.id);
	} else if (check_mutant(&p, &src, mutated, mlen, &reduced, &why) ==
	    -1) {
		res.outcome = OUTCOME_INCOMPETENT;
		res.output = xasprintf("%s:%s", p.path, why);
		free(why);
	} else {
		memset(&job, 0, sizeof job);
		job.session = session;
		job.cf = &cf;
		job.p = &p;
		job.mutated = mutated;
		job.mlen = mlen;
		if (reduced.len > 0) {
			job.reduced = reduced.data;
			job.rlen = reduced.len;
		}
		job.timeout = timeout;
		job.cpu_timeout = cpu_timeout;
		job.cold = cold;
		run_mutant(&job, db, &res);
		free(job.pydir);
		free(job.tmp);
	}
	db_close(db);

	finish(session, output, &p, &res, quiet);
done:
	result_clear(&res);
	planned_clear(&p);
	config_clear(&cf);
	buf_free(&src);
	buf_free(&reduced);
	free(out_remote);
	free(mutated);
	free(file);
	free(dbpath);
	free(session);
	return 0;
}
