/* operators.h: the mutation operators: which sites of a Python file they change and how. */
#ifndef CR_OPERATORS_H
#define CR_OPERATORS_H

#include <stddef.h>

struct mutant_list;

/*
 * Parse one file and append every mutant of every operator, in file order
 * (by first byte replaced, then each site's own order), with IDs, positions,
 * scopes and occurrence numbers (Cosmic Ray's, counted in pre-order per
 * operator ID) filled in. path is the file's path relative to the project
 * root (it feeds the IDs). On a syntax error returns -1 with *cause set to
 * "LINE:COL: message" and appends nothing.
 */
int operators_enumerate(const char *path, const char *src, size_t len,
    struct mutant_list *out, char **cause);
/* Every operator ID, sorted; *n gets the count. */
const char *const *operators_all(size_t *n);

#endif
