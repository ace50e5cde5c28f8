/* pyhooks.c: the protocol with crmake's Python hooks: a run's environment, the selection, the records. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "pyhooks.h"
#include "util.h"

/*
 * The hooks (python/ in the source tree) are loaded by a sitecustomize.py
 * that PYTHONPATH puts first; the CRMAKE_* variables say what they should
 * do and where their records go. The records are JSON lines, one object
 * each, appended by every Python process the command starts; crmake(7)
 * describes them.
 */

static void
env_add(char ***v, size_t *n, const char *name, const char *value)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xasprintf("%s=%s", name, value);
	(*v)[*n] = NULL;
}

char **
pyhooks_env(const struct pyhooks_spec *s)
{
	const char	*old = getenv("PYTHONPATH");
	char		**v = NULL, *p;
	size_t		  n = 0;

	if (old != NULL && *old != '\0')
		p = xasprintf("%s:%s", s->pydir, old);
	else
		p = xstrdup(s->pydir);
	env_add(&v, &n, "PYTHONPATH", p);
	free(p);
	p = xasprintf("%d", PYHOOKS_PROTOCOL);
	env_add(&v, &n, "CRMAKE_PROTOCOL", p);
	free(p);
	env_add(&v, &n, "CRMAKE_RECORD", s->record);
	if (s->runner != NULL)
		env_add(&v, &n, "CRMAKE_RUNNER", s->runner);
	if (s->select != NULL)
		env_add(&v, &n, "CRMAKE_SELECT", s->select);
	if (s->coverage != NULL)
		env_add(&v, &n, "CRMAKE_COVERAGE", s->coverage);
	if (s->include != NULL)
		env_add(&v, &n, "CRMAKE_COVERAGE_INCLUDE", s->include);
	return v;
}

void
pyhooks_env_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
pyhooks_write_selection(const char *path, const char *const *runners,
    const char *const *ids, size_t n, char **cause)
{
	struct buf	b = { 0 };
	size_t		i;
	int		rc;

	for (i = 0; i < n; i++) {
		buf_adds(&b, "{\"runner\":");
		json_add_string(&b, runners[i]);
		buf_adds(&b, ",\"id\":");
		json_add_string(&b, ids[i]);
		buf_adds(&b, "}\n");
	}
	rc = file_write_atomic(path, b.data != NULL ? b.data : "", b.len,
	    cause);
	buf_free(&b);
	return rc;
}

static const char *
str_of(const struct json *o, const char *key)
{
	const struct json	*v = json_get(o, key);

	return v != NULL && v->type == JV_STRING ? v->string : NULL;
}

static double
num_of(const struct json *o, const char *key)
{
	const struct json	*v = json_get(o, key);

	if (v == NULL || v->type != JV_NUMBER || !isfinite(v->number) ||
	    v->number < 0)
		return 0;
	return v->number;
}

static unsigned
runner_bit(const char *runner)
{
	if (runner == NULL)
		return 0;
	if (strcmp(runner, "pytest") == 0)
		return PYHOOKS_PYTEST;
	if (strcmp(runner, "unittest") == 0)
		return PYHOOKS_UNITTEST;
	return 0;
}

static void
add_test(struct pyhooks_run *r, const struct json *o, const char *runner)
{
	struct pytest_rec	*t;
	const char		*id, *file, *outcome;
	double			 line;
	size_t			 i;

	if ((id = str_of(o, "id")) == NULL)
		return;
	r->runners |= runner_bit(runner);
	outcome = str_of(o, "outcome");
	for (i = 0; i < r->ntests; i++) {
		t = &r->tests[i];
		if (strcmp(t->id, id) == 0 && strcmp(t->runner, runner) == 0) {
			/* The same test run twice: count both runs. */
			t->wall += num_of(o, "wall");
			t->cpu += num_of(o, "cpu");
			if (outcome != NULL && strcmp(outcome, "failed") == 0)
				t->failed = 1;
			return;
		}
	}
	r->tests = xreallocarray(r->tests, r->ntests + 1, sizeof *r->tests);
	t = &r->tests[r->ntests++];
	memset(t, 0, sizeof *t);
	t->runner = xstrdup(runner);
	t->id = xstrdup(id);
	if ((file = str_of(o, "file")) != NULL && *file == '/')
		t->file = xstrdup(file);
	line = num_of(o, "line");
	if (line >= 1 && line < 4294967295.0)
		t->line = (uint32_t)line;
	t->wall = num_of(o, "wall");
	t->cpu = num_of(o, "cpu");
	t->failed = outcome != NULL && strcmp(outcome, "failed") == 0;
}

