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
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "diff.h"
#include "json.h"
#include "result.h"
#include "session.h"
#include "util.h"

enum {
	OPT_ALL = CHAR_MAX + 1,
	OPT_CONFIDENCE,
	OPT_ESTIMATE,
	OPT_FAIL_OVER,
	OPT_FAIL_UNDER,
	OPT_FORMAT,
	OPT_JSON,
	OPT_NO_DIFF,
	OPT_WATCH,
};

/* What cr-report writes. */
enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_STRYKER,
	FORMAT_JUNIT,
	FORMAT_GITHUB,
	FORMAT_SARIF,
	FORMAT_BADGE,
	FORMAT_HTML,
};

static const char *const format_names[] = {
	"text", "json", "stryker-json", "junit", "github", "sarif", "badge",
	"html", NULL
};

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "confidence",	required_argument,	NULL, OPT_CONFIDENCE },
	{ "estimate",	no_argument,		NULL, OPT_ESTIMATE },
	{ "fail-over",	required_argument,	NULL, OPT_FAIL_OVER },
	{ "fail-under",	required_argument,	NULL, OPT_FAIL_UNDER },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "output",	required_argument,	NULL, 'o' },
	{ "no-diff",	no_argument,		NULL, OPT_NO_DIFF },
	{ "watch",	optional_argument,	NULL, OPT_WATCH },
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
	uint32_t	 end_line, end_col;
	uint32_t	 start, end;
	enum selection	 sel;
	enum outcome	 outcome;
	int		 has_duration;
	double		 duration;
	char		*killed_by;	/* the first failing test, or NULL */
	int		 tests_run;	/* -1 if unknown */
	char		*cold_reason;	/* why it ran cold, or NULL if it did not */
	size_t		 seq;		/* order in the plan */
};

/* How many mutants were skipped, or ran cold, for one reason. */
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
	int		 watching;	/* --watch: read only */

	struct entry	*v;
	size_t		 n, cap;
	size_t		 counts[OUTCOME_COUNT];
	struct reason	*reasons;	/* most frequent first */
	size_t		 nreasons;
	struct reason	*cold_reasons;	/* why runs were cold, most frequent first */
	size_t		 ncold_reasons;
	size_t		 nwarm, ncold;	/* mutants that ran warm, cold */
	double		 seconds;	/* the runs' time */
	double		 timeout_seconds; /* of it, the timeouts' */
	double		 confidence;	/* --estimate's, in percent; 0 without */
};

/* The survival rate of the whole plan, estimated from the mutants that ran. */
struct estimate {
	size_t		 sample;	/* mutants with a verdict that counts */
	size_t		 population;	/* those and the pending ones */
	double		 rate, low, high; /* percent */
	int		 random;	/* the plan ran in a random order */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-report [-hV] [--format text|json|stryker-json|"
	    "junit|github|sarif|badge|html]\n"
	    "                 [-o FILE] [--all] [--no-diff] [--estimate "
	    "[--confidence PCT]]\n"
	    "                 [--fail-over PCT] [--fail-under SCORE] "
	    "SESSION [SESSION...]\n"
	    "       cr-report --watch[=SECONDS] SESSION [SESSION...]\n");
}

/* A percentage: digits with an optional fraction, from 0 to 100. */
static double
parse_percent(const char *option, const char *s)
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
		warn("%s: '%s' is not a percentage from 0 to 100", option, s);
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
	e->end_line = p->end_line;
	e->end_col = p->end_col;
	e->sel = p->sel;
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
		if (r.mode != NULL && strcmp(r.mode, "warm") == 0)
			rp->nwarm++;
		else if (r.mode != NULL && strcmp(r.mode, "cold") == 0) {
			rp->ncold++;
			/* An older crmake's result says nothing of why. */
			e->cold_reason = xstrdup(r.cold_reason != NULL ?
			    r.cold_reason : "no reason given");
		}
		if (isfinite(r.duration) && r.duration > 0) {
			rp->seconds += r.duration;
			if (r.outcome == OUTCOME_TIMEOUT)
				rp->timeout_seconds += r.duration;
		}
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

/* Count one more for reason in the list *v of *n. */
static void
reason_add(struct reason **v, size_t *n, const char *reason)
{
	size_t	k;

	for (k = 0; k < *n; k++) {
		if (strcmp((*v)[k].reason, reason) == 0)
			break;
	}
	if (k == *n) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[k].reason = reason;
		(*v)[k].n = 0;
		(*n)++;
	}
	(*v)[k].n++;
}

/* Count the skipped mutants, and the ones that ran cold, by reason. */
static void
report_count_reasons(struct report *rp)
{
	const struct entry	*e;
	size_t			 i;

	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (e->outcome == OUTCOME_SKIPPED)
			reason_add(&rp->reasons, &rp->nreasons, e->skip);
		if (e->cold_reason != NULL)
			reason_add(&rp->cold_reasons, &rp->ncold_reasons,
			    e->cold_reason);
	}
	if (rp->nreasons > 1)
		qsort(rp->reasons, rp->nreasons, sizeof *rp->reasons,
		    reason_compare);
	if (rp->ncold_reasons > 1)
		qsort(rp->cold_reasons, rp->ncold_reasons,
		    sizeof *rp->cold_reasons, reason_compare);
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
	rp->store = rp->nmore == 0 && !rp->watching;
	if (rp->store && db_begin(rp->db, &cause) == -1)
		report_stop_storing(rp, cause);
	if (db_planned_foreach(rp->db, report_add, rp) != 0)
		fatal("%s: cannot read the planned mutants: the session "
		    "database is damaged; run cr-plan again", rp->session);
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
		free(rp->v[i].cold_reason);
	}
	free(rp->v);
	free(rp->reasons);
	free(rp->cold_reasons);
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

