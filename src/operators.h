/* operators.h: the mutation operators: which sites of a Python file they change and how. */
#ifndef CR_OPERATORS_H
#define CR_OPERATORS_H

#include <stddef.h>
#include <stdint.h>

struct mutant_list;

/* Skip reason given to mutants on a line marked "# pragma: no mutate". */
#define OPERATORS_SKIP_PRAGMA "pragma"

/*
 * One parameter set of core/VariableReplacer (cause, and optionally effect)
 * or core/VariableInserter (cause and effect). Each set is an operator
 * instance of its own, numbered apart from the others.
 */
struct operator_param {
	const char	*operator;	/* "core/VariableReplacer" or "core/VariableInserter" */
	const char	*cause;		/* the cause variable, an identifier */
	const char	*effect;	/* the effect variable, or NULL (Replacer only) */
};

/*
 * What to generate. With select NULL, every operator that is not opt-in
 * runs, plus each Variable* operator that has a parameter set; with select,
 * exactly the IDs it accepts (Variable* still need a parameter set). The
 * seed drives the values Variable* mutants choose; a value also depends on
 * the file, the scope and the mutant's index there, so it does not move
 * when unrelated code changes.
 */
struct operator_options {
	int				(*select)(const char *id, void *arg);
	void				*select_arg;
	const struct operator_param	*params;
	size_t				 nparams;
	uint64_t			 seed;
};

/*
 * Parse one file and append every mutant of every operator, in file order
 * (by first byte replaced, then each site's own order), with IDs, positions,
 * scopes and occurrence numbers (Cosmic Ray's, counted in pre-order per
 * operator ID and parameter set) filled in. path is the file's path relative
 * to the project root (it feeds the IDs). Mutants on a line with a
 * "# pragma: no mutate" comment, or inside a statement whose first line has
 * "# pragma: no mutate block", are appended with skip set to
 * OPERATORS_SKIP_PRAGMA. opts may be NULL (the defaults). On a syntax error
 * or a bad parameter set returns -1 with *cause set ("LINE:COL: message" for
 * a syntax error) and appends nothing.
 */
int operators_enumerate_opts(const char *path, const char *src, size_t len,
    const struct operator_options *opts, struct mutant_list *out,
    char **cause);
/* operators_enumerate_opts() with the default options. */
int operators_enumerate(const char *path, const char *src, size_t len,
    struct mutant_list *out, char **cause);
/* Every operator ID, opt-in ones included, sorted; *n gets the count. */
const char *const *operators_all(size_t *n);
/* 1 if an operator runs only when asked for: crmake/... and core/Variable*. */
int operator_is_opt_in(const char *id);
/* 0 if a parameter set is usable, else -1 with *cause. */
int operator_param_check(const struct operator_param *, char **cause);

#endif
