/* mkgen.c: writing a session's Makefile, one target per mutant. */
#include "config.h"

#include <string.h>

#include "mkgen.h"
#include "util.h"

/*
 * Each source file gets one static pattern rule covering its mutants' result
 * files, so editing the file makes exactly its mutants out of date, and the
 * configuration stamp makes every result out of date when the test command
 * or the time limits change. The recipe and the default goal come from the
 * included static rules (crmake.mk), which are read last because rule
 * prerequisites are expanded as they are read.
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

void
mkgen_text(const struct mkgen *g, struct buf *out)
{
	size_t	i, j, total = 0;

	for (i = 0; i < g->nfiles; i++)
		total += g->files[i].n;
	buf_adds(out, "# Session Makefile written by cr-plan: one target per "
	    "mutant.\n# Run with: make -f THIS_FILE -j N   "
	    "(cr-plan rewrites it; do not edit)\n\n");
	buf_addf(out, "CR_SESSION := %s\n", g->session);
	buf_addf(out, "CR_ROOT := %s\n", g->root);
	buf_addf(out, "CR_RUN_ONE ?= %s\n", g->runner);
	buf_addf(out, "CR_REPORT ?= %s\n", g->reporter);
	buf_addf(out, "CR_COUNT := %zu\n", total);
	buf_adds(out, "CR_RESULTS := $(CR_SESSION)/results\n"
	    "CR_STAMP := $(CR_SESSION)/config.stamp\n\n");
	for (i = 0; i < g->nfiles; i++) {
		const struct mkgen_file *f = &g->files[i];

		if (f->n == 0)
			continue;
		buf_addf(out, "# %s\nCR_F%zu :=", f->path, i);
		for (j = 0; j < f->n; j++)
			buf_addf(out, " \\\n\t%s", f->ids[j]);
		buf_addf(out, "\nCR_MUTANTS += $(CR_F%zu)\n", i);
		buf_addf(out, "$(CR_F%zu:%%=$(CR_RESULTS)/%%.json): "
		    "$(CR_RESULTS)/%%.json: $(CR_ROOT)/%s $(CR_STAMP) | "
		    "$(CR_RESULTS)\n\t$(cr_run)\n\n", i, f->path);
	}
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