/*
 * The mutation score as the mutation-testing report schema defines it:
 * detected (killed, timeout) over valid (detected, survived, no coverage),
 * in percent; and the covered score, which leaves out the mutants no test
 * reaches. -1 when there is nothing to divide by.
 */
static double
score_of(const size_t *counts, int covered)
{
	double	detected, valid;

	detected = (double)(counts[OUTCOME_KILLED] + counts[OUTCOME_TIMEOUT]);
	valid = detected + (double)counts[OUTCOME_SURVIVED] +
	    (covered ? 0 : (double)counts[OUTCOME_NO_COVERAGE]);
	return valid > 0 ? 100.0 * detected / valid : -1;
}

static double
report_score(const struct report *rp, int covered)
{
	return score_of(rp->counts, covered);
}

/*
 * The outcomes of the file whose mutants start at rp->v[i], and their run
 * time in seconds: the index after its last mutant.
 */
static size_t
file_counts(const struct report *rp, size_t i, size_t counts[OUTCOME_COUNT],
    double *seconds)
{
	const struct entry	*e;
	size_t			 j;

	memset(counts, 0, OUTCOME_COUNT * sizeof *counts);
	*seconds = 0;
	for (j = i; j < rp->n && strcmp(rp->v[j].path, rp->v[i].path) == 0;
	    j++) {
		e = &rp->v[j];
		counts[e->outcome]++;
		if (e->has_duration && isfinite(e->duration))
			*seconds += e->duration;
	}
	return j;
}

/* Each file's counts and score, one line a file, in path order. */
static void
report_files(const struct report *rp, struct buf *out)
{
	size_t	counts[OUTCOME_COUNT], i, j, width = 4;
	double	score, seconds;

	for (i = 0; i < rp->n; i++) {
		if (strlen(rp->v[i].path) > width)
			width = strlen(rp->v[i].path);
	}
	if (width > 48)
		width = 48;
	buf_addf(out, "%-*s %7s %8s %7s %11s %7s %6s\n", (int)width, "file",
	    "killed", "survived", "timeout", "no-coverage", "skipped", "score");
	for (i = 0; i < rp->n; i = j) {
		j = file_counts(rp, i, counts, &seconds);
		buf_addf(out, "%-*s %7zu %8zu %7zu %11zu %7zu", (int)width,
		    rp->v[i].path, counts[OUTCOME_KILLED],
		    counts[OUTCOME_SURVIVED], counts[OUTCOME_TIMEOUT],
		    counts[OUTCOME_NO_COVERAGE], counts[OUTCOME_SKIPPED]);
		if ((score = score_of(counts, 0)) >= 0)
			buf_addf(out, " %5.1f%%\n", score);
		else
			buf_adds(out, "    n/a\n");
	}
}

