/* pyhooks.h: the protocol with crmake's Python hooks: a run's environment, the selection, the records. */
#ifndef CR_PYHOOKS_H
#define CR_PYHOOKS_H

#include <stddef.h>
#include <stdint.h>

/* Version of the protocol, set as CRMAKE_PROTOCOL. */
#define PYHOOKS_PROTOCOL 1

/* What a run asks of the hooks. */
struct pyhooks_spec {
	const char	*pydir;		/* the hooks' directory, put first on PYTHONPATH */
	const char	*record;	/* file the hooks append records to */
	const char	*runner;	/* "auto", "pytest" or "unittest"; NULL arms none */
	const char	*select;	/* selection file, or NULL */
	const char	*coverage;	/* directory for coverage.py's data, or NULL */
	const char	*include;	/* file of the paths coverage.py measures, or NULL */
};

/* One test as the hooks reported it. */
struct pytest_rec {
	char		*runner;	/* "pytest" or "unittest" */
	char		*id;		/* node ID or unittest ID */
	char		*file;		/* absolute, or NULL */
	uint32_t	 line;		/* first line of its definition, or 0 */
	double		 wall;		/* seconds, set-up and tear-down included */
	double		 cpu;
	int		 failed;
};

/* Everything the records of one run say. */
struct pyhooks_run {
	int		  booted;	/* some Python process loaded the hooks */
	char		**pythons;	/* the interpreters that did, unique */
	size_t		  npythons;
	unsigned	  runners;	/* PYHOOKS_PYTEST | PYHOOKS_UNITTEST seen running tests */
	char		**conftest;	/* conftest.py files pytest loaded, unique */
	size_t		  nconftest;
	struct pytest_rec *tests;	/* in the order first reported, IDs unique per runner */
	size_t		  ntests;
	char		 *error;	/* the first error a hook reported, or NULL */
	/* Selection runs. */
	int		  results;	/* result records seen */
	uint8_t		 *found;	/* per selection line: found by some runner */
	size_t		  nfound;	/* lines marked in found */
	size_t		  ran;		/* tests run */
	char		 *failed;	/* the first failure reported, or NULL */
};
#define PYHOOKS_PYTEST		0x1
#define PYHOOKS_UNITTEST	0x2

/* The environment entries ("NAME=value", NULL-terminated, all allocated) for a run. */
char **pyhooks_env(const struct pyhooks_spec *);
/* Free what pyhooks_env returned. */
void pyhooks_env_free(char **);
/* Write a selection file: one line per test, in the order to run them. */
int pyhooks_write_selection(const char *path, const char *const *runners,
    const char *const *ids, size_t n, char **cause);
/*
 * Read the records a run left in path (a missing file is an empty one);
 * nselect is the number of lines of the run's selection file, or 0.
 * A malformed line is an error with its position.
 */
int pyhooks_read(const char *path, size_t nselect, struct pyhooks_run *,
    char **cause);
/* Free what a run's records hold. */
void pyhooks_run_free(struct pyhooks_run *);

#endif
