/* test-sandbox.c: running real commands isolated, with a file replaced and a time limit. */
#include "config.h"

#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "sandbox.h"
#include "util.h"

#define ORIGINAL	"x = 1\n"
#define MTIME		1000000000

static char	*root;		/* a small project (see setup) */
static int	 have_ns;	/* whether namespace isolation works here */
static int	 have_overlay;	/* whether it puts an overlay over the root */

static void
put(const char *rel, const char *text, mode_t mode)
{
	char	*p = xasprintf("%s/%s", root, rel), *cause = NULL;

	if (file_write_atomic(p, text, strlen(text), &cause) == -1)
		fail_msg("%s", cause);
	if (chmod(p, mode) == -1)
		fail_msg("chmod %s: %s", p, strerror(errno));
	free(p);
}

static int
setup(void **state)
{
	struct timespec	 ts[2];
	char		*p, *r;

	(void)state;
	r = xstrdup("/tmp/test-sandbox.XXXXXX");
	if (mkdtemp(r) == NULL)
		return -1;
	root = path_absolute(r);
	free(r);
	p = xasprintf("%s/.git", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/session", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/pkg/__pycache__", root);
	mkdir_p(p, NULL);
	free(p);
	put(".git/HEAD", "ref\n", 0644);
	put("session/session.db", "db\n", 0644);
	put("pkg/__pycache__/m.pyc", "pyc\n", 0644);
	put("pkg/m.py", "y = 2\n", 0644);
	put("tool.sh", "#!/bin/sh\necho tool\n", 0755);
	put("mod.py", ORIGINAL, 0640);
	p = xasprintf("%s/link", root);
	if (symlink("mod.py", p) == -1)
		return -1;
	free(p);
	p = xasprintf("%s/mod.py", root);
	ts[0].tv_sec = ts[1].tv_sec = MTIME;
	ts[0].tv_nsec = ts[1].tv_nsec = 500000000;
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	remove_tree(root);
	free(root);
	return 0;
}

static void
spec_init(struct run_spec *spec, const char *command, enum isolation iso)
{
	memset(spec, 0, sizeof *spec);
	spec->root = root;
	spec->command = command;
	spec->isolation = iso;
	spec->tail_max = 65536;
}

/* Run and require the tool to succeed. */
static void
run(const struct run_spec *spec, struct run_result *r)
{
	char	*cause = NULL;

	if (sandbox_run(spec, r, &cause) == -1)
		fail_msg("sandbox_run: %s", cause);
}

/* Assert that mod.py on disk is exactly as setup left it. */
static void
original_intact(void)
{
	struct buf	 b = { 0 };
	struct stat	 st;
	char		*p = xasprintf("%s/mod.py", root), *cause = NULL;

	assert_int_equal(file_read(p, &b, &cause), 0);
	assert_string_equal(buf_str(&b), ORIGINAL);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, MTIME);
	assert_int_equal(st.st_mtim.tv_nsec, 500000000);
	assert_int_equal(st.st_mode & 07777, 0640);
	buf_free(&b);
	free(p);
}

/* Append a line per file below dir/rel: name, mode, size, mtime, contents. */
static void
listing_add(struct buf *out, const char *rel)
{
	struct dirent	**names;
	struct stat	  st;
	struct buf	  b = { 0 };
	char		 *p, *sub, link[PATH_MAX];
	ssize_t		  n;
	int		  i, count;

	p = *rel != '\0' ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	if (lstat(p, &st) == -1)
		fail_msg("%s: %s", p, strerror(errno));
	buf_addf(out, "%s %o %lld %lld.%09ld ", *rel != '\0' ? rel : ".",
	    (unsigned)st.st_mode, (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	if (S_ISREG(st.st_mode) && file_read(p, &b, NULL) == 0)
		buf_add(out, b.data, b.len);
	else if (S_ISLNK(st.st_mode) &&
	    (n = readlink(p, link, sizeof link)) > 0)
		buf_add(out, link, (size_t)n);
	buf_addc(out, '\n');
	if (S_ISDIR(st.st_mode)) {
		if ((count = scandir(p, &names, NULL, alphasort)) == -1)
			fail_msg("%s: %s", p, strerror(errno));
		for (i = 0; i < count; i++) {
			if (strcmp(names[i]->d_name, ".") != 0 &&
			    strcmp(names[i]->d_name, "..") != 0) {
				sub = *rel != '\0' ? xasprintf("%s/%s", rel,
				    names[i]->d_name) :
				    xstrdup(names[i]->d_name);
				listing_add(out, sub);
				free(sub);
			}
			free(names[i]);
		}
		free(names);
	}
	buf_free(&b);
	free(p);
}

/* A listing of the whole project that changes if any byte or mtime does. */
static char *
listing(void)
{
	struct buf	b = { 0 };

	listing_add(&b, "");
	return buf_detach(&b);
}

/* Number of live processes whose command line contains needle. */
static int
count_procs(const char *needle)
{
	struct dirent	*de;
	struct buf	 b = { 0 };
	DIR		*d;
	char		*p;
	size_t		 i;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		p = xasprintf("/proc/%s/cmdline", de->d_name);
		if (file_read(p, &b, NULL) == 0) {
			for (i = 0; i < b.len; i++) {
				if (b.data[i] == '\0')
					b.data[i] = ' ';
			}
			if (b.len > 0 && strstr(b.data, needle) != NULL)
				n++;
		}
		free(p);
	}
	closedir(d);
	buf_free(&b);
	return n;
}

/* Number of mounts, in any process's view, whose line mentions needle. */
static int
count_mounts(const char *needle)
{
	struct dirent	*de;
	struct buf	 b = { 0 };
	DIR		*d;
	char		*p;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		p = xasprintf("/proc/%s/mountinfo", de->d_name);
		if (file_read(p, &b, NULL) == 0 && b.len > 0 &&
		    strstr(b.data, needle) != NULL)
			n++;
		free(p);
	}
	closedir(d);
	buf_free(&b);
	return n;
}

/* Wait up to two seconds for count() to reach zero. */
static int
gone(int (*count)(const char *), const char *needle)
{
	int	i, n = 0;

	for (i = 0; i < 200; i++) {
		if ((n = count(needle)) == 0)
			return 0;
		usleep(10000);
	}
	return n;
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(isolation_name(ISOLATION_NAMESPACE), "namespace");
	assert_int_equal(isolation_parse("copy"), ISOLATION_COPY);
	assert_int_equal(isolation_parse("auto"), ISOLATION_AUTO);
	assert_int_equal(isolation_parse("none"), ISOLATION_NONE);
	assert_int_equal(isolation_parse("chroot"), -1);
}

static void
test_exit_status(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	enum isolation		modes[] = { ISOLATION_NONE, ISOLATION_NAMESPACE,
				    ISOLATION_COPY };
	size_t			i;

	(void)state;
	for (i = 0; i < 3; i++) {
		if (modes[i] == ISOLATION_NAMESPACE && !have_ns)
			continue;
		spec_init(&spec, "exit 3", modes[i]);
		run(&spec, &r);
		assert_int_equal(r.exit_status, 3);
		assert_int_equal(r.signal, 0);
		assert_int_equal(r.timed_out, 0);
		assert_int_equal(r.used, modes[i]);
		run_result_free(&r);

		spec_init(&spec, "true", modes[i]);
		run(&spec, &r);
		assert_int_equal(r.exit_status, 0);
		assert_true(r.duration >= 0 && r.duration < 5);
		run_result_free(&r);

		spec_init(&spec, "echo going; kill -TERM $$", modes[i]);
		run(&spec, &r);
		assert_int_equal(r.exit_status, -1);
		assert_int_equal(r.signal, SIGTERM);
		assert_string_equal(buf_str(&r.output), "going\n");
		run_result_free(&r);
	}
}