/* Phi(z), the standard normal distribution function. */
static double
normal_cdf(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

/* The z with P(|Z| <= z) = confidence (a fraction), by bisection on Phi. */
static double
normal_quantile(double confidence)
{
	double	lo = 0, hi = 40, mid, want = 0.5 + confidence / 2;
	int	i;

	for (i = 0; i < 200; i++) {
		mid = (lo + hi) / 2;
		if (normal_cdf(mid) < want)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * The survival rate of every mutant that will count, from the sample that
 * has run: the Wilson score interval at the confidence asked for, with the
 * finite population correction (the sample is drawn without replacement
 * from the plan), within what the pending mutants could still make of it.
 * It holds for a random sample: a plan made with --order random, run in
 * that order (or cut short by CR_DEADLINE, which shuffles).
 */
static void
report_estimate(const struct report *rp, struct estimate *est)
{
	double	n, x, N, p, z2, f, denom, center, half, lo, hi;
	char	*order;

	memset(est, 0, sizeof *est);
	report_rate(rp, &est->sample);
	est->population = est->sample + rp->counts[OUTCOME_PENDING];
	order = db_config_get(rp->db, "order");
	est->random = order != NULL && strcmp(order, "random") == 0;
	free(order);
	if (est->sample == 0) {
		est->rate = est->low = est->high = -1;
		return;
	}
	n = (double)est->sample;
	N = (double)est->population;
	x = (double)rp->counts[OUTCOME_SURVIVED];
	p = x / n;
	f = N > 1 ? (N - n) / (N - 1) : 0;
	z2 = pow(normal_quantile(rp->confidence / 100), 2) * f;
	denom = 1 + z2 / n;
	center = (p + z2 / (2 * n)) / denom;
	half = sqrt(z2) / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	/* The pending mutants may all be killed, or all survive. */
	lo = x / N;
	hi = (x + N - n) / N;
	est->rate = 100 * p;
	est->low = 100 * (center - half > lo ? center - half : lo);
	est->high = 100 * (center + half < hi ? center + half : hi);
	if (est->low > est->rate)
		est->low = est->rate;
	if (est->high < est->rate)
		est->high = est->rate;
}

static void
estimate_text(const struct report *rp, struct buf *out)
{
	struct estimate	est;

	report_estimate(rp, &est);
	if (est.sample == 0) {
		buf_adds(out, "estimate: n/a (no mutant has run)\n");
		return;
	}
	buf_addf(out, "estimate: %.1f%% of all %zu survive, between %.1f%% and "
	    "%.1f%% at %g%% confidence (%zu of %zu run", est.rate,
	    est.population, est.low, est.high, rp->confidence, est.sample,
	    est.population);
	if (est.sample == est.population)
		buf_adds(out, ", all of them)\n");
	else if (est.random)
		buf_adds(out, ", in a random order)\n");
	else
		buf_adds(out, ", longest first, not in a random order: the "
		    "interval is sound only for a random sample; plan with "
		    "--order random)\n");
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

/* Append " (reason n, reason n)" after lead, or nothing for no reasons. */
static void
reasons_text(struct buf *out, const char *lead, const struct reason *v,
    size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		buf_addf(out, "%s%s %zu", k == 0 ? lead : ", ", v[k].reason,
		    v[k].n);
	if (n > 0)
		buf_addc(out, ')');
}

/*
 * How the mutants ran, warm or cold and why, and where the time went: a
 * run that is slower than it could be says so here.
 */
static void
runs_text(const struct report *rp, struct buf *out)
{
	size_t	n = rp->counts[OUTCOME_TIMEOUT];

	if (rp->nwarm + rp->ncold > 0) {
		buf_addf(out, "runs: %zu warm, %zu cold", rp->nwarm,
		    rp->ncold);
		reasons_text(out, " (", rp->cold_reasons, rp->ncold_reasons);
		buf_addc(out, '\n');
	}
	if (rp->seconds > 0) {
		buf_adds(out, "run time: ");
		if (rp->seconds < 10)
			buf_addf(out, "%.1f s", rp->seconds);
		else
			buf_add_duration(out, rp->seconds);
		if (n > 0) {
			buf_addf(out, ", %.0f%% of it in %zu timeout%s",
			    100 * rp->timeout_seconds / rp->seconds, n,
			    n == 1 ? "" : "s");
		}
		buf_addc(out, '\n');
	}
}

static void
report_text(struct report *rp, int all, int diffs, struct buf *out)
{
	struct differ	 d = { 0 };
	const struct entry *e;
	size_t		 i, completed, listed = 0;
	double		 rate, score;
	int		 o;

	buf_addf(out, "%s: %zu mutant%s\n", rp->session, rp->n,
	    rp->n == 1 ? "" : "s");
	for (o = 0; o < OUTCOME_COUNT; o++) {
		buf_addf(out, "  %-12s%6zu", outcome_name(o), rp->counts[o]);
		if (o == OUTCOME_SKIPPED)
			reasons_text(out, "  (", rp->reasons, rp->nreasons);
		buf_addc(out, '\n');
	}
	if ((rate = report_rate(rp, &completed)) < 0)
		buf_adds(out, "survival rate: n/a\n");
	else
		buf_addf(out, "survival rate: %.1f%% (%zu of %zu)\n", rate,
		    rp->counts[OUTCOME_SURVIVED], completed);
	if ((score = report_score(rp, 0)) >= 0)
		buf_addf(out, "mutation score: %.1f%% (covered code: %.1f%%)\n",
		    score, report_score(rp, 1) >= 0 ? report_score(rp, 1) : 0);
	if (rp->confidence > 0)
		estimate_text(rp, out);
	runs_text(rp, out);
	if (rp->n > 0) {
		buf_addc(out, '\n');
		report_files(rp, out);
	}

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

/* A percentage with fmt, or null when there is none (below 0). */
static void
json_percent(struct buf *out, const char *fmt, double v)
{
	if (v < 0)
		buf_adds(out, "null");
	else
		buf_addf(out, fmt, v);
}

static void
json_key(struct buf *out, const char *key)
{
	json_add_string(out, key);
	buf_addc(out, ':');
}

/* Append the reasons as one JSON object, reason to count. */
static void
reasons_json(struct buf *out, const struct reason *v, size_t n)
{
	size_t	k;

	buf_addc(out, '{');
	for (k = 0; k < n; k++) {
		if (k > 0)
			buf_addc(out, ',');
		json_key(out, v[k].reason);
		buf_addf(out, "%zu", v[k].n);
	}
	buf_addc(out, '}');
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
	buf_adds(out, "},\"skipped_by_reason\":");
	reasons_json(out, rp->reasons, rp->nreasons);
	buf_addf(out, ",\"runs\":{\"warm\":%zu,\"cold\":%zu,"
	    "\"cold_by_reason\":", rp->nwarm, rp->ncold);
	reasons_json(out, rp->cold_reasons, rp->ncold_reasons);
	buf_addf(out, ",\"seconds\":%.3f,\"timeout_seconds\":%.3f}",
	    rp->seconds, rp->timeout_seconds);
	buf_adds(out, ",\"survival_rate\":");
	json_percent(out, "%.6g", report_rate(rp, &completed));
	buf_adds(out, ",\"mutation_score\":");
	json_percent(out, "%.6g", report_score(rp, 0));
	buf_adds(out, ",\"covered_score\":");
	json_percent(out, "%.6g", report_score(rp, 1));
	if (rp->confidence > 0) {
		struct estimate est;

		report_estimate(rp, &est);
		buf_addf(out, ",\"estimate\":{\"confidence\":%g,\"sample\":%zu,"
		    "\"population\":%zu,\"random_order\":%s", rp->confidence,
		    est.sample, est.population, est.random ? "true" : "false");
		if (est.sample > 0)
			buf_addf(out, ",\"rate\":%.6g,\"low\":%.6g,\"high\":%.6g}",
			    est.rate, est.low, est.high);
		else
			buf_adds(out, ",\"rate\":null,\"low\":null,\"high\":null}");
	}

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


/* The schema's name for an outcome. */
static const char *
stryker_status(enum outcome o)
{
	switch (o) {
	case OUTCOME_KILLED:		return "Killed";
	case OUTCOME_SURVIVED:		return "Survived";
	case OUTCOME_TIMEOUT:		return "Timeout";
	case OUTCOME_INCOMPETENT:	return "CompileError";
	case OUTCOME_NO_COVERAGE:	return "NoCoverage";
	case OUTCOME_SKIPPED:		return "Ignored";
	default:			return "Pending";
	}
}

struct test_files {
	struct buf	*out;
	const char	*root;
	char		*file;		/* the file whose tests are being listed */
	int		 any;
};

/* "file":{"tests":[...]} entries of the testFiles object. */
static int
test_file_add(const char *runner, const char *name, const char *file,
    uint32_t line, void *arg)
{
	struct test_files	*tf = arg;
	const char		*key = file != NULL ? file : "";
	size_t			 n = strlen(tf->root);

	(void)runner;
	if (n > 0 && strncmp(key, tf->root, n) == 0 && key[n] == '/')
		key += n + 1;
	if (tf->file == NULL || strcmp(tf->file, key) != 0) {
		buf_adds(tf->out, tf->file == NULL ? "" : "]},");
		free(tf->file);
		tf->file = xstrdup(key);
		json_add_string(tf->out, key);
		buf_adds(tf->out, ":{\"tests\":[");
		tf->any = 0;
	}
	buf_adds(tf->out, tf->any ? ",{\"id\":" : "{\"id\":");
	tf->any = 1;
	json_add_string(tf->out, name);
	buf_adds(tf->out, ",\"name\":");
	json_add_string(tf->out, name);
	if (line > 0)
		buf_addf(tf->out, ",\"location\":{\"start\":{\"line\":%u,"
		    "\"column\":1}}", (unsigned)line);
	buf_addc(tf->out, '}');
	return 0;
}

/*
 * The mutation-testing report schema (version 2, as the npm package
 * mutation-testing-report-schema defines it), read by Stryker's dashboard
 * and the mutation-testing-elements web component.
 */
static void
report_stryker(struct report *rp, struct buf *out)
{
	struct test_files	 tf;
	struct planned_test	*tests;
	const struct entry	*e;
	char			*root, *content, *cause = NULL;
	size_t			 i, k, len, ntests;
	int			 selecting = 0;

	root = db_config_get(rp->db, "root");
	buf_adds(out, "{\"schemaVersion\":\"2\",\"thresholds\":{\"high\":80,"
	    "\"low\":60},\"projectRoot\":");
	json_add_string(out, root != NULL ? root : "");
	buf_adds(out, ",\"files\":{");
	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (i == 0 || strcmp(e->path, rp->v[i - 1].path) != 0) {
			if (i > 0)
				buf_adds(out, "]},");
			json_add_string(out, e->path);
			buf_adds(out, ":{\"language\":\"python\",\"source\":");
			len = 0;
			content = db_file_content(rp->db, e->path, &len);
			json_add_stringn(out, content != NULL ? content : "",
			    content != NULL ? len : 0);
			free(content);
			buf_adds(out, ",\"mutants\":[");
		} else
			buf_addc(out, ',');
		buf_adds(out, "\n{\"id\":");
		json_add_string(out, e->id);
		buf_adds(out, ",\"mutatorName\":");
		json_add_string(out, e->operator);
		buf_adds(out, ",\"replacement\":");
		json_add_string(out, e->replacement);
		buf_addf(out, ",\"location\":{\"start\":{\"line\":%u,\"column\":%u},"
		    "\"end\":{\"line\":%u,\"column\":%u}},\"status\":\"%s\"",
		    (unsigned)e->line, (unsigned)e->col + 1,
		    (unsigned)e->end_line, (unsigned)e->end_col + 1,
		    stryker_status(e->outcome));
		if (e->outcome == OUTCOME_SKIPPED && e->skip != NULL) {
			buf_adds(out, ",\"statusReason\":");
			json_add_string(out, e->skip);
		}
		if (e->killed_by != NULL) {
			buf_adds(out, ",\"killedBy\":[");
			json_add_string(out, e->killed_by);
			buf_addc(out, ']');
		}
		if (e->sel == SEL_TESTS) {
			selecting = 1;
			if (db_mutant_tests(rp->db, e->id, &tests, &ntests,
			    &cause) == -1)
				fatal("%s", cause);
			buf_adds(out, ",\"coveredBy\":[");
			for (k = 0; k < ntests; k++) {
				if (k > 0)
					buf_addc(out, ',');
				json_add_string(out, tests[k].name);
			}
			buf_addc(out, ']');
			planned_tests_free(tests, ntests);
		}
		if (e->has_duration)
			buf_addf(out, ",\"duration\":%.0f",
			    isfinite(e->duration) ? 1000 * e->duration : 0);
		if (e->tests_run >= 0)
			buf_addf(out, ",\"testsCompleted\":%d", e->tests_run);
		buf_addc(out, '}');
	}
	buf_adds(out, rp->n > 0 ? "]}}" : "}");
	if (selecting) {
		memset(&tf, 0, sizeof tf);
		tf.out = out;
		tf.root = root != NULL ? root : "";
		buf_adds(out, ",\"testFiles\":{");
		db_tests_foreach(rp->db, test_file_add, &tf);
		buf_adds(out, tf.file != NULL ? "]}}" : "}");
		free(tf.file);
	}
	buf_addf(out, ",\"framework\":{\"name\":\"crmake\",\"version\":\"%s\"},"
	    "\"system\":{\"ci\":%s}}\n", PACKAGE_VERSION,
	    getenv("CI") != NULL && *getenv("CI") != '\0' ? "true" : "false");
	free(root);
}

/* Text for XML, in an attribute or between tags. */
static void
xml_add(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':	buf_adds(out, "&amp;"); break;
		case '<':	buf_adds(out, "&lt;"); break;
		case '>':	buf_adds(out, "&gt;"); break;
		case '"':	buf_adds(out, "&quot;"); break;
		case '\n':	buf_adds(out, "&#10;"); break;
		case '\t':	buf_adds(out, "&#9;"); break;
		case '\r':	buf_adds(out, "&#13;"); break;
		default:
			/* XML 1.0 has no other control characters. */
			if ((unsigned char)*s >= 0x20)
				buf_addc(out, *s);
			else
				buf_addf(out, "\\x%02x", (unsigned char)*s);
		}
	}
}

/* A score as a JUnit property, empty when there is none. */
static void
junit_score(struct buf *out, const char *name, double score)
{
	buf_addf(out, "      <property name=\"%s\" value=\"", name);
	if (score >= 0)
		buf_addf(out, "%.2f", score);
	buf_adds(out, "\"/>\n");
}

/*
 * JUnit XML: a test suite per file, a test case per mutant. A survivor is a
 * failure (with its diff), a mutant that did not run to a verdict is
 * skipped, and killed and timed-out mutants pass.
 */
static void
report_junit(struct report *rp, int diffs, struct buf *out)
{
	struct differ		 d = { 0 };
	struct buf		 name = { 0 }, diff = { 0 };
	const struct entry	*e;
	size_t			 i, j, n, skipped;
	size_t			 counts[OUTCOME_COUNT];
	double			 seconds;

	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_addf(out, "<testsuites name=\"crmake\" tests=\"%zu\" failures=\"%zu\">"
	    "\n", rp->n, rp->counts[OUTCOME_SURVIVED]);
	for (i = 0; i < rp->n; i = j) {
		j = file_counts(rp, i, counts, &seconds);
		/* Whatever did not run to a verdict is skipped. */
		skipped = j - i - counts[OUTCOME_SURVIVED] -
		    counts[OUTCOME_KILLED] - counts[OUTCOME_TIMEOUT];
		buf_adds(out, "  <testsuite name=\"");
		xml_add(out, rp->v[i].path);
		buf_addf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		    "skipped=\"%zu\" time=\"%.3f\">\n", j - i,
		    counts[OUTCOME_SURVIVED], skipped, seconds);
		/* The file's scores, as the schema defines them. */
		buf_adds(out, "    <properties>\n");
		junit_score(out, "mutationScore", score_of(counts, 0));
		junit_score(out, "mutationScoreBasedOnCoveredCode",
		    score_of(counts, 1));
		buf_adds(out, "    </properties>\n");
		for (n = i; n < j; n++) {
			e = &rp->v[n];
			buf_reset(&name);
			buf_addf(&name, "%s:%u:%u %s %s", e->path,
			    (unsigned)e->line, (unsigned)e->col, e->operator,
			    e->id);
			buf_adds(out, "    <testcase classname=\"");
			xml_add(out, e->path);
			buf_adds(out, "\" name=\"");
			xml_add(out, buf_str(&name));
			buf_addf(out, "\" time=\"%.3f\"", e->has_duration &&
			    isfinite(e->duration) ? e->duration : 0);
			if (e->outcome == OUTCOME_KILLED ||
			    e->outcome == OUTCOME_TIMEOUT) {
				buf_adds(out, "/>\n");
				continue;
			}
			buf_adds(out, ">\n");
			if (e->outcome == OUTCOME_SURVIVED) {
				buf_adds(out, "      <failure type=\"survived\" "
				    "message=\"the tests passed with this mutant: ");
				xml_add(out, e->operator);
				buf_adds(out, "\">");
				if (diffs) {
					buf_reset(&diff);
					differ_add(&d, rp, e, &diff);
					xml_add(out, buf_str(&diff));
				}
				buf_adds(out, "</failure>\n");
			} else {
				buf_addf(out, "      <skipped message=\"%s",
				    outcome_name(e->outcome));
				if (e->outcome == OUTCOME_SKIPPED &&
				    e->skip != NULL) {
					buf_adds(out, ": ");
					xml_add(out, e->skip);
				}
				buf_adds(out, "\"/>\n");
			}
			buf_adds(out, "    </testcase>\n");
		}
		buf_adds(out, "  </testsuite>\n");
	}
	buf_adds(out, "</testsuites>\n");
	buf_free(&name);
	buf_free(&diff);
	differ_clear(&d);
}

/* Text for a GitHub workflow command: its data, or (prop) a property value. */
static void
github_add(struct buf *out, const char *s, int prop)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			buf_adds(out, "%25");
		else if (*s == '\r')
			buf_adds(out, "%0D");
		else if (*s == '\n')
			buf_adds(out, "%0A");
		else if (prop && *s == ':')
			buf_adds(out, "%3A");
		else if (prop && *s == ',')
			buf_adds(out, "%2C");
		else
			buf_addc(out, *s);
	}
}

