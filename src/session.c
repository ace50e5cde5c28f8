/* session.c: the layout of a session directory and where the installed pieces are. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
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

char *
session_find_mk(void)
{
	const char	*env;
	char		*dir, *p;

	if ((env = getenv("CR_MKDIR")) != NULL && *env != '\0')
		return xasprintf("%s/crmake.mk", env);
	if ((dir = exe_dir()) != NULL) {
		p = xasprintf("%s/../share/crmake/crmake.mk", dir);
		if (access(p, R_OK) == 0) {
			free(dir);
			char *abs = path_absolute(p);
			free(p);
			return abs;
		}
		free(p);
		if (strcmp(dir, ABS_TOP_BUILDDIR) == 0) {
			free(dir);
			return xstrdup(ABS_TOP_SRCDIR "/mk/crmake.mk");
		}
		free(dir);
	}
	p = xstrdup(PKGDATADIR "/crmake.mk");
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/*
 * The hooks are found like the static rules, with CR_PYTHONDIR in place of
 * CR_MKDIR, and checked by their sitecustomize.py.
 */
char *
session_find_python(void)
{
	const char	*env;
	char		*dir, *p, *abs;

	if ((env = getenv("CR_PYTHONDIR")) != NULL && *env != '\0')
		return path_absolute(env);
	if ((dir = exe_dir()) != NULL) {
		p = xasprintf("%s/../share/crmake/python/sitecustomize.py", dir);
		if (access(p, R_OK) == 0) {
			free(p);
			p = xasprintf("%s/../share/crmake/python", dir);
			abs = path_absolute(p);
			free(p);
			free(dir);
			return abs;
		}
		free(p);
		if (strcmp(dir, ABS_TOP_BUILDDIR) == 0) {
			free(dir);
			return path_absolute(ABS_TOP_SRCDIR "/python");
		}
		free(dir);
	}
	p = xstrdup(PKGDATADIR "/python/sitecustomize.py");
	if (access(p, R_OK) == 0) {
		free(p);
		return xstrdup(PKGDATADIR "/python");
	}
	free(p);
	return NULL;
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
		dir = xasprintf("%s/%s.XXXXXX", base, prefix);
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
	char		*dir, *p;

	if ((env = getenv("CR_ELEMENTS")) != NULL && *env != '\0')
		return path_absolute(env);
	if ((dir = exe_dir()) != NULL) {
		p = xasprintf("%s/../share/crmake/mutation-test-elements.js",
		    dir);
		if (access(p, R_OK) == 0) {
			free(dir);
			return p;
		}
		free(p);
		if (strcmp(dir, ABS_TOP_BUILDDIR) == 0) {
			free(dir);
			return xstrdup(ABS_TOP_BUILDDIR
			    "/elements/mutation-test-elements.js");
		}
		free(dir);
	}
	p = xstrdup(PKGDATADIR "/mutation-test-elements.js");
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}