static void
test_output(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct buf		want = { 0 };
	int			i;

	(void)state;
	spec_init(&spec, "echo out; echo err >&2; echo out2", ISOLATION_NONE);
	run(&spec, &r);
	assert_string_equal(buf_str(&r.output), "out\nerr\nout2\n");
	run_result_free(&r);

	/* 100,000 bytes of lines: only the last 1,000 are kept. */
	for (i = 0; i < 2000; i++)
		buf_addf(&want, "%048d\n", i);
	buf_adds(&want, "END\n");
	spec_init(&spec, "i=0; while [ $i -lt 2000 ]; do printf '%048d\\n' $i; "
	    "i=$((i+1)); done; echo END", ISOLATION_NONE);
	spec.tail_max = 1000;
	run(&spec, &r);
	assert_int_equal(r.output.len, 1000);
	assert_memory_equal(r.output.data, want.data + want.len - 1000, 1000);
	run_result_free(&r);
	buf_free(&want);

	/* The tail starts on a character boundary. */
	spec_init(&spec, "i=0; while [ $i -lt 500 ]; do printf '\\303\\251'; "
	    "i=$((i+1)); done", ISOLATION_NONE);
	spec.tail_max = 101;
	run(&spec, &r);
	assert_int_equal(r.output.len, 100);
	assert_int_equal((unsigned char)r.output.data[0], 0xc3);
	run_result_free(&r);

	/* Nothing kept when asked for nothing; the command still runs. */
	spec_init(&spec, "echo hidden; exit 4", ISOLATION_NONE);
	spec.tail_max = 0;
	run(&spec, &r);
	assert_int_equal(r.output.len, 0);
	assert_int_equal(r.exit_status, 4);
	run_result_free(&r);

	/* A flood of output never blocks the command; the timer still works. */
	spec_init(&spec, "yes", ISOLATION_NONE);
	spec.timeout = 0.3;
	spec.tail_max = 10;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_string_equal(buf_str(&r.output), "y\ny\ny\ny\ny\n");
	run_result_free(&r);
}

static void
check_timeout(enum isolation iso)
{
	struct run_spec		spec;
	struct run_result	r;
	char			*cmd, needle[64];
	double			t0, t;

	snprintf(needle, sizeof needle, "sleep 30.%ld%d", (long)getpid(),
	    (int)iso);
	cmd = xasprintf("%s & %s; wait", needle, needle);
	spec_init(&spec, cmd, iso);
	spec.timeout = 0.5;
	t0 = now_seconds();
	run(&spec, &r);
	t = now_seconds() - t0;
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.exit_status, -1);
	assert_int_equal(r.signal, SIGKILL);
	assert_true(r.duration >= 0.5);
	if (t > 1.5)
		fail_msg("took %.2f s", t);
	assert_int_equal(gone(count_procs, needle), 0);
	run_result_free(&r);
	free(cmd);
}

static void
test_timeout(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	char			needle[64];

	(void)state;
	check_timeout(ISOLATION_NONE);
	if (have_ns)
		check_timeout(ISOLATION_NAMESPACE);
	check_timeout(ISOLATION_COPY);

	/* A background process left behind by a finished command is killed. */
	snprintf(needle, sizeof needle, "sleep 30.%ld9", (long)getpid());
	char *cmd = xasprintf("%s >/dev/null 2>&1 & echo done", needle);
	spec_init(&spec, cmd, ISOLATION_NONE);
	spec.timeout = 10;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.exit_status, 0);
	assert_true(r.duration < 5);
	assert_int_equal(gone(count_procs, needle), 0);
	run_result_free(&r);
	free(cmd);
}

