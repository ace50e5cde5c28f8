/* proctree.c: the processes below this one, from /proc or their control group: their CPU time, and ending them. */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proctree.h"
#include "util.h"

/*
 * A process tree is read whole from /proc/PID/stat, since the kernel may not
 * offer the children lists. A process whose parent has died is reparented
 * to the nearest subreaper (the runner sets itself as one) or to the pid
 * namespace's init, both still below the runner, so nothing that a test
 * starts leaves the tree while it lives.
 */

struct proc {
	pid_t			pid;
	pid_t			ppid;
	unsigned long long	ticks;		/* utime + stime + cutime + cstime */
	int			state;		/* 0 unknown, 1 below, 2 not below */
	char			run;		/* the state letter: R, S, Z... */
};

/* Parse one /proc/PID/stat line; -1 if it does not look like one. */
static int
stat_parse(const char *s, struct proc *p)
{
	const char		*q;
	unsigned long long	 v[4];
	long			 ppid = 0;
	int			 field;

	/* The command name is in parentheses and may hold anything. */
	if ((q = strrchr(s, ')')) == NULL)
		return -1;
	q++;
	/* Fields 3 (state) onwards; ppid is 4, times are 14 to 17. */
	for (field = 3; field <= 17; field++) {
		while (*q == ' ')
			q++;
		if (*q == '\0')
			return -1;
		if (field == 3)
			p->run = *q;
		else if (field == 4)
			ppid = strtol(q, NULL, 10);
		else if (field >= 14)
			v[field - 14] = strtoull(q, NULL, 10);
		while (*q != ' ' && *q != '\0')
			q++;
	}
	p->ppid = (pid_t)ppid;
	p->ticks = v[0] + v[1] + v[2] + v[3];
	return 0;
}

static int
proc_read(int dirfd, const char *name, struct proc *p)
{
	char	path[64], text[1024];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/stat", name);
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	p->pid = (pid_t)strtol(name, NULL, 10);
	p->state = 0;
	return stat_parse(text, p);
}

/* Read one process's stat; -1 if it is gone. */
static int
proc_stat(pid_t pid, struct proc *p)
{
	char	name[32];

	snprintf(name, sizeof name, "/proc/%ld", (long)pid);
	if (proc_read(AT_FDCWD, name, p) == -1)
		return -1;
	p->pid = pid;
	return 0;
}

/*
 * Add to v (n of cap) the processes that a text of PIDs lists (a group's
 * cgroup.procs, a thread's children), with state 1, leaving out PIDs 0
 * and 1, those gone, and those v holds already (a process moved to another
 * parent between two reads).
 */
static void
procs_add(struct proc **v, size_t *n, size_t *cap, const char *text)
{
	struct proc	 p;
	char		*end;
	size_t		 k;
	long		 pid;

	for (;; text = end) {
		pid = strtol(text, &end, 10);
		if (end == text)
			break;
		if (pid <= 1 || pid > INT_MAX)
			continue;
		for (k = 0; k < *n && (*v)[k].pid != pid; k++)
			;
		if (k < *n || proc_stat((pid_t)pid, &p) == -1)
			continue;
		if (*n == *cap) {
			*cap = *cap == 0 ? 16 : *cap * 2;
			*v = xreallocarray(*v, *cap, sizeof **v);
		}
		p.state = 1;
		(*v)[(*n)++] = p;
	}
}

static int
proc_compare(const void *a, const void *b)
{
	pid_t	x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;

	return x < y ? -1 : x > y;
}

static struct proc *
proc_find(struct proc *v, size_t n, pid_t pid)
{
	struct proc	key;

	key.pid = pid;
	return bsearch(&key, v, n, sizeof *v, proc_compare);
}

/* Every process, sorted by pid, with state 1 for ancestor and those below it; NULL on failure. */
static struct proc *
proc_list(pid_t ancestor, size_t *np)
{
	struct dirent	 *de;
	struct proc	 *v = NULL, *p, *q, **chain;
	size_t		  n = 0, cap = 0, i, k, len;
	DIR		 *d;
	int		  answer;

	if ((d = opendir("/proc")) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		if (proc_read(dirfd(d), de->d_name, &v[n]) == 0)
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, proc_compare);
	/* Walk up from each process until the ancestor or a known answer. */
	chain = xcalloc(n + 1, sizeof *chain);
	for (i = 0; i < n; i++) {
		answer = 2;
		for (p = &v[i], len = 0; p->state == 0 && len < n; p = q) {
			chain[len++] = p;
			if (p->pid == ancestor || p->ppid == ancestor) {
				answer = 1;
				break;
			}
			if (p->ppid <= 1 || (q = proc_find(v, n, p->ppid)) == NULL)
				break;
			if (q->state != 0) {
				answer = q->state;
				break;
			}
		}
		for (k = 0; k < len; k++)
			chain[k]->state = answer;
	}
	free(chain);
	*np = n;
	return v;
}

/*
 * The processes of a control group, from its cgroup.procs, with state 1;
 * NULL if it cannot be read or root is not among them.
 */
static struct proc *
group_list(const char *group, pid_t root, size_t *np)
{
	struct buf	 text = { 0 };
	struct proc	*v = NULL;
	char		*path;
	size_t		 n = 0, cap = 0, i;

	path = xasprintf("%s/cgroup.procs", group);
	if (file_read(path, &text, NULL) == 0)
		procs_add(&v, &n, &cap, buf_str(&text));
	free(path);
	buf_free(&text);
	for (i = 0; i < n && v[i].pid != root; i++)
		;
	if (i == n) {
		free(v);
		return NULL;
	}
	*np = n;
	return v;
}

static double
ticks_seconds(unsigned long long ticks)
{
	long	hz = sysconf(_SC_CLK_TCK);

	return (double)ticks / (double)(hz > 0 ? hz : 100);
}

