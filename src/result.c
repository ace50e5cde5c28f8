/* result.c: one mutant's verdict as a JSON file, written atomically, read back checked. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "result.h"
#include "util.h"

static const char *outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_KILLED] = "killed",
	[OUTCOME_SURVIVED] = "survived",
	[OUTCOME_TIMEOUT] = "timeout",
	[OUTCOME_INCOMPETENT] = "incompetent",
	[OUTCOME_SKIPPED] = "skipped",
	[OUTCOME_NO_COVERAGE] = "no-coverage",
	[OUTCOME_PENDING] = "pending",
};

const char *
outcome_name(enum outcome o)
{
	if ((unsigned)o >= OUTCOME_COUNT)
		return "unknown";
	return outcome_names[o];
}

int
outcome_parse(const char *s)
{
	int	i;

	for (i = 0; i < OUTCOME_COUNT; i++) {
		if (strcmp(s, outcome_names[i]) == 0)
			return i;
	}
	return -1;
}

static void
add_key(struct buf *b, const char *key)
{
	buf_addc(b, ',');
	json_add_string(b, key);
	buf_addc(b, ':');
}

static void
add_string_field(struct buf *b, const char *key, const char *value)
{
	add_key(b, key);
	json_add_string(b, value == NULL ? "" : value);
}

static void
add_nullable_field(struct buf *b, const char *key, const char *value)
{
	add_key(b, key);
	if (value == NULL)
		buf_adds(b, "null");
	else
		json_add_string(b, value);
}

static double
finite_seconds(double d)
{
	return !isfinite(d) || d < 0 ? 0 : d;
}

int
result_write(const char *path, const struct result *r, char **cause)
{
	struct buf	b = { 0 };
	int		rc;

	buf_addf(&b, "{\"version\":%d", RESULT_VERSION);
	add_string_field(&b, "id", r->id);
	add_string_field(&b, "outcome", outcome_name(r->outcome));
	add_key(&b, "exit_status");
	if (r->exit_status < 0)
		buf_adds(&b, "null");
	else
		buf_addf(&b, "%d", r->exit_status);
	add_key(&b, "signal");
	if (r->signal <= 0)
		buf_adds(&b, "null");
	else
		buf_addf(&b, "%d", r->signal);
	add_key(&b, "duration");
	buf_addf(&b, "%.3f", finite_seconds(r->duration));
	add_key(&b, "cpu");
	buf_addf(&b, "%.3f", finite_seconds(r->cpu));
	add_key(&b, "tests_seconds");
	if (r->tests_seconds < 0 || !isfinite(r->tests_seconds))
		buf_adds(&b, "null");
	else
		buf_addf(&b, "%.4f", r->tests_seconds);
	add_string_field(&b, "path", r->path);
	add_key(&b, "line");
	buf_addf(&b, "%u", (unsigned)r->line);
	add_key(&b, "col");
	buf_addf(&b, "%u", (unsigned)r->col);
	add_string_field(&b, "operator", r->operator);
	add_string_field(&b, "sha256", r->sha256);
	add_nullable_field(&b, "isolation", r->isolation);
	add_nullable_field(&b, "inputs", r->inputs);
	add_nullable_field(&b, "selection", r->selection);
	add_key(&b, "tests_run");
	if (r->tests_run < 0)
		buf_adds(&b, "null");
	else
		buf_addf(&b, "%d", r->tests_run);
	add_key(&b, "set_aside");
	buf_addf(&b, "%d", r->set_aside);
	add_nullable_field(&b, "killed_by", r->killed_by);
	add_nullable_field(&b, "limit", r->limit);
	add_nullable_field(&b, "mode", r->mode);
	add_nullable_field(&b, "cold_reason", r->cold_reason);
	add_nullable_field(&b, "plan", r->plan);
	add_nullable_field(&b, "host", r->host);
	add_nullable_field(&b, "slurm_job", r->slurm_job);
	add_nullable_field(&b, "slurm_step", r->slurm_step);
	add_nullable_field(&b, "slurm_node", r->slurm_node);
	add_nullable_field(&b, "remote", r->remote);
	add_key(&b, "output");
	json_add_string(&b, r->output == NULL ? "" : r->output);
	buf_adds(&b, "}\n");
	rc = file_write_atomic(path, b.data, b.len, cause);
	buf_free(&b);
	return rc;
}

/* Look up key; fail unless it has the wanted type (or is null, if allowed). */
static const struct json *
field(const char *path, const struct json *top, const char *key,
    enum jv_type type, int nullable, char **cause)
{
	static const char	*what[] = {
		[JV_NULL] = "null", [JV_FALSE] = "a boolean",
		[JV_TRUE] = "a boolean", [JV_NUMBER] = "a number",
		[JV_STRING] = "a string", [JV_ARRAY] = "an array",
		[JV_OBJECT] = "an object",
	};
	const struct json	*v;

