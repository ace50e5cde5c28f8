/* session.c: the layout of a session directory and where the installed pieces are. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "proctree.h"
#include "session.h"
#include "util.h"

char *
session_db_path(const char *dir)
{
	return xasprintf("%s/session.db", dir);
}

char *
session_results_dir(const char *dir)
{
	return xasprintf("%s/results", dir);
}

char *
session_result_path(const char *dir, const char *id)
{
	return xasprintf("%s/results/%s.json", dir, id);
}

char *
session_makefile_path(const char *dir)
{
	return xasprintf("%s/Makefile", dir);
}

char *
session_stamps_dir(const char *dir)
{
	return xasprintf("%s/stamps", dir);
}

char *
session_stamp_path(const char *dir, const char *id)
{
	return xasprintf("%s/stamps/%s", dir, id);
}

/*
 * Programs run from the build tree find their siblings there; installed ones
 * find them relative to their own directory first (so a DESTDIR or relocated
 * install still works), then at the configured location.
 */
char *
session_find_runner(void)
{
	char	*dir, *p;

	if ((dir = exe_dir()) != NULL) {
		p = xasprintf("%s/cr-run-one", dir);
		free(dir);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return xstrdup(BINDIR "/cr-run-one");
}

/*
 * crmake's data file name (under share/crmake): the one beside the running
 * program's installation, else in_tree when the program runs from the build
 * tree, else the one in PKGDATADIR; NULL if there is none.
 */
static char *
find_data(const char *name, const char *in_tree)
{
	char	*dir, *p, *abs;

	if ((dir = exe_dir()) != NULL) {
		p = xasprintf("%s/../share/crmake/%s", dir, name);
		if (access(p, R_OK) == 0) {
			free(dir);
			abs = path_absolute(p);
			free(p);
			return abs;
		}
		free(p);
		if (strcmp(dir, ABS_TOP_BUILDDIR) == 0) {
			free(dir);
			return xstrdup(in_tree);
		}
		free(dir);
	}
	p = xasprintf("%s/%s", PKGDATADIR, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *
session_find_mk(void)
{
	const char	*env;

	if ((env = getenv("CR_MKDIR")) != NULL && *env != '\0')
		return xasprintf("%s/crmake.mk", env);
	return find_data("crmake.mk", ABS_TOP_SRCDIR "/mk/crmake.mk");
}

/*
 * The hooks are found like the static rules, with CR_PYTHONDIR in place of
 * CR_MKDIR, and checked by their sitecustomize.py.
 */
char *
session_find_python(void)
{
	const char	*env;
	char		*p;

	if ((env = getenv("CR_PYTHONDIR")) != NULL && *env != '\0')
		return path_absolute(env);
	if ((p = find_data("python/sitecustomize.py",
	    ABS_TOP_SRCDIR "/python/sitecustomize.py")) != NULL)
		*strrchr(p, '/') = '\0';
	return p;
}

/*
 * Remove the directories PREFIX.PID.* in base of this user whose process is
 * gone: a process killed by SIGKILL could not remove its own.
 */
static void
sweep_tmpdirs(const char *base, const char *prefix)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	size_t		 n = strlen(prefix);
	char		*end, *path;
	long		 pid;

	if ((d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, n) != 0 || e->d_name[n] != '.')
			continue;
		pid = strtol(e->d_name + n + 1, &end, 10);
		if (*end != '.' || !proctree_gone(pid))
			continue;
		path = xasprintf("%s/%s", base, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == geteuid())
			remove_tree(path);
		free(path);
	}
	closedir(d);
}

char *
session_tmpdir(const char *root, const char *prefix, char **cause)
{
	const char	*bases[3];
	char		*base, *dir;
	size_t		 i;

	bases[0] = getenv("TMPDIR");
	bases[1] = "/tmp";
	bases[2] = "/dev/shm";
	for (i = 0; i < 3; i++) {
		if (bases[i] == NULL || *bases[i] == '\0')
			continue;
		base = path_absolute(bases[i]);
		if (path_inside(base, root)) {
			free(base);
			continue;
		}
		sweep_tmpdirs(base, prefix);
		dir = xasprintf("%s/%s.%ld.XXXXXX", base, prefix,
		    (long)getpid());
		free(base);
		if (mkdtemp(dir) != NULL) {
			cleanup_add(dir);
			return dir;
		}
		cause_set(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	cause_set(cause, "no temporary directory outside the project '%s' "
	    "(set TMPDIR)", root);
	return NULL;
}

char *
session_find_elements(void)
{
	const char	*env;

	if ((env = getenv("CR_ELEMENTS")) != NULL && *env != '\0')
		return path_absolute(env);
	return find_data("mutation-test-elements.js",
	    ABS_TOP_BUILDDIR "/elements/mutation-test-elements.js");
}