/* GitHub Actions annotations: a warning at each survivor, then the counts. */
static void
report_github(struct report *rp, struct buf *out)
{
	const struct entry	*e;
	struct buf		 msg = { 0 };
	size_t			 i;
	double			 score;

	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (e->outcome != OUTCOME_SURVIVED)
			continue;
		buf_adds(out, "::warning file=");
		github_add(out, e->path, 1);
		buf_addf(out, ",line=%u,col=%u,endLine=%u,title=", (unsigned)e->line,
		    (unsigned)e->col + 1, (unsigned)e->end_line);
		github_add(out, "survived mutant", 1);
		buf_adds(out, "::");
		buf_reset(&msg);
		buf_addf(&msg, "%s survived: the tests passed with %s replaced by "
		    "'%s' (mutant %s)", e->operator, e->end_line > e->line ?
		    "these lines" : "this code", e->replacement, e->id);
		github_add(out, buf_str(&msg), 0);
		buf_addc(out, '\n');
	}
	buf_reset(&msg);
	buf_addf(&msg, "crmake: %zu killed, %zu survived, %zu timeout, %zu "
	    "no-coverage, %zu pending", rp->counts[OUTCOME_KILLED],
	    rp->counts[OUTCOME_SURVIVED], rp->counts[OUTCOME_TIMEOUT],
	    rp->counts[OUTCOME_NO_COVERAGE], rp->counts[OUTCOME_PENDING]);
	if ((score = report_score(rp, 0)) >= 0)
		buf_addf(&msg, "; mutation score %.1f%%", score);
	if ((score = report_score(rp, 1)) >= 0)
		buf_addf(&msg, " (covered code: %.1f%%)", score);
	buf_adds(out, "::notice title=crmake::");
	github_add(out, buf_str(&msg), 0);
	buf_addc(out, '\n');
	buf_free(&msg);
}