static void
test_environment(void **state)
{
	static const char *const env[] = { "CR_EXTRA=yes", "HOME=/h", NULL };
	struct run_spec		spec;
	struct run_result	r;
	char			*want;

	(void)state;
	/*
	 * Byte code is never written and never looked for under a prefix,
	 * whatever the environment says; hook variables of an outer run and
	 * make's are dropped; the spec's entries are added and replace ours.
	 */
	setenv("PYTHONDONTWRITEBYTECODE", "", 1);
	setenv("PYTHONPYCACHEPREFIX", "/elsewhere", 1);
	setenv("CRMAKE_SELECT", "/stale", 1);
	setenv("HOME", "/home/x", 1);
	/* What make gives the mutants' runs. */
	setenv("MAKEFLAGS", " -j2 --jobserver-auth=3,4 -- CR_IN_SESSION=1", 1);
	setenv("MAKELEVEL", "1", 1);
	setenv("CR_MAKE_RUN", "1.2", 1);
	spec_init(&spec, "echo \"[$PYTHONDONTWRITEBYTECODE]"
	    "[${PYTHONPYCACHEPREFIX-unset}][${CRMAKE_SELECT-unset}]"
	    "[$CR_EXTRA][$HOME][${MAKEFLAGS-unset}${MAKELEVEL-unset}"
	    "${CR_MAKE_RUN-unset}]\"; pwd; echo \"$PWD\"; "
	    "env | grep -c '^HOME='", ISOLATION_NONE);
	spec.env = env;
	run(&spec, &r);
	want = xasprintf("[1][unset][unset][yes][/h][unsetunsetunset]\n%s\n"
	    "%s\n1\n", root, root);
	assert_string_equal(buf_str(&r.output), want);
	free(want);
	run_result_free(&r);
	unsetenv("PYTHONDONTWRITEBYTECODE");
	unsetenv("PYTHONPYCACHEPREFIX");
	unsetenv("CRMAKE_SELECT");
	unsetenv("MAKEFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("CR_MAKE_RUN");

	spec_init(&spec, "echo \"[$PYTHONDONTWRITEBYTECODE]\"; pwd",
	    have_ns ? ISOLATION_NAMESPACE : ISOLATION_COPY);
	run(&spec, &r);
	if (have_ns) {
		want = xasprintf("[1]\n%s\n", root);
		assert_string_equal(buf_str(&r.output), want);
		free(want);
	} else
		assert_memory_equal(buf_str(&r.output), "[1]\n", 4);
	run_result_free(&r);
}

/*
 * The mount namespace of a warm run, as a warm worker's child enters it:
 * it shows the mutated file, and what is written in the tree stays in it
 * (behind an overlay); the helper that made it is waited for after it is
 * used. Entering a namespace takes root's capabilities.
 */
static void
test_mntns(void **state)
{
	struct run_spec	 spec;
	struct buf	 b = { 0 };
	siginfo_t	 si;
	char		*cause = NULL, *path, *made;
	pid_t		 helper, pid;
	int		 fd, overlay, st;

	(void)state;
	if (!have_ns || geteuid() != 0)
		skip();
	spec_init(&spec, NULL, ISOLATION_NAMESPACE);
	spec.target = "mod.py";
	spec.data = "x = 3\n";
	spec.len = 6;
	if (sandbox_mntns(&spec, 0, &fd, &overlay, &helper, &cause) == -1)
		fail_msg("sandbox_mntns: %s", cause);
	assert_true(fd >= 0);
	assert_true(helper > 0);
	assert_int_equal(overlay, have_overlay);
	/* The helper is left for the caller to wait for, after use. */
	memset(&si, 0, sizeof si);
	assert_int_equal(waitid(P_PID, (id_t)helper, &si,
	    WEXITED | WNOHANG | WNOWAIT), 0);
	path = xasprintf("%s/mod.py", root);
	made = xasprintf("%s/made.txt", root);
	if ((pid = fork()) == 0) {
		if (setns(fd, CLONE_NEWNS) == -1 ||
		    file_read(path, &b, NULL) == -1 ||
		    strcmp(buf_str(&b), "x = 3\n") != 0)
			_exit(1);
		if (overlay && file_write_atomic(made, "y", 1, NULL) == -1)
			_exit(2);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(fd);
	sandbox_reap(helper);
	errno = 0;
	assert_int_equal(waitpid(helper, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(access(made, F_OK), -1);
	original_intact();
	free(made);
	free(path);
}

/* Append one line to the file at path. */
static void
append(const char *path, const char *line)
{
	FILE	*f;

	if ((f = fopen(path, "a")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(line, f);
	fclose(f);
}

/*
 * A run's loop is woken by each write to the hooks' records, and a test's
 * budget starts at the record of its start, not at the next of a series of
 * looks; the loop sleeps long between notices. The records need not exist
 * when the watch begins.
 */
static void
test_pace_notice(void **state)
{
	struct run_limits	lim;
	struct run_pace		pace;
	struct pollfd		pfd;
	double			budget[2] = { 5, 0 }, cpu = 0;
	char			*records;
	int			ms;

	(void)state;
	records = xasprintf("%s/records.2", root);
	memset(&pace, 0, sizeof pace);
	pace.budget = budget;
	pace.n = 2;
	pace.records = records;
	run_limits_init(&lim, now_seconds(), 0, 0);
	run_limits_watch(&lim, getpid(), NULL);
	run_limits_pace(&lim, &pace);
	assert_int_not_equal(run_limits_fd(&lim), -1);
	ms = 5000;
	assert_int_equal(run_limits_check(&lim, &cpu, &ms), LIMIT_NONE);
	assert_int_equal(lim.current, SIZE_MAX);
	assert_true(ms > 100);

	pfd.fd = run_limits_fd(&lim);
	pfd.events = POLLIN;
	pfd.revents = 0;
	assert_int_equal(poll(&pfd, 1, 0), 0);
	append(records, "{\"type\":\"start\",\"n\":0}\n");
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	ms = 5000;
	assert_int_equal(run_limits_check(&lim, &cpu, &ms), LIMIT_NONE);
	assert_int_equal(lim.current, 0);
	/* Read: the notice is gone until the next write. */
	assert_int_equal(poll(&pfd, 1, 0), 0);

	append(records, "{\"type\":\"done\",\"n\":0}\n");
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	ms = 5000;
	assert_int_equal(run_limits_check(&lim, &cpu, &ms), LIMIT_NONE);
	assert_int_equal(lim.current, SIZE_MAX);
	run_limits_free(&lim);
	free(records);
}

/*
 * A test that overruns its budget ends a cold run, which says which test
 * it was, long before the run's own CPU limit.
 */
static void
test_pace_run(void **state)
{
	struct run_spec		spec;
	struct run_pace		pace;
	struct run_result	r;
	double			budget[2] = { 0.2, 0 };
	char			*records, *command;

	(void)state;
	records = xasprintf("%s.records", root);
	unlink(records);
	memset(&pace, 0, sizeof pace);
	pace.budget = budget;
	pace.n = 2;
	pace.records = records;
	command = xasprintf("echo '{\"type\":\"start\",\"n\":0}' >> %s; "
	    "while :; do :; done", records);
	spec_init(&spec, command, ISOLATION_NONE);
	spec.timeout = 30;
	spec.cpu_timeout = 10;
	spec.pace = &pace;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_TEST);
	assert_int_equal(r.overran, 0);
	/*
	 * Its start is read when it is written: read at the next look, half
	 * a second on, the budget would end at 0.7 s of CPU time.
	 */
	assert_true(r.cpu >= 0.15);
	assert_true(r.cpu < 0.45);
	assert_true(r.duration < 5);
	run_result_free(&r);
	unlink(records);
	free(records);
	free(command);
}

/*
 * The CPU limit ends a busy loop after about its budget, and says so; a
 * command that sleeps uses no CPU and only the wall-clock limit applies.
 */
static void
test_cpu_limit(void **state)
{
	struct run_spec		spec;
	struct run_result	r;

	(void)state;
	spec_init(&spec, "while :; do :; done", ISOLATION_NONE);
	spec.timeout = 30;
	spec.cpu_timeout = 0.5;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_CPU);
	assert_string_equal(run_limit_name(r.limit), "cpu");
	assert_true(r.cpu >= 0.45);
	assert_true(r.duration < 5);
	run_result_free(&r);

	/* The budget counts every process, children and orphans included. */
	spec_init(&spec, "(while :; do :; done) & (setsid sh -c "
	    "'while :; do :; done' &) ; wait", ISOLATION_NONE);
	spec.timeout = 30;
	spec.cpu_timeout = 1.0;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_CPU);
	assert_true(r.duration < 5);
	run_result_free(&r);

	spec_init(&spec, "sleep 1; echo slept", ISOLATION_NONE);
	spec.timeout = 30;
	spec.cpu_timeout = 0.3;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.exit_status, 0);
	assert_true(r.duration >= 0.9);
	assert_true(r.cpu < 0.3);
	run_result_free(&r);

	spec_init(&spec, "sleep 30", ISOLATION_NONE);
	spec.timeout = 0.5;
	spec.cpu_timeout = 10;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_WALL);
	assert_string_equal(run_limit_name(r.limit), "wall");
	run_result_free(&r);
}

/* A process that leaves the group (setsid) does not outlive the run either. */
static void
test_orphans_ended(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	char			*needle, *cmd;

	(void)state;
	needle = xasprintf("cr-orphan-%ld", (long)getpid());
	cmd = xasprintf("setsid sh -c 'exec -a %s sleep 300' </dev/null "
	    ">/dev/null 2>&1 & sleep 0.2; echo started", needle);
	spec_init(&spec, cmd, ISOLATION_NONE);
	spec.timeout = 10;
	run(&spec, &r);
	assert_int_equal(r.exit_status, 0);
	run_result_free(&r);
	assert_int_equal(gone(count_procs, needle), 0);
	free(cmd);

	/* Nor when the run ends at a limit, in a copy or in place. */
	cmd = xasprintf("setsid sh -c 'exec -a %s sleep 300' </dev/null "
	    ">/dev/null 2>&1 & while :; do :; done", needle);
	spec_init(&spec, cmd, ISOLATION_COPY);
	spec.timeout = 10;
	spec.cpu_timeout = 0.3;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_CPU);
	run_result_free(&r);
	assert_int_equal(gone(count_procs, needle), 0);
	spec_init(&spec, cmd, ISOLATION_NONE);
	spec.timeout = 0.5;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_WALL);
	run_result_free(&r);
	assert_int_equal(gone(count_procs, needle), 0);
	free(cmd);
	free(needle);
}

