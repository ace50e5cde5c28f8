/* cmd-run-one.c: cr-run-one, which tests one planned mutant and writes its verdict. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "db.h"
#include "mutant.h"
#include "pyast.h"
#include "result.h"
#include "sandbox.h"
#include "session.h"
#include "sha256.h"
#include "util.h"

/* Used when the session does not say (cr-plan always does). */
#define DEFAULT_TIMEOUT_FACTOR		3.0
#define DEFAULT_TIMEOUT_CONSTANT	5.0
#define DEFAULT_TAIL_MAX		16384

enum {
	OPT_TIMEOUT = CHAR_MAX + 1,
	OPT_ISOLATION,
};

static const struct option longopts[] = {
	{ "output",	required_argument,	NULL, 'o' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "isolation",	required_argument,	NULL, OPT_ISOLATION },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cr-run-one [-hVq] [-o FILE] [--timeout SECONDS] "
	    "[--isolation auto|namespace|copy]\n"
	    "                  SESSION ID\n");
}

static void
usage_error(void)
{
	usage(stderr);
	exit(2);
}

/* A number from the session's configuration, or dflt if unset. */
static double
config_number(struct db *db, const char *key, double dflt)
{
	char	*v, *end;
	double	 d;

	if ((v = db_config_get(db, key)) == NULL)
		return dflt;
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !isfinite(d) || d < 0)
		fatal("session database: '%s' is not a valid %s", v, key);
	free(v);
	return d;
}

static char *
config_string(struct db *db, const char *key)
{
	char	*v;

	if ((v = db_config_get(db, key)) == NULL || *v == '\0')
		fatal("session database: no %s", key);
	return v;
}

/* Write the result with INT, TERM and HUP held off, so it is all or nothing. */
static void
write_result(const char *path, const struct result *r)
{
	sigset_t	 set, old;
	char		*cause = NULL;
	int		 rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	rc = result_write(path, r, &cause);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == -1)
		fatal("%s", cause);
}

