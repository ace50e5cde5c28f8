/* cmd-report.c: cr-report, which collates a session's results into a report. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "diff.h"
#include "json.h"
#include "result.h"
#include "session.h"
#include "util.h"

enum {
	OPT_ALL = CHAR_MAX + 1,
	OPT_FAIL_OVER,
	OPT_JSON,
	OPT_NO_DIFF,
};

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "fail-over",	required_argument,	NULL, OPT_FAIL_OVER },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "no-diff",	no_argument,		NULL, OPT_NO_DIFF },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* One planned mutant with its outcome. */
struct entry {
	char		*id;
	char		*path;
	char		*operator;
	char		*replacement;
	char		*skip;		/* why a filter skipped it, or NULL */
	uint32_t	 line, col;
	uint32_t	 start, end;
	enum outcome	 outcome;
	int		 has_duration;
	double		 duration;
	char		*killed_by;	/* the first failing test, or NULL */
	int		 tests_run;	/* -1 if unknown */
	size_t		 seq;		/* order in the plan */
};

/* How many mutants were skipped for one reason. */
struct reason {
	const char	*reason;
	size_t		 n;
};

struct report {
	const char	*session;	/* as given */
	const char	**more;		/* sessions of the same plan to merge */
	size_t		 nmore;
	struct db	*db;
	int		 store;		/* results go into the database */

	struct entry	*v;
	size_t		 n, cap;
	size_t		 counts[OUTCOME_COUNT];
	struct reason	*reasons;	/* most frequent first */
	size_t		 nreasons;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-report [-hV] [--json] [--all] [--fail-over PCT] "
	    "[--no-diff] SESSION [SESSION...]\n");
}

/* A percentage: digits with an optional fraction, from 0 to 100. */
static double
parse_percent(const char *s)
{
	const char	*p = s;
	size_t		 digits = 0;
	double		 v = -1;

	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits > 0 && *p == '\0')
		v = strtod(s, NULL);
	if (v < 0 || v > 100) {
		warn("--fail-over: '%s' is not a percentage from 0 to 100", s);
		usage(stderr);
		exit(2);
	}
	return v;
}

/* Stop writing results to the database but go on with the report. */
static void
report_stop_storing(struct report *rp, char *cause)
{
	warn("%s (results not stored in the session database)", cause);
	free(cause);
	rp->store = 0;
}

/*
 * Read and check the result file of p in one session; 1 if it gave a
 * verdict, else 0.
 */
static int
read_result_in(const char *session, const struct planned *p,
    struct result *r)
{
	char	*file, *cause = NULL;
	int	 ok = 0;

	file = session_result_path(session, p->id);
	if (access(file, F_OK) == -1 && errno == ENOENT)
		goto out;
	if (result_read(file, r, &cause) == -1) {
		warn("%s", cause);
		free(cause);
		goto out;
	}
	/*
	 * A result whose inputs differ from the plan's is out of date: the
	 * code or its tests changed since it ran, and make runs it again.
	 */
	if (strcmp(r->id, p->id) != 0)
		warn("%s: result of mutant '%s', not '%s'", file, r->id, p->id);
	else if (r->inputs != NULL && p->inputs != NULL &&
	    strcmp(r->inputs, p->inputs) == 0)
		ok = 1;
	if (!ok)
		result_clear(r);
out:
	free(file);
	return ok;
}

/*
 * The verdict of p from the first session that has one: shards of one plan
 * each hold their own results, and a mutant counts once.
 */
static int
report_read_result(struct report *rp, const struct planned *p,
    struct result *r)
{
	size_t	i;

	if (read_result_in(rp->session, p, r))
		return 1;
	for (i = 0; i < rp->nmore; i++) {
		if (read_result_in(rp->more[i], p, r))
			return 1;
	}
	return 0;
}

