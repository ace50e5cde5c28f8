/* diff.h: a unified diff of one mutant against the file it was made from. */
#ifndef CR_DIFF_H
#define CR_DIFF_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Append to out the unified diff (--- a/PATH, +++ b/PATH, one hunk) of the
 * lines changed by replacing [start, end) of src with repl, with no context
 * lines. Returns 0, or -1 if the range is not inside src. An unchanged text
 * appends nothing.
 */
int diff_mutant(const char *path, const char *src, size_t len, uint32_t start,
    uint32_t end, const char *repl, struct buf *out);
/* As diff_mutant, with up to context unchanged lines around the change. */
int diff_mutant_context(const char *path, const char *src, size_t len,
    uint32_t start, uint32_t end, const char *repl, unsigned context,
    struct buf *out);

#endif
