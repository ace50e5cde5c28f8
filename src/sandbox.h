/* sandbox.h: running the test command, isolated, with one file replaced and a time limit. */
#ifndef CR_SANDBOX_H
#define CR_SANDBOX_H

#include <stddef.h>

#include "util.h"

enum isolation {
	ISOLATION_AUTO,		/* namespace if possible, else copy */
	ISOLATION_NAMESPACE,	/* private mount (and pid) namespace: overlay, else bind mount */
	ISOLATION_COPY,		/* private copy of the project tree */
	ISOLATION_NONE,		/* no replacement (the baseline run): overlay, else in place */
};

struct run_spec {
	const char	*root;		/* project root: the command's working directory */
	const char	*command;	/* run as /bin/sh -c command */
	const char	*target;	/* file to replace, relative to root; NULL for none (ignored by NONE) */
	const char	*data;		/* its new contents */
	size_t		 len;
	double		 timeout;	/* seconds; 0 for none */
	const char	*pycache;	/* PYTHONPYCACHEPREFIX, or NULL */
	int		 write_bytecode; /* 0 sets PYTHONDONTWRITEBYTECODE=1 */
	enum isolation	 isolation;
	size_t		 tail_max;	/* bytes of output kept (the last ones; 0 keeps none) */
	const char	*exclude;	/* absolute path not to copy in copy mode (the session), or NULL */
};

struct run_result {
	int		 timed_out;
	int		 exit_status;	/* -1 unless the command exited */
	int		 signal;	/* 0 unless killed by a signal */
	double		 duration;	/* wall-clock seconds */
	struct buf	 output;	/* tail of stdout+stderr */
	enum isolation	 used;		/* what isolation was in effect */
	int		 overlay;	/* whether the tree was behind a private overlay */
};

/* Run the command; -1 with *cause only when the tool itself failed. */
int sandbox_run(const struct run_spec *, struct run_result *, char **cause);
/* Free what a run result holds. */
void run_result_free(struct run_result *);
/* Name of an isolation mode ("namespace", ...). */
const char *isolation_name(enum isolation);
/* Parse an isolation name; -1 if unknown. */
int isolation_parse(const char *);

#endif