/* The plan digest of a session; fatal if it has none. */
static char *
session_plan_hash(const char *session)
{
	struct db	*db;
	char		*path, *hash, *cause = NULL;

	path = session_db_path(session);
	if (access(path, F_OK) == -1)
		fatal("%s: not a session (no session.db)", session);
	if ((db = db_open(path, 1, &cause)) == NULL)
		fatal("%s", cause);
	hash = db_config_get(db, "plan_hash");
	db_close(db);
	free(path);
	if (hash == NULL)
		fatal("%s: planned by an older cr-plan, without a plan digest: "
		    "plan it again to merge its results", session);
	return hash;
}

/*
 * Sessions merge only if they hold the same plan: the same mutants with
 * the same inputs, wherever and whenever they were planned.
 */
static void
report_check_plans(struct report *rp)
{
	char	*first, *other;
	size_t	 i;

	first = session_plan_hash(rp->session);
	for (i = 0; i < rp->nmore; i++) {
		other = session_plan_hash(rp->more[i]);
		if (strcmp(first, other) != 0)
			fatal("%s and %s hold different plans (digests %.12s "
			    "and %.12s): the code, the tests or the options "
			    "differ; their results cannot be merged",
			    rp->session, rp->more[i], first, other);
		free(other);
	}
	free(first);
}

/*
 * A mutant whose result file is gone (removed so that make runs it again),
 * no longer valid, or skipped by a filter may still have an older verdict in
 * the database, so its present state replaces it there.
 */
static void
report_store_unrun(struct report *rp, const struct planned *p,
    enum outcome outcome)
{
	struct result	 old, r;
	char		*cause = NULL;
	int		 found;

	if ((found = db_result_get(rp->db, p->id, &old, &cause)) == -1) {
		report_stop_storing(rp, cause);
		return;
	}
	if (found && old.outcome != outcome) {
		memset(&r, 0, sizeof r);
		r.id = p->id;
		r.outcome = outcome;
		r.exit_status = -1;
		r.tests_run = -1;
		r.inputs = p->inputs;
		if (db_result_put(rp->db, &r, &cause) == -1)
			report_stop_storing(rp, cause);
	}
	result_clear(&old);
}

static int
report_add(const struct planned *p, void *arg)
{
	struct report	*rp = arg;
	struct entry	*e;
	struct result	 r;
	char		*cause = NULL;

	if (rp->n == rp->cap) {
		rp->cap = rp->cap == 0 ? 256 : rp->cap * 2;
		rp->v = xreallocarray(rp->v, rp->cap, sizeof *rp->v);
	}
	e = &rp->v[rp->n];
	memset(e, 0, sizeof *e);
	e->id = xstrdup(p->id);
	e->path = xstrdup(p->path);
	e->operator = xstrdup(p->operator);
	e->replacement = xstrdup(p->replacement);
	e->skip = p->skip != NULL ? xstrdup(p->skip) : NULL;
	e->line = p->line;
	e->col = p->col;
	e->start = p->start;
	e->end = p->end;
	e->seq = rp->n++;
	e->tests_run = -1;

	memset(&r, 0, sizeof r);
	if (p->skip == NULL && p->sel != SEL_NONE &&
	    report_read_result(rp, p, &r)) {
		e->outcome = r.outcome;
		e->has_duration = 1;
		e->duration = r.duration;
		e->tests_run = r.tests_run;
		if (r.killed_by != NULL)
			e->killed_by = xstrdup(r.killed_by);
		if (rp->store && db_result_put(rp->db, &r, &cause) == -1)
			report_stop_storing(rp, cause);
		result_clear(&r);
	} else {
		e->outcome = p->skip != NULL ? OUTCOME_SKIPPED :
		    p->sel == SEL_NONE ? OUTCOME_NO_COVERAGE : OUTCOME_PENDING;
		if (rp->store)
			report_store_unrun(rp, p, e->outcome);
	}
	rp->counts[e->outcome]++;
	return 0;
}