/* A path as a URI reference: bytes other than unreserved ones and '/' percent-encoded. */
static void
uri_add(struct buf *out, const char *path)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			buf_addc(out, (char)*p);
		else
			buf_addf(out, "%%%02X", *p);
	}
}

/*
 * SARIF 2.1.0 for code scanning: a rule per operator that has survivors, a
 * warning result at each survivor, identified across runs by its ID.
 */
static void
report_sarif(struct report *rp, struct buf *out)
{
	const struct entry	*e;
	const char		**rules = NULL;
	struct buf		 uri = { 0 };
	char			*root;
	size_t			 nrules = 0, i, k;

	for (i = 0; i < rp->n; i++) {
		e = &rp->v[i];
		if (e->outcome != OUTCOME_SURVIVED)
			continue;
		for (k = 0; k < nrules && strcmp(rules[k], e->operator) != 0; k++)
			;
		if (k == nrules) {
			rules = xreallocarray(rules, nrules + 1, sizeof *rules);
			rules[nrules++] = e->operator;
		}
	}
	root = db_config_get(rp->db, "root");
	buf_adds(out, "{\"$schema\":\"https://json.schemastore.org/"
	    "sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":"
	    "{\"driver\":{\"name\":\"crmake\",\"version\":\"" PACKAGE_VERSION
	    "\",\"rules\":[");
	for (k = 0; k < nrules; k++) {
		buf_adds(out, k == 0 ? "{\"id\":" : ",{\"id\":");
		json_add_string(out, rules[k]);
		buf_adds(out, ",\"shortDescription\":{\"text\":");
		json_add_string(out, rules[k]);
		buf_adds(out, "},\"fullDescription\":{\"text\":\"A mutant made by "
		    "this operator survived: the tests passed with the code "
		    "changed.\"},\"defaultConfiguration\":{\"level\":\"warning\"}}");
	}
	buf_adds(out, "]}},\"originalUriBaseIds\":{\"SRCROOT\":{\"uri\":");
	buf_adds(&uri, "file://");
	uri_add(&uri, root != NULL ? root : "");
	buf_addc(&uri, '/');
	json_add_string(out, buf_str(&uri));
	buf_adds(out, "}},\"properties\":{\"mutationScore\":");
	json_percent(out, "%.2f", report_score(rp, 0));
	buf_adds(out, ",\"mutationScoreBasedOnCoveredCode\":");
	json_percent(out, "%.2f", report_score(rp, 1));
	buf_adds(out, "},\"results\":[");
	for (i = 0, k = 0; i < rp->n; i++) {
		struct buf msg = { 0 };
		size_t r;

		e = &rp->v[i];
		if (e->outcome != OUTCOME_SURVIVED)
			continue;
		for (r = 0; strcmp(rules[r], e->operator) != 0; r++)
			;
		buf_adds(out, k++ == 0 ? "\n{\"ruleId\":" : ",\n{\"ruleId\":");
		json_add_string(out, e->operator);
		buf_addf(out, ",\"ruleIndex\":%zu,\"level\":\"warning\","
		    "\"message\":{\"text\":", r);
		buf_addf(&msg, "Mutant %s survived: the tests passed with this "
		    "code replaced by '%s'.", e->id, e->replacement);
		json_add_string(out, buf_str(&msg));
		buf_free(&msg);
		buf_adds(out, "},\"locations\":[{\"physicalLocation\":"
		    "{\"artifactLocation\":{\"uri\":");
		buf_reset(&uri);
		uri_add(&uri, e->path);
		json_add_string(out, buf_str(&uri));
		buf_addf(out, ",\"uriBaseId\":\"SRCROOT\"},\"region\":"
		    "{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,"
		    "\"endColumn\":%u}}}],\"partialFingerprints\":"
		    "{\"crmakeMutant/v1\":", (unsigned)e->line,
		    (unsigned)e->col + 1, (unsigned)e->end_line,
		    (unsigned)e->end_col + 1);
		json_add_string(out, e->id);
		buf_adds(out, "}}");
	}
	buf_adds(out, "]}]}\n");
	buf_free(&uri);
	free(rules);
	free(root);
}

