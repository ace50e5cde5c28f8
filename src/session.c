/* session.c: the layout of a session directory and where the installed pieces are. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
session_pycache_dir(const char *dir)
{
	return xasprintf("%s/pycache", dir);
}

char *
session_stamp_path(const char *dir)
{
	return xasprintf("%s/config.stamp", dir);
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
