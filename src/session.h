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
/* Path of the shared byte-code cache directory (PYTHONPYCACHEPREFIX). */
char *session_pycache_dir(const char *dir);
/* Path of the stamp file that changes when the test configuration changes. */
char *session_stamp_path(const char *dir);
/* The cr-run-one that belongs to this program: beside it, else the installed one. */
char *session_find_runner(void);
/* The static rules (crmake.mk) that belong to this program, or NULL. */
char *session_find_mk(void);

#endif