/* Width in pixels of text in an 11 px sans-serif badge, roughly. */
static int
badge_width(const char *text)
{
	int	w = 10;

	for (; *text != '\0'; text++)
		w += *text == ' ' ? 3 : *text == '.' ? 3 : *text == '%' ? 10 :
		    7;
	return w;
}

/* An SVG badge with the mutation score, for a README. */
static void
report_badge(struct report *rp, struct buf *out)
{
	static const char	 label[] = "mutation score";
	const char		*color;
	char			 value[16];
	double			 score;
	int			 lw, vw;

	if ((score = report_score(rp, 0)) < 0) {
		snprintf(value, sizeof value, "n/a");
		color = "#9f9f9f";
	} else {
		snprintf(value, sizeof value, "%.1f%%", score);
		color = score >= 80 ? "#4c1" : score >= 60 ? "#dfb317" :
		    "#e05d44";
	}
	lw = badge_width(label);
	vw = badge_width(value);
	buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"20\" role=\"img\" aria-label=\"%s: %s\">"
	    "<title>%s: %s</title>"
	    "<rect width=\"%d\" height=\"20\" rx=\"3\" fill=\"#555\"/>"
	    "<rect x=\"%d\" width=\"%d\" height=\"20\" rx=\"3\" fill=\"%s\"/>"
	    "<rect x=\"%d\" width=\"4\" height=\"20\" fill=\"%s\"/>"
	    "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,"
	    "DejaVu Sans,sans-serif\" font-size=\"11\">"
	    "<text x=\"%d\" y=\"14\">%s</text>"
	    "<text x=\"%d\" y=\"14\">%s</text></g></svg>\n",
	    lw + vw, label, value, label, value, lw + vw, lw, vw, color, lw,
	    color, lw / 2, label, lw + vw / 2, value);
}

