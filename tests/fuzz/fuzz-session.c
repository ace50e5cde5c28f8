/*
 * fuzz-session.c: libFuzzer target over what a run reads from the session
 * database besides SQLite's own format: a planned mutant's reduced-line
 * list, its byte range and its replacement, against the file's text. The
 * input is "LINES\nSTART END\nREPLACEMENT\n" then the source. Whatever the
 * rows say, cr-run-one splices or refuses, and makes the reduced text or
 * says why, never reading or writing out of bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codemap.h"
#include "mutant.h"
#include "pyast.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The next line of [*p, end) as a new string; NULL at the end. */
static char *
next_line(const char **p, const char *end)
{
	const char	*nl;
	char		*s;

	if (*p >= end)
		return NULL;
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		nl = end;
	s = xstrndup(*p, (size_t)(nl - *p));
	*p = nl < end ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size;
	char		*lines, *range, *repl, *mutated, *cause = NULL;
	unsigned long	 start = 0, stop = 0;
	struct buf	 made = { 0 };
	size_t		 mlen;

	if (size > 64 * 1024)
		return 0;
	if ((lines = next_line(&p, end)) == NULL)
		return 0;
	if ((range = next_line(&p, end)) == NULL) {
		free(lines);
		return 0;
	}
	if ((repl = next_line(&p, end)) == NULL)
		repl = xstrdup("");
	sscanf(range, "%lu %lu", &start, &stop);
	if (start > UINT32_MAX)
		start = UINT32_MAX;
	if (stop > UINT32_MAX)
		stop = UINT32_MAX;
	mutated = mutant_splice(p, (size_t)(end - p), (uint32_t)start,
	    (uint32_t)stop, repl, &mlen);
	if (mutated != NULL) {
		if (start > stop || stop > (size_t)(end - p))
			abort();
		pyast_check(mutated, mlen, NULL);
		free(mutated);
	}
	if (codemap_reduce_text(p, (size_t)(end - p), lines, (uint32_t)start,
	    (uint32_t)stop, repl, strlen(repl), &made, &cause) == 0)
		pyast_check(made.data, made.len, NULL);
	else if (cause == NULL)
		abort();
	free(cause);
	buf_free(&made);
	free(lines);
	free(range);
	free(repl);
	return 0;
}