#define SHOW "cat mod.py; stat -c '%Y %a' mod.py; cat link; pwd"

static void
test_namespace(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct buf		b = { 0 };
	pid_t			checker;
	int			st, i;
	char			*want;

	(void)state;
	if (!have_ns)
		skip();
	spec_init(&spec, SHOW "; echo pid $$; sleep 1", ISOLATION_NAMESPACE);
	spec.target = "mod.py";
	spec.data = "x = 2\n";
	spec.len = 6;

	/* While the command runs, the file on disk never changes. */
	if ((checker = fork()) == 0) {
		char *p = xasprintf("%s/mod.py", root);
		struct stat sst;
		for (i = 0; i < 100; i++) {
			if (file_read(p, &b, NULL) == -1 ||
			    strcmp(buf_str(&b), ORIGINAL) != 0 ||
			    stat(p, &sst) == -1 || sst.st_mtim.tv_sec != MTIME)
				_exit(1);
			usleep(10000);
		}
		_exit(0);
	}
	run(&spec, &r);
	assert_int_equal(waitpid(checker, &st, 0), checker);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(r.used, ISOLATION_NAMESPACE);
	assert_int_equal(r.exit_status, 0);
	/* Mutated text, mtime a second later, mode kept, the shell is pid 2. */
	want = xasprintf("x = 2\n%d 640\nx = 2\n%s\npid 2\n", MTIME + 1, root);
	assert_string_equal(buf_str(&r.output), want);
	free(want);
	run_result_free(&r);
	original_intact();
	assert_int_equal(count_mounts(root), 0);

	/* Without a target the tree is as it is. */
	spec_init(&spec, "cat mod.py", ISOLATION_NAMESPACE);
	run(&spec, &r);
	assert_string_equal(buf_str(&r.output), ORIGINAL);
	run_result_free(&r);

	/* Isolation none never replaces anything. */
	spec_init(&spec, "cat mod.py", ISOLATION_NONE);
	spec.target = "mod.py";
	spec.data = "x = 3\n";
	spec.len = 6;
	run(&spec, &r);
	assert_string_equal(buf_str(&r.output), ORIGINAL);
	assert_int_equal(r.used, ISOLATION_NONE);
	run_result_free(&r);

	/* A target that is not there is a tool failure. */
	char *cause = NULL;
	spec_init(&spec, "true", ISOLATION_NAMESPACE);
	spec.target = "nope.py";
	spec.data = "";
	assert_int_equal(sandbox_run(&spec, &r, &cause), -1);
	assert_non_null(strstr(cause, "nope.py: No such file"));
	free(cause);
	spec.target = "../mod.py";
	assert_int_equal(sandbox_run(&spec, &r, &cause), -1);
	assert_non_null(strstr(cause, "not a relative path"));
	free(cause);
	buf_free(&b);
}

/* Run two mutants of mod.py at once; each must see only its own text. */
static void
check_concurrent(enum isolation iso)
{
	pid_t	pids[2];
	int	i, st;

	for (i = 0; i < 2; i++) {
		if ((pids[i] = fork()) != 0)
			continue;
		struct run_spec		spec;
		struct run_result	r;
		char			*data = xasprintf("x = %d\n", 10 + i);

		spec_init(&spec, "sleep 0.5; cat mod.py; sleep 0.2; cat mod.py",
		    iso);
		spec.target = "mod.py";
		spec.data = data;
		spec.len = strlen(data);
		char *want = xasprintf("%s%s", data, data);
		if (sandbox_run(&spec, &r, NULL) == -1)
			_exit(2);
		_exit(strcmp(buf_str(&r.output), want) == 0 &&
		    r.used == iso ? 0 : 1);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	original_intact();
}

static void
test_concurrent(void **state)
{
	(void)state;
	if (have_ns)
		check_concurrent(ISOLATION_NAMESPACE);
	check_concurrent(ISOLATION_COPY);
}

static void
test_copy(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct stat		st;
	char			*excl, *want, *nl, *copy;

	(void)state;
	excl = xasprintf("%s/session", root);
	spec_init(&spec, "pwd; " SHOW "; ls -a; ls -a pkg; "
	    "readlink link; stat -c %a tool.sh; ./tool.sh", ISOLATION_COPY);
	spec.target = "mod.py";
	spec.data = "x = 2\n";
	spec.len = 6;
	spec.exclude = excl;
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_COPY);
	assert_int_equal(r.exit_status, 0);
	/* First line: the copy's root, gone after the run. */
	nl = strchr(buf_str(&r.output), '\n');
	assert_non_null(nl);
	copy = xstrndup(r.output.data, (size_t)(nl - r.output.data));
	assert_string_not_equal(copy, root);
	assert_int_equal(lstat(copy, &st), -1);
	want = xasprintf("%s\nx = 2\n%d 640\nx = 2\n%s\n.\n..\nlink\nmod.py\n"
	    "pkg\ntool.sh\n.\n..\nm.py\nmod.py\n755\ntool\n", copy, MTIME + 1,
	    copy);
	assert_string_equal(buf_str(&r.output), want);
	free(want);
	free(copy);
	run_result_free(&r);
	original_intact();

	/* A symbolic link as the target is replaced in the copy, not followed. */
	spec_init(&spec, "cat link; cat mod.py", ISOLATION_COPY);
	spec.target = "link";
	spec.data = "x = 5\n";
	spec.len = 6;
	run(&spec, &r);
	assert_string_equal(buf_str(&r.output), "x = 5\n" ORIGINAL);
	run_result_free(&r);
	original_intact();
	free(excl);
}

