/* cmd-plan.c: cr-plan, which runs the baseline, enumerates mutants and writes the session. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "db.h"
#include "filter.h"
#include "json.h"
#include "mkgen.h"
#include "mutant.h"
#include "operators.h"
#include "sandbox.h"
#include "session.h"
#include "sha256.h"
#include "util.h"

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

struct plan {
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
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-plan [-hVv] -s DIR -t CMD [-e GLOB]... "
	    "[--operators RE]... [--exclude-operators RE]...\n"
	    "               [--since REV] [--timeout-factor F] "
	    "[--timeout-constant SECONDS]\n"
	    "               [--isolation auto|namespace|copy] "
	    "[--variable-replacer CAUSE[:EFFECT]]...\n"
	    "               [--variable-inserter CAUSE:EFFECT]... [--seed N] "
	    "PATH...\n"
	    "       cr-plan --list [--all] [--json] [-e GLOB]... "
	    "[--operators RE]...\n"
	    "               [--exclude-operators RE]... [--since REV] "
	    "[--variable-replacer ...]\n"
	    "               [--variable-inserter ...] [--seed N] PATH...\n"
	    "       cr-plan --list-operators\n");
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

static void
walk(struct plan *pl, const char *abs, const char *rel)
{
	struct dirent	 *de;
	struct stat	  st;
	DIR		 *d;
	char		**names = NULL, *cabs, *crel;
	size_t		  n = 0, i, len;

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
		} else if ((S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) &&
		    stat(cabs, &st) == 0 && S_ISREG(st.st_mode)))) {
			len = strlen(names[i]);
			if (len > 3 && strcmp(names[i] + len - 3, ".py") == 0)
				add_file(pl, crel);
		}
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
	struct stat	 st;
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

/* Run the test command once, unmutated; return its duration. */
static double
baseline(const struct plan *pl)
{
	struct run_spec		spec;
	struct run_result	res;
	char			*cause = NULL, *pycache;
	double			 d;

	pycache = session_pycache_dir(pl->session);
	memset(&spec, 0, sizeof spec);
	spec.root = pl->root;
	spec.command = pl->command;
	spec.pycache = pycache;
	spec.write_bytecode = 1;
	spec.isolation = ISOLATION_NONE;
	spec.tail_max = 64 * 1024;
	if (pl->verbose)
		fprintf(stderr, "cr-plan: baseline: %s\n", pl->command);
	if (sandbox_run(&spec, &res, &cause) == -1)
		fatal("baseline: %s", cause);
	if (res.exit_status != 0) {
		fputs(buf_str(&res.output), stderr);
		if (res.output.len > 0 &&
		    res.output.data[res.output.len - 1] != '\n')
			fputc('\n', stderr);
		if (res.signal != 0)
			fatal("the test command fails without any mutation "
			    "(killed by signal %d); fix the tests or the command "
			    "first", res.signal);
		fatal("the test command fails without any mutation (exit "
		    "status %d); fix the tests or the command first",
		    res.exit_status);
	}
	d = res.duration;
	run_result_free(&res);
	free(pycache);
	if (pl->verbose)
		fprintf(stderr, "cr-plan: baseline passed in %.2f s\n", d);
	return d;
}

static void
config_set(struct db *db, const char *key, const char *value)
{
	char	*cause = NULL;

	if (db_config_set(db, key, value, &cause) == -1)
		fatal("%s", cause);
}

/* What, if changed, makes every result out of date. */
static char *
stamp_text(const struct plan *pl)
{
	return xasprintf("crmake %s\ntest-command %s\ntimeout-factor %g\n"
	    "timeout-constant %g\nisolation %s\n", PACKAGE_VERSION, pl->command,
	    pl->timeout_factor, pl->timeout_constant, pl->isolation);
}

