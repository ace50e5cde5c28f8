/* coverage.h: per-test line coverage, read from coverage.py's data files. */
#ifndef CR_COVERAGE_H
#define CR_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

struct coverage;

/* An empty set of coverage data. */
struct coverage *coverage_new(void);
/* Free it. */
void coverage_free(struct coverage *);
/* Add every data file in dir whose name starts with ".coverage"; returns how many, or -1 with *cause. */
int coverage_load_dir(struct coverage *, const char *dir, char **cause);
/* Add one data file. */
int coverage_load(struct coverage *, const char *path, char **cause);
/* The index of a measured file by its real path, or -1 if nothing of it ran. */
int coverage_file(const struct coverage *, const char *realpath);
/* Number of contexts (a test ID, or "" for code run outside any test). */
size_t coverage_ncontexts(const struct coverage *);
/* The name of context k. */
const char *coverage_context(const struct coverage *, size_t k);
/*
 * Set hit[k] (for every context k) to whether that context executed any
 * line from first to last (1-based, inclusive) of file; returns how many did.
 */
size_t coverage_hits(const struct coverage *, int file, uint32_t first,
    uint32_t last, uint8_t *hit);

#endif
