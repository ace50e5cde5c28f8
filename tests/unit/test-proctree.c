/* test-proctree.c: CPU time and ending of a process tree, from /proc or its control group. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <limits.h>
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

#include "cgroup.h"
#include "proctree.h"
#include "util.h"

static void
spin(double seconds)
{
	double	end = now_seconds() + seconds;

	while (now_seconds() < end)
		;
}

/*
 * A child that starts a spinning grandchild, which starts a spinning
 * great-grandchild in a new session, then waits. Each dies with its parent,
 * and the spinners stop by themselves after a minute, so that a failed test
 * leaves nothing behind.
 */
static pid_t
tree_in(const struct cgroup *cg)
{
	pid_t	pid;

	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cg != NULL && cgroup_enter_self(cg) == -1)
			_exit(1);
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (fork() == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				setsid();
				spin(60);
				_exit(0);
			}
			spin(60);
			_exit(0);
		}
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	return pid;
}

static pid_t
tree(void)
{
	return tree_in(NULL);
}

static pid_t	spinners, outsider;

/* The CPU time below pid once it reaches want, or what it is after 30 s. */
static double
wait_cpu(pid_t pid, double want)
{
	double	c = 0, end;

	for (end = now_seconds() + 30; c < want && now_seconds() < end;) {
		usleep(100000);
		c = proctree_cpu(pid);
	}
	return c;
}

/* Wait up to 5 s for nothing to be left below pid. */
static void
wait_gone(pid_t pid)
{
	double	end;

	for (end = now_seconds() + 5; proctree_cpu(pid) > 0 &&
	    now_seconds() < end;)
		usleep(50000);
}

/* Whatever happened to the test, no spinner outlives it. */
static int
teardown(void **state)
{
	(void)state;
	if (spinners > 0) {
		proctree_kill(spinners, 1);
		waitpid(spinners, NULL, 0);
		spinners = 0;
	}
	if (outsider > 0) {
		kill(outsider, SIGKILL);
		waitpid(outsider, NULL, 0);
		outsider = 0;
	}
	return 0;
}

static void
test_cpu_and_kill(void **state)
{
	pid_t	pid;
	double	c;
	int	st, n;

	(void)state;
	assert_true(proctree_cpu(getpid()) >= 0);
	spinners = pid = tree();
	/*
	 * Two spinners: CPU time below pid grows, by up to two seconds a
	 * second on an idle machine; wait for one second of it.
	 */
	c = wait_cpu(pid, 1.0);
	assert_true(c >= 1.0);
	/* The whole tree is below us too, and an unrelated tree is not. */
	assert_true(proctree_cpu(getpid()) >= c);
	assert_true(proctree_cpu(1) >= 0);
	n = proctree_kill(pid, 1);
	assert_int_equal(n, 3);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	spinners = 0;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* Nothing is left below once the spinners are gone. */
	wait_gone(pid);
	assert_true(proctree_cpu(pid) == 0);
	assert_int_equal(proctree_kill(pid, 1), 0);
}

/* Killing below a process leaves the process itself alone. */
static void
test_kill_below(void **state)
{
	struct proctree_watch	w;
	pid_t			pid;
	double			c;
	int			st;

	(void)state;
	spinners = pid = tree();
	proctree_watch_init(&w, pid, 0.2);
	usleep(300000);
	/* Between two reads of the table only the known processes count. */
	c = proctree_watch_cpu(&w);
	assert_true(c >= 0);
	usleep(300000);
	assert_true(proctree_watch_cpu(&w) >= c);
	proctree_watch_free(&w);
	assert_int_equal(proctree_kill(pid, 0), 2);
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	spinners = 0;
}

