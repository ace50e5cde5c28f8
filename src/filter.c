/* filter.c: plan-time filters: which operators run, and which lines changed since a git revision. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "operators.h"
#include "mutant.h"
#include "util.h"

struct filter_regex {
	char		*text;		/* as given */
	int		 exclude;
	regex_t		 re;
};

struct filter_ops {
	struct filter_regex	*v;
	size_t			 n;
	size_t			 nincludes;
};

struct filter_range {
	uint32_t	first, last;
};

/* The changed lines of one file: sorted, disjoint, not adjacent. */
struct filter_file {
	char			*path;
	int			 whole;
	struct filter_range	*v;
	size_t			 n, cap;
};

struct filter_lines {
	struct filter_file	*v;
	size_t			 n;
};

struct filter_ops *
filter_ops_new(void)
{
	return xcalloc(1, sizeof (struct filter_ops));
}

void
filter_ops_free(struct filter_ops *ops)
{
	size_t	i;

	if (ops == NULL)
		return;
	for (i = 0; i < ops->n; i++) {
		free(ops->v[i].text);
		regfree(&ops->v[i].re);
	}
	free(ops->v);
	free(ops);
}

int
filter_ops_add(struct filter_ops *ops, int exclude, const char *regex,
    char **cause)
{
	struct filter_regex	 r;
	char			 msg[256];
	int			 rc;

	if ((rc = regcomp(&r.re, regex, REG_EXTENDED)) != 0) {
		regerror(rc, &r.re, msg, sizeof msg);
		return cause_set(cause, "bad regular expression '%s': %s",
		    regex, msg);
	}
	r.text = xstrdup(regex);
	r.exclude = exclude != 0;
	ops->v = xreallocarray(ops->v, ops->n + 1, sizeof *ops->v);
	ops->v[ops->n++] = r;
	if (!r.exclude)
		ops->nincludes++;
	return 0;
}

/*
 * As Python's re.match: anchored at the start only, so "core/Replace"
 * selects every ID that starts so and "crmake/" the whole extended set.
 * The leftmost match starts at 0 exactly when one does, which anchors the
 * regex without rewriting it (wrapping it in "^(...)" would let a stray
 * parenthesis escape the anchor).
 */
static int
filter_regex_match(const struct filter_regex *r, const char *id)
{
	regmatch_t	m;

	return regexec(&r->re, id, 1, &m, 0) == 0 && m.rm_so == 0;
}

/* The k-th in the order includes first, then excludes. */
static const struct filter_regex *
filter_ops_nth(const struct filter_ops *ops, size_t k)
{
	size_t	i, seen = 0;
	int	pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ops->n; i++) {
			if (ops->v[i].exclude != pass)
				continue;
			if (seen++ == k)
				return &ops->v[i];
		}
	}
	return NULL;
}

const char *
filter_ops_get(const struct filter_ops *ops, size_t k, int *exclude)
{
	const struct filter_regex	*r = filter_ops_nth(ops, k);

	if (r == NULL)
		return NULL;
	if (exclude != NULL)
		*exclude = r->exclude;
	return r->text;
}

int
filter_ops_match(const struct filter_ops *ops, size_t k, const char *id)
{
	const struct filter_regex	*r = filter_ops_nth(ops, k);

	return r != NULL && filter_regex_match(r, id);
}

static int
filter_ops_any(const struct filter_ops *ops, int exclude, const char *id)
{
	size_t	i;

	for (i = 0; i < ops->n; i++) {
		if (ops->v[i].exclude == exclude &&
		    filter_regex_match(&ops->v[i], id))
			return 1;
	}
	return 0;
}

/*
 * Without --operators, the default set runs, and so does a Variable*
 * operator: it only has mutants when given a parameter set, which is asking
 * for it.
 */
static int
default_selected(const char *id)
{
	return !operator_is_opt_in(id) ||
	    strncmp(id, "core/Variable", 13) == 0;
}

enum filter_verdict
filter_ops_check(const struct filter_ops *ops, const char *id)
{
	int	selected;

	if (ops == NULL)
		return default_selected(id) ? FILTER_RUN : FILTER_DROP;
	if (ops->nincludes == 0)
		selected = default_selected(id);
	else
		selected = filter_ops_any(ops, 0, id);
	if (!selected)
		return FILTER_DROP;
	return filter_ops_any(ops, 1, id) ? FILTER_SKIP : FILTER_RUN;
}

struct filter_lines *
filter_lines_new(void)
{
	return xcalloc(1, sizeof (struct filter_lines));
}

void
filter_lines_free(struct filter_lines *fl)
{
	size_t	i;

	if (fl == NULL)
		return;
	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].path);
		free(fl->v[i].v);
	}
	free(fl->v);
	free(fl);
}

