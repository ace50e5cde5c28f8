/* cleanup.h: temporary files and directories removed on exit and on fatal signals. */
#ifndef CR_CLEANUP_H
#define CR_CLEANUP_H

#include <signal.h>

/* Install the exit handler and the SIGINT/SIGTERM/SIGHUP handlers (once). */
void cleanup_init(void);
/* Register a path to remove (recursively if a directory) at exit. */
void cleanup_add(const char *);
/* Forget a registered path (it was renamed or removed). */
void cleanup_forget(const char *);
/* Register a process group to SIGKILL if we are interrupted (0 to clear). */
void cleanup_set_pgid(int);
/* Remove every registered path now; safe to call more than once. */
void cleanup_run(void);
/* Remove a directory tree; returns -1 on the first failure. */
int remove_tree(const char *);

/* The signals that stop a run from outside and that cleanup_init handles. */
void cleanup_stop_signals(sigset_t *);
/* In a child about to exec: default handling of those signals and SIGPIPE. */
void cleanup_default_signals(void);

#endif