/* Make unshare fail with EPERM in this process and its children. */
static int
deny_unshare(void)
{
	struct sock_filter	filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	prog = {
		.len = sizeof filter / sizeof filter[0],
		.filter = filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void
test_auto(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	pid_t			pid;
	int			st;
	char			*cause = NULL;

	(void)state;
	spec_init(&spec, "cat mod.py", ISOLATION_AUTO);
	spec.target = "mod.py";
	spec.data = "x = 2\n";
	spec.len = 6;
	run(&spec, &r);
	assert_int_equal(r.used, have_ns ? ISOLATION_NAMESPACE : ISOLATION_COPY);
	assert_string_equal(buf_str(&r.output), "x = 2\n");
	run_result_free(&r);

	/* Where namespaces are refused, auto falls back to a copy. */
	if ((pid = fork()) == 0) {
		if (deny_unshare() == -1)
			_exit(3);
		if (sandbox_run(&spec, &r, NULL) == -1)
			_exit(2);
		if (r.used != ISOLATION_COPY ||
		    strcmp(buf_str(&r.output), "x = 2\n") != 0)
			_exit(1);
		run_result_free(&r);
		spec.isolation = ISOLATION_NAMESPACE;
		if (sandbox_run(&spec, &r, &cause) != -1 ||
		    strstr(cause, "unshare: Operation not permitted") == NULL)
			_exit(4);
		free(cause);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	original_intact();
}

/* Whether root/rel exists. */
static int
exists(const char *rel)
{
	struct stat	 st;
	char		*p = xasprintf("%s/%s", root, rel);
	int		 rc = lstat(p, &st) == 0;

	free(p);
	return rc;
}

/* Remove root/rel, which must exist. */
static void
discard(const char *rel)
{
	char	*p = xasprintf("%s/%s", root, rel);

	assert_int_equal(unlink(p), 0);
	free(p);
}

/*
 * Behind the overlay the tests see the mutant in a subdirectory, with the
 * directories on the way as they are, and may create, change and remove
 * files anywhere; afterwards the tree is exactly as it was.
 */
static void
test_overlay(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct stat		st_root, st_pkg, st_m;
	char			*before, *after, *want, *p;

	(void)state;
	if (!have_overlay)
		skip();
	assert_int_equal(stat(root, &st_root), 0);
	p = xasprintf("%s/pkg", root);
	assert_int_equal(stat(p, &st_pkg), 0);
	free(p);
	p = xasprintf("%s/pkg/m.py", root);
	assert_int_equal(stat(p, &st_m), 0);
	free(p);
	before = listing();

	spec_init(&spec, "stat -c '%a %Y' . pkg pkg/m.py; cat pkg/m.py; "
	    "echo new >created.txt; echo more >>tool.sh; rm link mod.py; "
	    "mkdir -p pkg/sub/deep && echo z >pkg/sub/deep/f; "
	    "touch .pytest_cache .git/index; "
	    "cat created.txt; tail -n 1 tool.sh; ls; ls pkg; "
	    "cat pkg/sub/deep/f",
	    ISOLATION_NAMESPACE);
	spec.target = "pkg/m.py";
	spec.data = "y = 3\n";
	spec.len = 6;
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_NAMESPACE);
	assert_int_equal(r.overlay, 1);
	assert_int_equal(r.exit_status, 0);
	want = xasprintf("%o %lld\n%o %lld\n%o %lld\ny = 3\nnew\nmore\n"
	    "created.txt\npkg\nsession\ntool.sh\n__pycache__\nm.py\nsub\nz\n",
	    (unsigned)(st_root.st_mode & 07777),
	    (long long)st_root.st_mtim.tv_sec,
	    (unsigned)(st_pkg.st_mode & 07777),
	    (long long)st_pkg.st_mtim.tv_sec,
	    (unsigned)(st_m.st_mode & 07777),
	    (long long)st_m.st_mtim.tv_sec + 1);
	assert_string_equal(buf_str(&r.output), want);
	free(want);
	run_result_free(&r);
	after = listing();
	assert_string_equal(after, before);
	free(after);
	assert_int_equal(count_mounts(root), 0);

	/* The baseline too runs behind an overlay, with nothing replaced. */
	spec_init(&spec, "echo b >base.txt; cat base.txt mod.py",
	    ISOLATION_NONE);
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_NONE);
	assert_int_equal(r.overlay, 1);
	assert_string_equal(buf_str(&r.output), "b\n" ORIGINAL);
	run_result_free(&r);
	after = listing();
	assert_string_equal(after, before);
	free(after);
	free(before);

	original_intact();
}

/* The caps: output ends a run; processes and memory, where a control group can be made. */
static void
test_caps(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct cgroup		cg;
	uint64_t		as;
	int			groups;

	(void)state;
	spec_init(&spec, "yes 0123456789 | head -c 50000000; echo done",
	    ISOLATION_NONE);
	spec.timeout = 30;
	spec.caps.output = 1 << 20;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_OUTPUT);
	assert_string_equal(run_limit_name(r.limit), "output");
	assert_null(strstr(buf_str(&r.output), "done"));
	assert_true(r.duration < 10);
	run_result_free(&r);

	/* Under the cap, nothing is said. */
	spec.caps.output = 100 << 20;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.reached, LIMIT_NONE);
	assert_non_null(strstr(buf_str(&r.output), "done"));
	run_result_free(&r);

	/* Are control groups to be had here (root on cgroup v1, or a delegated v2)? */
	run_caps_groups(&(struct run_caps){ 64 << 20, 16, 0 }, &cg, &as);
	groups = cg.dir[CG_MEMORY] != NULL && cg.dir[CG_PIDS] != NULL;
	cgroup_remove(&cg);
	if (!groups) {
		/* Then memory is the address space of each process. */
		assert_int_equal(as, 64 << 20);
		skip();
	}
	assert_int_equal(as, 0);

	/* A fork refused at the process cap: the run goes on, and says so. */
	spec_init(&spec, "i=0; while [ $i -lt 40 ]; do sleep 10 & i=$((i+1)); "
	    "done 2>/dev/null; echo forked", ISOLATION_NONE);
	spec.timeout = 30;
	spec.caps.procs = 16;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.reached, LIMIT_PROCS);
	assert_string_equal(run_limit_name(r.reached), "processes");
	assert_true(r.duration < 10);
	run_result_free(&r);

	/* A process the kernel ends for memory: the run has no verdict. */
	spec_init(&spec, "x=$(head -c 400000000 /dev/zero | tr '\\0' a); "
	    "echo survived", ISOLATION_NONE);
	spec.timeout = 60;
	spec.caps.memory = 64 << 20;
	run(&spec, &r);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.limit, LIMIT_MEMORY);
	assert_string_equal(run_limit_name(r.limit), "memory");
	assert_null(strstr(buf_str(&r.output), "survived"));
	run_result_free(&r);
}

/* The directory of the group name in the hierarchy where probe's group of controller c is. */
static char *
sibling(const struct cgroup *probe, enum cg_controller c, const char *name)
{
	const char	*slash = strrchr(probe->dir[c], '/');

	return xasprintf("%.*s/%s", (int)(slash - probe->dir[c]),
	    probe->dir[c], name);
}

/*
 * The groups that another process made for one (crmake-MAKER-N) are read
 * from the kernel, and only the maker's; its sweep removes them.
 */
static void
test_groups_of(void **state)
{
	struct cgroup	cg, of;
	struct stat	st;
	char		name[64], byte;
	pid_t		pid;
	int		p[2];

	(void)state;
	snprintf(name, sizeof name, "crmake-%ld-1", (long)getpid());
	cgroup_make(&cg, name, 64 << 20, 16);
	if (cg.dir[CG_MEMORY] == NULL || cg.dir[CG_PIDS] == NULL) {
		cgroup_remove(&cg);
		skip();
	}
	assert_non_null(strstr(cg.dir[CG_MEMORY], name));
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cgroup_enter_self(&cg) == 0 && write(p[1], "x", 1) == 1)
			pause();
		_exit(1);
	}
	assert_true(pid > 0);
	close(p[1]);
	assert_int_equal(read(p[0], &byte, 1), 1);
	close(p[0]);
	assert_int_equal(cgroup_of(pid, getpid(), &of), 2);
	assert_string_equal(of.dir[CG_MEMORY], cg.dir[CG_MEMORY]);
	assert_string_equal(of.dir[CG_PIDS], cg.dir[CG_PIDS]);
	cgroup_forget(&of);
	assert_null(of.dir[CG_MEMORY]);
	/* Groups of the name of another maker, or none of crmake's, are not taken. */
	assert_int_equal(cgroup_of(pid, getpid() + 1, &of), 0);
	assert_null(of.dir[CG_MEMORY]);
	assert_null(of.dir[CG_PIDS]);
	assert_int_equal(cgroup_of(getpid(), getpid(), &of), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	cgroup_sweep(1);
	assert_int_equal(stat(cg.dir[CG_MEMORY], &st), -1);
	assert_int_equal(stat(cg.dir[CG_PIDS], &st), -1);
	cgroup_forget(&cg);
}

