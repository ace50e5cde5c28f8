/* coverage.c: per-test line coverage, read from coverage.py's data files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "db.h"
#include "util.h"

/*
 * Data files are written one per Python process (coverage.py's parallel
 * mode) and merged here: for each measured file, one line set per context,
 * as coverage.py stores them, OR-ed together when several processes ran
 * the same context. Paths are compared by their real paths, which is what
 * coverage.py records.
 */

struct cov_lines {
	size_t		 context;
	unsigned char	*bits;
	size_t		 n;
};

struct cov_file {
	char		*path;
	struct cov_lines *v;
	size_t		 n;
};

struct coverage {
	struct cov_file	*files;
	size_t		 nfiles;
	char		**contexts;
	size_t		 ncontexts;
};

struct coverage *
coverage_new(void)
{
	return xcalloc(1, sizeof(struct coverage));
}

void
coverage_free(struct coverage *c)
{
	size_t	i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfiles; i++) {
		for (j = 0; j < c->files[i].n; j++)
			free(c->files[i].v[j].bits);
		free(c->files[i].v);
		free(c->files[i].path);
	}
	free(c->files);
	for (i = 0; i < c->ncontexts; i++)
		free(c->contexts[i]);
	free(c->contexts);
	free(c);
}

static size_t
context_index(struct coverage *c, const char *name)
{
	size_t	k;

	for (k = 0; k < c->ncontexts; k++) {
		if (strcmp(c->contexts[k], name) == 0)
			return k;
	}
	c->contexts = xreallocarray(c->contexts, c->ncontexts + 1,
	    sizeof *c->contexts);
	c->contexts[c->ncontexts] = xstrdup(name);
	return c->ncontexts++;
}

int
coverage_file(const struct coverage *c, const char *path)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++) {
		if (strcmp(c->files[i].path, path) == 0)
			return (int)i;
	}
	return -1;
}

static int
add_row(const char *file, const char *context, const unsigned char *bits,
    size_t n, void *arg)
{
	struct coverage		*c = arg;
	struct cov_file		*f;
	struct cov_lines	*l;
	char			*real;
	size_t			 k, j;
	int			 i;

	real = path_absolute(file);
	if ((i = coverage_file(c, real)) == -1) {
		c->files = xreallocarray(c->files, c->nfiles + 1,
		    sizeof *c->files);
		f = &c->files[c->nfiles++];
		memset(f, 0, sizeof *f);
		f->path = real;
	} else {
		f = &c->files[i];
		free(real);
	}
	k = context_index(c, context);
	for (j = 0; j < f->n; j++) {
		if (f->v[j].context == k)
			break;
	}
	if (j == f->n) {
		f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
		l = &f->v[f->n++];
		l->context = k;
		l->bits = NULL;
		l->n = 0;
	}
	l = &f->v[j];
	if (n > l->n) {
		l->bits = xrealloc(l->bits, n);
		memset(l->bits + l->n, 0, n - l->n);
		l->n = n;
	}
	for (j = 0; j < n; j++)
		l->bits[j] |= bits[j];
	return 0;
}

int
coverage_load(struct coverage *c, const char *path, char **cause)
{
	return db_coverage_foreach(path, add_row, c, cause) == 0 ? 0 : -1;
}

int
coverage_load_dir(struct coverage *c, const char *dir, char **cause)
{
	struct dirent	*de;
	DIR		*d;
	char		*p;
	int		 count = 0;

	if ((d = opendir(dir)) == NULL)
		return cause_set(cause, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".coverage", 9) != 0)
			continue;
		/* coverage.py's own temporary files while it writes. */
		if (strstr(de->d_name, "-journal") != NULL ||
		    strstr(de->d_name, "-wal") != NULL ||
		    strstr(de->d_name, "-shm") != NULL)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (coverage_load(c, p, cause) == -1) {
			free(p);
			closedir(d);
			return -1;
		}
		free(p);
		count++;
	}
	closedir(d);
	return count;
}

size_t
coverage_ncontexts(const struct coverage *c)
{
	return c->ncontexts;
}

const char *
coverage_context(const struct coverage *c, size_t k)
{
	return c->contexts[k];
}

size_t
coverage_hits(const struct coverage *c, int file, uint32_t first,
    uint32_t last, uint8_t *hit)
{
	const struct cov_file	*f;
	const struct cov_lines	*l;
	size_t			 j, count = 0;
	uint32_t		 line;

	memset(hit, 0, c->ncontexts);
	if (file < 0 || (size_t)file >= c->nfiles)
		return 0;
	f = &c->files[file];
	for (j = 0; j < f->n; j++) {
		l = &f->v[j];
		for (line = first; line <= last; line++) {
			if (line / 8 >= l->n)
				break;
			if (l->bits[line / 8] & (1u << (line % 8))) {
				hit[l->context] = 1;
				count++;
				break;
			}
		}
	}
	return count;
}
