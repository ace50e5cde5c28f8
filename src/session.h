/* session.h: the layout of a session directory and where the installed pieces are. */
#ifndef CR_SESSION_H
#define CR_SESSION_H

/* Path of the session database in a session directory (caller frees). */
char *session_db_path(const char *dir);
/* Path of the results directory. */
char *session_results_dir(const char *dir);
/* Path of the result file of one mutant. */
char *session_result_path(const char *dir, const char *id);
/* Path of the generated Makefile. */
char *session_makefile_path(const char *dir);
/* Path of the directory of stamp files, one per mutant, that make compares its result with. */
char *session_stamps_dir(const char *dir);
/* Path of the stamp file of one mutant. */
char *session_stamp_path(const char *dir, const char *id);
/*
 * Make a private temporary directory for a run's records (registered for
 * removal at exit): under TMPDIR or /tmp, never inside root, where a run's
 * writes would go to its overlay and be lost. It is named PREFIX.PID.*;
 * those of processes that are gone (killed) are removed first. NULL with
 * *cause on failure.
 */
char *session_tmpdir(const char *root, const char *prefix, char **cause);
/* The cr-run-one that belongs to this program: beside it, else the installed one. */
char *session_find_runner(void);
/* The static rules (crmake.mk) that belong to this program, or NULL. */
char *session_find_mk(void);
/* The directory of crmake's Python hooks that belong to this program, or NULL. */
char *session_find_python(void);
/* The mutation-testing-elements bundle that HTML reports embed, or NULL. */
char *session_find_elements(void);

#endif
