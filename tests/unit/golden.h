/* golden.h: helpers shared by the operator golden tests. */
#ifndef CR_GOLDEN_H
#define CR_GOLDEN_H

#include <stddef.h>

struct mutant_list;
struct operator_options;

/* Enumerate src as "pkg/mod.py"; any error fails the test. */
void golden_enumerate(const char *src, const struct operator_options *,
    struct mutant_list *);
/*
 * The mutants of src whose ID, less strip (which every ID must start with),
 * starts with prefix, one per line: "ID line:col-endline:endcol
 * 'replacement'", and " skip=REASON" if skipped.
 */
char *golden_render(const char *src, const struct operator_options *,
    const char *strip, const char *prefix);
/* Fail, showing both texts, unless golden_render() gives expected. */
void golden_check(const char *src, const struct operator_options *,
    const char *strip, const char *prefix, const char *expected);
/* How many lines golden_render() gives. */
size_t golden_count(const char *src, const struct operator_options *,
    const char *strip, const char *prefix);
/* src with its nth mutant of operator op (less strip) applied; fails if none. */
char *golden_apply(const char *src, const struct operator_options *,
    const char *strip, const char *op, size_t nth);

#endif
