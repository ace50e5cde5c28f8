/* codemap.h: where a byte of a Python file sits: its statement, its definition, the file's skeleton. */
#ifndef CR_CODEMAP_H
#define CR_CODEMAP_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct codemap;

/* Parse a file (the text is borrowed and must outlive the map); NULL with *cause on a syntax error. */
struct codemap *codemap_new(const char *src, size_t len, char **cause);
/* Free a map. */
void codemap_free(struct codemap *);
/* The 1-based first line of the innermost statement or clause holding byte off. */
uint32_t codemap_stmt_line(const struct codemap *, uint32_t off);
/* How codemap_function looks. */
#define CODEMAP_BODY		0x1	/* only a function whose body holds off */
#define CODEMAP_OUTERMOST	0x2	/* the outermost such function, not the innermost */

/*
 * The function definition (its decorators included) holding byte off, as
 * flags say: 0 with its byte range, or -1 if there is none (off is at
 * module or class level).
 */
int codemap_function(const struct codemap *, uint32_t off, int flags,
    uint32_t *start, uint32_t *end);
/*
 * The function definition (decorators included) whose first line is line
 * (1-based), else the innermost one holding the line: 0 with its byte range,
 * or -1 if there is none.
 */
int codemap_definition_at(const struct codemap *, uint32_t line,
    uint32_t *start, uint32_t *end);
/*
 * The text to compile for the outermost function holding byte off in its
 * body, with the same lines: the function itself, the headers of the
 * classes around it and the __future__ imports, every other line left
 * empty. -1 if off is in no function body.
 */
int codemap_reduce(const struct codemap *, uint32_t off, struct buf *out);
/*
 * The lines codemap_reduce keeps, as "first-last,..." (1-based, ascending,
 * apart), so that the text can be made again without a parse. -1 if off is
 * in no function body.
 */
int codemap_reduce_lines(const struct codemap *, uint32_t off,
    struct buf *out);
/*
 * The reduced text of src with only lines (from codemap_reduce_lines) kept,
 * and bytes start to end replaced by repl (no replacement if repl is NULL).
 * -1 with *cause if lines does not fit src, or the bytes replaced are not
 * all on kept lines.
 */
int codemap_reduce_text(const char *src, size_t len, const char *lines,
    uint32_t start, uint32_t end, const char *repl, size_t rlen,
    struct buf *out, char **cause);
/*
 * Digest (64 hex digits) of the file's skeleton: its statements, with class
 * bodies entered, leaving out comments, the space between statements and
 * the function definitions that start at one of the byte offsets in skip
 * (every function definition if skip is NULL).
 */
void codemap_skeleton(const struct codemap *, const uint32_t *skip,
    size_t nskip, char hex[65]);

#endif