static void
write_stamp(const struct plan *pl)
{
	struct buf	 old = { 0 };
	char		*path, *text, *cause = NULL;

	path = session_stamp_path(pl->session);
	text = stamp_text(pl);
	if (file_read(path, &old, NULL) == -1 ||
	    strcmp(buf_str(&old), text) != 0) {
		if (file_write_atomic(path, text, strlen(text), &cause) == -1)
			fatal("%s", cause);
	}
	buf_free(&old);
	free(text);
	free(path);
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
	char	*abs, *cause = NULL;
	size_t	 start = list->n;

	abs = xasprintf("%s/%s", pl->root, sf->path);
	if (file_read(abs, src, &cause) == -1) {
		if (!sf->excluded)
			warn("%s", cause);
		free(cause);
		free(abs);
		return -1;
	}
	free(abs);
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

static void
plan(struct plan *pl, double base)
{
	struct mutant_list	 list = { 0 };
	struct mkgen_file	*mf;
	struct mkgen		 g;
	struct buf		 src = { 0 };
	struct db		*db;
	char			 hash[65];
	char			*dbpath, *tmp, *cause = NULL, *mkpath, *v;
	size_t			 i, j, lines = 0, nplanned = 0, total = 0;
	size_t			 skipped = 0, runnable;
	int64_t			 fid;
	double			 t0 = now_seconds();

	dbpath = session_db_path(pl->session);
	tmp = xasprintf("%s.new", dbpath);
	cleanup_add(tmp);
	if ((db = db_create(tmp, &cause)) == NULL)
		fatal("%s", cause);
	if (db_begin(db, &cause) == -1)
		fatal("%s", cause);
	config_set(db, "root", pl->root);
	config_set(db, "test_command", pl->command);
	v = xasprintf("%g", pl->timeout_factor);
	config_set(db, "timeout_factor", v);
	free(v);
	v = xasprintf("%g", pl->timeout_constant);
	config_set(db, "timeout_constant", v);
	free(v);
	v = xasprintf("%.6f", base);
	config_set(db, "baseline_seconds", v);
	free(v);
	config_set(db, "isolation", pl->isolation);
	v = xasprintf("%llu", (unsigned long long)pl->opts.seed);
	config_set(db, "seed", v);
	free(v);
	config_set(db, "crmake_version", PACKAGE_VERSION);
	if (pl->since != NULL)
		config_set(db, "since", pl->since);

	mf = xcalloc(pl->nfiles, sizeof *mf);
	for (i = 0; i < pl->nfiles; i++) {
		const char *rel = pl->files[i].path;

		mf[i].path = rel;
		if (enumerate_file(pl, &pl->files[i], &src, &list) == -1)
			continue;
		for (j = runnable = 0; j < list.n; j++)
			runnable += list.v[j].skip == NULL;
		/* Only a file with targets needs a name make can use. */
		if (runnable > 0 && mkgen_check_path(rel, &cause) == -1) {
			warn("%s (file skipped)", cause);
			free(cause);
			mutant_list_free(&list);
			continue;
		}
		sha256_hex(src.data, src.len, hash);
		fid = db_file_add(db, rel, hash, buf_str(&src), src.len,
		    count_lines(src.data, src.len), &cause);
		if (fid == -1)
			fatal("%s", cause);
		lines += count_lines(src.data, src.len);
		nplanned++;
		mf[i].ids = xcalloc(runnable > 0 ? runnable : 1,
		    sizeof *mf[i].ids);
		for (j = 0; j < list.n; j++) {
			if (db_mutant_add(db, fid, &list.v[j], &cause) == -1)
				fatal("%s: %s", rel, cause);
			if (list.v[j].skip == NULL)
				mf[i].ids[mf[i].n++] = xstrdup(list.v[j].id);
			else
				skipped++;
		}
		total += list.n;
		mutant_list_free(&list);
	}
	if (db_commit(db, &cause) == -1)
		fatal("%s", cause);
	db_close(db);
	if (rename(tmp, dbpath) == -1)
		fatal("%s:", dbpath);
	cleanup_forget(tmp);

	write_stamp(pl);
	memset(&g, 0, sizeof g);
	g.session = pl->session;
	g.root = pl->root;
	g.runner = session_find_runner();
	g.reporter = xasprintf("%.*s/cr-report",
	    (int)(strrchr(g.runner, '/') - g.runner), g.runner);
	if ((g.mk = session_find_mk()) == NULL)
		fatal("cannot find crmake.mk (set CR_MKDIR to its directory)");
	g.files = mf;
	g.nfiles = pl->nfiles;
	mkpath = session_makefile_path(pl->session);
	if (mkgen_write(mkpath, &g, &cause) == -1)
		fatal("%s", cause);

	/* Scripts read this line: the skipped count appears only when there is one. */
	printf("%zu file%s, %zu line%s, %zu mutant%s", nplanned,
	    nplanned == 1 ? "" : "s", lines, lines == 1 ? "" : "s", total,
	    total == 1 ? "" : "s");
	if (skipped > 0)
		printf(" (%zu skipped)", skipped);
	printf(" in %.1f s\n", now_seconds() - t0);
	if (pl->verbose)
		fprintf(stderr, "cr-plan: run it with: make -f %s -j%ld\n",
		    mkpath, sysconf(_SC_NPROCESSORS_ONLN));

	free(mkpath);
	free((char *)g.runner);
	free((char *)g.reporter);
	free((char *)g.mk);
	for (i = 0; i < pl->nfiles; i++) {
		for (j = 0; j < mf[i].n; j++)
			free(mf[i].ids[j]);
		free(mf[i].ids);
	}
	free(mf);
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
	if (mkgen_check_path(pl->session, &cause) == -1)
		fatal("session directory: %s", cause);
	if (mkgen_check_path(pl->root, &cause) == -1)
		fatal("project root: %s", cause);
	if ((rel = relative_to(pl->session, pl->root)) != NULL)
		fatal("the session directory '%s' must not be the project root "
		    "or contain it", pl->session_arg);
	dir = session_results_dir(pl->session);
	if (mkdir_p(dir, &cause) == -1)
		fatal("%s", cause);
	free(dir);
	dir = session_pycache_dir(pl->session);
	if (mkdir_p(dir, &cause) == -1)
		fatal("%s", cause);
	free(dir);
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
	double		base;
	size_t		i;
	char		*cause = NULL;
	int		c, list_ops = 0, status = 0;

	progname = "cr-plan";
	argv[0] = (char *)progname;	/* getopt's own messages */
	memset(&pl, 0, sizeof pl);
	pl.timeout_factor = 3.0;
	pl.timeout_constant = 5.0;
	pl.isolation = "auto";
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
		base = baseline(&pl);
		plan(&pl, base);
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
	return status;
}