/*
 * One HTML file, readable offline: the mutation-testing-elements web
 * component, inline, shown the schema's report of the session.
 */
static void
report_html(struct report *rp, struct buf *out)
{
	struct buf	 js = { 0 }, json = { 0 };
	char		*path, *cause = NULL;
	size_t		 i;

	if ((path = session_find_elements()) == NULL)
		fatal("cannot find mutation-test-elements.js, which HTML reports "
		    "embed (set CR_ELEMENTS to the file)");
	if (file_read(path, &js, &cause) == -1)
		fatal("%s", cause);
	if (memmem(js.data, js.len, "</script", 8) != NULL)
		fatal("%s: holds '</script', which would end it in the page",
		    path);
	report_stryker(rp, &json);
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>crmake: ");
	xml_add(out, rp->session);
	buf_adds(out, "</title>\n<script>\n");
	buf_add(out, js.data, js.len);
	buf_adds(out, "\n</script>\n</head>\n<body>\n"
	    "<mutation-test-report-app title-postfix=\"crmake\">This report "
	    "needs a browser that runs JavaScript.</mutation-test-report-app>\n"
	    "<script>\ndocument.querySelector(\"mutation-test-report-app\")"
	    ".report = ");
	/* '<' only occurs in strings, where \u003c says the same. */
	for (i = 0; i < json.len; i++) {
		if (json.data[i] == '<')
			buf_adds(out, "\\u003c");
		else
			buf_addc(out, json.data[i]);
	}
	buf_adds(out, ";\n</script>\n</body>\n</html>\n");
	buf_free(&json);
	buf_free(&js);
	free(path);
}

/*
 * --watch: the counts of the sessions every interval seconds while make
 * runs, here or elsewhere, until none is pending (or an interrupt). On a
 * terminal one line is rewritten in place; otherwise a line is written
 * each time the counts change.
 */