static int
entry_compare(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
reason_compare(const void *a, const void *b)
{
	const struct reason	*x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/* Count the skipped mutants by reason. */
static void
report_count_reasons(struct report *rp)
{
	size_t	i, k;

	for (i = 0; i < rp->n; i++) {
		if (rp->v[i].outcome != OUTCOME_SKIPPED)
			continue;
		for (k = 0; k < rp->nreasons; k++) {
			if (strcmp(rp->reasons[k].reason, rp->v[i].skip) == 0)
				break;
		}
		if (k == rp->nreasons) {
			rp->reasons = xreallocarray(rp->reasons,
			    rp->nreasons + 1, sizeof *rp->reasons);
			rp->reasons[rp->nreasons].reason = rp->v[i].skip;
			rp->reasons[rp->nreasons++].n = 0;
		}
		rp->reasons[k].n++;
	}
	if (rp->nreasons > 1)
		qsort(rp->reasons, rp->nreasons, sizeof *rp->reasons,
		    reason_compare);
}

static void
report_load(struct report *rp)
{
	char	*path, *cause = NULL;

	path = session_db_path(rp->session);
	if (access(path, F_OK) == -1)
		fatal("%s: not a session (no session.db)", rp->session);
	if ((rp->db = db_open(path, 0, &cause)) == NULL)
		fatal("%s", cause);
	free(path);

	/* The database caches one session's own verdicts, not a merge. */
	rp->store = rp->nmore == 0;
	if (rp->store && db_begin(rp->db, &cause) == -1)
		report_stop_storing(rp, cause);
	if (db_planned_foreach(rp->db, report_add, rp) != 0)
		fatal("%s: cannot read the planned mutants", rp->session);
	if (rp->store && db_commit(rp->db, &cause) == -1)
		report_stop_storing(rp, cause);
	if (rp->n > 1)
		qsort(rp->v, rp->n, sizeof *rp->v, entry_compare);
	report_count_reasons(rp);
}

static void
report_free(struct report *rp)
{
	size_t	i;

	for (i = 0; i < rp->n; i++) {
		free(rp->v[i].id);
		free(rp->v[i].path);
		free(rp->v[i].operator);
		free(rp->v[i].replacement);
		free(rp->v[i].skip);
		free(rp->v[i].killed_by);
	}
	free(rp->v);
	free(rp->reasons);
	db_close(rp->db);
}

/*
 * The survival rate counts only mutants whose tests ran to a verdict about
 * the mutation: killed, survived and timeout (a mutant that hangs the tests
 * is detected). Incompetent mutants (not valid Python) say nothing about the
 * tests, skipped ones never ran, no-coverage ones run no test (they are a
 * gap of another kind, listed apart) and pending ones have not run yet, so
 * counting them would make the rate drift while a session is running.
 * Returns -1 when no mutant has completed.
 */
static double
report_rate(const struct report *rp, size_t *completed)
{
	*completed = rp->counts[OUTCOME_KILLED] +
	    rp->counts[OUTCOME_SURVIVED] + rp->counts[OUTCOME_TIMEOUT];
	if (*completed == 0)
		return -1;
	return 100.0 * (double)rp->counts[OUTCOME_SURVIVED] /
	    (double)*completed;
}

/* The diff of one mutant; file content is cached across calls. */
struct differ {
	char	*path;
	char	*content;
	size_t	 len;
};

static void
differ_add(struct differ *d, struct report *rp, const struct entry *e,
    struct buf *out)
{
	if (d->path == NULL || strcmp(d->path, e->path) != 0) {
		free(d->path);
		free(d->content);
		d->path = xstrdup(e->path);
		d->len = 0;
		d->content = db_file_content(rp->db, e->path, &d->len);
		if (d->content == NULL)
			warn("%s: file not in the session database", e->path);
	}
	if (d->content == NULL)
		return;
	if (diff_mutant(e->path, d->content, d->len, e->start, e->end,
	    e->replacement, out) == -1)
		warn("%s: mutant %s lies outside the planned file", e->path,
		    e->id);
}

static void
differ_clear(struct differ *d)
{
	free(d->path);
	free(d->content);
	memset(d, 0, sizeof *d);
}

static void
report_text(struct report *rp, int all, int diffs, struct buf *out)
{
	struct differ	 d = { 0 };
	const struct entry *e;
	size_t		 i, k, completed, listed = 0;
	double		 rate;
	int		 o;

	buf_addf(out, "%s: %zu mutant%s\n", rp->session, rp->n,
	    rp->n == 1 ? "" : "s");
	for (o = 0; o < OUTCOME_COUNT; o++) {
		buf_addf(out, "  %-12s%6zu", outcome_name(o), rp->counts[o]);
		for (k = 0; o == OUTCOME_SKIPPED && k < rp->nreasons; k++)
			buf_addf(out, "%s%s %zu", k == 0 ? "  (" : ", ",
			    rp->reasons[k].reason, rp->reasons[k].n);
		if (o == OUTCOME_SKIPPED && rp->nreasons > 0)
			buf_addc(out, ')');
		buf_addc(out, '\n');
	}
	if ((rate = report_rate(rp, &completed)) < 0)
		buf_adds(out, "survival rate: n/a\n");
	else
		buf_addf(out, "survival rate: %.1f%% (%zu of %zu)\n", rate,
		    rp->counts[OUTCOME_SURVIVED], completed);

	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (!all && e->outcome != OUTCOME_SURVIVED)
			continue;
		if (diffs || listed == 0)
			buf_addc(out, '\n');
		listed++;
		buf_addf(out, "%s:%u:%u %s", e->path, (unsigned)e->line,
		    (unsigned)e->col, e->operator);
		if (all)
			buf_addf(out, " %s", outcome_name(e->outcome));
		if (all && e->skip != NULL && e->outcome == OUTCOME_SKIPPED)
			buf_addf(out, " (%s)", e->skip);
		buf_addc(out, '\n');
		if (diffs)
			differ_add(&d, rp, e, out);
	}
	differ_clear(&d);
	if (all || rp->counts[OUTCOME_NO_COVERAGE] == 0)
		return;
	buf_addf(out, "\nno test executes the code of %zu mutant%s:\n",
	    rp->counts[OUTCOME_NO_COVERAGE],
	    rp->counts[OUTCOME_NO_COVERAGE] == 1 ? "" : "s");
	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (e->outcome == OUTCOME_NO_COVERAGE)
			buf_addf(out, "%s:%u:%u %s\n", e->path,
			    (unsigned)e->line, (unsigned)e->col, e->operator);
	}
}

