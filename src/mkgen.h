/* mkgen.h: writing a session's Makefile, one target per mutant. */
#ifndef CR_MKGEN_H
#define CR_MKGEN_H

#include <stddef.h>

struct buf;

/* The mutants of one source file, in the order make should build them. */
struct mkgen_file {
	const char	 *path;		/* relative to the project root */
	char		**ids;
	size_t		  n;
};

struct mkgen {
	const char		*session;	/* absolute session directory */
	const char		*root;		/* absolute project root */
	const char		*runner;	/* the cr-run-one to use by default */
	const char		*reporter;	/* the cr-report to use by default */
	const char		*mk;		/* the static rules to include */
	const struct mkgen_file	*files;
	size_t			 nfiles;
};

/* Return 0 if make can name this path in a rule, else -1 with *cause. */
int mkgen_check_path(const char *, char **cause);
/* Write the Makefile text to out. */
void mkgen_text(const struct mkgen *, struct buf *out);
/* Write the Makefile atomically to path. */
int mkgen_write(const char *path, const struct mkgen *, char **cause);

#endif
