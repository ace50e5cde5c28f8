/* diff.c: a unified diff of one mutant against the file it was made from. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

struct line {
	const char	*p;
	size_t		 n;	/* bytes, including the '\n' if there is one */
};

struct lines {
	struct line	*v;
	size_t		 n;
};

/* Split a text into lines; the last one may lack its '\n'. */
static void
lines_split(const char *s, size_t len, struct lines *l)
{
	const char	*nl;
	size_t		 i = 0, cap;

	cap = count_lines(s, len);
	l->v = xreallocarray(NULL, cap == 0 ? 1 : cap, sizeof *l->v);
	l->n = 0;
	while (i < len) {
		nl = memchr(s + i, '\n', len - i);
		l->v[l->n].p = s + i;
		l->v[l->n].n = nl == NULL ? len - i : (size_t)(nl - (s + i)) + 1;
		i += l->v[l->n].n;
		l->n++;
	}
}

static int
line_equal(const struct line *a, const struct line *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* Append one hunk line with its prefix; a line without '\n' gets the marker. */
static void
diff_add_line(struct buf *out, char prefix, const struct line *l)
{
	buf_addc(out, prefix);
	buf_add(out, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		buf_adds(out, "\n\\ No newline at end of file\n");
}

/* Append "-START" or "-START,COUNT" as diff(1) writes a range. */
static void
diff_add_range(struct buf *out, char sign, size_t start, size_t count)
{
	if (count == 1)
		buf_addf(out, "%c%zu", sign, start);
	else
		buf_addf(out, "%c%zu,%zu", sign, start, count);
}

/*
 * Rather than working out which lines the byte range touches (a replacement
 * can add or remove newlines and so merge or split lines), both texts are
 * split into lines and the common leading and trailing lines are dropped: a
 * single contiguous edit leaves exactly the changed lines in between. The
 * common leading lines are first taken only up to the line of start, so among
 * repeated lines (two identical decorators, say) the hunk names the mutated
 * one; what the trailing lines leave is then trimmed from the front.
 */
int
diff_mutant_context(const char *path, const char *src, size_t len,
    uint32_t start, uint32_t end, const char *repl, unsigned context,
    struct buf *out)
{
	struct lines	 a, b;
	struct buf	 mut = { 0 };
	size_t		 pre = 0, suf = 0, first, before, after, i, an, bn;

	if (start > end || end > len)
		return -1;
	buf_add(&mut, src, start);
	buf_adds(&mut, repl);
	buf_add(&mut, src + end, len - end);

	lines_split(src, len, &a);
	lines_split(buf_str(&mut), mut.len, &b);
	first = count_lines(src, start) - (start > 0 && src[start - 1] != '\n');
	while (pre < first && pre < a.n && pre < b.n &&
	    line_equal(&a.v[pre], &b.v[pre]))
		pre++;
	while (suf < a.n - pre && suf < b.n - pre &&
	    line_equal(&a.v[a.n - 1 - suf], &b.v[b.n - 1 - suf]))
		suf++;
	while (pre < a.n - suf && pre < b.n - suf &&
	    line_equal(&a.v[pre], &b.v[pre]))
		pre++;
	an = a.n - pre - suf;
	bn = b.n - pre - suf;
	if (an == 0 && bn == 0)
		goto out;

	before = pre < context ? pre : context;
	after = suf < context ? suf : context;
	buf_addf(out, "--- a/%s\n+++ b/%s\n@@ ", path, path);
	diff_add_range(out, '-', before + an + after == 0 ? pre : pre - before + 1,
	    before + an + after);
	buf_addc(out, ' ');
	diff_add_range(out, '+', before + bn + after == 0 ? pre : pre - before + 1,
	    before + bn + after);
	buf_adds(out, " @@\n");
	for (i = pre - before; i < pre; i++)
		diff_add_line(out, ' ', &a.v[i]);
	for (i = pre; i < pre + an; i++)
		diff_add_line(out, '-', &a.v[i]);
	for (i = pre; i < pre + bn; i++)
		diff_add_line(out, '+', &b.v[i]);
	for (i = pre + an; i < pre + an + after; i++)
		diff_add_line(out, ' ', &a.v[i]);

out:
	free(a.v);
	free(b.v);
	buf_free(&mut);
	return 0;
}

int
diff_mutant(const char *path, const char *src, size_t len, uint32_t start,
    uint32_t end, const char *repl, struct buf *out)
{
	return diff_mutant_context(path, src, len, start, end, repl, 0, out);
}
