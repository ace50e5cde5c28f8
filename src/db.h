/* db.h: the session database: files, mutants, configuration and imported results. */
#ifndef CR_DB_H
#define CR_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct mutant;
struct result;

/* Version of the schema, stored as PRAGMA user_version. */
#define DB_SCHEMA_VERSION 4

/* Which tests a mutant runs. */
enum selection {
	SEL_SUITE,	/* the whole test command: no per-test coverage */
	SEL_ALL,	/* every test, fastest first (module- or class-level code) */
	SEL_TESTS,	/* the tests that execute its lines, fastest first */
	SEL_NONE,	/* no test executes it: outcome no-coverage, never run */
};

/* How a mutant is planned beyond its position: its tests and what its verdict depends on. */
struct mutant_plan {
	enum selection	 sel;
	char		 inputs[65];	/* digest of everything its verdict depends on */
	double		 wall;		/* expected seconds of its run */
	double		 cpu;		/* expected CPU seconds of its run */
	const int64_t	*tests;		/* test row IDs, for SEL_TESTS */
	size_t		 ntests;
	const char	*reduced;	/* codemap_reduce_lines, or NULL */
};

/* A test as planned. */
struct planned_test {
	char		*runner;	/* "pytest" or "unittest" */
	char		*name;		/* its ID for the runner */
	double		 wall;
	double		 cpu;
};

/* A planned mutant as the runner and the reporter need it. */
struct planned {
	char		*id;
	char		*path;		/* relative to the project root */
	char		*sha256;	/* of the file as planned */
	char		*operator;
	uint32_t	 line, col, end_line, end_col;
	uint32_t	 start, end;
	uint32_t	 occurrence;
	char		*replacement;
	char		*scope;
	char		*reduced;	/* the lines its warm run compiles, or NULL */
	char		*skip;		/* NULL unless a filter skipped it */
	enum selection	 sel;
	char		*inputs;	/* digest of what its verdict depends on */
	double		 wall;		/* expected seconds */
	double		 cpu;		/* expected CPU seconds */
};

/* Create a new, empty session database at path (an existing file is replaced). */
struct db *db_create(const char *path, char **cause);
/* Open a session: readonly for the runners; otherwise results.db beside it is attached for results. */
struct db *db_open(const char *path, int readonly, char **cause);
/* Close and free. */
void db_close(struct db *);
/* Start a transaction. */
int db_begin(struct db *, char **cause);
/* Commit the transaction. */
int db_commit(struct db *, char **cause);

/* Set a configuration value. */
int db_config_set(struct db *, const char *key, const char *value, char **cause);
/* Get a configuration value (caller frees), or NULL if unset. */
char *db_config_get(struct db *, const char *key);

/* Record a file an edit of which makes the plan stale (an absolute path). */
int db_source_add(struct db *, const char *path, char **cause);
/* Call fn for every such file, in path order; stops at fn's non-zero, or -1 with *cause at a row it cannot read. */
int db_sources_foreach(struct db *, int (*fn)(const char *path, void *),
    void *, char **cause);
/* Record a planned file with its content; returns its row id, or -1. */
int64_t db_file_add(struct db *, const char *path, const char *sha256,
    const char *content, size_t len, size_t lines, char **cause);
/* Load a file's content as planned (caller frees); NULL if unknown. */
char *db_file_content(struct db *, const char *path, size_t *len);
/* Record a test with its durations and fingerprint; returns its row id, or -1. */
int64_t db_test_add(struct db *, const char *runner, const char *name,
    const char *file, uint32_t line, double wall, double cpu,
    const char *fingerprint, char **cause);
/* Record a mutant of a file added with db_file_add. */
int db_mutant_add(struct db *, int64_t file, const struct mutant *,
    const struct mutant_plan *, char **cause);
/* The tests a mutant runs, fastest first (every test for SEL_ALL); -1 on error. */
int db_mutant_tests(struct db *, const char *id, struct planned_test **,
    size_t *n, char **cause);
/* Free a list of tests. */
void planned_tests_free(struct planned_test *, size_t n);
/* Call fn for every test of the baseline, by file and line; stops at fn's non-zero, or -1 at a row it cannot read. */
int db_tests_foreach(struct db *, int (*fn)(const char *runner,
    const char *name, const char *file, uint32_t line, void *), void *);
/* Load one mutant by ID; returns 0, or -1 with *cause set (unknown ID, or a row a damaged file left without a required value). */
int db_planned_get(struct db *, const char *id, struct planned *, char **cause);
/* Call fn for every mutant in file, position order; stops and returns fn's non-zero value, or -1 at a row it cannot read. */
int db_planned_foreach(struct db *, int (*fn)(const struct planned *, void *), void *);
/*
 * Call fn with the ID and cost of every target (a mutant that is neither
 * skipped nor uncovered), in plan order: one plus the number of tests it
 * runs, which every session of the same plan agrees on, unlike timings.
 */
int db_target_costs(struct db *, int (*fn)(const char *id, double cost, void *),
    void *, char **cause);
/* Free the strings of a planned mutant. */
void planned_clear(struct planned *);

/* Name of a selection ("suite", "all", "tests", "none"). */
const char *selection_name(enum selection);
/* Parse a selection name; -1 if unknown. */
int selection_parse(const char *);

/*
 * Call fn for each (measured file, context, line set) of a coverage.py data
 * file (schema 7); the line set is coverage.py's numbits: bit k of byte n
 * is line 8n+k. Stops at fn's first non-zero return and returns it.
 */
int db_coverage_foreach(const char *path, int (*fn)(const char *file,
    const char *context, const unsigned char *bits, size_t n, void *arg),
    void *arg, char **cause);

/* Store (replace) the result of one mutant. */
int db_result_put(struct db *, const struct result *, char **cause);
/* Load the stored result of a mutant; returns 1 if found, 0 if none, -1 on error. */
int db_result_get(struct db *, const char *id, struct result *, char **cause);

#endif
