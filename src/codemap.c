/* codemap.c: where a byte of a Python file sits: its statement, its definition, the file's skeleton. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "codemap.h"
#include "pyast.h"
#include "sha256.h"
#include "util.h"

/*
 * Test selection asks which lines coverage.py must have seen executed for a
 * mutant to be reached: the lines from the first line of its statement
 * (where Python reports a multi-line statement) to its own last line.
 * Incremental planning asks what code a mutant's verdict depends on: its
 * function, and the file with every function left out (the skeleton), so
 * that editing one function changes nothing but that function's digest and
 * blank lines or comments between statements change nothing at all.
 */

struct codemap {
	struct pyast	*t;
};

struct codemap *
codemap_new(const char *src, size_t len, char **cause)
{
	struct codemap	*cm;
	struct pyast	*t;

	if ((t = pyast_parse(src, len, cause)) == NULL)
		return NULL;
	cm = xcalloc(1, sizeof *cm);
	cm->t = t;
	return cm;
}

void
codemap_free(struct codemap *cm)
{
	if (cm == NULL)
		return;
	pyast_free(cm->t);
	free(cm);
}

/* The deepest node whose range holds off (the module if none). */
static int32_t
deepest(const struct pyast *t, uint32_t off)
{
	int32_t	i = 0, c;

	for (;;) {
		for (c = t->v[i].child; c != -1; c = t->v[c].next) {
			if (t->v[c].start <= off && off < t->v[c].end)
				break;
		}
		if (c == -1)
			return i;
		i = c;
	}
}

uint32_t
codemap_stmt_line(const struct codemap *cm, uint32_t off)
{
	const struct pyast	*t = cm->t;
	int32_t			 i;

	for (i = deepest(t, off); i > 0 && !pyast_is_statement(t, i);
	    i = t->v[i].parent)
		;
	return t->v[i].start_row + 1;
}

/* The node to take for a function definition: its decorated_definition if it has one. */
static int32_t
with_decorators(const struct pyast *t, int32_t i)
{
	int32_t	p = t->v[i].parent;

	return p != -1 && t->v[p].kind == PYAST_DECORATED_DEFINITION ? p : i;
}

int
codemap_function(const struct codemap *cm, uint32_t off, int flags,
    uint32_t *start, uint32_t *end)
{
	const struct pyast	*t = cm->t;
	int32_t			 i, body, d, found = -1;

	for (i = deepest(t, off); i > 0; i = t->v[i].parent) {
		if (t->v[i].kind != PYAST_FUNCTION_DEFINITION)
			continue;
		body = pyast_field_child(t, i, PYAST_FIELD_BODY);
		if ((flags & CODEMAP_BODY) && (body == -1 ||
		    off < t->v[body].start || off >= t->v[body].end))
			continue;
		found = i;
		if (!(flags & CODEMAP_OUTERMOST))
			break;
	}
	if (found == -1)
		return -1;
	d = with_decorators(t, found);
	*start = t->v[d].start;
	*end = t->v[d].end;
	return 0;
}

/* Mark rows first to last (0-based) to keep. */
static void
keep_rows(uint8_t *keep, uint32_t first, uint32_t last, uint32_t nrows)
{
	uint32_t	r;

	for (r = first; r <= last && r < nrows; r++)
		keep[r] = 1;
}

/* The rows (0-based) codemap_reduce keeps for off, as a map of t->nlines + 1; NULL if none. */
static uint8_t *
reduce_rows(const struct pyast *t, uint32_t off)
{
	uint8_t		*keep;
	int32_t		 i, outer = -1, body, c;

	/* The outermost function whose body holds off. */
	for (i = deepest(t, off); i > 0; i = t->v[i].parent) {
		if (t->v[i].kind != PYAST_FUNCTION_DEFINITION)
			continue;
		body = pyast_field_child(t, i, PYAST_FIELD_BODY);
		if (body != -1 && off >= t->v[body].start &&
		    off < t->v[body].end)
			outer = i;
		else if (outer != -1)
			break;
	}
	if (outer == -1)
		return NULL;
	keep = xcalloc(t->nlines + 1, 1);
	keep_rows(keep, t->v[outer].start_row, t->v[outer].end_row, t->nlines);
	for (i = t->v[outer].parent; i > 0; i = t->v[i].parent) {
		if (t->v[i].kind != PYAST_CLASS_DEFINITION)
			continue;
		body = pyast_field_child(t, i, PYAST_FIELD_BODY);
		if (body != -1 && t->v[body].start_row > t->v[i].start_row)
			keep_rows(keep, t->v[i].start_row,
			    t->v[body].start_row - 1, t->nlines);
	}
	for (c = t->v[0].child; c != -1; c = t->v[c].next) {
		if (t->v[c].kind == PYAST_FUTURE_IMPORT_STATEMENT)
			keep_rows(keep, t->v[c].start_row, t->v[c].end_row,
			    t->nlines);
	}
	return keep;
}