/* Add s to a list of unique strings. */
static void
add_unique(char ***v, size_t *n, const char *s)
{
	size_t	k;

	for (k = 0; k < *n; k++) {
		if (strcmp((*v)[k], s) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void
add_conftest(struct pyhooks_run *r, const struct json *o)
{
	const struct json	*list = json_get(o, "conftest");
	size_t			 i;

	if (list == NULL || list->type != JV_ARRAY)
		return;
	for (i = 0; i < list->len; i++) {
		if (list->items[i]->type == JV_STRING)
			add_unique(&r->conftest, &r->nconftest,
			    list->items[i]->string);
	}
}

static void
add_result(struct pyhooks_run *r, const struct json *o, size_t nselect)
{
	const struct json	*found = json_get(o, "found"), *v;
	const char		*failed = str_of(o, "failed");
	size_t			 i, k;

	r->results++;
	r->ran += (size_t)num_of(o, "ran");
	if (failed != NULL && r->failed == NULL)
		r->failed = xstrdup(failed);
	if (found == NULL || found->type != JV_ARRAY)
		return;
	for (i = 0; i < found->len; i++) {
		v = found->items[i];
		if (v->type != JV_NUMBER || v->number < 0 ||
		    v->number >= (double)nselect || v->number != floor(v->number))
			continue;
		k = (size_t)v->number;
		if (!r->found[k]) {
			r->found[k] = 1;
			r->nfound++;
		}
	}
}

int
pyhooks_read(const char *path, size_t nselect, struct pyhooks_run *r,
    char **cause)
{
	struct buf	 b = { 0 };
	struct json	*o;
	const char	*type, *runner, *msg, *what;
	char		*line, *next, *why = NULL;
	size_t		 lineno = 0;
	int		 rc = 0;

	memset(r, 0, sizeof *r);
	r->found = xcalloc(nselect > 0 ? nselect : 1, 1);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (file_read(path, &b, cause) == -1)
		return -1;
	for (line = b.data; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else if (line + strlen(line) == b.data + b.len) {
			/* A last line without its newline was cut short. */
			break;
		}
		if (*line == '\0')
			continue;
		if ((o = json_parse(line, strlen(line), &why)) == NULL) {
			rc = cause_set(cause, "%s:%zu:%s", path, lineno, why);
			free(why);
			break;
		}
		type = o->type == JV_OBJECT ? str_of(o, "type") : NULL;
		runner = str_of(o, "runner");
		if (type == NULL)
			;
		else if (strcmp(type, "boot") == 0) {
			r->booted = 1;
			if ((msg = str_of(o, "python")) != NULL && *msg == '/')
				add_unique(&r->pythons, &r->npythons, msg);
		}
		else if (strcmp(type, "runner") == 0) {
			r->runners |= runner_bit(runner);
			add_conftest(r, o);
		} else if (strcmp(type, "test") == 0 && runner_bit(runner))
			add_test(r, o, runner);
		else if (strcmp(type, "result") == 0)
			add_result(r, o, nselect);
		else if (strcmp(type, "error") == 0 && r->error == NULL) {
			what = str_of(o, "what");
			msg = str_of(o, "message");
			r->error = xasprintf("%s: %s", what != NULL ? what :
			    "hook", msg != NULL ? msg : "failed");
		}
		json_free(o);
	}
	buf_free(&b);
	return rc;
}

void
pyhooks_run_free(struct pyhooks_run *r)
{
	size_t	i;

	for (i = 0; i < r->nconftest; i++)
		free(r->conftest[i]);
	free(r->conftest);
	for (i = 0; i < r->npythons; i++)
		free(r->pythons[i]);
	free(r->pythons);
	for (i = 0; i < r->ntests; i++) {
		free(r->tests[i].runner);
		free(r->tests[i].id);
		free(r->tests[i].file);
	}
	free(r->tests);
	free(r->error);
	free(r->found);
	free(r->failed);
	memset(r, 0, sizeof *r);
}