static void
json_key(struct buf *out, const char *key)
{
	json_add_string(out, key);
	buf_addc(out, ':');
}

static void
json_position(struct buf *out, const struct entry *e)
{
	buf_addc(out, '{');
	json_key(out, "id");
	json_add_string(out, e->id);
	buf_addc(out, ',');
	json_key(out, "path");
	json_add_string(out, e->path);
	buf_addf(out, ",\"line\":%u,\"col\":%u,", (unsigned)e->line,
	    (unsigned)e->col);
	json_key(out, "operator");
	json_add_string(out, e->operator);
}

/* ,"key":[...] of the mutants of one outcome, with a diff member if with_diff. */
static void
report_json_list(struct report *rp, const char *key, enum outcome outcome,
    int diffs, int with_diff, struct buf *out)
{
	struct differ		 d = { 0 };
	struct buf		 diff = { 0 };
	const struct entry	*e;
	size_t			 i;
	int			 first = 1;

	buf_addc(out, ',');
	json_key(out, key);
	buf_addc(out, '[');
	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (e->outcome != outcome)
			continue;
		buf_adds(out, first ? "\n" : ",\n");
		first = 0;
		json_position(out, e);
		buf_addc(out, ',');
		json_key(out, "replacement");
		json_add_string(out, e->replacement);
		if (with_diff) {
			buf_addc(out, ',');
			json_key(out, "diff");
			if (diffs) {
				buf_reset(&diff);
				differ_add(&d, rp, e, &diff);
				json_add_stringn(out, buf_str(&diff), diff.len);
			} else
				buf_adds(out, "null");
		}
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
	buf_free(&diff);
	differ_clear(&d);
}