static struct filter_file *
filter_lines_find(const struct filter_lines *fl, const char *path)
{
	size_t	i;

	for (i = 0; i < fl->n; i++) {
		if (strcmp(fl->v[i].path, path) == 0)
			return &fl->v[i];
	}
	return NULL;
}

static struct filter_file *
filter_lines_file(struct filter_lines *fl, const char *path)
{
	struct filter_file	*f;

	if ((f = filter_lines_find(fl, path)) != NULL)
		return f;
	fl->v = xreallocarray(fl->v, fl->n + 1, sizeof *fl->v);
	f = &fl->v[fl->n++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	return f;
}

/* Index of the first range that ends at or after line. */
static size_t
filter_file_lower(const struct filter_file *f, uint32_t line)
{
	size_t	lo = 0, hi = f->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->v[mid].last < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
filter_lines_add(struct filter_lines *fl, const char *path, uint32_t first,
    uint32_t last)
{
	struct filter_file	*f;
	size_t			 i, j;

	if (first == 0)
		first = 1;
	if (last < first)
		return;
	f = filter_lines_file(fl, path);
	/* Merge with every range that overlaps or touches [first, last]. */
	i = filter_file_lower(f, first > 1 ? first - 1 : first);
	for (j = i; j < f->n && (last == UINT32_MAX ||
	    f->v[j].first <= last + 1); j++) {
		if (f->v[j].first < first)
			first = f->v[j].first;
		if (f->v[j].last > last)
			last = f->v[j].last;
	}
	if (i == j) {
		if (f->n == f->cap) {
			f->cap = f->cap == 0 ? 8 : f->cap * 2;
			f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
		}
		memmove(f->v + i + 1, f->v + i, (f->n - i) * sizeof *f->v);
		f->n++;
	} else if (j > i + 1) {
		memmove(f->v + i + 1, f->v + j, (f->n - j) * sizeof *f->v);
		f->n -= j - i - 1;
	}
	f->v[i].first = first;
	f->v[i].last = last;
}

void
filter_lines_add_file(struct filter_lines *fl, const char *path)
{
	filter_lines_file(fl, path)->whole = 1;
}

int
filter_lines_touch(const struct filter_lines *fl, const char *path,
    uint32_t line, uint32_t end_line)
{
	const struct filter_file	*f;
	size_t				 i;

	if ((f = filter_lines_find(fl, path)) == NULL)
		return 0;
	if (f->whole)
		return 1;
	if (end_line < line)
		end_line = line;
	i = filter_file_lower(f, line);
	return i < f->n && f->v[i].first <= end_line;
}

void
filter_lines_parse_list(struct filter_lines *fl, const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *nul;

	while (p < end) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			nul = end;
		if (nul > p) {
			char *path = xstrndup(p, (size_t)(nul - p));

			filter_lines_add_file(fl, path);
			free(path);
		}
		p = nul + 1;
	}
}

/* Parse a decimal number at *p; -1 if none or too large. */
static int
parse_u32(const char **p, uint32_t *v)
{
	unsigned long long	n = 0;
	const char		*s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (unsigned long long)(*s - '0');
		if (n > UINT32_MAX)
			return -1;
	}
	*v = (uint32_t)n;
	*p = s;
	return 0;
}

/* "-a[,b] +c[,d] @@": the old and new line counts and the new start. */
static int
parse_hunk(const char *s, uint32_t *oldn, uint32_t *newstart, uint32_t *newn)
{
	uint32_t	oldstart;

	if (*s++ != '-' || parse_u32(&s, &oldstart) == -1)
		return -1;
	*oldn = 1;
	if (*s == ',' && (s++, parse_u32(&s, oldn) == -1))
		return -1;
	if (*s++ != ' ' || *s++ != '+' || parse_u32(&s, newstart) == -1)
		return -1;
	*newn = 1;
	if (*s == ',' && (s++, parse_u32(&s, newn) == -1))
		return -1;
	if (strncmp(s, " @@", 3) != 0)
		return -1;
	return 0;
}

