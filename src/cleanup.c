/* cleanup.c: temporary files and directories removed on exit and on fatal signals. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/*
 * Removal at signal time is not strictly async-signal-safe (it walks
 * directories), but the process is about to die anyway and leaving temporary
 * copies behind is worse. CR_KEEP_TEMP keeps everything for debugging.
 */

static char		**paths;
static size_t		  npaths;
static volatile pid_t	  group;
static int		  installed;

int
remove_tree(const char *path)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		*child;
	int		 rc = 0;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
	if ((d = opendir(path)) == NULL) {
		/* A directory we cannot list may still be removable when empty. */
		chmod(path, 0700);
		if ((d = opendir(path)) == NULL)
			return rmdir(path);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, de->d_name);
		if (remove_tree(child) == -1)
			rc = -1;
		free(child);
	}
	closedir(d);
	if (rmdir(path) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

void
cleanup_run(void)
{
	size_t	i;

	if (group > 0)
		kill(-group, SIGKILL);
	if (getenv("CR_KEEP_TEMP") != NULL) {
		npaths = 0;
		return;
	}
	for (i = 0; i < npaths; i++) {
		if (paths[i] != NULL)
			remove_tree(paths[i]);
	}
	npaths = 0;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSTOP (sizeof stop_signals / sizeof *stop_signals)

void
cleanup_stop_signals(sigset_t *set)
{
	size_t	i;

	sigemptyset(set);
	for (i = 0; i < NSTOP; i++)
		sigaddset(set, stop_signals[i]);
}

void
cleanup_default_signals(void)
{
	size_t	i;

	for (i = 0; i < NSTOP; i++)
		signal(stop_signals[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static void
on_signal(int sig)
{
	cleanup_run();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_exit_handler(void)
{
	cleanup_run();
}

void
cleanup_init(void)
{
	struct sigaction	sa;
	size_t			i;

	if (installed)
		return;
	installed = 1;
	atexit(on_exit_handler);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, NULL);
}

void
cleanup_add(const char *path)
{
	sigset_t	set, old;

	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	paths = xreallocarray(paths, npaths + 1, sizeof *paths);
	paths[npaths++] = xstrdup(path);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
cleanup_forget(const char *path)
{
	sigset_t	set, old;
	size_t		i;

	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (i = 0; i < npaths; i++) {
		if (paths[i] != NULL && strcmp(paths[i], path) == 0) {
			free(paths[i]);
			paths[i] = NULL;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
cleanup_set_pgid(int pgid)
{
	group = pgid;
}