	if ((v = json_get(top, key)) == NULL) {
		cause_set(cause, "%s: missing '%s'", path, key);
		return NULL;
	}
	if (v->type == type || (nullable && v->type == JV_NULL))
		return v;
	cause_set(cause, "%s: '%s' is %s, not %s%s", path, key, what[v->type],
	    what[type], nullable ? " or null" : "");
	return NULL;
}

/* An integer field in [lo, hi]; null gives dflt when nullable. */
static int
int_field(const char *path, const struct json *top, const char *key,
    int nullable, double lo, double hi, long long dflt, long long *out,
    char **cause)
{
	const struct json	*v;

	if ((v = field(path, top, key, JV_NUMBER, nullable, cause)) == NULL)
		return -1;
	if (v->type == JV_NULL) {
		*out = dflt;
		return 0;
	}
	if (v->number != floor(v->number) || v->number < lo || v->number > hi)
		return cause_set(cause, "%s: '%s' is not an integer from %.0f "
		    "to %.0f", path, key, lo, hi);
	*out = (long long)v->number;
	return 0;
}

static int
string_field(const char *path, const struct json *top, const char *key,
    char **out, char **cause)
{
	const struct json	*v;

	if ((v = field(path, top, key, JV_STRING, 0, cause)) == NULL)
		return -1;
	*out = xstrdup(v->string);
	return 0;
}

/* An optional string field: absent or null leaves *out NULL. */
static int
opt_string(const char *path, const struct json *top, const char *key,
    char **out, char **cause)
{
	const struct json	*v;

	if ((v = json_get(top, key)) == NULL || v->type == JV_NULL)
		return 0;
	if (v->type != JV_STRING)
		return cause_set(cause, "%s: '%s' is not a string", path, key);
	*out = xstrdup(v->string);
	return 0;
}

