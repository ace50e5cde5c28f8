/* db.h: the session database: files, mutants, configuration and imported results. */
#ifndef CR_DB_H
#define CR_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct mutant;
struct result;

/* Version of the schema, stored as PRAGMA user_version. */
#define DB_SCHEMA_VERSION 1

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
	char		*skip;		/* NULL unless a filter skipped it */
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

/* Record a planned file with its content; returns its row id, or -1. */
int64_t db_file_add(struct db *, const char *path, const char *sha256,
    const char *content, size_t len, size_t lines, char **cause);
/* Load a file's content as planned (caller frees); NULL if unknown. */
char *db_file_content(struct db *, const char *path, size_t *len);
/* Record a mutant of a file added with db_file_add. */
int db_mutant_add(struct db *, int64_t file, const struct mutant *, char **cause);
/* Load one mutant by ID; returns 0, or -1 with *cause set (unknown ID). */
int db_planned_get(struct db *, const char *id, struct planned *, char **cause);
/* Call fn for every mutant in file, position order; stops and returns fn's non-zero value. */
int db_planned_foreach(struct db *, int (*fn)(const struct planned *, void *), void *);
/* Free the strings of a planned mutant. */
void planned_clear(struct planned *);

/* Store (replace) the result of one mutant. */
int db_result_put(struct db *, const struct result *, char **cause);
/* Load the stored result of a mutant; returns 1 if found, 0 if none, -1 on error. */
int db_result_get(struct db *, const char *id, struct result *, char **cause);

#endif
