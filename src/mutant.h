/* mutant.h: one planned mutation: a byte range of a file and its replacement text. */
#ifndef CR_MUTANT_H
#define CR_MUTANT_H

#include <stddef.h>
#include <stdint.h>

/* Length of a mutant ID: 16 lowercase hex digits. */
#define MUTANT_ID_LEN 16

struct mutant {
	char		 id[MUTANT_ID_LEN + 1];
	char		*operator;	/* e.g. "core/ReplaceBinaryOperator_Add_Sub" */
	uint32_t	 start;		/* first byte replaced */
	uint32_t	 end;		/* one past the last byte replaced */
	char		*replacement;	/* text put in place of [start, end) */
	/*
	 * Where the operator applies: start, or the node it mutates when the
	 * bytes replaced begin before it (a decorator's '@', not the start of
	 * its line). 1-based line, 0-based column in characters.
	 */
	uint32_t	 line;
	uint32_t	 col;
	uint32_t	 end_line;	/* 1-based line of end */
	uint32_t	 end_col;	/* 0-based column of end, in characters */
	uint32_t	 occurrence;	/* index among this operator's sites in the file, pre-order */
	char		*scope;		/* enclosing "Class.method" etc., "" at module level */
	char		*skip;		/* why a filter dropped it, or NULL */
};

struct mutant_list {
	struct mutant	*v;
	size_t		 n;
	size_t		 cap;
};

/* Append a zeroed mutant and return it. */
struct mutant *mutant_list_push(struct mutant_list *);
/* Free every mutant and the list storage. */
void mutant_list_free(struct mutant_list *);
/* Free the strings a mutant owns. */
void mutant_clear(struct mutant *);
/* Return src with [start, end) replaced by repl; *outlen gets the new length. */
char *mutant_splice(const char *src, size_t len, uint32_t start, uint32_t end,
    const char *repl, size_t *outlen);
/* Compute the deterministic ID from the file path, operator, scope and index k. */
void mutant_make_id(char id[MUTANT_ID_LEN + 1], const char *path,
    const char *operator, const char *scope, uint32_t k);

#endif
