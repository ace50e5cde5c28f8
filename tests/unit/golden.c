/* golden.c: helpers shared by the operator golden tests. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golden.h"
#include "mutant.h"
#include "operators.h"
#include "util.h"

void
golden_enumerate(const char *src, const struct operator_options *o,
    struct mutant_list *l)
{
	char	*cause = NULL;

	if (operators_enumerate_opts("pkg/mod.py", src, strlen(src), o, l,
	    &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
}

char *
golden_render(const char *src, const struct operator_options *o,
    const char *strip, const char *prefix)
{
	struct mutant_list	 l = { 0 };
	struct mutant		*m;
	struct buf		 b = { 0 };
	size_t			 i, n = strlen(strip);

	golden_enumerate(src, o, &l);
	for (i = 0; i < l.n; i++) {
		m = &l.v[i];
		assert_true(strncmp(m->operator, strip, n) == 0);
		if (strncmp(m->operator + n, prefix, strlen(prefix)) != 0)
			continue;
		buf_addf(&b, "%s %u:%u-%u:%u '%s'", m->operator + n, m->line,
		    m->col, m->end_line, m->end_col, m->replacement);
		if (m->skip != NULL)
			buf_addf(&b, " skip=%s", m->skip);
		buf_addc(&b, '\n');
	}
	mutant_list_free(&l);
	return buf_detach(&b);
}

void
golden_check(const char *src, const struct operator_options *o,
    const char *strip, const char *prefix, const char *expected)
{
	char	*got = golden_render(src, o, strip, prefix);

	if (strcmp(got, expected) != 0) {
		print_error("snippet:\n%s\nexpected:\n%s\ngot:\n%s\n", src,
		    expected, got);
		free(got);
		fail();
	}
	free(got);
}

size_t
golden_count(const char *src, const struct operator_options *o,
    const char *strip, const char *prefix)
{
	char	*got = golden_render(src, o, strip, prefix), *p;
	size_t	 n = 0;

	for (p = got; *p != '\0'; p++)
		n += *p == '\n';
	free(got);
	return n;
}

char *
golden_apply(const char *src, const struct operator_options *o,
    const char *strip, const char *op, size_t nth)
{
	struct mutant_list	 l = { 0 };
	char			*out = NULL;
	size_t			 i, n, skip = strlen(strip);

	golden_enumerate(src, o, &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].operator + skip, op) != 0 || nth-- != 0)
			continue;
		out = mutant_splice(src, strlen(src), l.v[i].start, l.v[i].end,
		    l.v[i].replacement, &n);
		break;
	}
	mutant_list_free(&l);
	if (out == NULL)
		fail_msg("no mutant %s in %s", op, src);
	return out;
}
