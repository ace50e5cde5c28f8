/* mkgen.h: writing a session's Makefile, one target per mutant. */
#ifndef CR_MKGEN_H
#define CR_MKGEN_H

#include <stddef.h>

struct buf;

struct mkgen {
	const char		*session;	/* absolute session directory */
	const char		*runner;	/* the cr-run-one to use by default */
	const char		*reporter;	/* the cr-report to use by default */
	const char		*mk;		/* the static rules (crmake.mk), absolute */
	const char *const	*ids;		/* the mutants, in the order make should start them */
	size_t			 n;
};

/*
 * Append s, then tail (plain characters), as one shell word in a Makefile's
 * recipe or variable: as it is if plain, else rebuilt by printf, so that any
 * byte but NUL survives make and the shell. -1, with nothing appended, for
 * an s that ends in a newline and an empty tail: the shell would drop it.
 */
int mkgen_shell_word(struct buf *, const char *s, const char *tail);
/* Write the Makefile text to out. */
void mkgen_text(const struct mkgen *, struct buf *out);
/* Write the Makefile atomically to path. */
int mkgen_write(const char *path, const struct mkgen *, char **cause);

#endif