int
result_read(const char *path, struct result *r, char **cause)
{
	struct buf		 b = { 0 };
	struct json		*top = NULL;
	const struct json	*v;
	char			*why = NULL, *name = NULL;
	long long		 n;
	int			 o;

	memset(r, 0, sizeof *r);
	r->exit_status = -1;
	r->tests_run = -1;
	r->tests_seconds = -1;
	if (file_read(path, &b, cause) == -1)
		goto fail;
	if ((top = json_parse(b.data, b.len, &why)) == NULL) {
		cause_set(cause, "%s:%s", path, why);
		free(why);
		goto fail;
	}
	if (top->type != JV_OBJECT) {
		cause_set(cause, "%s: not a JSON object", path);
		goto fail;
	}
	if (int_field(path, top, "version", 0, 0, INT_MAX, 0, &n, cause) == -1)
		goto fail;
	if (n < 1 || n > RESULT_VERSION) {
		cause_set(cause, "%s: unsupported version %lld (expected 1 to "
		    "%d)", path, n, RESULT_VERSION);
		goto fail;
	}
	if (string_field(path, top, "id", &r->id, cause) == -1)
		goto fail;
	if (*r->id == '\0') {
		cause_set(cause, "%s: 'id' is empty", path);
		goto fail;
	}
	if (string_field(path, top, "outcome", &name, cause) == -1)
		goto fail;
	if ((o = outcome_parse(name)) == -1) {
		cause_set(cause, "%s: unknown outcome '%s'", path, name);
		goto fail;
	}
	r->outcome = (enum outcome)o;
	if (int_field(path, top, "exit_status", 1, 0, INT_MAX, -1, &n,
	    cause) == -1)
		goto fail;
	r->exit_status = (int)n;
	if (int_field(path, top, "signal", 1, 0, INT_MAX, 0, &n, cause) == -1)
		goto fail;
	r->signal = (int)n;
	if ((v = field(path, top, "duration", JV_NUMBER, 0, cause)) == NULL)
		goto fail;
	if (v->number < 0) {
		cause_set(cause, "%s: 'duration' is negative", path);
		goto fail;
	}
	r->duration = v->number;
	if (string_field(path, top, "path", &r->path, cause) == -1)
		goto fail;
	if (int_field(path, top, "line", 0, 0, UINT32_MAX, 0, &n, cause) == -1)
		goto fail;
	r->line = (uint32_t)n;
	if (int_field(path, top, "col", 0, 0, UINT32_MAX, 0, &n, cause) == -1)
		goto fail;
	r->col = (uint32_t)n;
	if (string_field(path, top, "operator", &r->operator, cause) == -1)
		goto fail;
	if (string_field(path, top, "sha256", &r->sha256, cause) == -1)
		goto fail;
	if (string_field(path, top, "output", &r->output, cause) == -1)
		goto fail;
	/* Optional: absent or null when no test ran, or in version 1. */
	if (opt_string(path, top, "isolation", &r->isolation, cause) == -1 ||
	    opt_string(path, top, "inputs", &r->inputs, cause) == -1 ||
	    opt_string(path, top, "selection", &r->selection, cause) == -1 ||
	    opt_string(path, top, "killed_by", &r->killed_by, cause) == -1 ||
	    opt_string(path, top, "limit", &r->limit, cause) == -1 ||
	    opt_string(path, top, "mode", &r->mode, cause) == -1 ||
	    opt_string(path, top, "cold_reason", &r->cold_reason, cause) == -1 ||
	    opt_string(path, top, "plan", &r->plan, cause) == -1 ||
	    opt_string(path, top, "host", &r->host, cause) == -1 ||
	    opt_string(path, top, "slurm_job", &r->slurm_job, cause) == -1 ||
	    opt_string(path, top, "slurm_step", &r->slurm_step, cause) == -1 ||
	    opt_string(path, top, "slurm_node", &r->slurm_node, cause) == -1 ||
	    opt_string(path, top, "remote", &r->remote, cause) == -1)
		goto fail;
	if (json_get(top, "tests_run") != NULL) {
		if (int_field(path, top, "tests_run", 1, 0, INT_MAX, -1, &n,
		    cause) == -1)
			goto fail;
		r->tests_run = (int)n;
	}
	if (json_get(top, "set_aside") != NULL) {
		if (int_field(path, top, "set_aside", 0, 0, INT_MAX, 0, &n,
		    cause) == -1)
			goto fail;
		r->set_aside = (int)n;
	}
	if ((v = json_get(top, "tests_seconds")) != NULL &&
	    v->type != JV_NULL) {
		if (v->type != JV_NUMBER || v->number < 0) {
			cause_set(cause, "%s: 'tests_seconds' is not a number of "
			    "seconds", path);
			goto fail;
		}
		r->tests_seconds = v->number;
	}
	if ((v = json_get(top, "cpu")) != NULL) {
		if (v->type != JV_NUMBER || v->number < 0) {
			cause_set(cause, "%s: 'cpu' is not a number of seconds",
			    path);
			goto fail;
		}
		r->cpu = v->number;
	}
	free(name);
	json_free(top);
	buf_free(&b);
	return 0;

fail:
	free(name);
	json_free(top);
	buf_free(&b);
	result_clear(r);
	return -1;
}

void
result_clear(struct result *r)
{
	free(r->id);
	free(r->output);
	free(r->path);
	free(r->operator);
	free(r->sha256);
	free(r->isolation);
	free(r->inputs);
	free(r->selection);
	free(r->killed_by);
	free(r->limit);
	free(r->mode);
	free(r->cold_reason);
	free(r->plan);
	free(r->host);
	free(r->slurm_job);
	free(r->slurm_step);
	free(r->slurm_node);
	free(r->remote);
	memset(r, 0, sizeof *r);
	r->exit_status = -1;
	r->tests_run = -1;
	r->tests_seconds = -1;
}
