/* mkgen.c: writing a session's Makefile, one target per mutant. */
#include "config.h"

#include <string.h>

#include "mkgen.h"
#include "util.h"

/*
 * The Makefile runs make again inside the session directory, so that every
 * name make itself handles is a plain relative one (results/ID.json,
 * stamps/ID) whatever the session's and the project's paths hold: make
 * cannot name a path with a blank, a newline or a colon, and reads $, #,
 * %, * and ; in its own ways. The paths make does not handle (the session
 * to go to, the programs to run) reach the shell only, as words that
 * printf rebuilds from octal escapes when they are not plain. Whether a
 * planned or test file changed since planning is cr-run-one's check
 * (--check-sources), which names files of any name.
 *
 * One static pattern rule covers every mutant's result file, whose one
 * prerequisite is the mutant's stamp: cr-plan rewrites a stamp only when
 * what the mutant's verdict depends on has changed (its code, the tests
 * that cover it, the test configuration), so make's own up-to-date check
 * runs exactly the mutants whose inputs changed. The targets are listed
 * longest expected run first, the order in which make -j starts them. The
 * recipe and the default goal come from the static rules (crmake.mk),
 * read after this file because rule prerequisites are expanded as they are
 * read.
 */

int
mkgen_shell_word(struct buf *out, const char *s, const char *tail)
{
	size_t	n = strlen(s);

	if (shell_plain(s)) {
		buf_adds(out, s);
		buf_adds(out, tail);
		return 0;
	}
	/* $(...) drops the newlines it ends with. */
	if (*tail == '\0' && n > 0 && s[n - 1] == '\n')
		return -1;
	/* printf's %b turns \0NNN into the byte; nothing else is read in the argument. */
	buf_addf(out, "\"$$(printf '%%b%s' '", tail);
	for (; *s != '\0'; s++) {
		if (*s == '$')
			buf_adds(out, "$$");
		else if (strchr("\\'\n#", *s) != NULL)
			buf_addf(out, "\\0%03o", (unsigned char)*s);
		else
			buf_addc(out, *s);
	}
	buf_adds(out, "')\"");
	return 0;
}

void
mkgen_text(const struct mkgen *g, struct buf *out)
{
	size_t	i;

	buf_adds(out, "# Session Makefile written by cr-plan: one target per "
	    "mutant.\n# Run with: make -f THIS_FILE -j N   "
	    "(cr-plan rewrites it; do not edit)\n\n"
	    "ifneq ($(origin CR_IN_SESSION),command line)\n"
	    "# make runs again in the session directory, where every name it "
	    "handles\n# is a plain one. A result file named as a goal is "
	    "named there by its ID.\n"
	    ".DEFAULT_GOAL := cr-session\n"
	    ".PHONY: cr-session $(MAKECMDGOALS)\n"
	    "cr_goals = $(foreach g,$(MAKECMDGOALS),'$(if $(filter %.json,$(g)),"
	    "results/$(notdir $(g)),$(subst ','\\'',$(g)))')\n"
	    "cr-session:\n\t+@cd ");
	(void)mkgen_shell_word(out, g->session, "/");
	buf_adds(out, " && exec $(MAKE) --no-print-directory -f Makefile -f ");
	(void)mkgen_shell_word(out, g->mk, "");
	buf_adds(out, " CR_IN_SESSION=1 $(cr_goals)\n"
	    "ifneq ($(filter-out cr-session,$(MAKECMDGOALS)),)\n"
	    "$(filter-out cr-session,$(MAKECMDGOALS)): cr-session\n"
	    "endif\n"
	    "else\n");
	/* Programs' paths end in their names. */
	buf_adds(out, "CR_RUN_ONE ?= ");
	(void)mkgen_shell_word(out, g->runner, "");
	buf_adds(out, "\nCR_REPORT ?= ");
	(void)mkgen_shell_word(out, g->reporter, "");
	buf_addf(out, "\nCR_COUNT := %zu\n", g->n);
	/* The session for the shell, absolute: runs started elsewhere (srun) and ps name it. */
	buf_adds(out, "CR_SESSION := ");
	if (mkgen_shell_word(out, g->session, "") == -1)
		(void)mkgen_shell_word(out, g->session, "/.");
	buf_adds(out, "\nCR_RESULTS := results\n"
	    "CR_STAMPS := stamps\n\n"
	    "# The mutants, longest expected run first.\nCR_MUTANTS :=");
	for (i = 0; i < g->n; i++)
		buf_addf(out, " \\\n\t%s", g->ids[i]);
	buf_adds(out, "\n\n$(CR_MUTANTS:%=results/%.json): results/%.json: "
	    "stamps/% | results\n\t$(cr_run)\nendif\n");
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
