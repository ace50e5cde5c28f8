/* filter.h: plan-time filters: which operators run, and which lines changed since a git revision. */
#ifndef CR_FILTER_H
#define CR_FILTER_H

#include <stddef.h>
#include <stdint.h>

struct mutant_list;

/* Skip reasons recorded in mutants.skip (besides "pragma" and "unchanged since REV"). */
#define FILTER_SKIP_OPERATOR	"operator filter"
#define FILTER_SKIP_EXCLUDED	"excluded module"

/* What becomes of an operator's mutants. */
enum filter_verdict {
	FILTER_DROP,		/* not selected: neither planned nor recorded */
	FILTER_RUN,		/* planned */
	FILTER_SKIP,		/* selected, then excluded: recorded as skipped */
};

struct filter_ops;
struct filter_lines;

/* Everything a file's mutants are filtered by. */
struct filter {
	const struct filter_ops		*ops;		/* NULL: the default set */
	const struct filter_lines	*lines;		/* NULL: every line counts */
	const char			*since_reason;	/* "unchanged since REV" */
};

/* An empty operator selection: the default set, nothing excluded. */
struct filter_ops *filter_ops_new(void);
/* Free a selection. */
void filter_ops_free(struct filter_ops *);
/* Add an --operators (exclude 0) or --exclude-operators (exclude 1) regex, matched from the ID's start; -1 with *cause if bad. */
int filter_ops_add(struct filter_ops *, int exclude, const char *regex,
    char **cause);
/* The k-th regex as given (includes, then excludes), or NULL past the last; *exclude tells its list. */
const char *filter_ops_get(const struct filter_ops *, size_t k, int *exclude);
/* 1 if the k-th regex matches the operator ID. */
int filter_ops_match(const struct filter_ops *, size_t k, const char *id);
/* What the selection does to an operator's mutants. */
enum filter_verdict filter_ops_check(const struct filter_ops *, const char *id);

/* An empty set of changed lines. */
struct filter_lines *filter_lines_new(void);
/* Free a set of changed lines. */
void filter_lines_free(struct filter_lines *);
/* Mark lines first to last (1-based, inclusive) of path as changed. */
void filter_lines_add(struct filter_lines *, const char *path, uint32_t first,
    uint32_t last);
/* Mark every line of path as changed (a new file). */
void filter_lines_add_file(struct filter_lines *, const char *path);
/* Add the new side's lines of git diff -U0 output (prefixes a/ and b/); -1 with *cause if malformed. */
int filter_lines_parse_diff(struct filter_lines *, const char *text,
    size_t len, char **cause);
/* Mark every file of a NUL-separated list (git ls-files -z) as new. */
void filter_lines_parse_list(struct filter_lines *, const char *text,
    size_t len);
/* 1 if a changed line of path lies in [line, end_line]. */
int filter_lines_touch(const struct filter_lines *, const char *path,
    uint32_t line, uint32_t end_line);
/* The lines of the working tree under root changed since rev, untracked files included; NULL with *cause. */
struct filter_lines *filter_lines_git(const char *root, const char *rev,
    char **cause);

/*
 * Filter the mutants of one file, list->v[start] onwards: drop those of
 * unselected operators and give the others their skip reason, keeping one
 * already set: excluded module, then operator filter, then unchanged lines.
 */
void filter_apply(const struct filter *, const char *path, int excluded,
    struct mutant_list *, size_t start);

#endif