int
main(int argc, char **argv)
{
	struct run_spec		 spec;
	struct run_result	 run;
	struct result		 res;
	struct planned		 p;
	struct buf		 src = { 0 };
	struct db		*db;
	const char		*output = NULL, *session_arg, *id;
	char			*session, *dbpath, *root, *command, *iso_name;
	char			*file, *mutated = NULL, *cause = NULL, *why;
	char			*pycache = NULL, *out_path, *dir, *end;
	char			 hex[65];
	double			 timeout = -1, factor, constant, baseline;
	size_t			 mlen = 0, tail_max;
	int			 c, quiet = 0, isolation = -1;

	progname = "cr-run-one";
	while ((c = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("cr-run-one (crmake) %s\n", PACKAGE_VERSION);
			return 0;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_TIMEOUT:
			errno = 0;
			timeout = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(timeout) || timeout < 0 ||
			    timeout > 1e9) {
				warn("--timeout: '%s' is not a number of "
				    "seconds", optarg);
				usage_error();
			}
			break;
		case OPT_ISOLATION:
			isolation = isolation_parse(optarg);
			if (isolation < 0 || isolation == ISOLATION_NONE) {
				warn("--isolation: '%s' is not auto, namespace "
				    "or copy", optarg);
				usage_error();
			}
			break;
		default:
			usage_error();
		}
	}
	if (argc - optind != 2)
		usage_error();
	session_arg = argv[optind];
	id = argv[optind + 1];
	cleanup_init();

	session = path_absolute(session_arg);
	dbpath = session_db_path(session);
	if ((db = db_open(dbpath, 1, &cause)) == NULL)
		fatal("%s", cause);
	if (db_planned_get(db, id, &p, &cause) == -1)
		fatal("%s", cause);
	root = config_string(db, "root");
	command = config_string(db, "test_command");
	factor = config_number(db, "timeout_factor", DEFAULT_TIMEOUT_FACTOR);
	constant = config_number(db, "timeout_constant",
	    DEFAULT_TIMEOUT_CONSTANT);
	baseline = config_number(db, "baseline_seconds", 0);
	tail_max = (size_t)config_number(db, "tail_max", DEFAULT_TAIL_MAX);
	if (isolation == -1) {
		if ((iso_name = db_config_get(db, "isolation")) == NULL)
			isolation = ISOLATION_AUTO;
		else {
			isolation = isolation_parse(iso_name);
			if (isolation < 0 || isolation == ISOLATION_NONE)
				fatal("session database: '%s' is not an "
				    "isolation mode", iso_name);
			free(iso_name);
		}
	}
	db_close(db);
	if (timeout < 0)
		timeout = factor * baseline + constant;

	memset(&res, 0, sizeof res);
	res.id = xstrdup(p.id);
	res.exit_status = -1;
	res.path = xstrdup(p.path);
	res.line = p.line;
	res.col = p.col;
	res.operator = xstrdup(p.operator);
	res.sha256 = xstrdup(p.sha256);

	file = xasprintf("%s/%s", root, p.path);
	if (file_read(file, &src, &cause) == -1)
		fatal("%s", cause);
	sha256_hex(src.data, src.len, hex);
	if (strcmp(hex, p.sha256) != 0)
		fatal("stale plan: '%s' changed since it was planned; run "
		    "cr-plan again", p.path);

	memset(&run, 0, sizeof run);
	if (p.skip != NULL) {
		res.outcome = OUTCOME_SKIPPED;
		res.output = xstrdup(p.skip);
	} else if ((mutated = mutant_splice(src.data, src.len, p.start, p.end,
	    p.replacement, &mlen)) == NULL) {
		fatal("%s:%u:%u: mutant %s lies outside the file; run cr-plan "
		    "again", p.path, p.line, p.col, p.id);
	} else if (pyast_check(mutated, mlen, &why) == -1) {
		res.outcome = OUTCOME_INCOMPETENT;
		res.output = xasprintf("%s:%s", p.path, why);
		free(why);
	} else {
		pycache = session_pycache_dir(session);
		memset(&spec, 0, sizeof spec);
		spec.root = root;
		spec.command = command;
		spec.target = p.path;
		spec.data = mutated;
		spec.len = mlen;
		spec.timeout = timeout;
		spec.pycache = pycache;
		spec.write_bytecode = 0;
		spec.isolation = (enum isolation)isolation;
		spec.tail_max = tail_max;
		spec.exclude = session;
		if (sandbox_run(&spec, &run, &cause) == -1)
			fatal("%s", cause);
		if (run.timed_out)
			res.outcome = OUTCOME_TIMEOUT;
		else if (run.exit_status == 0)
			res.outcome = OUTCOME_SURVIVED;
		else
			res.outcome = OUTCOME_KILLED;
		res.exit_status = run.exit_status;
		res.signal = run.signal;
		res.duration = run.duration;
		res.output = xstrdup(buf_str(&run.output));
		res.isolation = xstrdup(isolation_name(run.used));
	}

	if (output != NULL)
		out_path = xstrdup(output);
	else {
		dir = session_results_dir(session);
		if (mkdir_p(dir, &cause) == -1)
			fatal("%s", cause);
		free(dir);
		out_path = session_result_path(session, p.id);
	}
	write_result(out_path, &res);
	if (!quiet) {
		printf("%s %s %s:%u:%u %s (%.2f s)\n", p.id,
		    outcome_name(res.outcome), p.path, p.line, p.col,
		    p.operator, res.duration);
		if (fflush(stdout) == EOF || ferror(stdout))
			fatal("stdout:");
	}

	run_result_free(&run);
	result_clear(&res);
	planned_clear(&p);
	buf_free(&src);
	free(out_path);
	free(pycache);
	free(mutated);
	free(file);
	free(command);
	free(root);
	free(dbpath);
	free(session);
	return 0;
}
