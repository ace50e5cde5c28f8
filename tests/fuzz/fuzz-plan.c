/*
 * fuzz-plan.c: libFuzzer target over the planner. The input is a Python
 * source file: parse it, enumerate every mutant, splice each into the text,
 * check the result as a run does (the function's reduced text first, the
 * whole file when that has an error), and hold the planner to what it
 * promises: every mutant inside the file, a reduced text for every mutant
 * in a function body, and never a reduced text that parses where the
 * whole file does not (a run would take an incompetent mutant for a
 * competent one).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codemap.h"
#include "mutant.h"
#include "operators.h"
#include "pyast.h"
#include "util.h"

/* Enough for any real module's function; bigger inputs only slow the search. */
#define MAX_INPUT	(64 * 1024)
/* Mutants checked per input, spread over the file. */
#define MAX_MUTANTS	12

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
broken(const char *what, const struct mutant *m)
{
	fprintf(stderr, "fuzz-plan: %s: %s %s [%u, %u) -> '%s'\n", what,
	    m->operator, m->id, m->start, m->end, m->replacement);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mutant_list	 list = { 0 };
	struct codemap		*cm;
	struct buf		 lines = { 0 }, made = { 0 };
	const char		*src = (const char *)data;
	char			*mutated, *cause = NULL;
	size_t			 i, step, mlen;

	if (size > MAX_INPUT)
		return 0;
	if (operators_enumerate("fuzz.py", src, size, &list, &cause) == -1) {
		free(cause);
		return 0;
	}
	if ((cm = codemap_new(src, size, NULL)) == NULL) {
		if (list.n > 0)
			broken("a file with mutants has no code map", &list.v[0]);
		mutant_list_free(&list);
		return 0;
	}
	step = list.n > MAX_MUTANTS ? list.n / MAX_MUTANTS : 1;
	for (i = 0; i < list.n; i += step) {
		const struct mutant *m = &list.v[i];

		if (m->start > m->end || m->end > size)
			broken("a mutant outside the file", m);
		mutated = mutant_splice(src, size, m->start, m->end,
		    m->replacement, &mlen);
		if (mutated == NULL)
			broken("a mutant that cannot be spliced", m);
		buf_reset(&lines);
		if (codemap_reduce_lines(cm, m->start, &lines) == 0) {
			buf_reset(&made);
			if (codemap_reduce_text(src, size, buf_str(&lines),
			    m->start, m->end, m->replacement,
			    strlen(m->replacement), &made, &cause) == -1) {
				fprintf(stderr, "fuzz-plan: %s\n", cause);
				broken("its reduced lines do not fit", m);
			}
			if (pyast_check(made.data, made.len, NULL) == 0 &&
			    pyast_check(mutated, mlen, NULL) != 0)
				broken("the reduced text parses, the file does "
				    "not", m);
		} else
			pyast_check(mutated, mlen, NULL);
		free(mutated);
	}
	buf_free(&lines);
	buf_free(&made);
	codemap_free(cm);
	mutant_list_free(&list);
	return 0;
}
