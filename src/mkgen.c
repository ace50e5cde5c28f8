/* mkgen.c: writing a session's Makefile, one target per mutant. */
#include "config.h"

#include <string.h>

#include "mkgen.h"
#include "util.h"

/*
 * One static pattern rule covers every mutant's result file, whose one
 * prerequisite is the mutant's stamp: cr-plan rewrites a stamp only when
 * what the mutant's verdict depends on has changed (its code, the tests
 * that cover it, the test configuration), so make's own up-to-date check
 * runs exactly the mutants whose inputs changed. The session database is
 * an order-only prerequisite of every target and has the planned files as
 * its own: an edit after planning stops make with a request to plan again
 * (the verdicts would be of code that is no longer there), while planning
 * again, which rewrites the database, makes nothing out of date by itself.
 * The targets are listed
 * longest expected run first, the order in which make -j starts them. The
 * recipe and the default goal come from the included static rules
 * (crmake.mk), which are read last because rule prerequisites are expanded
 * as they are read.
 */

int
mkgen_check_path(const char *path, char **cause)
{
	const char	*p;

	for (p = path; *p != '\0'; p++) {
		if (strchr(" \t\n\r:;#$%*?[]\\=|'\"`", *p) != NULL)
			return cause_set(cause, "'%s': make cannot name a path "
			    "containing '%c'", path, *p == '\n' ? ' ' : *p);
	}
	if (*path == '\0')
		return cause_set(cause, "empty path");
	return 0;
}

int
mkgen_escape(struct buf *out, const char *path)
{
	const char	*p;

	/* A newline cannot be said; a backslash or a parenthesis (an archive member) would be misread. */
	if (strpbrk(path, "\n\\()") != NULL || *path == '\0')
		return -1;
	for (p = path; *p != '\0'; p++) {
		if (*p == '$')
			buf_adds(out, "$$");
		else if (strchr(" \t#:;*?[]|", *p) != NULL) {
			buf_addc(out, '\\');
			buf_addc(out, *p);
		} else
			buf_addc(out, *p);
	}
	return 0;
}

void
mkgen_text(const struct mkgen *g, struct buf *out)
{
	size_t	i;

	buf_adds(out, "# Session Makefile written by cr-plan: one target per "
	    "mutant.\n# Run with: make -f THIS_FILE -j N   "
	    "(cr-plan rewrites it; do not edit)\n\n");
	buf_addf(out, "CR_SESSION := %s\n", g->session);
	buf_addf(out, "CR_ROOT := %s\n", g->root);
	buf_addf(out, "CR_RUN_ONE ?= %s\n", g->runner);
	buf_addf(out, "CR_REPORT ?= %s\n", g->reporter);
	buf_addf(out, "CR_COUNT := %zu\n", g->n);
	buf_adds(out, "CR_RESULTS := $(CR_SESSION)/results\n"
	    "CR_STAMPS := $(CR_SESSION)/stamps\n\n"
	    "# The mutants, longest expected run first.\nCR_MUTANTS :=");
	for (i = 0; i < g->n; i++)
		buf_addf(out, " \\\n\t%s", g->ids[i]);
	buf_adds(out, "\n\n# The planned files: an edit since cr-plan ran "
	    "stops make.\nCR_SOURCES :=");
	for (i = 0; i < g->nsources; i++) {
		buf_adds(out, " \\\n\t");
		if (mkgen_escape(out, g->sources[i]) == -1)
			buf_adds(out, "/dev/null");
	}
	buf_adds(out, "\n\n$(CR_MUTANTS:%=$(CR_RESULTS)/%.json): "
	    "$(CR_RESULTS)/%.json: $(CR_STAMPS)/% | $(CR_RESULTS) "
	    "$(CR_SESSION)/session.db\n\t$(cr_run)\n\n");
	buf_addf(out, "include %s\n", g->mk);
}

int
mkgen_write(const char *path, const struct mkgen *g, char **cause)
{
	struct buf	b = { 0 };
	int		rc;

	mkgen_text(g, &b);
	rc = file_write_atomic(path, b.data, b.len, cause);
	buf_free(&b);
	return rc;
}
