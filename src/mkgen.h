/* mkgen.h: writing a session's Makefile, one target per mutant. */
#ifndef CR_MKGEN_H
#define CR_MKGEN_H

#include <stddef.h>

struct buf;

struct mkgen {
	const char		*session;	/* absolute session directory */
	const char		*root;		/* absolute project root */
	const char		*runner;	/* the cr-run-one to use by default */
	const char		*reporter;	/* the cr-report to use by default */
	const char		*mk;		/* the static rules to include */
	const char *const	*ids;		/* the mutants, in the order make should start them */
	size_t			 n;
	const char *const	*sources;	/* absolute paths of the planned files and the tests' */
	size_t			 nsources;
};

/* Return 0 if make can name this path in a rule, else -1 with *cause. */
int mkgen_check_path(const char *, char **cause);
/* Append path as make reads it in a prerequisite list; -1 if make cannot name it (a newline, a backslash, a parenthesis). */
int mkgen_escape(struct buf *, const char *path);
/* Write the Makefile text to out. */
void mkgen_text(const struct mkgen *, struct buf *out);
/* Write the Makefile atomically to path. */
int mkgen_write(const char *path, const struct mkgen *, char **cause);

#endif