double
proctree_cpu(pid_t root)
{
	struct proc		*v;
	unsigned long long	 ticks = 0;
	size_t			 n = 0, i;

	if ((v = proc_list(root, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i].state == 1)
			ticks += v[i].ticks;
	}
	free(v);
	return ticks_seconds(ticks);
}

static int
pid_known(const pid_t *v, size_t n, pid_t pid)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i] == pid)
			return 1;
	}
	return 0;
}

int
proctree_kill(pid_t root, int self)
{
	return proctree_end(root, self, NULL);
}

int
proctree_end(pid_t root, int self, double *cpu)
{
	return proctree_end_group(root, self, NULL, cpu);
}

int
proctree_end_group(pid_t root, int self, const char *group, double *cpu)
{
	struct proc		*v;
	pid_t			*done = NULL;
	unsigned long long	 ticks = 0;
	size_t			 n, i, ndone = 0, round, fresh;
	int			 count = 0;

	if (cpu != NULL)
		*cpu = -1;
	/* Stop the tree until no new process shows up, then kill it. */
	for (round = 0; round < 8; round++) {
		if ((group == NULL ||
		    (v = group_list(group, root, &n)) == NULL) &&
		    (v = proc_list(root, &n)) == NULL)
			break;
		for (i = fresh = 0; i < n; i++) {
			if (v[i].state != 1)
				continue;
			if (round == 0)
				ticks += v[i].ticks;
			if ((v[i].pid == root && !self) ||
			    pid_known(done, ndone, v[i].pid))
				continue;
			if (kill(v[i].pid, SIGSTOP) == 0) {
				done = xreallocarray(done, ndone + 1,
				    sizeof *done);
				done[ndone++] = v[i].pid;
				fresh++;
			}
		}
		free(v);
		if (round == 0 && cpu != NULL)
			*cpu = ticks_seconds(ticks);
		if (fresh == 0)
			break;
	}
	for (i = 0; i < ndone; i++) {
		if (kill(done[i], SIGKILL) == 0)
			count++;
	}
	free(done);
	return count;
}

void
proctree_watch_init(struct proctree_watch *w, pid_t root, double rescan)
{
	memset(w, 0, sizeof *w);
	w->root = root;
	w->rescan = rescan;
}

int
proctree_gone(long pid)
{
	struct proc	p;

	if (pid <= 0 || pid > INT_MAX)
		return 0;
	if (kill((pid_t)pid, 0) == -1)
		return errno == ESRCH;
	/* A zombie is gone too: it does nothing more, and keeps nothing. */
	if (proc_stat((pid_t)pid, &p) == 0)
		return p.run == 'Z';
	/*
	 * No /proc to read (not mounted, or another pid namespace's) tells
	 * nothing; a process reaped meanwhile is told by asking again.
	 */
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/*
 * Whether the kernel lists each thread's children (/proc/PID/task/TID/
 * children, CONFIG_PROC_CHILDREN): asked once, of this process.
 */
static int
children_listed(void)
{
	static int	known = -1;
	char		path[64];

	if (known == -1) {
		snprintf(path, sizeof path, "/proc/%ld/task/%ld/children",
		    (long)getpid(), (long)getpid());
		known = access(path, R_OK) == 0;
	}
	return known;
}

/* Add the children of v[i]'s threads that v does not hold yet. */
static void
children_add(struct proc **v, size_t *n, size_t *cap, size_t i)
{
	struct dirent	*de;
	struct buf	 text = { 0 };
	char		 path[320];
	pid_t		 pid = (*v)[i].pid;
	DIR		*d;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%s/children",
		    (long)pid, de->d_name);
		buf_reset(&text);
		if (file_read(path, &text, NULL) == 0)
			procs_add(v, n, cap, buf_str(&text));
	}
	closedir(d);
	buf_free(&text);
}

/*
 * root and the processes below it, with state 1, from the kernel's lists
 * of each thread's children: a look costs what the tree holds, not what
 * the process table does. NULL if root is gone or there are no such lists.
 */
static struct proc *
children_list(pid_t root, size_t *np)
{
	struct proc	*v, p;
	size_t		 n = 0, cap = 16, i;

	if (!children_listed() || proc_stat(root, &p) == -1)
		return NULL;
	v = xreallocarray(NULL, cap, sizeof *v);
	p.state = 1;
	v[n++] = p;
	for (i = 0; i < n; i++)
		children_add(&v, &n, &cap, i);
	*np = n;
	return v;
}

double
proctree_watch_cpu(struct proctree_watch *w)
{
	struct proc		*v, p;
	unsigned long long	 ticks = 0;
	double			 now = now_seconds();
	size_t			 n = 0, i;

	if (w->n == 0 || now - w->last >= w->rescan) {
		if ((w->group == NULL ||
		    (v = group_list(w->group, w->root, &n)) == NULL) &&
		    (v = children_list(w->root, &n)) == NULL &&
		    (v = proc_list(w->root, &n)) == NULL)
			return -1;
		w->n = 0;
		w->pids = xreallocarray(w->pids, n + 1, sizeof *w->pids);
		for (i = 0; i < n; i++) {
			if (v[i].state != 1)
				continue;
			w->pids[w->n++] = v[i].pid;
			ticks += v[i].ticks;
		}
		free(v);
		w->last = now;
		return ticks_seconds(ticks);
	}
	for (i = 0; i < w->n; i++) {
		if (proc_stat(w->pids[i], &p) == 0)
			ticks += p.ticks;
	}
	return ticks_seconds(ticks);
}

void
proctree_watch_free(struct proctree_watch *w)
{
	free(w->pids);
	memset(w, 0, sizeof *w);
}
