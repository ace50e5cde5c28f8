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

int
codemap_reduce(const struct codemap *cm, uint32_t off, struct buf *out)
{
	const struct pyast	*t = cm->t;
	uint8_t			*keep;
	uint32_t		 row, start, end;
	int32_t			 i, outer = -1, body, c;

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
		return -1;
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
	for (row = 0; row < t->nlines; row++) {
		start = t->lines[row];
		end = row + 1 < t->nlines ? t->lines[row + 1] : (uint32_t)t->len;
		if (keep[row])
			buf_add(out, t->src + start, end - start);
		else if (end > start && t->src[end - 1] == '\n')
			buf_addc(out, '\n');
	}
	free(keep);
	return 0;
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