/* Undo git's C-style quoting of a path ("a\tb", octal for other bytes). */
static char *
unquote_c(const char *s)
{
	struct buf	 b = { 0 };
	const char	*p;
	int		 v, k;

	for (p = s + 1; *p != '\0' && *p != '"'; p++) {
		if (*p != '\\') {
			buf_addc(&b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'a': buf_addc(&b, '\a'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'n': buf_addc(&b, '\n'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'v': buf_addc(&b, '\v'); break;
		case '\0':
			p--;
			break;
		default:
			if (*p >= '0' && *p <= '7') {
				for (v = 0, k = 0; k < 3 && *p >= '0' &&
				    *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				p--;
				buf_addc(&b, (char)v);
			} else
				buf_addc(&b, *p);
			break;
		}
	}
	return buf_detach(&b);
}

/*
 * The path of a "+++ " line: "/dev/null", b/PATH, "b/QUOTED" or, for a
 * name with a space, b/PATH followed by a tab. NULL for /dev/null.
 */
static char *
new_path(const char *s, size_t len)
{
	char	*raw, *path, *tab;

	raw = xstrndup(s, len);
	if (raw[0] == '"')
		path = unquote_c(raw);
	else {
		if ((tab = strchr(raw, '\t')) != NULL)
			*tab = '\0';
		path = xstrdup(raw);
	}
	free(raw);
	if (strcmp(path, "/dev/null") == 0) {
		free(path);
		return NULL;
	}
	if (strncmp(path, "b/", 2) == 0)
		memmove(path, path + 2, strlen(path + 2) + 1);
	return path;
}

/*
 * A hunk's body is consumed by its line counts, so a removed line that
 * reads "-- x" ("--- x" in the diff) is never taken for a file header.
 * Only added lines are changed lines: context lines, if any, are counted
 * but not marked, and a pure deletion (+c,0) marks nothing, since no line
 * of the new side changed.
 */
int
filter_lines_parse_diff(struct filter_lines *fl, const char *text, size_t len,
    char **cause)
{
	const char	*p = text, *end = text + len, *nl;
	char		*line, *path = NULL;
	uint32_t	 oldn = 0, newn = 0, cur = 0;
	size_t		 lineno = 0, n;
	int		 rc = 0;

	for (; p < end && rc == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		lineno++;
		if (oldn > 0 || newn > 0) {
			if (n > 0 && p[0] == '\\')
				continue;
			if (n > 0 && p[0] == '-' && oldn > 0)
				oldn--;
			else if (n > 0 && p[0] == '+' && newn > 0) {
				if (path != NULL)
					filter_lines_add(fl, path, cur, cur);
				cur++;
				newn--;
			} else if ((n == 0 || p[0] == ' ') && oldn > 0 &&
			    newn > 0) {
				cur++;
				oldn--;
				newn--;
			} else
				rc = cause_set(cause, "diff line %zu: not in "
				    "the hunk", lineno);
			continue;
		}
		if (n >= 11 && strncmp(p, "diff --git ", 11) == 0) {
			free(path);
			path = NULL;
		} else if (n >= 4 && strncmp(p, "+++ ", 4) == 0) {
			free(path);
			path = new_path(p + 4, n - 4);
		} else if (n >= 3 && strncmp(p, "@@ ", 3) == 0) {
			line = xstrndup(p + 3, n - 3);
			if (parse_hunk(line, &oldn, &cur, &newn) == -1) {
				oldn = newn = 0;
				rc = cause_set(cause, "diff line %zu: bad hunk "
				    "header", lineno);
			}
			free(line);
		}
	}
	if (rc == 0 && (oldn > 0 || newn > 0))
		rc = cause_set(cause, "diff ends inside a hunk");
	free(path);
	return rc;
}

/* Run argv in dir, collecting stdout and stderr; the exit status, or -1. */
static int
filter_run(const char *dir, char *const argv[], struct buf *out,
    struct buf *err, char **cause)
{
	struct pollfd	 pfd[2];
	struct buf	*dest[2] = { out, err };
	char		 chunk[65536];
	pid_t		 pid;
	ssize_t		 r;
	int		 po[2], pe[2], fd, status, open_fds = 2, i;

	if (pipe2(po, O_CLOEXEC) == -1)
		return cause_set(cause, "pipe: %s", strerror(errno));
	if (pipe2(pe, O_CLOEXEC) == -1) {
		close(po[0]);
		close(po[1]);
		return cause_set(cause, "pipe: %s", strerror(errno));
	}
	if ((pid = fork()) == -1) {
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return cause_set(cause, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (chdir(dir) == -1) {
			dprintf(2, "%s: %s\n", dir, strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			r = read(pfd[i].fd, chunk, sizeof chunk);
			if (r > 0)
				buf_add(dest[i], chunk, (size_t)r);
			else if (r == 0 || errno != EINTR) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return cause_set(cause, "waitpid: %s", strerror(errno));
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Run git; its exit status, with the first line it printed to stderr in *msg (caller frees), or -1. */
static int
filter_git(const char *root, char *const argv[], struct buf *out, char **msg,
    char **cause)
{
	struct buf	 err = { 0 };
	const char	*s, *nl;
	int		 status;

	buf_reset(out);
	*msg = NULL;
	status = filter_run(root, argv, out, &err, cause);
	if (status > 0) {
		for (s = buf_str(&err); *s == '\n'; s++)
			;
		nl = strchr(s, '\n');
		*msg = xstrndup(s, nl != NULL ? (size_t)(nl - s) : strlen(s));
	}
	buf_free(&err);
	return status;
}

/* Run git; 0, or -1 with *cause "git WHAT: its message". */
static int
filter_git_ok(const char *root, char *const argv[], struct buf *out,
    char **cause)
{
	char	*msg;
	int	 status;

	if ((status = filter_git(root, argv, out, &msg, cause)) <= 0)
		return status;
	if (*msg == '\0')
		cause_set(cause, "git %s: exit status %d", argv[1], status);
	else
		cause_set(cause, "git %s: %s", argv[1], msg);
	free(msg);
	return -1;
}

/* The commit rev names, as a full object name; NULL with *cause. */
static char *
filter_git_commit(const char *root, const char *rev, char **cause)
{
	struct buf	 out = { 0 };
	char		*spec, *msg = NULL, *commit = NULL;
	int		 status;

	if (*rev == '-' || *rev == '\0') {
		cause_set(cause, "'%s' is not a revision", rev);
		return NULL;
	}
	spec = xasprintf("%s^{commit}", rev);
	{
		char *const argv[] = { "git", "rev-parse", "--verify",
		    "--quiet", "--end-of-options", spec, NULL };

		status = filter_git(root, argv, &out, &msg, cause);
	}
	free(spec);
	if (status == 0) {
		while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
		    out.data[out.len - 1] == '\r'))
			out.data[--out.len] = '\0';
		commit = buf_detach(&out);
	} else if (status > 0 && *msg != '\0')
		cause_set(cause, "git rev-parse: %s", msg);
	else if (status > 0) {
		/* --verify --quiet says nothing about a bad name: ask git why. */
		char *const argv[] = { "git", "rev-parse", (char *)rev, "--",
		    NULL };

		if (filter_git_ok(root, argv, &out, cause) == 0)
			cause_set(cause, "'%s' does not name one commit", rev);
	}
	free(msg);
	buf_free(&out);
	return commit;
}

struct filter_lines *
filter_lines_git(const char *root, const char *rev, char **cause)
{
	struct filter_lines	*fl;
	struct buf		 out = { 0 };
	char			*commit;

	if ((commit = filter_git_commit(root, rev, cause)) == NULL)
		return NULL;
	fl = filter_lines_new();
	{
		char *const argv[] = { "git", "diff", "--no-color",
		    "--no-ext-diff", "--no-textconv", "-U0",
		    "--inter-hunk-context=0", "-M", "--relative",
		    "--src-prefix=a/", "--dst-prefix=b/", "--end-of-options",
		    commit, "--", NULL };

		if (filter_git_ok(root, argv, &out, cause) == -1 ||
		    filter_lines_parse_diff(fl, out.data != NULL ? out.data :
		    "", out.len, cause) == -1)
			goto fail;
	}
	{
		char *const argv[] = { "git", "ls-files", "-z", "--others",
		    "--exclude-standard", NULL };

		if (filter_git_ok(root, argv, &out, cause) == -1)
			goto fail;
		filter_lines_parse_list(fl, out.data != NULL ? out.data : "",
		    out.len);
	}
	buf_free(&out);
	free(commit);
	return fl;
fail:
	buf_free(&out);
	free(commit);
	filter_lines_free(fl);
	return NULL;
}

void
filter_apply(const struct filter *f, const char *path, int excluded,
    struct mutant_list *list, size_t start)
{
	struct mutant	*m;
	uint32_t	 last;
	size_t		 i, j;

	for (i = j = start; i < list->n; i++) {
		m = &list->v[i];
		if (filter_ops_check(f->ops, m->operator) == FILTER_DROP) {
			mutant_clear(m);
			continue;
		}
		if (m->skip != NULL)
			;
		else if (excluded)
			m->skip = xstrdup(FILTER_SKIP_EXCLUDED);
		else if (filter_ops_check(f->ops, m->operator) == FILTER_SKIP)
			m->skip = xstrdup(FILTER_SKIP_OPERATOR);
		else if (f->lines != NULL) {
			/* A range ending at a line's start leaves that line be. */
			last = m->end_line;
			if (m->end_col == 0 && last > m->line && m->end > m->start)
				last--;
			if (!filter_lines_touch(f->lines, path, m->line, last))
				m->skip = xstrdup(f->since_reason != NULL ?
				    f->since_reason : "unchanged");
		}
		if (i != j)
			list->v[j] = *m;
		j++;
	}
	list->n = j;
}
