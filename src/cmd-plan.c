/* cmd-plan.c: cr-plan, which runs the baseline, enumerates mutants and writes the session. */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdline.h"
#include "codemap.h"
#include "coverage.h"
#include "db.h"
#include "filter.h"
#include "json.h"
#include "mkgen.h"
#include "mutant.h"
#include "operators.h"
#include "pyhooks.h"
#include "result.h"
#include "sandbox.h"
#include "session.h"
#include "sha256.h"
#include "util.h"
#include "warm.h"

enum {
	OPT_TIMEOUT_FACTOR = CHAR_MAX + 1,
	OPT_TIMEOUT_CONSTANT,
	OPT_ISOLATION,
	OPT_OPERATORS,
	OPT_EXCLUDE_OPERATORS,
	OPT_SINCE,
	OPT_LIST,
	OPT_LIST_OPERATORS,
	OPT_ALL,
	OPT_JSON,
	OPT_VARIABLE_REPLACER,
	OPT_VARIABLE_INSERTER,
	OPT_SEED,
	OPT_ORDER,
	OPT_RUNNER,
	OPT_CPU_TIMEOUT_FACTOR,
	OPT_CPU_TIMEOUT_CONSTANT,
	OPT_RERUN,
	OPT_NO_WARM,
	OPT_MAX_MEMORY,
	OPT_MAX_PROCS,
	OPT_MAX_OUTPUT,
	OPT_TMP,
};

static const struct option longopts[] = {
	{ "session",		required_argument,	NULL, 's' },
	{ "test-command",	required_argument,	NULL, 't' },
	{ "exclude",		required_argument,	NULL, 'e' },
	{ "timeout-factor",	required_argument,	NULL, OPT_TIMEOUT_FACTOR },
	{ "timeout-constant",	required_argument,	NULL, OPT_TIMEOUT_CONSTANT },
	{ "isolation",		required_argument,	NULL, OPT_ISOLATION },
	{ "operators",		required_argument,	NULL, OPT_OPERATORS },
	{ "exclude-operators",	required_argument,	NULL,
	    OPT_EXCLUDE_OPERATORS },
	{ "since",		required_argument,	NULL, OPT_SINCE },
	{ "list",		no_argument,		NULL, OPT_LIST },
	{ "list-operators",	no_argument,		NULL, OPT_LIST_OPERATORS },
	{ "all",		no_argument,		NULL, OPT_ALL },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "variable-replacer",	required_argument,	NULL,
	    OPT_VARIABLE_REPLACER },
	{ "variable-inserter",	required_argument,	NULL,
	    OPT_VARIABLE_INSERTER },
	{ "seed",		required_argument,	NULL, OPT_SEED },
	{ "order",		required_argument,	NULL, OPT_ORDER },
	{ "runner",		required_argument,	NULL, OPT_RUNNER },
	{ "cpu-timeout-factor",	required_argument,	NULL,
	    OPT_CPU_TIMEOUT_FACTOR },
	{ "cpu-timeout-constant", required_argument,	NULL,
	    OPT_CPU_TIMEOUT_CONSTANT },
	{ "rerun",		required_argument,	NULL, OPT_RERUN },
	{ "no-warm",		no_argument,		NULL, OPT_NO_WARM },
	{ "max-memory",		required_argument,	NULL, OPT_MAX_MEMORY },
	{ "max-procs",		required_argument,	NULL, OPT_MAX_PROCS },
	{ "max-output",		required_argument,	NULL, OPT_MAX_OUTPUT },
	{ "tmp",		required_argument,	NULL, OPT_TMP },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* A file to plan; the mutants of an excluded one are recorded as skipped. */
struct source {
	char		*path;		/* relative to the project root */
	int		 excluded;
};

/* A test the baseline ran, as planned. */
struct ptest {
	const struct pytest_rec	*rec;
	char			 fingerprint[65];
	int64_t			 row;		/* in the session database */
};

struct plan {
	int		  random_order;	/* --order random */
	const char	 *session_arg;
	char		 *session;	/* absolute; NULL when listing without one */
	char		 *root;		/* absolute, the working directory */
	const char	 *command;
	const char	**excludes;
	size_t		  nexcludes;
	double		  timeout_factor;
	double		  timeout_constant;
	const char	 *isolation;
	int		  verbose;
	int		  list;		/* --list: print the plan, write nothing */
	int		  list_all;
	int		  list_json;

	struct filter_ops *ops;
	const char	 *since;
	char		 *since_reason;
	struct filter_lines *lines;
	struct filter	  filter;
	struct operator_param *params;	/* --variable-replacer/--variable-inserter */
	size_t		  nparams;
	struct operator_options opts;

	struct source	 *files;	/* sorted by path, unique */
	size_t		  nfiles;

	/* Test selection. */
	const char	 *runner_opt;	/* --runner: auto, pytest, unittest, none */
	double		  cpu_factor;
	double		  cpu_constant;
	unsigned	  rerun;	/* outcomes --rerun names, bit per outcome */
	int		  no_warm;	/* --no-warm */
	struct run_caps	  caps;		/* --max-memory, --max-procs, --max-output */
	int		  shared_tmp;	/* --tmp shared */
	char		 *pydir;	/* crmake's Python hooks */
	char		 *hooked;	/* the command, PYTHONPATH assignments extended */
	char		 *tmp;		/* private temporary directory */
	double		  base_wall;	/* the baseline's seconds */
	double		  base_cpu;	/* and CPU seconds */
	struct pyhooks_run hooks;	/* what the hooks said of the baseline */
	int		  selecting;	/* per-test selection is on */
	const char	 *runner;	/* CRMAKE_RUNNER of the mutants' runs */
	char		 *why_off;	/* why selection is off */
	struct coverage	 *cov;
	struct ptest	 *tests;	/* every passing test of the baseline */
	size_t		  ntests;
	size_t		  nfailing;	/* tests that failed in the baseline */
	int		 *ctx_test;	/* per coverage context: test, or -1 */
	double		  startup_wall;	/* the baseline outside any test */
	double		  startup_cpu;
	double		  tests_wall;	/* every test */
	double		  tests_cpu;
	char		  all_digest[65]; /* of every test's fingerprint */
	char		  config_digest[65];
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-plan [-hVv] -s DIR -t CMD [-e GLOB]... "
	    "[--operators RE]... [--exclude-operators RE]...\n"
	    "               [--since REV] [--runner auto|pytest|unittest|none] "
	    "[--rerun OUTCOME]... [--no-warm]\n"
	    "               [--timeout-factor F] [--timeout-constant SECONDS]\n"
	    "               [--cpu-timeout-factor F] "
	    "[--cpu-timeout-constant SECONDS]\n"
	    "               [--isolation auto|namespace|copy] "
	    "[--tmp private|shared]\n"
	    "               [--max-memory SIZE] [--max-procs N] "
	    "[--max-output SIZE]\n"
	    "               [--variable-replacer CAUSE[:EFFECT]]...\n"
	    "               [--variable-inserter CAUSE:EFFECT]... [--seed N] "
	    "[--order cost|random]\n"
	    "               PATH...\n"
	    "       cr-plan --list [--all] [--json] [-e GLOB]... "
	    "[--operators RE]...\n"
	    "               [--exclude-operators RE]... [--since REV] "
	    "[--variable-replacer ...]\n"
	    "               [--variable-inserter ...] [--seed N] PATH...\n"
	    "       cr-plan --list-operators\n");
}

/* A limit's size (0: none), or usage. */
static void
parse_cap(const char *opt, const char *s, uint64_t *out)
{
	if (parse_size(s, out) == -1) {
		warn("%s: '%s' is not a size (digits, then K, M, G or T)", opt,
		    s);
		usage(stderr);
		exit(2);
	}
}

static double
parse_seconds(const char *opt, const char *s)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 1e6) {
		warn("%s: '%s' is not a number of seconds or a factor", opt, s);
		usage(stderr);
		exit(2);
	}
	return v;
}

static uint64_t
parse_seed(const char *s)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-') {
		warn("--seed: '%s' is not a whole number", s);
		usage(stderr);
		exit(2);
	}
	return (uint64_t)v;
}

/* Return path relative to root, or NULL if it is not inside root. */
static char *
relative_to(const char *root, const char *abs)
{
	size_t	n = strlen(root);

	if (strcmp(root, "/") == 0)
		return xstrdup(abs + 1);
	if (strncmp(abs, root, n) != 0 || (abs[n] != '/' && abs[n] != '\0'))
		return NULL;
	if (abs[n] == '\0')
		return xstrdup("");
	return xstrdup(abs + n + 1);
}