int
codemap_reduce_lines(const struct codemap *cm, uint32_t off, struct buf *out)
{
	const struct pyast	*t = cm->t;
	uint8_t			*keep;
	uint32_t		 row, first;

	if ((keep = reduce_rows(t, off)) == NULL)
		return -1;
	for (row = 0; row < t->nlines; row++) {
		if (!keep[row])
			continue;
		for (first = row; row + 1 < t->nlines && keep[row + 1]; row++)
			;
		buf_addf(out, "%s%u-%u", out->len > 0 ? "," : "",
		    (unsigned)first + 1, (unsigned)row + 1);
	}
	free(keep);
	return 0;
}

int
codemap_reduce(const struct codemap *cm, uint32_t off, struct buf *out)
{
	struct buf	lines = { 0 };
	char		*cause = NULL;
	int		 rc;

	if (codemap_reduce_lines(cm, off, &lines) == -1)
		return -1;
	rc = codemap_reduce_text(cm->t->src, cm->t->len, buf_str(&lines), 0,
	    0, NULL, 0, out, &cause);
	free(cause);
	buf_free(&lines);
	return rc;
}

/* The 0-based row holding byte off, given the rows' first bytes. */
static size_t
row_of(const size_t *starts, size_t nrows, size_t off)
{
	size_t	lo = 0, hi = nrows;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Where byte off of the text (on a kept row, or a row's first byte) is in the reduced text. */
static size_t
mapped(const size_t *starts, const size_t *outpos, size_t nrows, size_t off)
{
	size_t	row;

	if (off >= starts[nrows])
		return outpos[nrows];
	row = row_of(starts, nrows, off);
	return outpos[row] + (off - starts[row]);
}

int
codemap_reduce_text(const char *src, size_t len, const char *lines,
    uint32_t start, uint32_t end, const char *repl, size_t rlen,
    struct buf *out, char **cause)
{
	const char	*p = lines;
	uint8_t		*keep;
	size_t		*starts, *outpos, nrows = 1, row, rend, i, s, e, n;
	size_t		 base = out->len;
	unsigned long	 a, b;
	char		*q, *tail;
	int		 rc = -1;

	/* Rows as the parser counts them: one more after each newline. */
	for (i = 0; i < len; i++) {
		if (src[i] == '\n')
			nrows++;
	}
	starts = xcalloc(nrows + 1, sizeof *starts);
	for (i = 0, row = 1; i < len; i++) {
		if (src[i] == '\n')
			starts[row++] = i + 1;
	}
	starts[nrows] = len;
	outpos = xcalloc(nrows + 1, sizeof *outpos);
	keep = xcalloc(nrows, 1);
	while (*p != '\0') {
		a = strtoul(p, &q, 10);
		if (q == p || *q != '-') {
			cause_set(cause, "kept lines '%s': a range expected at "
			    "'%s'", lines, p);
			goto out;
		}
		p = q + 1;
		b = strtoul(p, &q, 10);
		if (q == p || a == 0 || b < a || b > nrows) {
			cause_set(cause, "kept lines '%s': lines %lu-%lu are "
			    "not in a text of %zu", lines, a, b, nrows);
			goto out;
		}
		for (row = a - 1; row < b; row++)
			keep[row] = 1;
		if ((*q != ',' && *q != '\0') || (*q == ',' && q[1] == '\0')) {
			cause_set(cause, "kept lines '%s': a range expected "
			    "after '%.*s'", lines, (int)(q - lines), lines);
			goto out;
		}
		p = *q == ',' ? q + 1 : q;
	}
	if (repl != NULL) {
		if (start > end || end > len) {
			cause_set(cause, "bytes %lu-%lu are not in a text of "
			    "%zu", (unsigned long)start, (unsigned long)end,
			    len);
			goto out;
		}
		rend = row_of(starts, nrows, end > start ? end - 1 : start);
		for (row = row_of(starts, nrows, start); row <= rend; row++) {
			if (!keep[row]) {
				cause_set(cause, "line %zu is changed but not "
				    "kept", row + 1);
				goto out;
			}
		}
	}
	/* The text with the other rows left empty; where each row begins in it. */
	for (row = 0; row < nrows; row++) {
		s = starts[row];
		e = starts[row + 1];
		outpos[row] = out->len - base;
		if (keep[row])
			buf_add(out, src + s, e - s);
		else if (e > s && src[e - 1] == '\n')
			buf_addc(out, '\n');
	}
	outpos[nrows] = out->len - base;
	if (repl != NULL) {
		/* Kept rows are whole: a byte on one keeps its distance from the row's start. */
		s = mapped(starts, outpos, nrows, start);
		e = mapped(starts, outpos, nrows, end);
		n = out->len - base - e;
		tail = xmalloc(n + 1);
		if (n > 0)
			memcpy(tail, out->data + base + e, n);
		out->len = base + s;
		buf_add(out, repl, rlen);
		buf_add(out, tail, n);
		free(tail);
	}
	rc = 0;
out:
	free(keep);
	free(outpos);
	free(starts);
	return rc;
}

int
codemap_definition_at(const struct codemap *cm, uint32_t line,
    uint32_t *start, uint32_t *end)
{
	const struct pyast	*t = cm->t;
	uint32_t		 i, row = line - 1;
	int32_t			 d, best = -1;

	if (line == 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (t->v[i].kind != PYAST_FUNCTION_DEFINITION)
			continue;
		d = with_decorators(t, (int32_t)i);
		if (t->v[d].start_row == row) {
			best = d;
			break;
		}
		/* Pre-order: a later holder is nested in an earlier one. */
		if (t->v[d].start_row <= row && row <= t->v[d].end_row)
			best = d;
	}
	if (best == -1)
		return -1;
	*start = t->v[best].start;
	*end = t->v[best].end;
	return 0;
}

static int
skipped(uint32_t start, const uint32_t *skip, size_t nskip)
{
	size_t	k;

	if (skip == NULL)
		return 1;
	for (k = 0; k < nskip; k++) {
		if (skip[k] == start)
			return 1;
	}
	return 0;
}

static void
add_text(struct sha256 *h, const struct pyast *t, uint32_t start, uint32_t end)
{
	sha256_update(h, t->src + start, end - start);
	sha256_update(h, "\n", 1);
}

/* Feed the statements of a module or block, entering class bodies. */
static void
skeleton_block(struct sha256 *h, const struct pyast *t, int32_t block,
    const uint32_t *skip, size_t nskip)
{
	int32_t	c, def, body;

	for (c = t->v[block].child; c != -1; c = t->v[c].next) {
		if ((t->v[c].flags & PYAST_EXTRA) ||
		    !(t->v[c].flags & PYAST_NAMED))
			continue;
		def = c;
		if (t->v[c].kind == PYAST_DECORATED_DEFINITION)
			def = pyast_field_child(t, c, PYAST_FIELD_DEFINITION);
		if (def != -1 && t->v[def].kind == PYAST_FUNCTION_DEFINITION &&
		    skipped(t->v[c].start, skip, nskip))
			continue;
		if (def != -1 && t->v[def].kind == PYAST_CLASS_DEFINITION &&
		    (body = pyast_field_child(t, def, PYAST_FIELD_BODY)) != -1) {
			add_text(h, t, t->v[c].start, t->v[body].start);
			skeleton_block(h, t, body, skip, nskip);
			continue;
		}
		add_text(h, t, t->v[c].start, t->v[c].end);
	}
}

void
codemap_skeleton(const struct codemap *cm, const uint32_t *skip, size_t nskip,
    char hex[65])
{
	struct sha256	h;

	sha256_init(&h);
	skeleton_block(&h, cm->t, 0, skip, nskip);
	sha256_final_hex(&h, hex);
}