/*
 * Groups made for a run in advance are the run's only with its limits: those
 * of each controller it limits (a memory limit as the kernel keeps it, in
 * whole pages), and no group where it sets none.
 */
static void
test_groups_limited(void **state)
{
	struct cgroup	cg;
	char		name[64];

	(void)state;
	snprintf(name, sizeof name, "crmake-%ld-2", (long)getpid());
	cgroup_make(&cg, name, 64 << 20, 16);
	if (cg.dir[CG_MEMORY] == NULL || cg.dir[CG_PIDS] == NULL) {
		cgroup_remove(&cg);
		skip();
	}
	assert_true(cgroup_limited(&cg, 64 << 20, 16));
	assert_true(cgroup_limited(&cg, (64 << 20) + 100, 16));
	assert_false(cgroup_limited(&cg, 32 << 20, 16));
	assert_false(cgroup_limited(&cg, (64 << 20) + 4096, 16));
	assert_false(cgroup_limited(&cg, 64 << 20, 17));
	assert_false(cgroup_limited(&cg, 0, 16));
	assert_false(cgroup_limited(&cg, 64 << 20, 0));
	cgroup_remove(&cg);
	/* None made: right only for a run without limits. */
	assert_true(cgroup_limited(&cg, 0, 0));
	assert_false(cgroup_limited(&cg, 64 << 20, 16));
}

/* How many processes a group has; -1 if it cannot be read. */
static int
group_count(const char *dir)
{
	struct buf	 text = { 0 };
	char		*path = xasprintf("%s/cgroup.procs", dir);
	int		 n = -1;

	if (file_read(path, &text, NULL) == 0)
		n = (int)count_lines(buf_str(&text), text.len);
	buf_free(&text);
	free(path);
	return n;
}

/*
 * cgroup_leave ends every process in the groups, those forked while it
 * kills included, without waiting for their ends: a chain of processes
 * each forking the next, as fast as the process cap lets it, is gone
 * soon after, and the groups are still there for their maker to remove.
 */
static void
test_leave_kills_forks(void **state)
{
	struct cgroup	cg, keep;
	struct stat	st;
	char		name[64];
	double		deadline;
	pid_t		pid;
	int		c, left, there;

	(void)state;
	snprintf(name, sizeof name, "crmake-%ld-7", (long)getpid());
	cgroup_make(&cg, name, 64 << 20, 48);
	if (cg.dir[CG_PIDS] == NULL) {
		cgroup_remove(&cg);
		skip();
	}
	for (c = 0; c < CG_N; c++) {
		keep.dir[c] = cg.dir[c] != NULL ? xstrdup(cg.dir[c]) : NULL;
		keep.v2[c] = cg.v2[c];
	}
	if ((pid = fork()) == 0) {
		if (cgroup_enter_self(&cg) == -1)
			_exit(1);
		for (;;) {
			if (fork() > 0)
				pause();
		}
	}
	assert_true(pid > 0);
	for (deadline = now_seconds() + 10; now_seconds() < deadline &&
	    group_count(keep.dir[CG_PIDS]) < 40;)
		usleep(1000);
	assert_true(group_count(keep.dir[CG_PIDS]) >= 40);
	cgroup_leave(&cg);
	for (c = 0; c < CG_N; c++)
		assert_null(cg.dir[c]);
	for (deadline = now_seconds() + 5; now_seconds() < deadline &&
	    (group_count(keep.dir[CG_PIDS]) != 0 ||
	    waitpid(pid, NULL, WNOHANG) == 0);)
		usleep(10000);
	left = group_count(keep.dir[CG_PIDS]);
	there = stat(keep.dir[CG_PIDS], &st) == 0;
	/* What is left, if anything, goes before the verdict. */
	cgroup_remove(&keep);
	waitpid(pid, NULL, 0);
	assert_int_equal(left, 0);
	assert_true(there);
}

/*
 * Spawn script (Python) with a memory and a process cap, its output going
 * to *log, the session's file name; probe is a group of ours, next to which
 * the command's groups are. Skips where Python or the groups are missing.
 */
static pid_t
spawn_capped(const char *script, const char *name, char **log,
    struct cgroup *probe)
{
	struct run_spec	 spec;
	char		*cmd, *cause = NULL;
	pid_t		 pid;

	if (access("/usr/bin/python3", X_OK) == -1)
		skip();
	cgroup_make(probe, NULL, 64 << 20, 16);
	if (probe->dir[CG_MEMORY] == NULL || probe->dir[CG_PIDS] == NULL) {
		cgroup_remove(probe);
		skip();
	}
	put("serve.py", script, 0644);
	cmd = xasprintf("/usr/bin/python3 %s/serve.py", root);
	*log = xasprintf("%s/session/%s", root, name);
	spec_init(&spec, cmd, ISOLATION_NONE);
	spec.caps.memory = 64 << 20;
	spec.caps.procs = 16;
	if (sandbox_spawn(&spec, *log, &pid, &cause) == -1)
		fail_msg("sandbox_spawn: %s", cause);
	free(cmd);
	return pid;
}

/*
 * A spawned command (a warm worker) gets, on the socket named by
 * CRMAKE_SERVE_GROUPS, fresh groups with the caps, crmake-PID-N of the
 * process that runs it; they are gone when it has ended.
 */
static void
test_spawn_groups(void **state)
{
	static const char script[] =
	    "import os, socket\n"
	    "fd = int(os.environ['CRMAKE_SERVE_GROUPS'])\n"
	    "for _ in range(2):\n"
	    "    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)\n"
	    "    with socket.socket(fileno=os.dup(fd)) as s:\n"
	    "        socket.send_fds(s, [b'G'], [theirs.fileno()])\n"
	    "    theirs.close()\n"
	    "    msg, fds, _, _ = socket.recv_fds(mine, 1, 8)\n"
	    "    print(msg.decode(), len(fds))\n"
	    "for f in fds:\n"
	    "    os.write(f, b'0')\n"
	    "print(open('/proc/self/cgroup').read(), flush=True)\n";
	struct cgroup	 probe;
	struct buf	 text = { 0 };
	struct stat	 st;
	char		*log, *dir, name[64];
	pid_t		 pid;
	int		 c, n;

	(void)state;
	pid = spawn_capped(script, "spawn.log", &log, &probe);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(file_read(log, &text, NULL), 0);
	/* Two requests, two sets; the command joined the second. */
	assert_non_null(strstr(buf_str(&text), "G 2\nG 2\n"));
	snprintf(name, sizeof name, "crmake-%ld-2", (long)pid);
	assert_non_null(strstr(buf_str(&text), name));
	for (c = 0; c < CG_N; c++) {
		for (n = 1; n <= 2; n++) {
			snprintf(name, sizeof name, "crmake-%ld-%d", (long)pid, n);
			dir = sibling(&probe, (enum cg_controller)c, name);
			assert_int_equal(stat(dir, &st), -1);
			free(dir);
		}
	}
	cgroup_remove(&probe);
	buf_free(&text);
	free(log);
}