static void
report_json(struct report *rp, int all, int diffs, struct buf *out)
{
	const struct entry *e;
	size_t		 i, completed;
	double		 rate;
	int		 o;

	buf_addc(out, '{');
	json_key(out, "session");
	json_add_string(out, rp->session);
	buf_addf(out, ",\"total\":%zu,\"counts\":{", rp->n);
	for (o = 0; o < OUTCOME_COUNT; o++) {
		if (o > 0)
			buf_addc(out, ',');
		json_key(out, outcome_name(o));
		buf_addf(out, "%zu", rp->counts[o]);
	}
	buf_adds(out, "},\"skipped_by_reason\":{");
	for (i = 0; i < rp->nreasons; i++) {
		if (i > 0)
			buf_addc(out, ',');
		json_key(out, rp->reasons[i].reason);
		buf_addf(out, "%zu", rp->reasons[i].n);
	}
	buf_adds(out, "},\"survival_rate\":");
	if ((rate = report_rate(rp, &completed)) < 0)
		buf_adds(out, "null");
	else
		buf_addf(out, "%.6g", rate);

	report_json_list(rp, "survivors", OUTCOME_SURVIVED, diffs, 1, out);
	report_json_list(rp, "no_coverage", OUTCOME_NO_COVERAGE, 0, 0, out);

	if (all) {
		buf_adds(out, ",\"mutants\":[");
		for (i = 0; i < rp->n; i++) {
			e = &rp->v[i];
			buf_adds(out, i == 0 ? "\n" : ",\n");
			json_position(out, e);
			buf_addc(out, ',');
			json_key(out, "outcome");
			json_add_string(out, outcome_name(e->outcome));
			buf_addc(out, ',');
			json_key(out, "skip");
			if (e->skip != NULL && e->outcome == OUTCOME_SKIPPED)
				json_add_string(out, e->skip);
			else
				buf_adds(out, "null");
			buf_adds(out, ",\"killed_by\":");
			if (e->killed_by != NULL)
				json_add_string(out, e->killed_by);
			else
				buf_adds(out, "null");
			if (e->tests_run >= 0)
				buf_addf(out, ",\"tests_run\":%d", e->tests_run);
			else
				buf_adds(out, ",\"tests_run\":null");
			if (e->has_duration)
				buf_addf(out, ",\"duration\":%.3f}",
				    isfinite(e->duration) ? e->duration : 0);
			else
				buf_adds(out, ",\"duration\":null}");
		}
		buf_addc(out, ']');
	}
	buf_adds(out, "}\n");
}

int
main(int argc, char **argv)
{
	struct report	 rp;
	struct buf	 out = { 0 };
	double		 fail_over = -1, rate;
	size_t		 completed;
	int		 c, json = 0, all = 0, diffs = 1, status = 0;

	progname = "cr-report";
	argv[0] = (char *)progname;	/* getopt's messages name argv[0] */
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALL:
			all = 1;
			break;
		case OPT_FAIL_OVER:
			fail_over = parse_percent(optarg);
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_NO_DIFF:
			diffs = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cr-report (crmake) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		warn("missing SESSION");
		usage(stderr);
		return 2;
	}

	memset(&rp, 0, sizeof rp);
	rp.session = argv[0];
	rp.more = (const char **)argv + 1;
	rp.nmore = (size_t)argc - 1;
	if (rp.nmore > 0)
		report_check_plans(&rp);
	report_load(&rp);
	if (json)
		report_json(&rp, all, diffs, &out);
	else
		report_text(&rp, all, diffs, &out);
	if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len ||
	    fflush(stdout) == EOF)
		fatal("stdout:");

	/* No completed mutant (rate -1) never fails the threshold. */
	rate = report_rate(&rp, &completed);
	if (fail_over >= 0 && rate > fail_over)
		status = 3;
	buf_free(&out);
	report_free(&rp);
	return status;
}