/* A watch finds the whole tree, a new session's process too, and its time. */
static void
test_watch(void **state)
{
	struct proctree_watch	w;
	pid_t			pid;
	double			c, all;

	(void)state;
	spinners = pid = tree();
	wait_cpu(pid, 0.5);
	proctree_watch_init(&w, pid, 10);
	c = proctree_watch_cpu(&w);
	all = proctree_cpu(pid);
	assert_int_equal(w.n, 3);
	assert_true(c >= 0.5);
	/* Read a moment apart: the spinners ran on meanwhile. */
	assert_true(c <= all + 0.05 && all - c < 0.5);
	usleep(200000);
	/* Between looks for the tree, its known processes still count. */
	assert_true(proctree_watch_cpu(&w) > c);
	assert_int_equal(w.n, 3);
	proctree_watch_free(&w);
	/* A tree that is gone has no time. */
	proctree_watch_init(&w, 999999999, 10);
	assert_true(proctree_watch_cpu(&w) < 0 || w.n == 0);
	proctree_watch_free(&w);
	assert_int_equal(proctree_kill(pid, 1), 3);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	spinners = 0;
}

/* Ending a tree gives its CPU time as it stood, and leaves nothing below. */
static void
test_end(void **state)
{
	pid_t	pid;
	double	c, at = 0;
	int	st;

	(void)state;
	spinners = pid = tree();
	c = wait_cpu(pid, 0.5);
	assert_true(c >= 0.5);
	assert_int_equal(proctree_end(pid, 1, &at), 3);
	assert_true(at >= c);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	spinners = 0;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	wait_gone(pid);
	/* A tree that is gone: nothing to kill, no CPU time. */
	assert_int_equal(proctree_end(pid, 1, &at), 0);
	assert_true(at == 0);
}

/*
 * A tree in a control group of its own is ended from the group's list of
 * processes: whatever is in the group is the tree's, and what is not (a
 * tree outside it) is found in the process table as before.
 */
static void
test_end_group(void **state)
{
	struct cgroup	cg;
	pid_t		pid;
	double		c, at = 0;
	int		st;

	(void)state;
	cgroup_make(&cg, NULL, 0, 64);
	if (cg.dir[CG_PIDS] == NULL)
		skip();
	spinners = pid = tree_in(&cg);
	/* A process in the group but not below pid is the tree's too. */
	if ((outsider = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cgroup_enter_self(&cg) == 0)
			pause();
		_exit(1);
	}
	assert_true(outsider > 0);
	c = wait_cpu(pid, 0.5);
	assert_true(c >= 0.5);
	assert_int_equal(proctree_end_group(pid, 1, cg.dir[CG_PIDS], &at), 4);
	assert_true(at >= c);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	spinners = 0;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(waitpid(outsider, &st, 0), outsider);
	outsider = 0;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	wait_gone(pid);

	/* A group that does not hold the tree's root is not used. */
	spinners = pid = tree();
	c = wait_cpu(pid, 0.5);
	assert_int_equal(proctree_end_group(pid, 1, cg.dir[CG_PIDS], &at), 3);
	assert_true(at >= c);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	spinners = 0;
	wait_gone(pid);
	cgroup_remove(&cg);
}

/*
 * A process is gone when it no longer exists, and also while it is a
 * zombie, not reaped yet: it does nothing more (its groups, for one, are
 * for others to remove).
 */
static void
test_proctree_gone(void **state)
{
	char	path[64], buf[512];
	FILE	*f;
	pid_t	pid;
	int	i, zombie = 0;

	(void)state;
	assert_false(proctree_gone(getpid()));
	assert_false(proctree_gone(0));
	/* Not a process ID: kill(2) would take -1 for every process. */
	assert_false(proctree_gone(-1));
	assert_false(proctree_gone((long)INT_MAX + 1));
	if ((pid = fork()) == 0)
		_exit(0);
	assert_true(pid > 0);
	/* Not reaped: a zombie once it has exited. */
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	for (i = 0; i < 500 && !zombie; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) != NULL)
				zombie = strstr(buf, ") Z ") != NULL;
			fclose(f);
		}
		if (!zombie)
			usleep(10000);
	}
	assert_true(zombie);
	assert_true(proctree_gone(pid));
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_true(proctree_gone(pid));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_cpu_and_kill, teardown),
		cmocka_unit_test_teardown(test_kill_below, teardown),
		cmocka_unit_test_teardown(test_watch, teardown),
		cmocka_unit_test_teardown(test_end, teardown),
		cmocka_unit_test_teardown(test_end_group, teardown),
		cmocka_unit_test(test_proctree_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
