/* result.h: one mutant's verdict, as cr-run-one writes it and cr-report reads it. */
#ifndef CR_RESULT_H
#define CR_RESULT_H

#include <stdint.h>

/* Version written in every result file as "version". */
#define RESULT_VERSION 2

enum outcome {
	OUTCOME_KILLED,		/* the tests failed */
	OUTCOME_SURVIVED,	/* the tests passed */
	OUTCOME_TIMEOUT,	/* the tests ran past the time limit and were killed */
	OUTCOME_INCOMPETENT,	/* the mutated source is not valid Python */
	OUTCOME_SKIPPED,	/* a filter left it out; never run */
	OUTCOME_NO_COVERAGE,	/* no test executes its code; never run */
	OUTCOME_PENDING,	/* no result yet */
};
#define OUTCOME_COUNT 7

struct result {
	char		*id;
	enum outcome	 outcome;
	int		 exit_status;	/* -1 when the tests did not exit normally */
	int		 signal;	/* 0 unless killed by a signal */
	double		 duration;	/* seconds of the test run */
	char		*output;	/* bounded tail of stdout and stderr */
	char		*path;		/* file, relative to the project root */
	uint32_t	 line, col;
	char		*operator;
	char		*sha256;	/* of the file the mutant was made from */
	char		*isolation;	/* "namespace" or "copy"; NULL if no test ran */
	char		*inputs;	/* digest of what the verdict depends on, or NULL */
	char		*selection;	/* which tests ran: "tests", "all", "suite"; NULL if none */
	int		 tests_run;	/* tests the hooks saw run, -1 if unknown */
	int		 set_aside;	/* tests run last for overrunning their CPU budgets */
	char		*killed_by;	/* the first failing test, or NULL */
	char		*limit;		/* "cpu" or "wall" for a timeout, else NULL */
	char		*mode;		/* "warm" or "cold": how the tests ran; NULL if none did */
	char		*cold_reason;	/* why a run that could have been warm was cold, or NULL */
	double		 cpu;		/* CPU seconds of the test run */
	double		 tests_seconds;	/* of duration, the tests' own time, or -1 if unknown */
	char		*plan;		/* the plan's digest (cr-plan's plan_hash), or NULL */
	char		*host;		/* where the tests ran, or NULL */
	char		*slurm_job;	/* Slurm's job ID there, or NULL */
	char		*slurm_step;	/* Slurm's step ID there, or NULL */
	char		*slurm_node;	/* Slurm's name of the node, or NULL */
	char		*remote;	/* the CR_HOSTS host it ran on, or NULL if here */
};

/* Lowercase name of an outcome ("killed", ...). */
const char *outcome_name(enum outcome);
/* Parse an outcome name; -1 if unknown. */
int outcome_parse(const char *);
/* Write a result file as one JSON object, atomically (temporary name, then rename). */
int result_write(const char *path, const struct result *, char **cause);
/* Read a result file (version 1 or 2); -1 with *cause ("file: message") if missing or malformed. */
int result_read(const char *path, struct result *, char **cause);
/* Free the strings of a result. */
void result_clear(struct result *);

#endif