/* Excluded if a glob matches the path or one of its leading directories. */
static int
excluded(const struct plan *pl, const char *rel)
{
	char	*p, *s;
	size_t	 i;
	int	 hit = 0;

	p = xstrdup(rel);
	for (s = p; !hit; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		for (i = 0; i < pl->nexcludes && !hit; i++) {
			if (fnmatch(pl->excludes[i], p, 0) == 0)
				hit = 1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return hit;
}

static void
add_file(struct plan *pl, const char *rel)
{
	struct source	*sf;

	/* The tests' records, in JSON, name files in UTF-8. */
	if (!json_utf8_valid(rel)) {
		warn("%s: a name that is not UTF-8 (file skipped)", rel);
		return;
	}
	pl->files = xreallocarray(pl->files, pl->nfiles + 1, sizeof *pl->files);
	sf = &pl->files[pl->nfiles++];
	sf->path = xstrdup(rel);
	sf->excluded = excluded(pl, rel);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
compare_sources(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->path,
	    ((const struct source *)b)->path);
}

/* Whether a file name is a Python module's. */
static int
python_name(const char *name)
{
	size_t	len = strlen(name);

	return len > 3 && strcmp(name + len - 3, ".py") == 0;
}

/*
 * A symbolic link named like a Python file, found in a directory: its file
 * is planned under its own name when it is in the project (the tests
 * import that file, and a mutant put in place at the link's name would
 * not be seen; planned twice, it is planned once); else the link is
 * skipped, saying why (a loop, a missing target, a file outside the
 * project, which is not the project's code).
 */
static void
walk_link(struct plan *pl, const char *abs, const char *rel)
{
	struct stat	 st;
	char		*real, *target;

	if (stat(abs, &st) == -1) {
		warn("%s: %s (symbolic link skipped)", rel, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if ((real = realpath(abs, NULL)) == NULL) {
		warn("%s: %s (symbolic link skipped)", rel, strerror(errno));
		return;
	}
	if ((target = relative_to(pl->root, real)) == NULL)
		warn("%s: a symbolic link to %s, outside the project "
		    "(skipped)", rel, real);
	else
		add_file(pl, target);
	free(target);
	free(real);
}

static void
walk(struct plan *pl, const char *abs, const char *rel)
{
	struct dirent	 *de;
	struct stat	  st;
	DIR		 *d;
	char		**names = NULL, *cabs, *crel;
	size_t		  n = 0, i;

	if ((d = opendir(abs)) == NULL) {
		warn("%s:", abs);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "__pycache__") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, compare_names);
	for (i = 0; i < n; i++) {
		cabs = xasprintf("%s/%s", abs, names[i]);
		crel = *rel == '\0' ? xstrdup(names[i]) :
		    xasprintf("%s/%s", rel, names[i]);
		if ((pl->session != NULL && strcmp(cabs, pl->session) == 0) ||
		    lstat(cabs, &st) == -1)
			goto next;
		/*
		 * Symbolic links to directories are not followed (no cycles);
		 * links to files are planned like the files. A directory an
		 * exclusion matches is not searched at all, so excluding a
		 * large tree (a virtualenv) costs nothing; an excluded file
		 * is planned with its mutants recorded as skipped.
		 */
		if (S_ISDIR(st.st_mode)) {
			if (!excluded(pl, crel))
				walk(pl, cabs, crel);
		} else if (S_ISREG(st.st_mode) && python_name(names[i]))
			add_file(pl, crel);
		else if (S_ISLNK(st.st_mode) && python_name(names[i]))
			walk_link(pl, cabs, crel);
next:
		free(cabs);
		free(crel);
		free(names[i]);
	}
	free(names);
}

static void
collect(struct plan *pl, char **paths, int npaths)
{
	struct stat	 st, lst;
	char		*abs, *rel;
	size_t		 i, j;
	int		 k;

	for (k = 0; k < npaths; k++) {
		abs = path_lexical(paths[k]);
		if (stat(abs, &st) == -1)
			fatal("%s:", paths[k]);
		if ((rel = relative_to(pl->root, abs)) == NULL)
			fatal("'%s' is outside the project root '%s' (run cr-plan "
			    "from the project root)", paths[k], pl->root);
		if (S_ISDIR(st.st_mode))
			walk(pl, abs, rel);
		else if (S_ISREG(st.st_mode) && lstat(abs, &lst) == 0 &&
		    S_ISLNK(lst.st_mode))
			walk_link(pl, abs, rel);
		else if (S_ISREG(st.st_mode))
			add_file(pl, rel);
		else
			fatal("'%s' is not a file or a directory", paths[k]);
		free(abs);
		free(rel);
	}
	if (pl->nfiles > 1)
		qsort(pl->files, pl->nfiles, sizeof *pl->files,
		    compare_sources);
	for (i = j = 0; i < pl->nfiles; i++) {
		if (j > 0 && strcmp(pl->files[j - 1].path,
		    pl->files[i].path) == 0) {
			free(pl->files[i].path);
			continue;
		}
		pl->files[j++] = pl->files[i];
	}
	pl->nfiles = j;
}

/* Run a command unmutated, behind an overlay where possible; fatal if crmake cannot run it. */
static void
run_unmutated(const struct plan *pl, const char *command, char **env,
    struct run_result *res)
{
	struct run_spec	 spec;
	char		*cause = NULL;

	memset(&spec, 0, sizeof spec);
	spec.root = pl->root;
	spec.command = command;
	spec.isolation = ISOLATION_NONE;
	spec.tail_max = 64 * 1024;
	spec.env = (const char *const *)env;
	spec.caps = pl->caps;
	spec.private_tmp = !pl->shared_tmp;
	spec.keep = pl->tmp;
	if (sandbox_run(&spec, res, &cause) == -1)
		fatal("baseline: %s", cause);
}

/* Print what a failed run wrote. */
static void
print_output(struct run_result *res)
{
	fputs(buf_str(&res->output), stderr);
	if (res->output.len > 0 &&
	    res->output.data[res->output.len - 1] != '\n')
		fputc('\n', stderr);
}

static void
baseline_failed(struct run_result *res)
{
	print_output(res);
	if (res->signal != 0)
		fatal("the test command fails without any mutation (killed by "
		    "signal %d); fix the tests or the command first",
		    res->signal);
	fatal("the test command fails without any mutation (exit status %d); "
	    "fix the tests or the command first", res->exit_status);
}

/*
 * Byte-compile the hooks for each interpreter that loaded them, so that no
 * run compiles them again. Runs never write byte code; this is the one
 * place where crmake writes it, into its own directory, if it may.
 */
static void
compile_hooks(const struct plan *pl)
{
	struct run_spec		 spec;
	struct run_result	 res;
	char			*env[3], *cause = NULL;
	size_t			 i;

	if (access(pl->pydir, W_OK) == -1)
		return;
	for (i = 0; i < pl->hooks.npythons; i++) {
		env[0] = xasprintf("CR_PYTHON=%s", pl->hooks.pythons[i]);
		env[1] = xasprintf("CR_PYDIR=%s", pl->pydir);
		env[2] = NULL;
		memset(&spec, 0, sizeof spec);
		spec.root = pl->tmp;
		spec.command = "exec \"$CR_PYTHON\" -m compileall -q -l "
		    "\"$CR_PYDIR\"";
		spec.isolation = ISOLATION_NONE;
		spec.timeout = 60;
		spec.env = (const char *const *)env;
		if (sandbox_run(&spec, &res, &cause) == 0)
			run_result_free(&res);
		else
			free(cause);
		free(env[0]);
		free(env[1]);
	}
}

static void
selection_off(struct plan *pl, char *why)
{
	pl->selecting = 0;
	free(pl->why_off);
	pl->why_off = why;
}

/*
 * Run the test command once without mutation, with crmake's hooks loaded so
 * that they report each test and its durations. It must pass. A command that
 * fails only with the hooks loaded still plans, without test selection.
 */
static void
baseline(struct plan *pl)
{
	struct pyhooks_spec	 hs;
	struct run_result	 res;
	char			**env, *record, *cause = NULL;
	int			 want;

	if (pl->verbose)
		fprintf(stderr, "cr-plan: baseline: %s\n", pl->selecting ?
		    pl->hooked : pl->command);
	if (!pl->selecting) {
		run_unmutated(pl, pl->command, NULL, &res);
		if (res.exit_status != 0)
			baseline_failed(&res);
		pl->base_wall = res.duration;
		pl->base_cpu = res.cpu;
		run_result_free(&res);
		return;
	}
	record = xasprintf("%s/baseline.jsonl", pl->tmp);
	memset(&hs, 0, sizeof hs);
	hs.pydir = pl->pydir;
	hs.record = record;
	hs.runner = pl->runner_opt;
	env = pyhooks_env(&hs);
	run_unmutated(pl, pl->hooked, env, &res);
	pyhooks_env_free(env);
	if (res.exit_status != 0) {
		run_result_free(&res);
		run_unmutated(pl, pl->command, NULL, &res);
		if (res.exit_status != 0)
			baseline_failed(&res);
		warn("the test command fails with crmake's hooks loaded and "
		    "passes without them; test selection is off");
		selection_off(pl, xstrdup("the test command fails with "
		    "crmake's hooks loaded"));
	} else if (pyhooks_read(record, 0, &pl->hooks, &cause) == -1)
		fatal("%s", cause);
	pl->base_wall = res.duration;
	pl->base_cpu = res.cpu;
	run_result_free(&res);
	free(record);
	if (!pl->selecting)
		return;
	if (pl->hooks.error != NULL)
		warn("crmake's hooks: %s", pl->hooks.error);
	compile_hooks(pl);
	want = strcmp(pl->runner_opt, "pytest") == 0 ? PYHOOKS_PYTEST :
	    strcmp(pl->runner_opt, "unittest") == 0 ? PYHOOKS_UNITTEST : 0;
	if (want != 0 && !(pl->hooks.runners & want))
		fatal("--runner %s: the test command ran no %s tests that "
		    "crmake's hooks could see (see cr-plan(1), TEST SELECTION)",
		    pl->runner_opt, pl->runner_opt);
	if (!pl->hooks.booted)
		selection_off(pl, xstrdup("crmake's hooks did not load in the "
		    "test command's Python (does the command set PYTHONPATH "
		    "where cr-plan cannot see it, or run python -I or -S?)"));
	else if (pl->hooks.ntests == 0)
		selection_off(pl, xstrdup("the test command ran no pytest or "
		    "unittest tests that crmake's hooks could see"));
	else if (pl->hooks.runners == (PYHOOKS_PYTEST | PYHOOKS_UNITTEST))
		pl->runner = "auto";
	else
		pl->runner = pl->hooks.runners & PYHOOKS_PYTEST ? "pytest" :
		    "unittest";
}

/*
 * The real path of each planned file that a run may execute, one per line,
 * a backslash and a newline in a path written as \\ and \n (read by
 * crmake_record.read_paths): what coverage.py measures, and what the warm
 * worker indexes.
 */
static char *
planned_real_paths(const struct plan *pl)
{
	struct buf	 b = { 0 };
	char		*abs, *real;
	const char	*p;
	size_t		 i;

	for (i = 0; i < pl->nfiles; i++) {
		if (pl->files[i].excluded)
			continue;
		abs = xasprintf("%s/%s", pl->root, pl->files[i].path);
		real = path_absolute(abs);
		for (p = real; *p != '\0'; p++) {
			if (*p == '\\' || *p == '\n')
				buf_addc(&b, '\\');
			buf_addc(&b, *p == '\n' ? 'n' : *p);
		}
		buf_addc(&b, '\n');
		free(real);
		free(abs);
	}
	return buf_detach(&b);
}

/*
 * Run the test command again under coverage.py, each test in a context of
 * its own, and load the data. Problems turn selection off, with a warning:
 * the plan is still good, only slower to run.
 */
static void
coverage_run(struct plan *pl)
{
	struct pyhooks_spec	 hs;
	struct pyhooks_run	 hr;
	struct run_result	 res;
	char			**env, *record, *dir, *include, *text;
	char			*cause = NULL;

	record = xasprintf("%s/coverage.jsonl", pl->tmp);
	dir = xasprintf("%s/coverage", pl->tmp);
	include = xasprintf("%s/include", pl->tmp);
	text = planned_real_paths(pl);
	if (mkdir_p(dir, &cause) == -1 ||
	    file_write_atomic(include, text, strlen(text), &cause) == -1)
		fatal("%s", cause);
	free(text);
	memset(&hs, 0, sizeof hs);
	hs.pydir = pl->pydir;
	hs.record = record;
	hs.runner = pl->runner_opt;
	hs.coverage = dir;
	hs.include = include;
	env = pyhooks_env(&hs);
	if (pl->verbose)
		fprintf(stderr, "cr-plan: per-test coverage\n");
	run_unmutated(pl, pl->hooked, env, &res);
	pyhooks_env_free(env);
	if (pyhooks_read(record, 0, &hr, &cause) == -1)
		fatal("%s", cause);
	if (hr.error != NULL && strncmp(hr.error, "coverage:", 9) == 0) {
		warn("coverage.py: %s", hr.error + 9);
		selection_off(pl, xstrdup("coverage.py does not run in the test "
		    "command's Python (on Debian: apt-get install "
		    "python3-coverage)"));
	} else if (res.exit_status != 0) {
		print_output(&res);
		warn("the test command fails under coverage.py and passes "
		    "without it; test selection is off");
		selection_off(pl, xstrdup("the test command fails under "
		    "coverage.py"));
	} else {
		pl->cov = coverage_new();
		if (coverage_load_dir(pl->cov, dir, &cause) == -1)
			fatal("coverage data: %s", cause);
	}
	pyhooks_run_free(&hr);
	run_result_free(&res);
	free(record);
	free(dir);
	free(include);
}

static int
compare_ptest_file(const void *a, const void *b)
{
	const struct ptest	*x = *(const struct ptest *const *)a;
	const struct ptest	*y = *(const struct ptest *const *)b;
	const char		*fx = x->rec->file, *fy = y->rec->file;

	if (fx == NULL || fy == NULL)
		return (fx == NULL) - (fy == NULL);
	return strcmp(fx, fy);
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Digest of the conftest.py files pytest loaded: a change to one changes every test. */
static void
conftest_digest(const struct plan *pl, char hex[65])
{
	struct sha256	 h;
	struct buf	 b = { 0 };
	char		**v;
	size_t		 i, n = pl->hooks.nconftest;

	v = xcalloc(n + 1, sizeof *v);
	if (n > 0)
		memcpy(v, pl->hooks.conftest, n * sizeof *v);
	if (n > 1)
		qsort(v, n, sizeof *v, compare_strings);
	sha256_init(&h);
	for (i = 0; i < n; i++) {
		sha256_update(&h, v[i], strlen(v[i]) + 1);
		if (file_read(v[i], &b, NULL) == 0)
			sha256_update(&h, b.data, b.len);
		sha256_update(&h, "", 1);
	}
	sha256_final_hex(&h, hex);
	buf_free(&b);
	free(v);
}

/*
 * A test's fingerprint changes when its own definition changes, when the
 * rest of its file does (helpers, fixtures, imports: everything but the
 * other tests' definitions), or when a conftest.py does. A test whose
 * definition cannot be found is fingerprinted by its whole file.
 */
static void
fingerprint_tests(struct plan *pl)
{
	struct ptest	**by_file;
	struct codemap	 *cm;
	struct sha256	  h;
	struct buf	  src = { 0 };
	uint32_t	 *starts, s, e;
	char		  conftest[65], context[65], own[65];
	size_t		  i, j, k, n = pl->ntests;
	int		  readable;

	conftest_digest(pl, conftest);
	by_file = xcalloc(n + 1, sizeof *by_file);
	starts = xcalloc(n + 1, sizeof *starts);
	for (i = 0; i < n; i++)
		by_file[i] = &pl->tests[i];
	if (n > 1)
		qsort(by_file, n, sizeof *by_file, compare_ptest_file);
	for (i = 0; i < n; i = j) {
		const char *file = by_file[i]->rec->file;

		for (j = i + 1; j < n && file != NULL &&
		    by_file[j]->rec->file != NULL &&
		    strcmp(by_file[j]->rec->file, file) == 0; j++)
			;
		cm = NULL;
		readable = file != NULL && file_read(file, &src, NULL) == 0;
		if (readable)
			cm = codemap_new(buf_str(&src), src.len, NULL);
		for (k = i; k < j; k++) {
			if (cm == NULL || codemap_definition_at(cm,
			    by_file[k]->rec->line, &starts[k - i], &e) == -1)
				starts[k - i] = UINT32_MAX;
		}
		if (cm != NULL)
			codemap_skeleton(cm, starts, j - i, context);
		else if (readable)
			sha256_hex(src.data, src.len, context);
		else
			strcpy(context, "-");
		for (k = i; k < j; k++) {
			const struct pytest_rec *r = by_file[k]->rec;

			if (cm != NULL && codemap_definition_at(cm, r->line, &s,
			    &e) == 0)
				sha256_hex(src.data + s, e - s, own);
			else
				strcpy(own, "-");
			sha256_init(&h);
			sha256_update(&h, r->runner, strlen(r->runner) + 1);
			sha256_update(&h, r->id, strlen(r->id) + 1);
			sha256_update(&h, own, 64);
			sha256_update(&h, context, strlen(context));
			sha256_update(&h, conftest, 64);
			sha256_final_hex(&h, by_file[k]->fingerprint);
		}
		codemap_free(cm);
	}
	buf_free(&src);
	free(starts);
	free(by_file);
}

static int
compare_ptest_id(const void *a, const void *b)
{
	const struct ptest	*x = *(const struct ptest *const *)a;
	const struct ptest	*y = *(const struct ptest *const *)b;

	return strcmp(x->rec->id, y->rec->id);
}

/*
 * The planned tests (the baseline's, less those that failed in it), their
 * fingerprints and totals, and which test each coverage context is. A
 * context that is no test (code run while no test ran, in "") stands for
 * every test.
 */
static void
prepare_tests(struct plan *pl)
{
	struct ptest	**by_id, key, *kp, **hit;
	struct pytest_rec keyrec;
	struct sha256	  h;
	char		**fps;
	size_t		  i, n;

	pl->tests = xcalloc(pl->hooks.ntests + 1, sizeof *pl->tests);
	for (i = 0; i < pl->hooks.ntests; i++) {
		if (pl->hooks.tests[i].failed) {
			pl->nfailing++;
			continue;
		}
		pl->tests[pl->ntests++].rec = &pl->hooks.tests[i];
	}
	n = pl->ntests;
	if (pl->nfailing > 0)
		warn("%zu test%s fail%s without mutation although the command "
		    "passes; %s never selected", pl->nfailing,
		    pl->nfailing == 1 ? "" : "s", pl->nfailing == 1 ? "s" : "",
		    pl->nfailing == 1 ? "it is" : "they are");
	fingerprint_tests(pl);
	fps = xcalloc(n + 1, sizeof *fps);
	for (i = 0; i < n; i++) {
		pl->tests_wall += pl->tests[i].rec->wall;
		pl->tests_cpu += pl->tests[i].rec->cpu;
		fps[i] = pl->tests[i].fingerprint;
	}
	if (n > 1)
		qsort(fps, n, sizeof *fps, compare_strings);
	sha256_init(&h);
	for (i = 0; i < n; i++)
		sha256_update(&h, fps[i], 64);
	sha256_final_hex(&h, pl->all_digest);
	free(fps);
	pl->startup_wall = pl->base_wall - pl->tests_wall;
	if (pl->startup_wall < 0)
		pl->startup_wall = 0;
	pl->startup_cpu = pl->base_cpu - pl->tests_cpu;
	if (pl->startup_cpu < 0)
		pl->startup_cpu = 0;

	by_id = xcalloc(n + 1, sizeof *by_id);
	for (i = 0; i < n; i++)
		by_id[i] = &pl->tests[i];
	if (n > 1)
		qsort(by_id, n, sizeof *by_id, compare_ptest_id);
	pl->ctx_test = xcalloc(coverage_ncontexts(pl->cov) + 1,
	    sizeof *pl->ctx_test);
	for (i = 0; i < coverage_ncontexts(pl->cov); i++) {
		memset(&keyrec, 0, sizeof keyrec);
		keyrec.id = (char *)coverage_context(pl->cov, i);
		key.rec = &keyrec;
		kp = &key;
		hit = bsearch(&kp, by_id, n, sizeof *by_id, compare_ptest_id);
		pl->ctx_test[i] = hit != NULL && *keyrec.id != '\0' ?
		    (int)(*hit - pl->tests) : -1;
	}
	free(by_id);
}

static void
config_set(struct db *db, const char *key, const char *value)
{
	char	*cause = NULL;

	if (db_config_set(db, key, value, &cause) == -1)
		fatal("%s", cause);
}

static void
config_number(struct db *db, const char *key, double value)
{
	char	*v;

	v = xasprintf("%.6f", value);
	config_set(db, key, v);
	free(v);
}

/* What, if changed, makes every result out of date. */
static char *
config_text(const struct plan *pl)
{
	return xasprintf("crmake %s\ntest-command %s\nrunner %s\n"
	    "timeout-factor %g\ntimeout-constant %g\ncpu-timeout-factor %g\n"
	    "cpu-timeout-constant %g\nisolation %s\nmax-memory %llu\n"
	    "max-procs %llu\nmax-output %llu\ntmp %s\n", PACKAGE_VERSION,
	    pl->command, pl->runner_opt, pl->timeout_factor,
	    pl->timeout_constant, pl->cpu_factor, pl->cpu_constant,
	    pl->isolation, (unsigned long long)pl->caps.memory,
	    (unsigned long long)pl->caps.procs,
	    (unsigned long long)pl->caps.output,
	    pl->shared_tmp ? "shared" : "private");
}

/*
 * Read, parse and filter one file, appending its mutants to list; -1 if
 * the file is left out. An excluded file is planned only to record what a
 * run would have mutated, so its problems are not worth a warning.
 */
static int
enumerate_file(const struct plan *pl, const struct source *sf,
    struct buf *src, struct mutant_list *list)
{
	const char	*nul;
	char		*abs, *cause = NULL;
	size_t		 start = list->n, line, col;

	abs = xasprintf("%s/%s", pl->root, sf->path);
	if (file_read(abs, src, &cause) == -1) {
		if (!sf->excluded)
			warn("%s", cause);
		free(cause);
		free(abs);
		return -1;
	}
	free(abs);
	/* Python refuses a source with a NUL byte; so does the plan, saying where. */
	if ((nul = memchr(src->data, '\0', src->len)) != NULL) {
		if (!sf->excluded) {
			const char *q;

			line = 1;
			col = 0;
			for (q = src->data; q < nul; q++) {
				col++;
				if (*q == '\n') {
					line++;
					col = 0;
				}
			}
			warn("%s:%zu:%zu: a NUL byte, which Python does not "
			    "accept in a source file (file skipped)", sf->path,
			    line, col);
		}
		return -1;
	}
	if (operators_enumerate_opts(sf->path, buf_str(src), src->len,
	    &pl->opts, list, &cause) == -1) {
		if (!sf->excluded)
			warn("%s:%s (file skipped)", sf->path, cause);
		free(cause);
		return -1;
	}
	filter_apply(&pl->filter, sf->path, sf->excluded, list, start);
	return 0;
}

/* Text for one column of --list: backslash escapes for \, tab, newline, CR and other control bytes. */
static void
add_escaped(struct buf *b, const char *s)
{
	unsigned char	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
}

static void
list_mutant(const struct plan *pl, const char *path, const struct mutant *m,
    struct buf *b)
{
	if (pl->list_json) {
		buf_adds(b, "{\"id\":");
		json_add_string(b, m->id);
		buf_adds(b, ",\"path\":");
		json_add_string(b, path);
		buf_addf(b, ",\"line\":%u,\"col\":%u,\"end_line\":%u,"
		    "\"end_col\":%u,\"start\":%u,\"end\":%u,\"operator\":",
		    (unsigned)m->line, (unsigned)m->col, (unsigned)m->end_line,
		    (unsigned)m->end_col, (unsigned)m->start, (unsigned)m->end);
		json_add_string(b, m->operator);
		buf_adds(b, ",\"replacement\":");
		json_add_string(b, m->replacement);
		buf_addf(b, ",\"occurrence\":%u,\"scope\":",
		    (unsigned)m->occurrence);
		json_add_string(b, m->scope != NULL ? m->scope : "");
		buf_adds(b, ",\"skip\":");
		if (m->skip != NULL)
			json_add_string(b, m->skip);
		else
			buf_adds(b, "null");
		buf_adds(b, "}\n");
		return;
	}
	buf_addf(b, "%s\t", m->id);
	add_escaped(b, path);
	buf_addf(b, ":%u:%u\t", (unsigned)m->line, (unsigned)m->col);
	add_escaped(b, m->operator);
	buf_addc(b, '\t');
	add_escaped(b, m->replacement);
	if (pl->list_all) {
		buf_addc(b, '\t');
		if (m->skip != NULL)
			add_escaped(b, m->skip);
	}
	buf_addc(b, '\n');
}

/* cr-plan --list: print the plan to standard output; write and run nothing. */
static void
list_plan(const struct plan *pl)
{
	struct mutant_list	 list = { 0 };
	struct buf		 src = { 0 }, out = { 0 };
	size_t			 i, j;

	for (i = 0; i < pl->nfiles; i++) {
		if (enumerate_file(pl, &pl->files[i], &src, &list) == -1)
			continue;
		buf_reset(&out);
		for (j = 0; j < list.n; j++) {
			if (list.v[j].skip == NULL || pl->list_all)
				list_mutant(pl, pl->files[i].path, &list.v[j],
				    &out);
		}
		if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) !=
		    out.len)
			fatal("stdout:");
		mutant_list_free(&list);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("stdout:");
	buf_free(&out);
	buf_free(&src);
}

/* What planning one file needs beyond its mutants. */
struct fileplan {
	const char	*path;
	const char	*src;
	char		 sha256[65];
	struct codemap	*cm;		/* NULL without selection */
	int		 cov;		/* its index in the coverage data, or -1 */
	char		 skeleton[65];
	uint8_t		*hit;		/* per coverage context */
	int64_t		*rows;		/* room for every test */
	struct buf	 reduced;	/* the mutant's codemap_reduce_lines */
};

/* Fill in the digest of everything a mutant's verdict depends on. */
static void
mutant_inputs(const struct plan *pl, const struct fileplan *fp,
    const struct mutant *m, struct mutant_plan *mp, char **fps, size_t nfps)
{
	struct sha256	h;
	char		fn[65];
	uint32_t	s, e;
	size_t		i;

	sha256_init(&h);
	sha256_update(&h, pl->config_digest, 64);
	sha256_update(&h, m->id, strlen(m->id));
	if (mp->sel == SEL_SUITE) {
		sha256_update(&h, "file", 4);
		sha256_update(&h, fp->sha256, 64);
		sha256_final_hex(&h, mp->inputs);
		return;
	}
	/* An inner function's code is part of the outer function's. */
	if (codemap_function(fp->cm, m->start, CODEMAP_OUTERMOST, &s, &e) == 0)
		sha256_hex(fp->src + s, e - s, fn);
	else
		strcpy(fn, "-");
	sha256_update(&h, "code", 4);
	sha256_update(&h, fp->skeleton, 64);
	sha256_update(&h, fn, strlen(fn));
	sha256_update(&h, selection_name(mp->sel),
	    strlen(selection_name(mp->sel)));
	if (mp->sel == SEL_ALL)
		sha256_update(&h, pl->all_digest, 64);
	for (i = 0; i < nfps; i++)
		sha256_update(&h, fps[i], 64);
	sha256_final_hex(&h, mp->inputs);
}

/*
 * Choose a mutant's tests. Its lines are those from the first line of its
 * statement to its last; the tests are those whose context executed one of
 * them. Code outside any function body runs once, at import, whichever test
 * imports it first, and its effect is seen by every test: it gets every
 * test, as does code that ran outside any test (contexts that are no test).
 */
static void
mutant_select(const struct plan *pl, struct fileplan *fp,
    const struct mutant *m, struct mutant_plan *mp)
{
	char		**fps;
	uint32_t	  first, s, e;
	size_t		  k, n = 0, hits;

	memset(mp, 0, sizeof *mp);
	if (!pl->selecting) {
		mp->sel = SEL_SUITE;
		mp->wall = pl->base_wall;
		mp->cpu = pl->base_cpu;
		mutant_inputs(pl, fp, m, mp, NULL, 0);
		return;
	}
	first = codemap_stmt_line(fp->cm, m->start);
	hits = coverage_hits(pl->cov, fp->cov, first, m->end_line > first ?
	    m->end_line : first, fp->hit);
	/* A run need not parse the whole file to check or compile its function. */
	buf_reset(&fp->reduced);
	if (codemap_reduce_lines(fp->cm, m->start, &fp->reduced) == 0)
		mp->reduced = buf_str(&fp->reduced);
	if (hits == 0)
		mp->sel = SEL_NONE;
	else if (codemap_function(fp->cm, m->start, CODEMAP_BODY, &s, &e) == -1)
		mp->sel = SEL_ALL;
	else {
		mp->sel = SEL_TESTS;
		for (k = 0; k < coverage_ncontexts(pl->cov); k++) {
			if (!fp->hit[k])
				continue;
			if (pl->ctx_test[k] == -1) {
				mp->sel = SEL_ALL;
				break;
			}
			fp->rows[n++] = pl->ctx_test[k];
		}
	}
	fps = xcalloc(n + 1, sizeof *fps);
	mp->wall = pl->startup_wall;
	mp->cpu = pl->startup_cpu;
	if (mp->sel == SEL_TESTS) {
		for (k = 0; k < n; k++) {
			const struct ptest *t = &pl->tests[fp->rows[k]];

			mp->wall += t->rec->wall;
			mp->cpu += t->rec->cpu;
			fps[k] = (char *)t->fingerprint;
			fp->rows[k] = t->row;
		}
		mp->tests = fp->rows;
		mp->ntests = n;
		if (n > 1)
			qsort(fps, n, sizeof *fps, compare_strings);
	} else if (mp->sel == SEL_ALL) {
		mp->wall += pl->tests_wall;
		mp->cpu += pl->tests_cpu;
		n = 0;
	}
	mutant_inputs(pl, fp, m, mp, fps, n);
	free(fps);
}

/* A runnable mutant and how long it is expected to run. */
struct target {
	const char	*id;
	double		 wall;
	char		 inputs[65];
	char		 key[65];	/* its place in a random order */
	size_t		 seq;
};

static int
compare_targets(const void *a, const void *b)
{
	const struct target	*x = a, *y = b;

	if (x->wall != y->wall)
		return x->wall > y->wall ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
compare_target_keys(const void *a, const void *b)
{
	return strcmp(((const struct target *)a)->key,
	    ((const struct target *)b)->key);
}

/*
 * --order random: each target's place is a digest of the seed and its ID,
 * the same wherever and whenever the plan is made, and unrelated to where
 * the mutant is or how long it runs.
 */
static void
order_randomly(struct target *v, size_t n, uint64_t seed)
{
	struct sha256	h;
	char		text[32];
	size_t		i;

	snprintf(text, sizeof text, "%llu:", (unsigned long long)seed);
	for (i = 0; i < n; i++) {
		sha256_init(&h);
		sha256_update(&h, text, strlen(text));
		sha256_update(&h, v[i].id, strlen(v[i].id));
		sha256_final_hex(&h, v[i].key);
	}
	if (n > 1)
		qsort(v, n, sizeof *v, compare_target_keys);
}

static int
compare_target_ids(const void *a, const void *b)
{
	return strcmp(((const struct target *)a)->id,
	    ((const struct target *)b)->id);
}

/*
 * Write each target's stamp where its content changed (make then runs it
 * again) and remove the stamps of mutants that are no longer targets.
 * targets must be sorted by ID.
 */
static void
write_stamps(const struct plan *pl, const struct target *v, size_t n)
{
	struct target	 key;
	struct dirent	*de;
	struct buf	 old = { 0 };
	DIR		*d;
	char		*dir, *path, *text, *cause = NULL;
	size_t		 i;

	dir = session_stamps_dir(pl->session);
	if (mkdir_p(dir, &cause) == -1)
		fatal("%s", cause);
	for (i = 0; i < n; i++) {
		path = session_stamp_path(pl->session, v[i].id);
		text = xasprintf("%s\n", v[i].inputs);
		if (file_read(path, &old, NULL) == -1 ||
		    strcmp(buf_str(&old), text) != 0) {
			if (file_write_atomic(path, text, strlen(text),
			    &cause) == -1)
				fatal("%s", cause);
		}
		free(text);
		free(path);
	}
	buf_free(&old);
	if ((d = opendir(dir)) == NULL)
		fatal("%s:", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		key.id = de->d_name;
		if (n > 0 && bsearch(&key, v, n, sizeof *v,
		    compare_target_ids) != NULL)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(path) == -1 && errno != ENOENT)
			warn("%s:", path);
		free(path);
	}
	closedir(d);
	free(dir);
}

/*
 * --rerun: make the targets whose current result has one of the given
 * outcomes out of date, by giving their result file an mtime before their
 * stamp's. The result stays readable until make replaces it.
 */
static size_t
rerun_outcomes(const struct plan *pl, const struct target *v, size_t n)
{
	struct result	 r;
	struct stat	 st;
	struct timespec	 ts[2];
	char		*path, *stamp;
	size_t		 i, count = 0;

	for (i = 0; i < n; i++) {
		path = session_result_path(pl->session, v[i].id);
		stamp = session_stamp_path(pl->session, v[i].id);
		if (access(path, F_OK) == 0 &&
		    result_read(path, &r, NULL) == 0) {
			if ((pl->rerun & (1u << r.outcome)) &&
			    r.inputs != NULL &&
			    strcmp(r.inputs, v[i].inputs) == 0 &&
			    stat(stamp, &st) == 0) {
				ts[0].tv_sec = 0;
				ts[0].tv_nsec = UTIME_OMIT;
				ts[1] = st.st_mtim;
				ts[1].tv_sec -= 1;
				if (utimensat(AT_FDCWD, path, ts, 0) == -1)
					warn("%s:", path);
				else
					count++;
			}
			result_clear(&r);
		}
		free(stamp);
		free(path);
	}
	return count;
}

/* One line on how mutants will run, for the summary. */
static void
print_selection(const struct plan *pl, size_t nrun, size_t ntests)
{
	if (!pl->selecting) {
		printf("test selection: off (%s); every mutant runs the whole "
		    "test command\n", pl->why_off != NULL ? pl->why_off :
		    "--runner none");
		return;
	}
	printf("test selection: %s, %zu test%s; ", pl->runner,
	    pl->ntests, pl->ntests == 1 ? "" : "s");
	if (nrun == 0)
		printf("no mutant to run\n");
	else
		printf("a mutant runs %.1f of them on average\n",
		    (double)ntests / (double)nrun);
}

/* The files an edit of which makes the plan stale: the planned files, the tests' and conftest.py files. */
static char **
plan_sources(const struct plan *pl, size_t *n)
{
	char	**v;
	size_t	  i, k, cap;

	cap = pl->nfiles + pl->ntests + pl->hooks.nconftest + 1;
	v = xcalloc(cap, sizeof *v);
	*n = 0;
	for (i = 0; i < pl->nfiles; i++)
		v[(*n)++] = xasprintf("%s/%s", pl->root, pl->files[i].path);
	for (i = 0; i < pl->ntests; i++) {
		if (pl->tests[i].rec->file != NULL)
			v[(*n)++] = xstrdup(pl->tests[i].rec->file);
	}
	for (i = 0; i < pl->hooks.nconftest; i++)
		v[(*n)++] = xstrdup(pl->hooks.conftest[i]);
	if (*n > 1)
		qsort(v, *n, sizeof *v, compare_strings);
	for (i = k = 0; i < *n; i++) {
		if (k > 0 && strcmp(v[k - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	return v;
}

/* A new plan's identity: a warm worker serves one plan. */
static char *
new_plan_id(void)
{
	unsigned char	 b[16];
	char		*id;
	size_t		 i;
	int		 fd;
	ssize_t		 n = 0;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, b, sizeof b);
		close(fd);
	}
	if (n != (ssize_t)sizeof b) {
		double t = now_seconds();

		memset(b, 0, sizeof b);
		memcpy(b, &t, sizeof t);
		memcpy(b + sizeof t, &(pid_t){ getpid() }, sizeof(pid_t));
	}
	id = xcalloc(2 * sizeof b + 1, 1);
	for (i = 0; i < sizeof b; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return id;
}

/*
 * The plan's digest: of every target's ID and inputs, in ID order. Two
 * sessions planned from the same code, tests and options, on any machine
 * and at any path, have the same one; cr-report merges only their results.
 */
static void
plan_hash(const struct target *t, size_t n, char hex[65])
{
	struct sha256	h;
	size_t		i;

	sha256_init(&h);
	for (i = 0; i < n; i++) {
		sha256_update(&h, t[i].id, strlen(t[i].id));
		sha256_update(&h, " ", 1);
		sha256_update(&h, t[i].inputs, 64);
		sha256_update(&h, "\n", 1);
	}
	sha256_final_hex(&h, hex);
}

/* The previous plan's warm worker serves a plan that is gone: stop it. */
static void
stop_old_worker(const struct plan *pl)
{
	struct db	*db;
	char		*path, *id;

	path = session_db_path(pl->session);
	if (access(path, F_OK) == 0 && (db = db_open(path, 1, NULL)) != NULL) {
		if ((id = db_config_get(db, "plan_id")) != NULL) {
			warm_stop(pl->session, id);
			free(id);
		}
		db_close(db);
	}
	free(path);
}

static void
plan(struct plan *pl)
{
	struct mutant_list	 list = { 0 };
	struct mutant_plan	 mp;
	struct fileplan		 fp;
	struct target		*targets = NULL;
	struct mkgen		 g;
	struct buf		 src = { 0 };
	struct db		*db;
	const char		**ids;
	char			**sources;
	char			*dbpath, *tmp, *cause = NULL, *mkpath, *text;
	char			*abs, *real;
	size_t			 i, j, lines = 0, nplanned = 0, total = 0;
	size_t			 skipped = 0, nocov = 0, ntargets = 0, cap = 0;
	size_t			 nselected = 0, unrun, reruns;
	size_t			 fnocov, executed = 0, candidates = 0, nsources;
	int64_t			 fid;
	double			 t0 = now_seconds();
	char			 hash[65];

	text = config_text(pl);
	sha256_hex(text, strlen(text), pl->config_digest);
	free(text);
	stop_old_worker(pl);
	dbpath = session_db_path(pl->session);
	tmp = xasprintf("%s.new", dbpath);
	cleanup_add(tmp);
	if ((db = db_create(tmp, &cause)) == NULL)
		fatal("%s", cause);
	if (db_begin(db, &cause) == -1)
		fatal("%s", cause);
	config_set(db, "root", pl->root);
	config_set(db, "test_command", pl->command);
	config_set(db, "run_command", pl->selecting ? pl->hooked : pl->command);
	config_set(db, "selection", pl->selecting ? "on" : "off");
	config_set(db, "warm", pl->selecting && !pl->no_warm ? "on" : "off");
	text = new_plan_id();
	config_set(db, "plan_id", text);
	free(text);
	text = planned_real_paths(pl);
	config_set(db, "planned_files", text);
	free(text);
	config_set(db, "runner", pl->selecting ? pl->runner : "none");
	config_number(db, "timeout_factor", pl->timeout_factor);
	config_number(db, "timeout_constant", pl->timeout_constant);
	config_number(db, "cpu_timeout_factor", pl->cpu_factor);
	config_number(db, "cpu_timeout_constant", pl->cpu_constant);
	config_number(db, "baseline_seconds", pl->base_wall);
	config_number(db, "baseline_cpu", pl->base_cpu);
	config_set(db, "isolation", pl->isolation);
	config_number(db, "max_memory", (double)pl->caps.memory);
	config_number(db, "max_procs", (double)pl->caps.procs);
	config_number(db, "max_output", (double)pl->caps.output);
	config_set(db, "tmp", pl->shared_tmp ? "shared" : "private");
	text = xasprintf("%llu", (unsigned long long)pl->opts.seed);
	config_set(db, "seed", text);
	free(text);
	config_set(db, "order", pl->random_order ? "random" : "cost");
	config_set(db, "crmake_version", PACKAGE_VERSION);
	if (pl->since != NULL)
		config_set(db, "since", pl->since);
	for (i = 0; pl->selecting && i < pl->ntests; i++) {
		const struct pytest_rec *r = pl->tests[i].rec;

		pl->tests[i].row = db_test_add(db, r->runner, r->id, r->file,
		    r->line, r->wall, r->cpu, pl->tests[i].fingerprint, &cause);
		if (pl->tests[i].row == -1)
			fatal("%s", cause);
	}

	memset(&fp, 0, sizeof fp);
	if (pl->selecting) {
		fp.hit = xcalloc(coverage_ncontexts(pl->cov) + 1, 1);
		fp.rows = xcalloc(pl->ntests + 1, sizeof *fp.rows);
	}
	for (i = 0; i < pl->nfiles; i++) {
		const char *rel = pl->files[i].path;

		if (enumerate_file(pl, &pl->files[i], &src, &list) == -1)
			continue;
		sha256_hex(src.data, src.len, fp.sha256);
		fid = db_file_add(db, rel, fp.sha256, buf_str(&src), src.len,
		    count_lines(src.data, src.len), &cause);
		if (fid == -1)
			fatal("%s", cause);
		lines += count_lines(src.data, src.len);
		nplanned++;
		fp.path = rel;
		fp.src = buf_str(&src);
		fp.cm = NULL;
		fp.cov = -1;
		if (pl->selecting) {
			if ((fp.cm = codemap_new(fp.src, src.len, &cause)) ==
			    NULL)
				fatal("%s:%s", rel, cause);
			codemap_skeleton(fp.cm, NULL, 0, fp.skeleton);
			abs = xasprintf("%s/%s", pl->root, rel);
			real = path_absolute(abs);
			fp.cov = coverage_file(pl->cov, real);
			free(real);
			free(abs);
		}
		fnocov = unrun = 0;
		for (j = 0; j < list.n; j++) {
			const struct mutant *m = &list.v[j];

			mutant_select(pl, &fp, m, &mp);
			if (db_mutant_add(db, fid, m, &mp, &cause) == -1)
				fatal("%s: %s", rel, cause);
			if (m->skip != NULL) {
				skipped++;
				continue;
			}
			unrun++;
			if (mp.sel == SEL_NONE) {
				fnocov++;
				continue;
			}
			if (mp.sel == SEL_TESTS)
				nselected += mp.ntests;
			else if (mp.sel == SEL_ALL)
				nselected += pl->ntests;
			if (ntargets == cap) {
				cap = cap == 0 ? 256 : cap * 2;
				targets = xreallocarray(targets, cap,
				    sizeof *targets);
			}
			targets[ntargets].id = xstrdup(m->id);
			targets[ntargets].wall = mp.wall;
			memcpy(targets[ntargets].inputs, mp.inputs, 65);
			targets[ntargets].seq = ntargets;
			ntargets++;
		}
		if (pl->selecting && !pl->files[i].excluded && unrun > 0) {
			candidates++;
			if (fp.cov == -1)
				warn("'%s': no test executes this file (do the "
				    "tests import another copy of it?); its "
				    "%zu mutant%s get%s no-coverage", rel,
				    unrun, unrun == 1 ? "" : "s",
				    unrun == 1 ? "s" : "");
			else
				executed++;
		}
		nocov += fnocov;
		total += list.n;
		codemap_free(fp.cm);
		mutant_list_free(&list);
	}
	if (pl->selecting && candidates > 0 && executed == 0)
		fatal("no test executes any of the files to mutate: the tests "
		    "import other copies of them, or the paths are wrong");
	if (ntargets > 1)
		qsort(targets, ntargets, sizeof *targets, compare_target_ids);
	plan_hash(targets, ntargets, hash);
	config_set(db, "plan_hash", hash);
	sources = plan_sources(pl, &nsources);
	for (i = 0; i < nsources; i++) {
		if (db_source_add(db, sources[i], &cause) == -1)
			fatal("%s", cause);
	}
	if (db_commit(db, &cause) == -1)
		fatal("%s", cause);
	db_close(db);
	if (rename(tmp, dbpath) == -1)
		fatal("%s:", dbpath);
	cleanup_forget(tmp);

	write_stamps(pl, targets, ntargets);
	reruns = pl->rerun != 0 ? rerun_outcomes(pl, targets, ntargets) : 0;
	if (pl->random_order)
		order_randomly(targets, ntargets, pl->opts.seed);
	else if (ntargets > 1)
		qsort(targets, ntargets, sizeof *targets, compare_targets);
	ids = xcalloc(ntargets + 1, sizeof *ids);
	for (i = 0; i < ntargets; i++)
		ids[i] = targets[i].id;
	memset(&g, 0, sizeof g);
	g.session = pl->session;
	g.runner = session_find_runner();
	g.reporter = xasprintf("%.*s/cr-report",
	    (int)(strrchr(g.runner, '/') - g.runner), g.runner);
	if ((text = session_find_mk()) == NULL)
		fatal("cannot find crmake.mk (set CR_MKDIR to its directory)");
	g.mk = path_absolute(text);
	free(text);
	g.ids = ids;
	g.n = ntargets;
	mkpath = session_makefile_path(pl->session);
	if (mkgen_write(mkpath, &g, &cause) == -1)
		fatal("%s", cause);

	/* Scripts read this line: each count in parentheses only when there is one. */
	printf("%zu file%s, %zu line%s, %zu mutant%s", nplanned,
	    nplanned == 1 ? "" : "s", lines, lines == 1 ? "" : "s", total,
	    total == 1 ? "" : "s");
	if (skipped > 0 && nocov > 0)
		printf(" (%zu skipped, %zu no-coverage)", skipped, nocov);
	else if (skipped > 0)
		printf(" (%zu skipped)", skipped);
	else if (nocov > 0)
		printf(" (%zu no-coverage)", nocov);
	printf(" in %.1f s\n", now_seconds() - t0);
	print_selection(pl, ntargets, nselected);
	if (pl->rerun != 0)
		printf("%zu result%s out of date (--rerun)\n", reruns,
		    reruns == 1 ? "" : "s");
	if (pl->verbose) {
		struct buf	w = { 0 };

		buf_add_shword(&w, mkpath);
		fprintf(stderr, "cr-plan: run it with: make -f %s -j%ld\n",
		    buf_str(&w), sysconf(_SC_NPROCESSORS_ONLN));
		buf_free(&w);
	}
	/* An empty plan is said plainly: make would succeed doing nothing. */
	if (total == 0) {
		fflush(stdout);
		fatal("nothing to mutate: no operator changes anything in the "
		    "%zu file%s planned", nplanned, nplanned == 1 ? "" : "s");
	} else if (ntargets == 0) {
		fflush(stdout);
		warn("nothing to run: all %zu mutants are skipped or have no "
		    "test that executes them%s%s%s (cr-report lists them by "
		    "reason)", total, pl->since != NULL ? "; --since '" : "",
		    pl->since != NULL ? pl->since : "",
		    pl->since != NULL ? "' keeps the changed lines only" : "");
	}

	free(mkpath);
	free((char *)g.runner);
	free((char *)g.reporter);
	free((char *)g.mk);
	free(ids);
	for (i = 0; i < nsources; i++)
		free(sources[i]);
	free(sources);
	for (i = 0; i < ntargets; i++)
		free((char *)targets[i].id);
	free(targets);
	free(fp.hit);
	free(fp.rows);
	buf_free(&fp.reduced);
	mutant_list_free(&list);
	buf_free(&src);
	free(tmp);
	free(dbpath);
}

static void
prepare_session(struct plan *pl)
{
	char	*cause = NULL, *dir, *rel;

	if (mkdir_p(pl->session, &cause) == -1)
		fatal("%s", cause);
	free(pl->session);
	pl->session = path_absolute(pl->session_arg);
	if ((rel = relative_to(pl->session, pl->root)) != NULL)
		fatal("the session directory '%s' must not be the project root "
		    "or contain it", pl->session_arg);
	dir = session_results_dir(pl->session);
	if (mkdir_p(dir, &cause) == -1)
		fatal("%s", cause);
	free(dir);
	/* What sessions of crmake 0.1 had and this one does not use. */
	dir = xasprintf("%s/config.stamp", pl->session);
	unlink(dir);
	free(dir);
	dir = xasprintf("%s/pycache", pl->session);
	remove_tree(dir);
	free(dir);
	if ((pl->tmp = session_tmpdir(pl->root, "crmake-plan", &cause)) ==
	    NULL)
		fatal("%s", cause);
}

/* --rerun OUTCOME[,OUTCOME...]: outcomes a run gives. */
static void
add_rerun(struct plan *pl, const char *arg)
{
	char	*copy, *p, *next;
	int	 o;

	copy = xstrdup(arg);
	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (strcmp(p, "all") == 0) {
			pl->rerun |= 1u << OUTCOME_KILLED | 1u << OUTCOME_SURVIVED |
			    1u << OUTCOME_TIMEOUT | 1u << OUTCOME_INCOMPETENT;
			continue;
		}
		o = outcome_parse(p);
		if (o != OUTCOME_KILLED && o != OUTCOME_SURVIVED &&
		    o != OUTCOME_TIMEOUT && o != OUTCOME_INCOMPETENT) {
			warn("--rerun: '%s' is not an outcome of a run (killed, "
			    "survived, timeout, incompetent or all)", p);
			usage(stderr);
			exit(2);
		}
		pl->rerun |= 1u << o;
	}
	free(copy);
}

/* Find the hooks and give the command's own PYTHONPATH assignments their directory. */
static void
prepare_hooks(struct plan *pl)
{
	int	n;

	pl->selecting = strcmp(pl->runner_opt, "none") != 0;
	if (!pl->selecting)
		return;
	if ((pl->pydir = session_find_python()) == NULL)
		fatal("cannot find crmake's Python hooks (set CR_PYTHONDIR to "
		    "their directory, or use --runner none)");
	pl->hooked = cmdline_pythonpath(pl->command, pl->pydir, &n);
	if (pl->verbose && n > 0)
		fprintf(stderr, "cr-plan: the command sets PYTHONPATH; crmake "
		    "runs: %s\n", pl->hooked);
}

static void
add_operator_regex(struct plan *pl, int exclude, const char *regex)
{
	char	*cause = NULL;

	if (filter_ops_add(pl->ops, exclude, regex, &cause) == -1) {
		warn("%s: %s", exclude ? "--exclude-operators" : "--operators",
		    cause);
		free(cause);
		usage(stderr);
		exit(2);
	}
}

/* A regex that selects nothing is most likely a typo. */
static void
check_operator_regexes(const struct plan *pl)
{
	const char *const	*all;
	const char		*re;
	size_t			 n, k, i;
	int			 exclude;

	all = operators_all(&n);
	for (k = 0; (re = filter_ops_get(pl->ops, k, &exclude)) != NULL; k++) {
		for (i = 0; i < n; i++) {
			if (filter_ops_match(pl->ops, k, all[i]))
				break;
		}
		if (i == n)
			warn("%s: '%s' matches no operator (see cr-plan "
			    "--list-operators)", exclude ? "--exclude-operators" :
			    "--operators", re);
	}
}

/* --variable-replacer CAUSE[:EFFECT], --variable-inserter CAUSE:EFFECT. */
static void
add_param(struct plan *pl, const char *operator, const char *opt,
    const char *arg)
{
	struct operator_param	*p;
	char			*cause = NULL, *colon;

	pl->params = xreallocarray(pl->params, pl->nparams + 1,
	    sizeof *pl->params);
	p = &pl->params[pl->nparams];
	p->operator = operator;
	p->cause = xstrdup(arg);
	p->effect = NULL;
	if ((colon = strchr(p->cause, ':')) != NULL) {
		*colon = '\0';
		p->effect = colon + 1;
	}
	if (operator_param_check(p, &cause) == -1) {
		warn("%s: '%s': %s", opt, arg, cause);
		usage(stderr);
		exit(2);
	}
	pl->nparams++;
}

/* Generate only what the filters may keep; NULL select is the default set. */
static int
select_operator(const char *id, void *arg)
{
	return filter_ops_check(arg, id) != FILTER_DROP;
}

/* cr-plan --list-operators: every operator, and whether it runs by default. */
static void
list_operators(void)
{
	const char *const	*all;
	size_t			 n, i;

	all = operators_all(&n);
	for (i = 0; i < n; i++)
		printf("%s\t%s\n", all[i], operator_is_opt_in(all[i]) ? "opt-in" :
		    "default");
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("stdout:");
}

int
main(int argc, char **argv)
{
	struct plan	pl;
	size_t		i;
	char		*cause = NULL;
	int		c, list_ops = 0, status = 0;

	progname = "cr-plan";
	argv[0] = (char *)progname;	/* getopt's own messages */
	memset(&pl, 0, sizeof pl);
	pl.timeout_factor = 3.0;
	pl.timeout_constant = 5.0;
	pl.cpu_factor = 2.0;
	pl.cpu_constant = 1.0;
	pl.runner_opt = "auto";
	pl.isolation = "auto";
	pl.caps.memory = DEFAULT_MAX_MEMORY;
	pl.caps.procs = DEFAULT_MAX_PROCS;
	pl.caps.output = DEFAULT_MAX_OUTPUT;
	pl.ops = filter_ops_new();
	while ((c = getopt_long(argc, argv, "e:hs:t:vV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 's':
			pl.session_arg = optarg;
			break;
		case 't':
			pl.command = optarg;
			break;
		case 'e':
			pl.excludes = xreallocarray(pl.excludes,
			    pl.nexcludes + 1, sizeof *pl.excludes);
			pl.excludes[pl.nexcludes++] = optarg;
			break;
		case OPT_TIMEOUT_FACTOR:
			pl.timeout_factor = parse_seconds("--timeout-factor",
			    optarg);
			break;
		case OPT_TIMEOUT_CONSTANT:
			pl.timeout_constant = parse_seconds(
			    "--timeout-constant", optarg);
			break;
		case OPT_ISOLATION:
			if (isolation_parse(optarg) < 0 ||
			    isolation_parse(optarg) == ISOLATION_NONE) {
				warn("--isolation: '%s' is not auto, namespace "
				    "or copy", optarg);
				usage(stderr);
				status = 2;
				goto out;
			}
			pl.isolation = optarg;
			break;
		case OPT_OPERATORS:
			add_operator_regex(&pl, 0, optarg);
			break;
		case OPT_EXCLUDE_OPERATORS:
			add_operator_regex(&pl, 1, optarg);
			break;
		case OPT_SINCE:
			pl.since = optarg;
			break;
		case OPT_LIST:
			pl.list = 1;
			break;
		case OPT_LIST_OPERATORS:
			list_ops = 1;
			break;
		case OPT_ALL:
			pl.list_all = 1;
			break;
		case OPT_JSON:
			pl.list_json = 1;
			break;
		case OPT_VARIABLE_REPLACER:
			add_param(&pl, "core/VariableReplacer",
			    "--variable-replacer", optarg);
			break;
		case OPT_VARIABLE_INSERTER:
			add_param(&pl, "core/VariableInserter",
			    "--variable-inserter", optarg);
			break;
		case OPT_SEED:
			pl.opts.seed = parse_seed(optarg);
			break;
		case OPT_ORDER:
			if (strcmp(optarg, "random") == 0)
				pl.random_order = 1;
			else if (strcmp(optarg, "cost") != 0) {
				warn("--order: '%s' is not cost or random",
				    optarg);
				usage(stderr);
				exit(2);
			}
			break;
		case OPT_RUNNER:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "pytest") != 0 &&
			    strcmp(optarg, "unittest") != 0 &&
			    strcmp(optarg, "none") != 0) {
				warn("--runner: '%s' is not auto, pytest, "
				    "unittest or none", optarg);
				usage(stderr);
				status = 2;
				goto out;
			}
			pl.runner_opt = optarg;
			break;
		case OPT_CPU_TIMEOUT_FACTOR:
			pl.cpu_factor = parse_seconds("--cpu-timeout-factor",
			    optarg);
			break;
		case OPT_CPU_TIMEOUT_CONSTANT:
			pl.cpu_constant = parse_seconds(
			    "--cpu-timeout-constant", optarg);
			break;
		case OPT_RERUN:
			add_rerun(&pl, optarg);
			break;
		case OPT_MAX_MEMORY:
			parse_cap("--max-memory", optarg, &pl.caps.memory);
			break;
		case OPT_MAX_PROCS:
			parse_cap("--max-procs", optarg, &pl.caps.procs);
			break;
		case OPT_MAX_OUTPUT:
			parse_cap("--max-output", optarg, &pl.caps.output);
			break;
		case OPT_TMP:
			if (strcmp(optarg, "private") != 0 &&
			    strcmp(optarg, "shared") != 0) {
				warn("--tmp: '%s' is not private or shared",
				    optarg);
				usage(stderr);
				exit(2);
			}
			pl.shared_tmp = strcmp(optarg, "shared") == 0;
			break;
		case OPT_NO_WARM:
			pl.no_warm = 1;
			break;
		case 'v':
			pl.verbose++;
			break;
		case 'h':
			usage(stdout);
			goto out;
		case 'V':
			printf("cr-plan (crmake) %s\n", PACKAGE_VERSION);
			goto out;
		default:
			usage(stderr);
			status = 2;
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (list_ops) {
		if (pl.list || argc > 0) {
			warn("--list-operators takes no %s",
			    pl.list ? "--list" : "PATH");
			usage(stderr);
			status = 2;
		} else
			list_operators();
		goto out;
	}
	if (!pl.list && (pl.list_all || pl.list_json)) {
		warn("%s only goes with --list", pl.list_all ? "--all" :
		    "--json");
		usage(stderr);
		status = 2;
		goto out;
	}
	if (argc == 0 || (!pl.list && (pl.session_arg == NULL ||
	    pl.command == NULL))) {
		if (!pl.list && pl.session_arg == NULL)
			warn("missing --session DIR");
		if (!pl.list && pl.command == NULL)
			warn("missing --test-command CMD");
		if (argc == 0)
			warn("missing PATH (the modules to mutate)");
		usage(stderr);
		status = 2;
		goto out;
	}
	cleanup_init();
	check_operator_regexes(&pl);
	pl.root = path_absolute(".");
	if (!json_utf8_valid(pl.root))
		fatal("the project root '%s' has a name that is not UTF-8, "
		    "which the tests' records cannot carry", pl.root);
	if (pl.session_arg != NULL)
		pl.session = path_absolute(pl.session_arg);
	pl.filter.ops = pl.ops;
	pl.opts.select = select_operator;
	pl.opts.select_arg = pl.ops;
	pl.opts.params = pl.params;
	pl.opts.nparams = pl.nparams;

	collect(&pl, argv, argc);
	if (pl.nfiles == 0)
		fatal("no Python files to mutate under the given paths");
	if (pl.since != NULL) {
		pl.lines = filter_lines_git(pl.root, pl.since, &cause);
		if (pl.lines == NULL)
			fatal("--since '%s': %s", pl.since, cause);
		pl.since_reason = xasprintf("unchanged since %s", pl.since);
		pl.filter.lines = pl.lines;
		pl.filter.since_reason = pl.since_reason;
	}
	if (pl.list)
		list_plan(&pl);
	else {
		prepare_session(&pl);
		prepare_hooks(&pl);
		baseline(&pl);
		if (pl.selecting)
			coverage_run(&pl);
		if (pl.selecting)
			prepare_tests(&pl);
		plan(&pl);
	}

out:
	for (i = 0; i < pl.nfiles; i++)
		free(pl.files[i].path);
	free(pl.files);
	free(pl.excludes);
	filter_ops_free(pl.ops);
	filter_lines_free(pl.lines);
	for (i = 0; i < pl.nparams; i++)
		free((char *)pl.params[i].cause);
	free(pl.params);
	free(pl.since_reason);
	free(pl.session);
	free(pl.root);
	free(pl.pydir);
	free(pl.hooked);
	free(pl.why_off);
	free(pl.tests);
	free(pl.ctx_test);
	coverage_free(pl.cov);
	pyhooks_run_free(&pl.hooks);
	free(pl.tmp);
	return status;
}
