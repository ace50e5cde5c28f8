/* test-proctree.c: CPU time and ending of a process tree, from /proc. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

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
 * great-grandchild in a new session, then waits.
 */
static pid_t
tree(void)
{
	pid_t	pid;

	if ((pid = fork()) == 0) {
		if (fork() == 0) {
			if (fork() == 0) {
				setsid();
				for (;;)
					spin(1);
			}
			for (;;)
				spin(1);
		}
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	return pid;
}

static void
test_cpu_and_kill(void **state)
{
	pid_t	pid;
	double	c, before;
	int	st, n;

	(void)state;
	before = proctree_cpu(getpid());
	assert_true(before >= 0);
	pid = tree();
	/* Two spinners for a second: about two CPU seconds below pid. */
	usleep(1000000);
	c = proctree_cpu(pid);
	assert_true(c >= 1.0);
	/* The whole tree is below us too, and an unrelated tree is not. */
	assert_true(proctree_cpu(getpid()) >= c);
	assert_true(proctree_cpu(1) >= 0);
	n = proctree_kill(pid, SIGKILL);
	assert_int_equal(n, 3);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* Nothing left to signal once the spinners are gone. */
	usleep(200000);
	assert_int_equal(proctree_kill(pid, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_and_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
