/* db.c: the session database (SQLite): files, mutants, configuration and results. */
#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "mutant.h"
#include "result.h"
#include "util.h"

/* The end of the message for a row without a value the schema requires. */
#define DAMAGED "; the file is damaged, run cr-plan again"

/*
 * cr-plan writes the plan (session.db) once; the runners then only read it,
 * possibly many at a time and over a network file system, so they open it
 * immutable: no locks, no journal. Nothing writes it again until the next
 * cr-plan, which replaces it by rename. Results imported by cr-report go to
 * a second database beside it (results.db), attached when the session is
 * opened for writing, so a report taken during a run cannot disturb a runner.
 */

struct db {
	sqlite3		*h;
	sqlite3_stmt	*file_add;
	sqlite3_stmt	*test_add;
	sqlite3_stmt	*mutant_add;
	sqlite3_stmt	*mutant_test_add;
	sqlite3_stmt	*result_put;
};

static const char schema[] =
    "CREATE TABLE config ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    "CREATE TABLE files ("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL UNIQUE,"
    "  sha256 TEXT NOT NULL,"
    "  lines INTEGER NOT NULL,"
    "  content BLOB NOT NULL);"
    "CREATE TABLE tests ("
    "  id INTEGER PRIMARY KEY,"
    "  runner TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  file TEXT,"
    "  line INTEGER,"
    "  wall REAL NOT NULL,"
    "  cpu REAL NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  UNIQUE (runner, name));"
    "CREATE TABLE mutants ("
    "  id TEXT NOT NULL UNIQUE,"
    "  file_id INTEGER NOT NULL REFERENCES files(id),"
    "  operator TEXT NOT NULL,"
    "  occurrence INTEGER NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  reduced TEXT,"
    "  line INTEGER NOT NULL,"
    "  col INTEGER NOT NULL,"
    "  end_line INTEGER NOT NULL,"
    "  end_col INTEGER NOT NULL,"
    "  start_byte INTEGER NOT NULL,"
    "  end_byte INTEGER NOT NULL,"
    "  replacement TEXT NOT NULL,"
    "  skip TEXT,"
    "  selection TEXT NOT NULL,"
    "  inputs TEXT NOT NULL,"
    "  wall REAL NOT NULL,"
    "  cpu REAL NOT NULL);"
    "CREATE INDEX mutants_file ON mutants(file_id);"
    "CREATE TABLE mutant_tests ("
    "  mutant INTEGER NOT NULL,"
    "  test INTEGER NOT NULL REFERENCES tests(id));"
    "CREATE INDEX mutant_tests_mutant ON mutant_tests(mutant);"
    "CREATE TABLE sources ("
    "  path TEXT PRIMARY KEY);";

static const char *selection_names[] = {
	[SEL_SUITE] = "suite",
	[SEL_ALL] = "all",
	[SEL_TESTS] = "tests",
	[SEL_NONE] = "none",
};

/* The results are derived from the result files: an older layout is dropped. */
#define RESULTS_SCHEMA_VERSION 2
static const char results_schema[] =
    "CREATE TABLE res.results ("
    "  mutant_id TEXT PRIMARY KEY,"
    "  outcome TEXT NOT NULL,"
    "  exit_status INTEGER,"
    "  signal INTEGER,"
    "  duration REAL,"
    "  output TEXT,"
    "  inputs TEXT,"
    "  killed_by TEXT,"
    "  tests_run INTEGER);";

static char *column_text(sqlite3_stmt *, int);

static int
db_error(struct db *db, char **cause, const char *what)
{
	return cause_set(cause, "%s: %s", what, sqlite3_errmsg(db->h));
}

static int
db_exec(struct db *db, const char *sql, char **cause)
{
	char	*msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		cause_set(cause, "session database: %s", msg != NULL ? msg :
		    sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static struct db *
db_new(sqlite3 *h)
{
	struct db	*db = xcalloc(1, sizeof *db);

	db->h = h;
	sqlite3_busy_timeout(h, 10000);
	return db;
}

struct db *
db_create(const char *path, char **cause)
{
	struct db	*db;
	sqlite3		*h;
	char		*sql, *journal;

	if (unlink(path) == -1 && errno != ENOENT) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	journal = xasprintf("%s-journal", path);
	unlink(journal);
	free(journal);
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		cause_set(cause, "%s: %s", path, h != NULL ?
		    sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
		return NULL;
	}
	db = db_new(h);
	/* A new session is written under a temporary name and renamed. */
	sql = xasprintf("PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"
	    "%s PRAGMA user_version=%d;", schema, DB_SCHEMA_VERSION);
	if (db_exec(db, sql, cause) == -1) {
		free(sql);
		db_close(db);
		return NULL;
	}
	free(sql);
	return db;
}

/* A file: URI for a path, escaping the characters URIs reserve. */
static char *
db_uri(const char *path, const char *query)
{
	struct buf	 b = { 0 };
	const char	*p;

	buf_adds(&b, "file:");
	for (p = path; *p != '\0'; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			buf_addf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&b, *p);
	}
	buf_addf(&b, "?%s", query);
	return buf_detach(&b);
}

/* Attach the results database beside the plan, creating it if needed. */
static int
db_attach_results(struct db *db, const char *path, char **cause)
{
	sqlite3_stmt	*st;
	char		*dir, *slash, *rpath, *uri, *sql;
	int		 rc, version;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	rpath = slash != NULL ? xasprintf("%s/results.db", dir) :
	    xstrdup("results.db");
	uri = db_uri(rpath, "mode=rwc");
	free(dir);
	rc = sqlite3_prepare_v2(db->h, "ATTACH DATABASE ? AS res", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
	}
	free(uri);
	if (rc != SQLITE_OK) {
		db_error(db, cause, rpath);
		free(rpath);
		return -1;
	}
	free(rpath);
	version = -1;
	if (sqlite3_prepare_v2(db->h, "PRAGMA res.user_version", -1, &st,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (version == RESULTS_SCHEMA_VERSION)
		return 0;
	sql = xasprintf("BEGIN; DROP TABLE IF EXISTS res.results; %s "
	    "PRAGMA res.user_version=%d; COMMIT;", results_schema,
	    RESULTS_SCHEMA_VERSION);
	rc = db_exec(db, sql, cause);
	free(sql);
	return rc;
}

struct db *
db_open(const char *path, int readonly, char **cause)
{
	struct db	*db;
	sqlite3		*h = NULL;
	sqlite3_stmt	*st;
	char		*uri;
	int		 version = -1, rc;

	if (access(path, F_OK) == -1) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* The plan is never written after cr-plan: immutable either way. */
	uri = db_uri(path, "mode=ro&immutable=1");
	rc = sqlite3_open_v2(uri, &h, (readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		cause_set(cause, "%s: %s", path, h != NULL ?
		    sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
		return NULL;
	}
	db = db_new(h);
	if (sqlite3_prepare_v2(h, "PRAGMA main.user_version", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (version == -1) {
		cause_set(cause, "%s: not a session database", path);
		db_close(db);
		return NULL;
	}
	if (version != DB_SCHEMA_VERSION) {
		cause_set(cause, "%s: session schema version %d, this crmake "
		    "reads version %d; run cr-plan again", path, version,
		    DB_SCHEMA_VERSION);
		db_close(db);
		return NULL;
	}
	if (!readonly && db_attach_results(db, path, cause) == -1) {
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_finalize(db->file_add);
	sqlite3_finalize(db->test_add);
	sqlite3_finalize(db->mutant_add);
	sqlite3_finalize(db->mutant_test_add);
	sqlite3_finalize(db->result_put);
	sqlite3_close(db->h);
	free(db);
}

int
db_begin(struct db *db, char **cause)
{
	return db_exec(db, "BEGIN", cause);
}

int
db_commit(struct db *db, char **cause)
{
	return db_exec(db, "COMMIT", cause);
}

static int
prepare(struct db *db, sqlite3_stmt **st, const char *sql, char **cause)
{
	if (*st != NULL) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return 0;
	}
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(db, cause, "session database");
	return 0;
}

/* Run one statement with one or two text parameters (b NULL for one). */
static int
insert_texts(struct db *db, const char *sql, const char *a, const char *b,
    char **cause)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (prepare(db, &st, sql, cause) == -1)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, cause, "session database");
	return 0;
}

int
db_config_set(struct db *db, const char *key, const char *value, char **cause)
{
	return insert_texts(db, "INSERT OR REPLACE INTO config(key, value) "
	    "VALUES (?, ?)", key, value, cause);
}

int
db_source_add(struct db *db, const char *path, char **cause)
{
	return insert_texts(db, "INSERT OR IGNORE INTO sources(path) VALUES "
	    "(?)", path, NULL, cause);
}

int
db_sources_foreach(struct db *db, int (*fn)(const char *path, void *),
    void *arg, char **cause)
{
	sqlite3_stmt	*st = NULL;
	const char	*path;
	int		 rc = 0, step = SQLITE_DONE;

	if (prepare(db, &st, "SELECT path FROM sources ORDER BY path",
	    cause) == -1)
		return -1;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((path = (const char *)sqlite3_column_text(st, 0)) == NULL) {
			rc = cause_set(cause, "a planned file without a "
			    "path" DAMAGED);
			break;
		}
		rc = fn(path, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(db, cause, "session database");
	sqlite3_finalize(st);
	return rc;
}

char *
db_config_get(struct db *db, const char *key)
{
	sqlite3_stmt	*st;
	char		*value = NULL;

	if (sqlite3_prepare_v2(db->h, "SELECT value FROM config WHERE key = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		value = column_text(st, 0);
	sqlite3_finalize(st);
	return value;
}

int64_t
db_file_add(struct db *db, const char *path, const char *sha256,
    const char *content, size_t len, size_t lines, char **cause)
{
	sqlite3_stmt	*st;

	if (prepare(db, &db->file_add, "INSERT INTO files(path, sha256, lines, "
	    "content) VALUES (?, ?, ?, ?)", cause) == -1)
		return -1;
	st = db->file_add;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)lines);
	sqlite3_bind_blob64(st, 4, content, len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(db, cause, path);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return sqlite3_last_insert_rowid(db->h);
}

char *
db_file_content(struct db *db, const char *path, size_t *len)
{
	sqlite3_stmt	*st;
	char		*content = NULL;
	int		 n;

	if (sqlite3_prepare_v2(db->h, "SELECT content FROM files WHERE "
	    "path = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_bytes(st, 0);
		content = xmalloc((size_t)n + 1);
		if (n > 0)
			memcpy(content, sqlite3_column_blob(st, 0), (size_t)n);
		content[n] = '\0';
		*len = (size_t)n;
	}
	sqlite3_finalize(st);
	return content;
}

int64_t
db_test_add(struct db *db, const char *runner, const char *name,
    const char *file, uint32_t line, double wall, double cpu,
    const char *fingerprint, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (prepare(db, &db->test_add, "INSERT INTO tests(runner, name, file, "
	    "line, wall, cpu, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    cause) == -1)
		return -1;
	st = db->test_add;
	sqlite3_bind_text(st, 1, runner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (file != NULL)
		sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
	if (line > 0)
		sqlite3_bind_int64(st, 4, line);
	sqlite3_bind_double(st, 5, wall);
	sqlite3_bind_double(st, 6, cpu);
	sqlite3_bind_text(st, 7, fingerprint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return cause_set(cause, "test '%s' recorded twice", name);
	if (rc != SQLITE_DONE)
		return db_error(db, cause, "session database");
	return sqlite3_last_insert_rowid(db->h);
}

int
db_mutant_add(struct db *db, int64_t file, const struct mutant *m,
    const struct mutant_plan *mp, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 row;
	size_t		 i;
	int		 rc;

	if (prepare(db, &db->mutant_add, "INSERT INTO mutants(id, file_id, "
	    "operator, occurrence, scope, line, col, end_line, end_col, "
	    "start_byte, end_byte, replacement, skip, selection, inputs, wall, "
	    "cpu, reduced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)",
	    cause) == -1)
		return -1;
	st = db->mutant_add;
	sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, file);
	sqlite3_bind_text(st, 3, m->operator, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, m->occurrence);
	sqlite3_bind_text(st, 5, m->scope != NULL ? m->scope : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, m->line);
	sqlite3_bind_int64(st, 7, m->col);
	sqlite3_bind_int64(st, 8, m->end_line);
	sqlite3_bind_int64(st, 9, m->end_col);
	sqlite3_bind_int64(st, 10, m->start);
	sqlite3_bind_int64(st, 11, m->end);
	sqlite3_bind_text(st, 12, m->replacement, -1, SQLITE_STATIC);
	if (m->skip != NULL)
		sqlite3_bind_text(st, 13, m->skip, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	sqlite3_bind_text(st, 14, selection_name(mp->sel), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, mp->inputs, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 16, mp->wall);
	sqlite3_bind_double(st, 17, mp->cpu);
	if (mp->reduced != NULL)
		sqlite3_bind_text(st, 18, mp->reduced, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 18);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return cause_set(cause, "mutant ID %s is not unique", m->id);
	if (rc != SQLITE_DONE)
		return db_error(db, cause, "session database");
	if (mp->sel != SEL_TESTS)
		return 0;
	row = sqlite3_last_insert_rowid(db->h);
	for (i = 0; i < mp->ntests; i++) {
		if (prepare(db, &db->mutant_test_add, "INSERT INTO "
		    "mutant_tests(mutant, test) VALUES (?, ?)", cause) == -1)
			return -1;
		st = db->mutant_test_add;
		sqlite3_bind_int64(st, 1, row);
		sqlite3_bind_int64(st, 2, mp->tests[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_error(db, cause, "session database");
	}
	return 0;
}

int
db_mutant_tests(struct db *db, const char *id, struct planned_test **out,
    size_t *n, char **cause)
{
	sqlite3_stmt	*st;
	struct planned_test *v = NULL;
	size_t		 cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT t.runner, t.name, t.wall, t.cpu "
	    "FROM mutants m JOIN tests t ON (m.selection = 'all' OR t.id IN "
	    "(SELECT test FROM mutant_tests WHERE mutant = m.rowid)) "
	    "WHERE m.id = ? ORDER BY t.wall, t.runner, t.name", -1, &st,
	    NULL) != SQLITE_OK)
		return db_error(db, cause, "session database");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[*n].runner = column_text(st, 0);
		v[*n].name = column_text(st, 1);
		v[*n].wall = sqlite3_column_double(st, 2);
		v[*n].cpu = sqlite3_column_double(st, 3);
		(*n)++;
		if (v[*n - 1].runner == NULL || v[*n - 1].name == NULL)
			break;
	}
	if (rc == SQLITE_ROW)
		cause_set(cause, "session database: a test of mutant '%s' has "
		    "no %s" DAMAGED, id,
		    v[*n - 1].runner == NULL ? "runner" : "name");
	else if (rc != SQLITE_DONE)
		db_error(db, cause, "session database");
	sqlite3_finalize(st);
	*out = v;
	if (rc != SQLITE_DONE) {
		planned_tests_free(v, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
planned_tests_free(struct planned_test *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].runner);
		free(v[i].name);
	}
	free(v);
}

const char *
selection_name(enum selection s)
{
	if ((unsigned)s >= sizeof selection_names / sizeof *selection_names)
		return "unknown";
	return selection_names[s];
}

int
selection_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof selection_names / sizeof *selection_names; i++) {
		if (strcmp(s, selection_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

int
db_coverage_foreach(const char *path, int (*fn)(const char *,
    const char *, const unsigned char *, size_t, void *), void *arg,
    char **cause)
{
	sqlite3		*h = NULL;
	sqlite3_stmt	*st;
	char		*uri;
	int		 rc, version = -1;

	uri = db_uri(path, "mode=ro");
	rc = sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		cause_set(cause, "%s: %s", path, h != NULL ? sqlite3_errmsg(h) :
		    "cannot open");
		sqlite3_close(h);
		return -1;
	}
	if (sqlite3_prepare_v2(h, "SELECT version FROM coverage_schema", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (version != 7) {
		if (version == -1)
			cause_set(cause, "%s: not a coverage.py data file", path);
		else
			cause_set(cause, "%s: coverage.py data schema %d, this "
			    "crmake reads schema 7", path, version);
		sqlite3_close(h);
		return -1;
	}
	if (sqlite3_prepare_v2(h, "SELECT f.path, c.context, l.numbits FROM "
	    "line_bits l JOIN file f ON f.id = l.file_id JOIN context c ON "
	    "c.id = l.context_id", -1, &st, NULL) != SQLITE_OK) {
		cause_set(cause, "%s: %s", path, sqlite3_errmsg(h));
		sqlite3_close(h);
		return -1;
	}
	rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);
		const char *c = (const char *)sqlite3_column_text(st, 1);
		const void *bits = sqlite3_column_blob(st, 2);
		int n = sqlite3_column_bytes(st, 2);

		if (f == NULL)
			continue;
		rc = fn(f, c != NULL ? c : "", bits, bits != NULL && n > 0 ?
		    (size_t)n : 0, arg);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

#define PLANNED_COLUMNS \
	"m.id, f.path, f.sha256, m.operator, m.line, m.col, m.end_line, " \
	"m.end_col, m.start_byte, m.end_byte, m.occurrence, m.replacement, " \
	"m.scope, m.skip, m.selection, m.inputs, m.wall, m.cpu, m.reduced"

static char *
column_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s == NULL ? NULL : xstrdup((const char *)s);
}

/*
 * Load one row of PLANNED_COLUMNS. A row that lacks a value the schema
 * requires (only a damaged file has one) is refused: -1 with *cause, and
 * *p cleared.
 */
static int
planned_load(sqlite3_stmt *st, struct planned *p, char **cause)
{
	const char	*missing = NULL;
	int		 sel;

	p->id = column_text(st, 0);
	p->path = column_text(st, 1);
	p->sha256 = column_text(st, 2);
	p->operator = column_text(st, 3);
	p->line = (uint32_t)sqlite3_column_int64(st, 4);
	p->col = (uint32_t)sqlite3_column_int64(st, 5);
	p->end_line = (uint32_t)sqlite3_column_int64(st, 6);
	p->end_col = (uint32_t)sqlite3_column_int64(st, 7);
	p->start = (uint32_t)sqlite3_column_int64(st, 8);
	p->end = (uint32_t)sqlite3_column_int64(st, 9);
	p->occurrence = (uint32_t)sqlite3_column_int64(st, 10);
	p->replacement = column_text(st, 11);
	p->scope = column_text(st, 12);
	p->skip = column_text(st, 13);
	if (sqlite3_column_text(st, 14) == NULL)
		missing = "selection";
	else {
		sel = selection_parse((const char *)sqlite3_column_text(st,
		    14));
		p->sel = sel < 0 ? SEL_SUITE : (enum selection)sel;
	}
	p->inputs = column_text(st, 15);
	p->wall = sqlite3_column_double(st, 16);
	p->cpu = sqlite3_column_double(st, 17);
	p->reduced = column_text(st, 18);

	if (p->id == NULL)
		missing = "ID";
	else if (p->path == NULL)
		missing = "file";
	else if (p->sha256 == NULL)
		missing = "file digest";
	else if (p->operator == NULL)
		missing = "operator";
	else if (p->replacement == NULL)
		missing = "replacement";
	else if (p->scope == NULL)
		missing = "scope";
	if (missing == NULL)
		return 0;
	cause_set(cause, "session database: mutant '%s' has no %s" DAMAGED,
	    p->id != NULL ? p->id : "?",
	    missing);
	planned_clear(p);
	return -1;
}

void
planned_clear(struct planned *p)
{
	free(p->id);
	free(p->path);
	free(p->sha256);
	free(p->operator);
	free(p->replacement);
	free(p->scope);
	free(p->reduced);
	free(p->skip);
	free(p->inputs);
	memset(p, 0, sizeof *p);
}

int
db_tests_foreach(struct db *db, int (*fn)(const char *runner,
    const char *name, const char *file, uint32_t line, void *), void *arg)
{
	sqlite3_stmt	*st;
	const char	*runner, *name;
	int		 rc = 0, step;

	if (sqlite3_prepare_v2(db->h, "SELECT runner, name, file, line FROM "
	    "tests ORDER BY file, line, name", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		runner = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		if (runner == NULL || name == NULL)
			rc = -1;
		else
			rc = fn(runner, name,
			    (const char *)sqlite3_column_text(st, 2),
			    (uint32_t)sqlite3_column_int64(st, 3), arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int
db_planned_get(struct db *db, const char *id, struct planned *p, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(p, 0, sizeof *p);
	if (sqlite3_prepare_v2(db->h, "SELECT " PLANNED_COLUMNS " FROM mutants "
	    "m JOIN files f ON f.id = m.file_id WHERE m.id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return db_error(db, cause, "session database");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = planned_load(st, p, cause);
		sqlite3_finalize(st);
		return rc;
	}
	if (rc == SQLITE_DONE)
		cause_set(cause, "no mutant '%s' in this session", id);
	else
		db_error(db, cause, "session database");
	sqlite3_finalize(st);
	return -1;
}

int
db_planned_foreach(struct db *db, int (*fn)(const struct planned *, void *),
    void *arg)
{
	struct planned	 p;
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 rc = 0, step;

	if (sqlite3_prepare_v2(db->h, "SELECT " PLANNED_COLUMNS " FROM mutants "
	    "m JOIN files f ON f.id = m.file_id ORDER BY m.rowid", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		if (planned_load(st, &p, &cause) == -1) {
			free(cause);
			rc = -1;
			break;
		}
		rc = fn(&p, arg);
		planned_clear(&p);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int
db_target_costs(struct db *db, int (*fn)(const char *, double, void *),
    void *arg, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc = 0, step;

	if (sqlite3_prepare_v2(db->h, "SELECT m.id, 1 + CASE m.selection "
	    "WHEN 'tests' THEN (SELECT count(*) FROM mutant_tests t WHERE "
	    "t.mutant = m.rowid) ELSE (SELECT count(*) FROM tests) END "
	    "FROM mutants m WHERE m.skip IS NULL AND m.selection != 'none' "
	    "ORDER BY m.rowid", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, cause, "session database");
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_text(st, 0) == NULL) {
			rc = cause_set(cause, "session database: a planned "
			    "mutant has no ID" DAMAGED);
			break;
		}
		rc = fn((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_double(st, 1), arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(db, cause, "session database");
	sqlite3_finalize(st);
	return rc;
}

int
db_result_put(struct db *db, const struct result *r, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (prepare(db, &db->result_put, "INSERT OR REPLACE INTO "
	    "res.results(mutant_id, outcome, exit_status, signal, duration, "
	    "output, inputs, killed_by, tests_run) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)", cause) == -1)
		return -1;
	st = db->result_put;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, outcome_name(r->outcome), -1, SQLITE_STATIC);
	if (r->exit_status >= 0)
		sqlite3_bind_int(st, 3, r->exit_status);
	else
		sqlite3_bind_null(st, 3);
	if (r->signal > 0)
		sqlite3_bind_int(st, 4, r->signal);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_double(st, 5, r->duration);
	sqlite3_bind_text(st, 6, r->output != NULL ? r->output : "", -1,
	    SQLITE_STATIC);
	if (r->inputs != NULL)
		sqlite3_bind_text(st, 7, r->inputs, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	if (r->killed_by != NULL)
		sqlite3_bind_text(st, 8, r->killed_by, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	if (r->tests_run >= 0)
		sqlite3_bind_int(st, 9, r->tests_run);
	else
		sqlite3_bind_null(st, 9);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_error(db, cause, "session database");
	return 0;
}

int
db_result_get(struct db *db, const char *id, struct result *r, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc, o;

	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(db->h, "SELECT outcome, exit_status, signal, "
	    "duration, output, inputs, killed_by, tests_run FROM res.results "
	    "WHERE mutant_id = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return db_error(db, cause, "session database");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = xstrdup(id);
		/* A cache of the result files: a damaged row is no verdict. */
		o = sqlite3_column_text(st, 0) == NULL ? -1 :
		    outcome_parse((const char *)sqlite3_column_text(st, 0));
		r->outcome = o < 0 ? OUTCOME_PENDING : (enum outcome)o;
		r->exit_status = sqlite3_column_type(st, 1) == SQLITE_NULL ?
		    -1 : sqlite3_column_int(st, 1);
		r->signal = sqlite3_column_type(st, 2) == SQLITE_NULL ?
		    0 : sqlite3_column_int(st, 2);
		r->duration = sqlite3_column_double(st, 3);
		r->output = column_text(st, 4);
		r->inputs = column_text(st, 5);
		r->killed_by = column_text(st, 6);
		r->tests_run = sqlite3_column_type(st, 7) == SQLITE_NULL ?
		    -1 : sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(db, cause, "session database");
}