/*
 * The spawned command's reaper removes the groups it handed out once they
 * are empty, while the command runs: a run leaves its groups to it
 * (cgroup_leave). Those still in use stay.
 */
static void
test_spawn_groups_swept(void **state)
{
	static const char script[] =
	    "import os, socket, time\n"
	    "fd = int(os.environ['CRMAKE_SERVE_GROUPS'])\n"
	    "def ask():\n"
	    "    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)\n"
	    "    with socket.socket(fileno=os.dup(fd)) as s:\n"
	    "        socket.send_fds(s, [b'G'], [theirs.fileno()])\n"
	    "    theirs.close()\n"
	    "    return socket.recv_fds(mine, 1, 8)[1]\n"
	    "for f in ask():\n"
	    "    os.write(f, b'0')\n"
	    "for f in ask():\n"
	    "    os.write(f, b'0')\n"
	    "print('moved', flush=True)\n"
	    "go = os.path.join(os.path.dirname(__file__), 'go')\n"
	    "for _ in range(6000):\n"
	    "    if os.path.exists(go):\n"
	    "        break\n"
	    "    time.sleep(0.01)\n";
	struct cgroup	 probe;
	struct buf	 text = { 0 };
	struct stat	 st;
	char		*log, *dir[2][CG_N], name[64];
	double		 deadline;
	pid_t		 pid;
	int		 c, n, gone;

	(void)state;
	pid = spawn_capped(script, "swept.log", &log, &probe);
	for (n = 0; n < 2; n++) {
		for (c = 0; c < CG_N; c++) {
			snprintf(name, sizeof name, "crmake-%ld-%d", (long)pid,
			    n + 1);
			dir[n][c] = sibling(&probe, (enum cg_controller)c, name);
		}
	}
	/* The command moved from its first groups to its second. */
	for (deadline = now_seconds() + 10; now_seconds() < deadline;) {
		buf_reset(&text);
		if (file_read(log, &text, NULL) == 0 &&
		    strstr(buf_str(&text), "moved") != NULL)
			break;
		usleep(10000);
	}
	assert_non_null(strstr(buf_str(&text), "moved"));
	/* The first set, empty, goes; the second, in use, stays. */
	for (deadline = now_seconds() + 2; now_seconds() < deadline;) {
		for (c = gone = 0; c < CG_N; c++)
			gone += stat(dir[0][c], &st) == -1;
		if (gone == CG_N)
			break;
		usleep(10000);
	}
	for (c = 0; c < CG_N; c++) {
		assert_int_equal(stat(dir[0][c], &st), -1);
		assert_int_equal(stat(dir[1][c], &st), 0);
	}
	/* The command ends when told, and its groups with it. */
	put("go", "", 0644);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	for (n = 0; n < 2; n++) {
		for (c = 0; c < CG_N; c++) {
			assert_int_equal(stat(dir[n][c], &st), -1);
			free(dir[n][c]);
		}
	}
	cgroup_remove(&probe);
	buf_free(&text);
	free(log);
}

/* A private /tmp: the run's writes there are its own; the kept directory is shared. */
static void
test_private_tmp(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	struct stat		st;
	char			*keep, *cmd, *mine, *kept;

	(void)state;
	if (!have_ns)
		skip();
	keep = xstrdup("/tmp/test-sandbox-keep.XXXXXX");
	assert_non_null(mkdtemp(keep));
	mine = xasprintf("/tmp/test-sandbox-private.%ld", (long)getpid());
	kept = xasprintf("%s/records", keep);
	cmd = xasprintf("echo private >%s && cat %s && echo shared >%s && "
	    "cat mod.py", mine, mine, kept);
	spec_init(&spec, cmd, ISOLATION_NAMESPACE);
	spec.target = "mod.py";
	spec.data = "x = 2\n";
	spec.len = 6;
	spec.private_tmp = 1;
	spec.keep = keep;
	spec.caps.memory = 64 << 20;
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_NAMESPACE);
	assert_int_equal(r.exit_status, 0);
	/* The project, below /tmp here, shows the mutant through both overlays. */
	assert_string_equal(buf_str(&r.output), "private\nx = 2\n");
	run_result_free(&r);
	assert_int_equal(stat(mine, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(kept, &st), 0);
	assert_int_equal(count_mounts(root), 0);
	original_intact();

	/* Full at half the memory cap: an error the command sees. */
	free(cmd);
	cmd = xasprintf("head -c 40000000 /dev/zero >%s || echo full", mine);
	spec_init(&spec, cmd, ISOLATION_NAMESPACE);
	spec.private_tmp = 1;
	spec.caps.memory = 64 << 20;
	run(&spec, &r);
	assert_int_equal(r.exit_status, 0);
	assert_non_null(strstr(buf_str(&r.output), "full"));
	run_result_free(&r);
	assert_int_equal(stat(mine, &st), -1);

	unlink(kept);
	rmdir(keep);
	free(cmd);
	free(mine);
	free(kept);
	free(keep);
}

/* Two runs writing the same new file at once each see only their own. */
static void
test_overlay_concurrent(void **state)
{
	pid_t	 pids[2];
	int	 i, st;
	char	*before, *after;

	(void)state;
	if (!have_overlay)
		skip();
	before = listing();
	for (i = 0; i < 2; i++) {
		if ((pids[i] = fork()) != 0)
			continue;
		struct run_spec		spec;
		struct run_result	r;
		char			*data = xasprintf("x = %d\n", 10 + i);
		char			*cmd = xasprintf("echo %d >>same.txt; "
					    "sleep 0.5; cat same.txt mod.py",
					    i);
		char			*want = xasprintf("%d\n%s", i, data);

		spec_init(&spec, cmd, ISOLATION_NAMESPACE);
		spec.target = "mod.py";
		spec.data = data;
		spec.len = strlen(data);
		if (sandbox_run(&spec, &r, NULL) == -1)
			_exit(2);
		_exit(strcmp(buf_str(&r.output), want) == 0 && r.overlay ? 0 :
		    1);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	after = listing();
	assert_string_equal(after, before);
	free(after);
	free(before);
}

/* Enter a private mount namespace, with a user namespace if need be. */
static int
private_mounts(void)
{
	char	map[64];
	uid_t	uid = getuid();
	gid_t	gid = getgid();
	int	fd, rc = 0;

	if (unshare(CLONE_NEWNS) == -1) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1)
			return -1;
		if ((fd = open("/proc/self/setgroups", O_WRONLY)) != -1) {
			rc |= write(fd, "deny", 4) != 4;
			close(fd);
		}
		snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)uid,
		    (unsigned long)uid);
		if ((fd = open("/proc/self/uid_map", O_WRONLY)) == -1)
			return -1;
		rc |= write(fd, map, strlen(map)) != (ssize_t)strlen(map);
		close(fd);
		snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)gid,
		    (unsigned long)gid);
		if ((fd = open("/proc/self/gid_map", O_WRONLY)) == -1)
			return -1;
		rc |= write(fd, map, strlen(map)) != (ssize_t)strlen(map);
		close(fd);
		if (rc != 0)
			return -1;
	}
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/*
 * Where the overlay may not be used the file is bind-mounted as before:
 * when CR_SANDBOX_NO_OVERLAY is set (and then the baseline runs in place),
 * when something is mounted below the root, and when the target's real
 * path is outside the root.
 */