static int
watch(struct report *proto, double interval)
{
	struct report	 rp;
	struct buf	 line = { 0 }, last = { 0 };
	struct timespec	 ts;
	size_t		 done, pending;
	double		 score;
	int		 tty = isatty(STDOUT_FILENO);

	for (;;) {
		/* proto is never loaded: each copy starts empty. */
		rp = *proto;
		report_load(&rp);
		pending = rp.counts[OUTCOME_PENDING];
		done = rp.counts[OUTCOME_KILLED] + rp.counts[OUTCOME_SURVIVED] +
		    rp.counts[OUTCOME_TIMEOUT] + rp.counts[OUTCOME_INCOMPETENT];
		buf_reset(&line);
		buf_addf(&line, "%zu of %zu run: killed %zu, survived %zu, "
		    "timeout %zu, incompetent %zu; pending %zu",
		    done, done + pending, rp.counts[OUTCOME_KILLED],
		    rp.counts[OUTCOME_SURVIVED], rp.counts[OUTCOME_TIMEOUT],
		    rp.counts[OUTCOME_INCOMPETENT], pending);
		if ((score = report_score(&rp, 0)) >= 0)
			buf_addf(&line, "; score %.1f%%", score);
		report_free(&rp);
		if (tty)
			printf("\r\033[K%s", buf_str(&line));
		else if (last.len != line.len ||
		    memcmp(last.data, line.data, line.len) != 0)
			printf("%s\n", buf_str(&line));
		if (fflush(stdout) == EOF)
			fatal("stdout:");
		buf_reset(&last);
		buf_add(&last, line.data, line.len);
		if (pending == 0)
			break;
		ts.tv_sec = (time_t)interval;
		ts.tv_nsec = (long)((interval - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	if (tty)
		printf("\n");
	buf_free(&line);
	buf_free(&last);
	return 0;
}

int
main(int argc, char **argv)
{
	struct report	 rp;
	struct buf	 out = { 0 };
	enum format	 format = FORMAT_TEXT;
	const char	*output = NULL;
	char		*cause = NULL;
	double		 fail_over = -1, fail_under = -1, rate, score;
	double		 confidence = 95, interval = -1;
	int		 estimate = 0;
	char		*end;
	size_t		 completed, i;
	int		 c, all = 0, diffs = 1, status = 0;

	progname = "cr-report";
	argv[0] = (char *)progname;	/* getopt's messages name argv[0] */
	while ((c = getopt_long(argc, argv, "hVo:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALL:
			all = 1;
			break;
		case OPT_FAIL_OVER:
			fail_over = parse_percent("--fail-over", optarg);
			break;
		case OPT_CONFIDENCE:
			confidence = parse_percent("--confidence", optarg);
			if (confidence <= 0 || confidence >= 100) {
				warn("--confidence: '%s' is not above 0 and "
				    "below 100", optarg);
				return 2;
			}
			break;
		case OPT_ESTIMATE:
			estimate = 1;
			break;
		case OPT_WATCH:
			interval = 2;
			if (optarg != NULL) {
				interval = strtod(optarg, &end);
				if (end == optarg || *end != '\0' ||
				    !(interval >= 0.1 && interval <= 3600)) {
					warn("--watch: '%s' is not a number of "
					    "seconds from 0.1 to 3600", optarg);
					return 2;
				}
			}
			break;
		case OPT_FAIL_UNDER:
			fail_under = parse_percent("--fail-under", optarg);
			break;
		case OPT_FORMAT:
			for (i = 0; format_names[i] != NULL &&
			    strcmp(format_names[i], optarg) != 0; i++)
				;
			if (format_names[i] == NULL) {
				warn("--format: '%s' is not one of text, json, "
				    "stryker-json, junit, github, sarif, badge, "
				    "html", optarg);
				return 2;
			}
			format = (enum format)i;
			break;
		case OPT_JSON:
			format = FORMAT_JSON;
			break;
		case 'o':
			output = optarg;
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
	rp.confidence = estimate ? confidence : 0;
	if (rp.nmore > 0)
		report_check_plans(&rp);
	if (interval > 0) {
		rp.watching = 1;
		return watch(&rp, interval);
	}
	report_load(&rp);
	switch (format) {
	case FORMAT_JSON:
		report_json(&rp, all, diffs, &out);
		break;
	case FORMAT_STRYKER:
		report_stryker(&rp, &out);
		break;
	case FORMAT_JUNIT:
		report_junit(&rp, diffs, &out);
		break;
	case FORMAT_GITHUB:
		report_github(&rp, &out);
		break;
	case FORMAT_SARIF:
		report_sarif(&rp, &out);
		break;
	case FORMAT_BADGE:
		report_badge(&rp, &out);
		break;
	case FORMAT_HTML:
		report_html(&rp, &out);
		break;
	default:
		report_text(&rp, all, diffs, &out);
		break;
	}
	if (output != NULL) {
		if (file_write_atomic(output, buf_str(&out), out.len,
		    &cause) == -1)
			fatal("%s", cause);
	} else if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len ||
	    fflush(stdout) == EOF)
		fatal("stdout:");

	/* No completed mutant (rate or score -1) never fails a threshold. */
	rate = report_rate(&rp, &completed);
	if (estimate) {
		struct estimate est;

		/* The gate takes the worst the interval allows. */
		report_estimate(&rp, &est);
		rate = est.high;
	}
	if (fail_over >= 0 && rate > fail_over)
		status = 3;
	score = report_score(&rp, 0);
	if (fail_under >= 0 && score >= 0 && score < fail_under)
		status = 3;
	buf_free(&out);
	report_free(&rp);
	return status;
}