static void
test_overlay_refused(void **state)
{
	struct run_spec		spec;
	struct run_result	r;
	pid_t			pid;
	int			st;
	char			*outside, *link;

	(void)state;
	if (!have_ns)
		skip();
	setenv("CR_SANDBOX_NO_OVERLAY", "1", 1);
	spec_init(&spec, "cat mod.py; echo w >fallback.txt",
	    ISOLATION_NAMESPACE);
	spec.target = "mod.py";
	spec.data = "x = 2\n";
	spec.len = 6;
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_NAMESPACE);
	assert_int_equal(r.overlay, 0);
	assert_string_equal(buf_str(&r.output), "x = 2\n");
	run_result_free(&r);
	/* Without the overlay a write lands in the tree: the bind path ran. */
	assert_true(exists("fallback.txt"));
	discard("fallback.txt");
	spec_init(&spec, "echo w >none.txt", ISOLATION_NONE);
	run(&spec, &r);
	assert_int_equal(r.used, ISOLATION_NONE);
	assert_int_equal(r.overlay, 0);
	run_result_free(&r);
	assert_true(exists("none.txt"));
	discard("none.txt");
	unsetenv("CR_SANDBOX_NO_OVERLAY");
	original_intact();

	/* A mount below the root: an overlay would hide it. */
	if ((pid = fork()) == 0) {
		char *p = xasprintf("%s/pkg/__pycache__", root);
		if (private_mounts() == -1)
			_exit(77);
		if (mount("tmpfs", p, "tmpfs", 0, NULL) == -1)
			_exit(77);
		spec_init(&spec, "cat mod.py; ls pkg/__pycache__; echo m "
		    ">pkg/__pycache__/seen", ISOLATION_NAMESPACE);
		spec.target = "mod.py";
		spec.data = "x = 6\n";
		spec.len = 6;
		if (sandbox_run(&spec, &r, NULL) == -1)
			_exit(2);
		if (r.overlay != 0 || r.used != ISOLATION_NAMESPACE ||
		    strcmp(buf_str(&r.output), "x = 6\n") != 0)
			_exit(1);
		free(p);
		p = xasprintf("%s/pkg/__pycache__/seen", root);
		_exit(access(p, F_OK) == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		fprintf(stderr, "no private mounts here: mount below the root "
		    "not tried\n");
	else
		assert_int_equal(WEXITSTATUS(st), 0);
	original_intact();

	/* A target that is a link to a file outside the root. */
	outside = xasprintf("%s.outside.py", root);
	link = xasprintf("%s/outside.py", root);
	assert_int_equal(file_write_atomic(outside, "o = 1\n", 6, NULL), 0);
	assert_int_equal(symlink(outside, link), 0);
	spec_init(&spec, "cat outside.py", ISOLATION_NAMESPACE);
	spec.target = "outside.py";
	spec.data = "o = 2\n";
	spec.len = 6;
	run(&spec, &r);
	assert_int_equal(r.overlay, 0);
	assert_string_equal(buf_str(&r.output), "o = 2\n");
	run_result_free(&r);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(unlink(outside), 0);
	free(link);
	free(outside);
}

/*
 * A runner killed mid-run: with SIGTERM it kills the test's group and dies
 * of the signal; with SIGKILL (namespace mode) nothing it started survives,
 * and no mount is left in any process's view.
 */
static void
check_killed(enum isolation iso, int sig)
{
	pid_t	pid;
	int	st;
	char	needle[64];

	snprintf(needle, sizeof needle, "sleep 30.%ld%d%d", (long)getpid(),
	    (int)iso, sig);
	if ((pid = fork()) == 0) {
		struct run_spec		spec;
		struct run_result	r;
		char			*cmd = xasprintf("touch killed.txt; "
					    "%s & %s; wait", needle, needle);

		cleanup_init();
		spec_init(&spec, cmd, iso);
		spec.target = "mod.py";
		spec.data = "x = 2\n";
		spec.len = 6;
		sandbox_run(&spec, &r, NULL);
		_exit(0);
	}
	/* Wait until the shell and both sleeps run, then interrupt. */
	for (int i = 0; i < 300 && count_procs(needle) < 3; i++)
		usleep(10000);
	usleep(50000);
	assert_int_equal(count_procs(needle), 3);
	if (iso == ISOLATION_NAMESPACE ||
	    (iso == ISOLATION_NONE && have_overlay))
		assert_true(count_mounts(root) > 0);
	kill(pid, sig);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
	assert_int_equal(gone(count_procs, needle), 0);
	assert_int_equal(gone(count_mounts, root), 0);
	/* What the command wrote went with the overlay or the copy. */
	if (iso == ISOLATION_COPY || have_overlay)
		assert_false(exists("killed.txt"));
	else
		discard("killed.txt");
	original_intact();
}

static void
test_interrupted(void **state)
{
	(void)state;
	check_killed(ISOLATION_NONE, SIGTERM);
	check_killed(ISOLATION_COPY, SIGHUP);
	if (!have_ns)
		return;
	check_killed(ISOLATION_NAMESPACE, SIGTERM);
	check_killed(ISOLATION_NAMESPACE, SIGINT);
	check_killed(ISOLATION_NAMESPACE, SIGKILL);
	/* The baseline behind an overlay is in a pid namespace too. */
	if (have_overlay)
		check_killed(ISOLATION_NONE, SIGKILL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pace_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mntns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pace_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans_ended, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlay_concurrent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overlay_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_of, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_limited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leave_kills_forks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spawn_groups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spawn_groups_swept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_private_tmp, setup,
		    teardown),
	};

	struct run_spec		spec;
	struct run_result	r;
	struct buf		fs = { 0 };
	char			*cause = NULL;

	progname = "test-sandbox";
	if (setup(NULL) == -1)
		return 99;
	spec_init(&spec, "true", ISOLATION_NAMESPACE);
	spec.target = "mod.py";
	spec.data = "";
	if (sandbox_run(&spec, &r, &cause) == 0) {
		have_ns = 1;
		have_overlay = r.overlay;
		run_result_free(&r);
	} else {
		fprintf(stderr, "namespace isolation unavailable: %s\n", cause);
		free(cause);
	}
	teardown(NULL);
	/* A kernel that has overlayfs must give us the overlay. */
	if (have_ns && !have_overlay) {
		if (file_read("/proc/filesystems", &fs, NULL) == 0 &&
		    strstr(buf_str(&fs), "\toverlay\n") != NULL) {
			fprintf(stderr, "overlayfs is there but was not "
			    "used\n");
			buf_free(&fs);
			return 1;
		}
		fprintf(stderr, "no overlayfs: overlay tests skipped\n");
		buf_free(&fs);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
