/* sandbox.c: running the test command isolated, one file replaced, with a time limit. */
#include "config.h"

#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "proctree.h"
#include "sandbox.h"
#include "util.h"

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC		0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC		0x00000001
#endif
#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING	1
#endif
#ifndef FSCONFIG_SET_FD
#define FSCONFIG_SET_FD		5
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE	6
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID	0x00000002
#endif
#ifndef MOUNT_ATTR_NODEV
#define MOUNT_ATTR_NODEV	0x00000004
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE		1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC	O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH	0x00000004
#endif

extern char **environ;

/* Most bytes read from the pipe at once, so output cannot starve the timer. */
#define DRAIN_MAX (1024 * 1024)
/* Seconds between two looks at a run's CPU time, at the least. */
#define CPU_CHECK_MIN 0.05
/* Seconds between two reads of the whole process table for it. */
#define CPU_RESCAN 0.5
/*
 * Seconds between looks at the hooks' records for a test's start: when the
 * kernel tells of each write to them, only to be safe; else often.
 */
#define PACE_NOTICED 0.5
#define PACE_POLL 0.02
/* Bytes of the hooks' records read at one look, and the longest line kept. */
#define RECORD_MAX 65536
/* Milliseconds between two looks at the groups a worker's runs left. */
#define HANDED_SWEEP_MS 100
/* Seconds a spare's new groups are left alone, for it to join them. */
#define HANDED_GRACE 1.0

/* What one run needs, shared by the parent and the children it forks. */
struct launch {
	const struct run_spec	*spec;
	enum isolation		 mode;		/* NAMESPACE, COPY or NONE */
	const char		*cwd;		/* where the command runs */
	const char		*target;	/* absolute path to replace */
	struct stat		 orig;		/* the file it replaces */
	int			 overlay;	/* overlay the root if we can */
	const char		*upper;		/* real target, root-relative */
	const char		*hide;		/* a byte-code directory to hide, or NULL */
	char			**envp;
	int			 outfd;		/* output pipe, write end */
	int			 nullfd;	/* /dev/null for stdin */
	int			 statusfd;	/* status pipe, write end */
	pid_t			 parent;
	sigset_t		 oldmask;
	struct cgroup		 cg;		/* the run's control groups */
	uint64_t		 as;		/* address-space limit, or 0 */
	int			 linger;	/* leave detached mounts open */
};

static const char *isolation_names[] = {
	[ISOLATION_AUTO] = "auto",
	[ISOLATION_NAMESPACE] = "namespace",
	[ISOLATION_COPY] = "copy",
	[ISOLATION_NONE] = "none",
};

/* Lower *ms so that a poll for it ends by when. */
static void
wake_by(int *ms, double when, double now)
{
	if ((when - now) * 1000 < *ms)
		*ms = (int)((when - now) * 1000) + 1;
}

void
run_limits_init(struct run_limits *lim, double start, double timeout,
    double cpu_timeout)
{
	memset(lim, 0, sizeof *lim);
	lim->deadline = timeout > 0 ? start + timeout : 0;
	lim->cpu_timeout = cpu_timeout > 0 ? cpu_timeout : 0;
	if ((lim->ncpu = (double)sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		lim->ncpu = 1;
	/*
	 * The CPU time of a run cannot grow faster than ncpu seconds per
	 * second, so the process table is read only when the limit could have
	 * been reached since the last look.
	 */
	lim->cpu_check = start + lim->cpu_timeout / lim->ncpu;
	lim->records = -1;
	lim->notify = -1;
	lim->current = SIZE_MAX;
}

/*
 * A test's budget starts when it does, which the hooks write in the
 * records: an inotify watch on the records' directory wakes the run's loop
 * at each write there (run_limits_fd), so that the cold path, which reads
 * them, starts a budget when the warm path, which is told, does. Where
 * inotify cannot be used (its per-user limits of instances or watches
 * reached) the records are read every PACE_POLL seconds.
 */
void
run_limits_pace(struct run_limits *lim, const struct run_pace *pace)
{
	char	*dir, *slash;

	lim->pace = pace != NULL && pace->n > 0 ? pace : NULL;
	if (lim->pace == NULL || pace->records == NULL || lim->notify != -1)
		return;
	dir = xstrdup(pace->records);
	/* Its directory: "/" for "/records". */
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if ((lim->notify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) != -1 &&
	    inotify_add_watch(lim->notify, slash != NULL ? dir : ".",
	    IN_CREATE | IN_MODIFY | IN_MOVED_TO) == -1) {
		close(lim->notify);
		lim->notify = -1;
	}
	free(dir);
}

int
run_limits_fd(const struct run_limits *lim)
{
	return lim->notify;
}

void
run_limits_told(struct run_limits *lim, int start, size_t n)
{
	double	c;

	if (lim->pace == NULL)
		return;
	if (!start) {
		if (n == lim->current)
			lim->current = SIZE_MAX;
		return;
	}
	lim->current = SIZE_MAX;
	if (n >= lim->pace->n || lim->pace->budget[n] <= 0 ||
	    lim->watch.root <= 0 || (c = proctree_watch_cpu(&lim->watch)) < 0)
		return;
	lim->current = n;
	lim->until = c + lim->pace->budget[n];
	lim->pace_check = now_seconds() + lim->pace->budget[n] / lim->ncpu;
}

/* Act on one whole record line: a test's start or end, or not ours. */
static void
record_line(struct run_limits *lim, const char *line)
{
	/* The test's end, then its start: run_limits_told's 0 and 1. */
	static const char *const heads[] = {
		"{\"type\":\"done\",\"n\":", "{\"type\":\"start\",\"n\":",
	};
	char		*end;
	unsigned long	 n;
	size_t		 k, len;

	for (k = 0; k < 2; k++) {
		len = strlen(heads[k]);
		if (strncmp(line, heads[k], len) != 0 ||
		    !isdigit((unsigned char)line[len]))
			continue;
		errno = 0;
		n = strtoul(line + len, &end, 10);
		if (errno == 0 && end[0] == '}' && end[1] == '\0')
			run_limits_told(lim, (int)k, (size_t)n);
		return;
	}
}

/*
 * Act on the records the hooks appended since the last look: a test's
 * start ({"type":"start","n":N}) and end ({"type":"done","n":N}), matched
 * as crmake's hooks write them. A test may write there too: a look reads
 * RECORD_MAX bytes at most, and a line longer than that goes unread.
 * Returns 1 if it read that much (there may be more), else 0.
 */
static int
records_follow(struct run_limits *lim)
{
	struct buf	*b = &lim->partial;
	char		*nl;
	size_t		 off = 0;
	ssize_t		 got;

	if (lim->records == -1 && (lim->records = open(lim->pace->records,
	    O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	buf_grow(b, RECORD_MAX + 1);
	if ((got = read(lim->records, b->data + b->len, RECORD_MAX)) <= 0)
		return 0;
	b->len += (size_t)got;
	while ((nl = memchr(b->data + off, '\n', b->len - off)) != NULL) {
		*nl = '\0';
		record_line(lim, b->data + off);
		off = (size_t)(nl + 1 - b->data);
	}
	memmove(b->data, b->data + off, b->len - off);
	b->len -= off;
	if (b->len >= RECORD_MAX)
		b->len = 0;
	return got == RECORD_MAX;
}

/* Whether the test running has overrun its budget. */
static int
pace_overrun(struct run_limits *lim, double now, double *cpu, int *ms)
{
	double	c, left;
	char	events[4096];
	int	more;

	if (lim->pace->records != NULL) {
		/* What is written after this read wakes the loop again. */
		if (lim->notify != -1)
			while (read(lim->notify, events, sizeof events) > 0)
				;
		/* What is left after a full read is not told again. */
		more = records_follow(lim);
		wake_by(ms, now + (lim->notify != -1 && !more ? PACE_NOTICED :
		    PACE_POLL), now);
	}
	if (lim->current == SIZE_MAX)
		return 0;
	if (now >= lim->pace_check) {
		if ((c = proctree_watch_cpu(&lim->watch)) > *cpu)
			*cpu = c;
		if (c >= lim->until) {
			lim->overran = lim->current;
			return 1;
		}
		left = (lim->until - (c < 0 ? 0 : c)) / lim->ncpu;
		lim->pace_check = now + (left > PACE_POLL ? left : PACE_POLL);
	}
	wake_by(ms, lim->pace_check, now);
	return 0;
}

void
run_limits_watch(struct run_limits *lim, pid_t root, const char *group)
{
	proctree_watch_free(&lim->watch);
	proctree_watch_init(&lim->watch, root, CPU_RESCAN);
	lim->watch.group = group;
}

enum run_limit
run_limits_check(struct run_limits *lim, double *cpu, int *ms)
{
	double	now = now_seconds(), c, left;

	if (lim->deadline > 0) {
		if (now >= lim->deadline)
			return LIMIT_WALL;
		wake_by(ms, lim->deadline, now);
	}
	if (lim->watch.root <= 0)
		return LIMIT_NONE;
	if (lim->cpu_timeout > 0) {
		if (now >= lim->cpu_check) {
			c = proctree_watch_cpu(&lim->watch);
			if (c > *cpu)
				*cpu = c;
			if (c >= lim->cpu_timeout)
				return LIMIT_CPU;
			left = (lim->cpu_timeout - (c < 0 ? 0 : c)) /
			    lim->ncpu;
			lim->cpu_check = now + (left > CPU_CHECK_MIN ? left :
			    CPU_CHECK_MIN);
		}
		wake_by(ms, lim->cpu_check, now);
	}
	if (lim->pace != NULL && pace_overrun(lim, now, cpu, ms))
		return LIMIT_TEST;
	return LIMIT_NONE;
}

void
run_limits_free(struct run_limits *lim)
{
	proctree_watch_free(&lim->watch);
	if (lim->records != -1)
		close(lim->records);
	lim->records = -1;
	if (lim->notify != -1)
		close(lim->notify);
	lim->notify = -1;
	buf_free(&lim->partial);
}

const char *
run_limit_name(enum run_limit limit)
{
	switch (limit) {
	case LIMIT_WALL:
		return "wall";
	case LIMIT_CPU:
		return "cpu";
	case LIMIT_MEMORY:
		return "memory";
	case LIMIT_PROCS:
		return "processes";
	case LIMIT_OUTPUT:
		return "output";
	case LIMIT_TEST:
		return "test";
	default:
		return NULL;
	}
}

void
run_caps_groups(const struct run_caps *caps, struct cgroup *cg, uint64_t *as)
{
	cgroup_make(cg, NULL, caps->memory, caps->procs);
	*as = cg->dir[CG_MEMORY] == NULL ? caps->memory : 0;
}

void
run_caps_seen(const struct cgroup *cg, int *timed_out,
    enum run_limit *limit, enum run_limit *reached)
{
	if (cgroup_oom(cg)) {
		*timed_out = 1;
		*limit = LIMIT_MEMORY;
	} else if (!*timed_out && cgroup_procs_hit(cg))
		*reached = LIMIT_PROCS;
}

void
run_caps_done(struct cgroup *cg, int *timed_out, enum run_limit *limit,
    enum run_limit *reached)
{
	run_caps_seen(cg, timed_out, limit, reached);
	cgroup_remove(cg);
}

const char *
isolation_name(enum isolation i)
{
	if ((unsigned)i >= sizeof isolation_names / sizeof isolation_names[0])
		return "unknown";
	return isolation_names[i];
}

int
isolation_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof isolation_names / sizeof *isolation_names; i++) {
		if (strcmp(s, isolation_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
run_result_free(struct run_result *r)
{
	buf_free(&r->output);
}

/* Whether entry e ("NAME=value") sets the variable named by the entry set ("NAME=..."). */
static int
env_same_name(const char *e, const char *set)
{
	size_t	n = strcspn(set, "=");

	return strncmp(e, set, n) == 0 && e[n] == '=';
}

/*
 * The command's environment: ours, with PWD, without make's variables, no
 * byte-code writing, no byte-code prefix (it would make Python look for the
 * byte code of every module, the standard library's included, under the
 * prefix and compile what it does not find there), and the spec's own
 * entries.
 */
static char **
env_build(const struct run_spec *spec, const char *cwd, size_t *nown)
{
	/* What the entries that are not passed on start with. */
	static const char *const dropped[] = { "PWD=",
	    "PYTHONDONTWRITEBYTECODE=", "PYTHONPYCACHEPREFIX=", "CRMAKE_",
	    "CR_MAKE_", "MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", "MAKEOVERRIDES=",
	    NULL };
	const char *const	*x;
	char			**env, **e;
	size_t			  n = 0, i = 0;
	int			  drop;

	for (e = environ; e != NULL && *e != NULL; e++)
		n++;
	for (x = spec->env; x != NULL && *x != NULL; x++)
		n++;
	env = xcalloc(n + 3, sizeof *env);
	for (e = environ; e != NULL && *e != NULL; e++) {
		/*
		 * Hook variables of an outer run are not this run's, nor
		 * are the make's that runs the mutants (its flags, its
		 * jobserver, its progress counts): the tests see what
		 * they saw in the baseline, run from anywhere.
		 */
		for (x = dropped, drop = 0; *x != NULL && !drop; x++)
			drop = strncmp(*e, *x, strlen(*x)) == 0;
		for (x = spec->env; x != NULL && *x != NULL && !drop; x++)
			drop = env_same_name(*e, *x);
		if (!drop)
			env[i++] = *e;
	}
	for (x = spec->env; x != NULL && *x != NULL; x++)
		env[i++] = (char *)*x;
	*nown = i;
	env[i++] = xasprintf("PWD=%s", cwd);
	env[i++] = xstrdup("PYTHONDONTWRITEBYTECODE=1");
	env[i] = NULL;
	return env;
}

static void
env_free(char **env, size_t nown)
{
	size_t	i;

	for (i = nown; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* In a child: send one line to the parent through the status pipe. */
static void
child_report(int fd, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	while (write(fd, line, (size_t)n) == -1 && errno == EINTR)
		;
}

/* In a child: give the command default signal handling and our old mask. */
static void
child_signals(const struct launch *l)
{
	cleanup_default_signals();
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
}

/* In a child: become the test shell. Never returns. */
static void
child_exec(const struct launch *l)
{
	char	*argv[] = { "sh", "-c", (char *)l->spec->command, NULL };
	char	 msg[PATH_MAX + 128];
	int	 out, in, n;

	out = fcntl(l->outfd, F_DUPFD_CLOEXEC, 3);
	in = fcntl(l->nullfd, F_DUPFD_CLOEXEC, 3);
	if (out == -1 || in == -1 || dup2(in, 0) == -1 || dup2(out, 1) == -1 ||
	    dup2(out, 2) == -1)
		_exit(127);
	if (chdir(l->cwd) == -1) {
		n = snprintf(msg, sizeof msg, "%s: %s: %s\n", progname, l->cwd,
		    strerror(errno));
		if (n > 0 && write(2, msg, (size_t)n) == -1)
			_exit(127);
		_exit(127);
	}
	if (l->as > 0) {
		struct rlimit	rl = { (rlim_t)l->as, (rlim_t)l->as };

		setrlimit(RLIMIT_AS, &rl);
	}
	child_signals(l);
	execve("/bin/sh", argv, l->envp);
	n = snprintf(msg, sizeof msg, "%s: /bin/sh: %s\n", progname,
	    strerror(errno));
	if (n > 0 && write(2, msg, (size_t)n) == -1)
		_exit(127);
	_exit(127);
}

static int
write_proc(const char *path, const char *text)
{
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Give fd the mode of the original and its mtime plus one second. */
static int
file_stamp(int fd, const struct stat *orig)
{
	struct timespec	ts[2];

	if (fchmod(fd, orig->st_mode & 07777) == -1)
		return -1;
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = orig->st_mtim;
	ts[1].tv_sec += 1;
	return futimens(fd, ts);
}

/*
 * Close a mount that is attached nowhere (a tmpfs that an overlay holds).
 * That ends it, and the kernel waits for a grace period: a process about to
 * hand its namespace over (l->linger) leaves that to its exit instead.
 */
static void
detached_close(const struct launch *l, int mnt)
{
	if (!l->linger)
		close(mnt);
}

/* A new tmpfs attached nowhere of at most size bytes (0: the default), as a mount file descriptor; -1 on failure. */
static int
tmpfs_new(uint64_t size, const char **what)
{
	char	num[32];
	int	fs, mnt, saved;

	*what = "fsopen tmpfs";
	if ((fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC)) == -1)
		return -1;
	*what = "create tmpfs";
	mnt = -1;
	snprintf(num, sizeof num, "%llu", (unsigned long long)size);
	if ((size == 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING,
	    "size", num, 0) == 0) && syscall(SYS_fsconfig, fs,
	    FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) {
		*what = "fsmount tmpfs";
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
		    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	}
	saved = errno;
	close(fs);
	errno = saved;
	return mnt;
}

/*
 * Put the mutated file over the target. It lives in an anonymous tmpfs made
 * with the new mount API: that tmpfs is attached nowhere, so no name for the
 * file exists outside this mount namespace and it vanishes with it. (An
 * O_TMPFILE or memfd file cannot be bind-mounted.)
 */
static int
ns_replace(const struct launch *l, const char **what)
{
	int	mnt, fd = -1, tree = -1, rc = -1;

	if ((mnt = tmpfs_new(0, what)) == -1)
		return -1;
	*what = "create the mutated file";
	fd = openat(mnt, "mutant", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1 || write_all(fd, l->spec->data, l->spec->len) == -1 ||
	    file_stamp(fd, &l->orig) == -1)
		goto out;
	*what = "open_tree";
	if ((tree = (int)syscall(SYS_open_tree, mnt, "mutant",
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) == -1)
		goto out;
	*what = "bind mount over the target";
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, l->target,
	    MOVE_MOUNT_F_EMPTY_PATH) == -1)
		goto out;
	rc = 0;
out:
	if (tree != -1)
		close(tree);
	if (fd != -1)
		close(fd);
	detached_close(l, mnt);
	return rc;
}

/*
 * Give the directory upath of the upper layer the mode, owner and times of
 * lpath in the project: a directory of the upper layer shows its own
 * attributes in place of those of the directory below. An owner that may
 * not be given (an unmapped one in a user namespace) is left as it is.
 */
static int
dir_mirror(int mnt, const char *upath, int lower, const char *lpath)
{
	struct stat	st;
	struct timespec	ts[2];

	if (fstatat(lower, lpath, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchownat(mnt, upath, st.st_uid, st.st_gid,
	    AT_SYMLINK_NOFOLLOW) == -1)
		errno = 0;
	if (fchmodat(mnt, upath, st.st_mode & 07777, 0) == -1)
		return -1;
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	return utimensat(mnt, upath, ts, AT_SYMLINK_NOFOLLOW);
}

/*
 * Make the overlay's directories upper and work in the tmpfs mnt and put
 * the mutated file in upper at its path, with the directories on the way.
 */
static int
upper_fill(const struct launch *l, int mnt, int lower)
{
	char	*path, *p;
	int	 fd, r, rc = -1, saved;

	if (mkdirat(mnt, "upper", 0700) == -1 ||
	    mkdirat(mnt, "work", 0700) == -1)
		return -1;
	if (l->upper == NULL)
		return dir_mirror(mnt, "upper", lower, ".");
	path = xasprintf("upper/%s", l->upper);
	for (p = strchr(path + 6, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		r = mkdirat(mnt, path, 0700);
		*p = '/';
		if (r == -1 && errno != EEXIST)
			goto out;
	}
	fd = openat(mnt, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		goto out;
	if ((l->orig.st_uid != geteuid() || l->orig.st_gid != getegid()) &&
	    fchown(fd, l->orig.st_uid, l->orig.st_gid) == -1)
		errno = 0;
	if (write_all(fd, l->spec->data, l->spec->len) == -1 ||
	    file_stamp(fd, &l->orig) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		goto out;
	}
	close(fd);
	/* Bottom up: making a directory changes the times of its parent. */
	while ((p = strrchr(path, '/')) != NULL) {
		*p = '\0';
		if (dir_mirror(mnt, path, lower, strchr(path, '/') != NULL ?
		    path + 6 : ".") == -1)
			goto out;
	}
	rc = 0;
out:
	saved = errno;
	free(path);
	errno = saved;
	return rc;
}

/*
 * A new overlay with the directory lower below and the tmpfs mnt's upper
 * and work above, as a mount file descriptor; -1 on failure. The layers go
 * by file descriptor, or as /proc/self/fd paths where that is not known.
 */
static int
ovl_new(int lower, int mnt, int byfd)
{
	char	path[64];
	int	fs, up = -1, work = -1, m = -1;

	if ((fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC)) == -1)
		return -1;
	if (byfd) {
		up = openat(mnt, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
		work = openat(mnt, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up == -1 || work == -1 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "lowerdir+",
		    NULL, lower) == -1 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "upperdir", NULL,
		    up) == -1 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "workdir", NULL,
		    work) == -1)
			goto out;
	} else {
		snprintf(path, sizeof path, "/proc/self/fd/%d", lower);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir",
		    path, 0) == -1)
			goto out;
		snprintf(path, sizeof path, "/proc/self/fd/%d/upper", mnt);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir",
		    path, 0) == -1)
			goto out;
		snprintf(path, sizeof path, "/proc/self/fd/%d/work", mnt);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir",
		    path, 0) == -1)
			goto out;
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == -1)
		goto out;
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
	    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
out:
	if (up != -1)
		close(up);
	if (work != -1)
		close(work);
	close(fs);
	return m;
}

/*
 * Put a private overlay over the root: the project below, never written, and
 * above it the directory upper of an anonymous tmpfs, which holds the mutated
 * file at its path and takes every write of the tests. The tests see the
 * mutant and may write anywhere in the tree; what they write is seen by no
 * other run and vanishes with the namespace.
 *
 * Overlayfs takes a tmpfs that is attached nowhere as a layer from Linux
 * 6.15. Where it is refused, the tmpfs is attached over the root itself and
 * the overlay goes on top of it: the tmpfs is then hidden under the overlay,
 * and no directory but the root is ever covered (one outside the root could
 * be one the tests use, like /tmp; one inside would show through the lower
 * layer). The lower layer is the root as opened before, below the tmpfs.
 *
 * Returns -1 with nothing mounted if the overlay cannot be made.
 */
static int
overlay_over(const char *dir, int lower, int mnt)
{
	int	ovl;

	if ((ovl = ovl_new(lower, mnt, 1)) == -1) {
		if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, dir,
		    MOVE_MOUNT_F_EMPTY_PATH) == -1)
			return -1;
		if ((ovl = ovl_new(lower, mnt, 0)) == -1 ||
		    syscall(SYS_move_mount, ovl, "", AT_FDCWD, dir,
		    MOVE_MOUNT_F_EMPTY_PATH) == -1) {
			if (ovl != -1)
				close(ovl);
			umount2(dir, MNT_DETACH);
			return -1;
		}
	} else if (syscall(SYS_move_mount, ovl, "", AT_FDCWD, dir,
	    MOVE_MOUNT_F_EMPTY_PATH) == -1) {
		close(ovl);
		return -1;
	}
	close(ovl);
	return 0;
}

static int
ns_overlay(const struct launch *l)
{
	const char	*what;
	int		 lower, mnt = -1, rc = -1;

	if ((lower = open(l->cwd, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((mnt = tmpfs_new(l->spec->caps.memory / 2, &what)) == -1 ||
	    upper_fill(l, mnt, lower) == -1)
		goto out;
	rc = overlay_over(l->cwd, lower, mnt);
out:
	if (mnt != -1)
		detached_close(l, mnt);
	close(lower);
	return rc;
}

/*
 * Give the run a /tmp of its own: an overlay of /tmp, whose files it sees
 * and whose writes (new files, changed ones, deletions) go to a tmpfs that
 * no other run sees and that vanishes with the namespace, up to half the
 * memory limit in size (a full /tmp is then an error the tests see, before
 * the memory limit ends them). The directory l->keep (the records of the hooks) stays
 * the real one. Before the project's overlay, which may lie below /tmp.
 */
static int
ns_private_tmp(const struct launch *l, const char **what)
{
	int	lower, mnt = -1, keep = -1, rc = -1;

	*what = "open /tmp";
	if ((lower = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	*what = "keep the records' directory";
	if (l->spec->keep != NULL && path_inside(l->spec->keep, "/tmp") &&
	    (keep = (int)syscall(SYS_open_tree, AT_FDCWD, l->spec->keep,
	    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) == -1)
		goto out;
	if ((mnt = tmpfs_new(l->spec->caps.memory / 2, what)) == -1)
		goto out;
	*what = "make the private /tmp";
	if (mkdirat(mnt, "upper", 01777) == -1 ||
	    fchmodat(mnt, "upper", 01777, 0) == -1 ||
	    mkdirat(mnt, "work", 0700) == -1 ||
	    overlay_over("/tmp", lower, mnt) == -1)
		goto out;
	if (keep != -1 && syscall(SYS_move_mount, keep, "", AT_FDCWD,
	    l->spec->keep, MOVE_MOUNT_F_EMPTY_PATH) == -1)
		goto out;
	rc = 0;
out:
	if (keep != -1)
		close(keep);
	if (mnt != -1)
		detached_close(l, mnt);
	close(lower);
	return rc;
}

/*
 * In the intermediate child: enter new namespaces and replace the file, by
 * an overlay over the root if we may and can, else by a bind mount.
 */
/*
 * Whether the __pycache__ beside target holds byte code of it that Python
 * uses without comparing it with the source: "unchecked-hash" byte code
 * (PEP 552: flags word with bit 0 set and bit 1 clear). The mutated file's
 * modification time makes every other kind stale.
 */
static char *
unchecked_pycache(const char *target)
{
	struct dirent	*de;
	unsigned char	 head[8];
	const char	*base, *slash;
	char		*dir, *path;
	size_t		 stem;
	DIR		*d;
	int		 fd, found = 0;
	ssize_t		 n;

	slash = strrchr(target, '/');
	base = slash != NULL ? slash + 1 : target;
	stem = strlen(base);
	if (stem < 4 || strcmp(base + stem - 3, ".py") != 0)
		return NULL;
	stem -= 3;
	dir = xasprintf("%.*s/__pycache__", (int)(base - target - 1), target);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return NULL;
	}
	while (!found && (de = readdir(d)) != NULL) {
		n = (ssize_t)strlen(de->d_name);
		if (strncmp(de->d_name, base, stem) != 0 ||
		    de->d_name[stem] != '.' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".pyc") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			n = read(fd, head, sizeof head);
			close(fd);
			found = n == 8 && (head[4] & 1) && !(head[4] & 2);
		}
		free(path);
	}
	closedir(d);
	if (!found) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* In the namespace: put an empty, read-only directory over l->hide. */
static void
ns_hide(const struct launch *l)
{
	if (l->hide != NULL)
		mount("tmpfs", l->hide, "tmpfs", MS_RDONLY | MS_NOSUID |
		    MS_NODEV | MS_NOEXEC, "size=4k");
}

/*
 * unshare(flags); without the privilege for it, in a new user namespace that
 * maps only our own user and group IDs, and *userns is set.
 */
static int
ns_unshare(int flags, int *userns, const char **what)
{
	uid_t	uid = getuid();
	gid_t	gid = getgid();
	char	map[64];

	*userns = 0;
	*what = "unshare";
	if (unshare(flags) == 0)
		return 0;
	if (errno != EPERM)
		return -1;
	if (unshare(CLONE_NEWUSER | flags) == -1)
		return -1;
	*userns = 1;
	*what = "write /proc/self/setgroups";
	if (write_proc("/proc/self/setgroups", "deny") == -1 && errno != ENOENT)
		return -1;
	*what = "write /proc/self/uid_map";
	snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)uid,
	    (unsigned long)uid);
	if (write_proc("/proc/self/uid_map", map) == -1)
		return -1;
	*what = "write /proc/self/gid_map";
	snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)gid,
	    (unsigned long)gid);
	return write_proc("/proc/self/gid_map", map);
}

static int
ns_setup(const struct launch *l, const char **what)
{
	int	userns;

	if (ns_unshare(CLONE_NEWNS | CLONE_NEWPID, &userns, what) == -1)
		return -1;
	*what = "make / private";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	if (l->spec->private_tmp && ns_private_tmp(l, what) == -1)
		return -1;
	if (l->overlay && ns_overlay(l) == 0) {
		child_report(l->statusfd, "O");
		ns_hide(l);
		return 0;
	}
	if (l->target != NULL && ns_replace(l, what) == -1)
		return -1;
	ns_hide(l);
	return 0;
}

/*
 * In a process that reaps what the command leaves (the namespace's init, or
 * the subreaper): run the shell, reap every child until the shell exits and
 * report its status.
 */
static void
run_shell(const struct launch *l)
{
	pid_t	shell, pid;
	int	st;

	if ((shell = fork()) == -1) {
		child_report(l->statusfd, "E fork: %s", strerror(errno));
		_exit(1);
	}
	if (shell == 0)
		child_exec(l);
	for (;;) {
		pid = waitpid(-1, &st, 0);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid == -1)
			_exit(1);
		if (pid == shell)
			break;
	}
	if (WIFEXITED(st))
		child_report(l->statusfd, "X %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		child_report(l->statusfd, "S %d", WTERMSIG(st));
}

/*
 * In the pid namespace's init: run the shell, reap everything until it
 * exits and report its status. When this process exits the kernel kills
 * whatever else is left in the namespace.
 */
static void
ns_init(const struct launch *l, int alive)
{
	struct pollfd	pfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pfd.fd = alive;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)))
		_exit(1);
	close(alive);
	/* A /proc for the new pid namespace if we may; else the old one. */
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	run_shell(l);
	_exit(0);
}

/* The intermediate child in namespace mode. Never returns. */
static void
ns_child(const struct launch *l)
{
	const char	*what;
	pid_t		 init, pid;
	int		 alive[2], st;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != l->parent)
		_exit(1);
	child_signals(l);
	if (ns_setup(l, &what) == -1) {
		child_report(l->statusfd, "E %s: %s", what, strerror(errno));
		_exit(1);
	}
	if (pipe2(alive, O_CLOEXEC) == -1) {
		child_report(l->statusfd, "E pipe: %s", strerror(errno));
		_exit(1);
	}
	if ((init = fork()) == -1) {
		child_report(l->statusfd, "E fork: %s", strerror(errno));
		_exit(1);
	}
	if (init == 0) {
		close(alive[1]);
		ns_init(l, alive[0]);
	}
	close(alive[0]);
	do
		pid = waitpid(init, &st, 0);
	while (pid == -1 && errno == EINTR);
	if (pid == init && WIFSIGNALED(st))
		child_report(l->statusfd, "P %d", WTERMSIG(st));
	_exit(0);
}

/*
 * The child in copy mode and in place: like the namespace's init, it runs the
 * shell, reports its status and ends every process still below it. As a
 * subreaper it adopts what the command orphans (a daemon, a process that
 * left the group), so nothing the command starts leaves the tree that the
 * parent counts CPU time for and kills.
 */
static void
reaper_child(const struct launch *l)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != l->parent)
		_exit(1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	run_shell(l);
	proctree_kill(getpid(), 0);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	_exit(0);
}

/* Whether pid has ended; it stays a zombie, so its process group stays ours. */
static int
child_ended(pid_t pid)
{
	siginfo_t	si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno != EINTR;
	return si.si_pid == pid;
}

/*
 * Fork, run and wait, with the time limit. Returns -1 on a tool failure; in
 * namespace mode sets *setup to a message if the namespace could not be set up.
 */
static int
launch_run(struct launch *l, struct run_result *r, char **setup, char **cause)
{
	struct pollfd	 pfd[3];
	struct buf	 status = { 0 };
	struct rusage	 ru0, ru1;
	struct run_limits lim;
	sigset_t	 block;
	char		*line, *next;
	double		 start, c;
	pid_t		 pid;
	size_t		 nown, max = l->spec->tail_max, total = 0;
	int		 outp[2], statp[2] = { -1, -1 }, pidfd, n, st = 0, ms;
	int		 outopen = 1, ended = 0, v;

	*setup = NULL;
	if (pipe2(outp, O_CLOEXEC) == -1)
		return cause_set(cause, "pipe: %s", strerror(errno));
	if (pipe2(statp, O_CLOEXEC) == -1) {
		n = errno;
		close(outp[0]);
		close(outp[1]);
		return cause_set(cause, "pipe: %s", strerror(n));
	}
	if ((l->nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		n = errno;
		close(outp[0]);
		close(outp[1]);
		if (statp[0] != -1) {
			close(statp[0]);
			close(statp[1]);
		}
		return cause_set(cause, "/dev/null: %s", strerror(n));
	}
	l->outfd = outp[1];
	l->statusfd = statp[1];
	l->parent = getpid();
	l->envp = env_build(l->spec, l->cwd, &nown);

	run_caps_groups(&l->spec->caps, &l->cg, &l->as);
	cleanup_stop_signals(&block);
	sigprocmask(SIG_BLOCK, &block, &l->oldmask);
	getrusage(RUSAGE_CHILDREN, &ru0);
	start = now_seconds();
	if ((pid = fork()) == -1) {
		n = errno;
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
		close(outp[0]);
		close(outp[1]);
		if (statp[0] != -1) {
			close(statp[0]);
			close(statp[1]);
		}
		close(l->nullfd);
		env_free(l->envp, nown);
		cgroup_remove(&l->cg);
		return cause_set(cause, "fork: %s", strerror(n));
	}
	if (pid == 0) {
		setpgid(0, 0);
		/* Into the groups before anything can fork. */
		if (cgroup_enter_self(&l->cg) == -1) {
			child_report(l->statusfd, "E enter the control group: "
			    "%s", strerror(errno));
			_exit(1);
		}
		close(outp[0]);
		if (statp[0] != -1)
			close(statp[0]);
		if (l->mode == ISOLATION_NAMESPACE)
			ns_child(l);
		reaper_child(l);
	}
	setpgid(pid, pid);
	cleanup_set_pgid(pid);
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	close(outp[1]);
	if (statp[1] != -1)
		close(statp[1]);
	close(l->nullfd);
	env_free(l->envp, nown);
	l->envp = NULL;
	fcntl(outp[0], F_SETFL, fcntl(outp[0], F_GETFL) | O_NONBLOCK);

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	run_limits_init(&lim, start, l->spec->timeout, l->spec->cpu_timeout);
	run_limits_watch(&lim, pid, cgroup_tree(&l->cg));
	run_limits_pace(&lim, l->spec->pace);
	while (!ended) {
		ms = pidfd == -1 ? 50 : 1000;
		if ((r->limit = run_limits_check(&lim, &r->cpu, &ms)) !=
		    LIMIT_NONE) {
			r->timed_out = 1;
			r->overran = lim.overran;
			break;
		}
		n = 0;
		pfd[0].fd = outopen ? outp[0] : -1;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = pidfd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		pfd[2].fd = run_limits_fd(&lim);
		pfd[2].events = POLLIN;
		pfd[2].revents = 0;
		if (poll(pfd, 3, ms) == -1 && errno != EINTR) {
			n = errno;
			proctree_kill(pid, 1);
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			run_limits_free(&lim);
			cgroup_remove(&l->cg);
			cleanup_set_pgid(0);
			close(outp[0]);
			if (statp[0] != -1)
				close(statp[0]);
			if (pidfd != -1)
				close(pidfd);
			return cause_set(cause, "poll: %s", strerror(n));
		}
		if (outopen && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			outopen = fd_read_tail(outp[0], &r->output, max, DRAIN_MAX,
			    &total);
		if (l->spec->caps.output > 0 && total > l->spec->caps.output) {
			r->timed_out = 1;
			r->limit = LIMIT_OUTPUT;
			break;
		}
		ended = child_ended(pid);
	}
	/*
	 * Whatever the command left running, in its group or not, goes too:
	 * the tree first, while the process that adopts orphans still holds
	 * them, then the group.
	 */
	proctree_kill(pid, 1);
	kill(-pid, SIGKILL);
	run_limits_free(&lim);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	run_caps_done(&l->cg, &r->timed_out, &r->limit, &r->reached);
	cleanup_set_pgid(0);
	r->duration = now_seconds() - start;
	getrusage(RUSAGE_CHILDREN, &ru1);
	c = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
	    (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
	    (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	if (c > r->cpu)
		r->cpu = c;
	if (pidfd != -1)
		close(pidfd);
	if (outopen)
		fd_read_tail(outp[0], &r->output, max, DRAIN_MAX, &total);
	close(outp[0]);
	buf_tail_finish(&r->output, max, total);

	r->exit_status = -1;
	r->signal = 0;
	fcntl(statp[0], F_SETFL, fcntl(statp[0], F_GETFL) | O_NONBLOCK);
	total = 0;
	fd_read_tail(statp[0], &status, 65536, 65536, &total);
	close(statp[0]);
	for (line = status.data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strcmp(line, "O") == 0)
			r->overlay = 1;
		else if (r->timed_out)
			continue;
		else if (line[0] == 'E' && line[1] == ' ' && *setup == NULL)
			*setup = xstrdup(line + 2);
		else if (line[0] == 'X' && sscanf(line, "X %d", &v) == 1)
			r->exit_status = v;
		else if ((line[0] == 'S' || line[0] == 'P') &&
		    sscanf(line + 1, " %d", &v) == 1 && r->signal == 0 &&
		    r->exit_status == -1)
			r->signal = v;
	}
	buf_free(&status);
	if (r->timed_out) {
		r->signal = SIGKILL;
		return 0;
	}
	if (*setup == NULL && r->exit_status == -1 && r->signal == 0) {
		if (WIFSIGNALED(st))
			r->signal = WTERMSIG(st);
		else
			*setup = xstrdup(l->mode == ISOLATION_NAMESPACE ?
			    "the namespace child ended without a status" :
			    "the command's parent ended without a status");
	}
	return 0;
}

/* Whether a path is relative and has no ".." component. */
static int
target_ok(const char *t)
{
	const char	*p;

	if (*t == '\0' || *t == '/')
		return 0;
	for (p = t; *p != '\0'; ) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return 0;
		while (*p != '\0' && *p != '/')
			p++;
		while (*p == '/')
			p++;
	}
	return 1;
}

static int
copy_file(const char *src, const char *dst, const struct stat *st,
    char **cause)
{
	char		chunk[65536];
	struct timespec	ts[2];
	ssize_t		n;
	int		in, out, saved;

	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return cause_set(cause, "%s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out == -1) {
		saved = errno;
		close(in);
		return cause_set(cause, "%s: %s", dst, strerror(saved));
	}
	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
	if (n == -1) {
		/* Not supported here: copy by hand from where it stopped. */
		for (;;) {
			n = read(in, chunk, sizeof chunk);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (write_all(out, chunk, (size_t)n) == -1) {
				n = -1;
				break;
			}
		}
	}
	saved = errno;
	close(in);
	if (n == -1) {
		close(out);
		return cause_set(cause, "%s: %s", dst, strerror(saved));
	}
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (fchmod(out, st->st_mode & 07777) == -1 || futimens(out, ts) == -1) {
		saved = errno;
		close(out);
		return cause_set(cause, "%s: %s", dst, strerror(saved));
	}
	if (close(out) == -1)
		return cause_set(cause, "%s: %s", dst, strerror(errno));
	return 0;
}

/* Copy the directory src to a new dst, leaving out the names in skip. */
static int
copy_tree(const char *src, const char *dst, const char **skip, char **cause)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*s, *t, link[PATH_MAX];
	ssize_t		 n;
	size_t		 i;
	int		 rc = 0, skipped;

	if (lstat(src, &st) == -1)
		return cause_set(cause, "%s: %s", src, strerror(errno));
	if (mkdir(dst, 0700) == -1)
		return cause_set(cause, "%s: %s", dst, strerror(errno));
	if ((d = opendir(src)) == NULL)
		return cause_set(cause, "%s: %s", src, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0 ||
		    strcmp(de->d_name, "__pycache__") == 0)
			continue;
		s = xasprintf("%s/%s", src, de->d_name);
		for (i = 0, skipped = 0; skip[i] != NULL; i++)
			skipped |= strcmp(s, skip[i]) == 0;
		if (skipped) {
			free(s);
			continue;
		}
		t = xasprintf("%s/%s", dst, de->d_name);
		struct stat cst;
		if (lstat(s, &cst) == -1)
			rc = cause_set(cause, "%s: %s", s, strerror(errno));
		else if (S_ISDIR(cst.st_mode))
			rc = copy_tree(s, t, skip, cause);
		else if (S_ISREG(cst.st_mode))
			rc = copy_file(s, t, &cst, cause);
		else if (S_ISLNK(cst.st_mode)) {
			if ((n = readlink(s, link, sizeof link - 1)) == -1)
				rc = cause_set(cause, "%s: %s", s,
				    strerror(errno));
			else {
				link[n] = '\0';
				if (symlink(link, t) == -1)
					rc = cause_set(cause, "%s: %s", t,
					    strerror(errno));
			}
		}
		free(t);
		free(s);
	}
	closedir(d);
	if (rc == 0 && chmod(dst, st.st_mode & 07777) == -1)
		rc = cause_set(cause, "%s: %s", dst, strerror(errno));
	return rc;
}

/*
 * Write the mutated file into the copy. Every directory on the way is opened
 * without following symbolic links, so a link in the copy can never lead the
 * write back into the user's tree; a link in place of the file is replaced.
 */
static int
copy_replace(const char *root, const struct launch *l, char **cause)
{
	const char	*t = l->spec->target, *p;
	char		*name;
	int		 dir, next, fd, saved;

	if ((dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return cause_set(cause, "%s: %s", root, strerror(errno));
	for (;;) {
		while (*t == '/')
			t++;
		for (p = t; *p != '\0' && *p != '/'; p++)
			;
		name = xstrndup(t, (size_t)(p - t));
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next == -1) {
			saved = errno;
			cause_set(cause, "'%s' in the copy: %s%s",
			    l->spec->target, strerror(saved), saved == ELOOP ||
			    saved == ENOTDIR ? " (a directory on the way is a "
			    "symbolic link)" : "");
			free(name);
			close(dir);
			return -1;
		}
		free(name);
		close(dir);
		dir = next;
		t = p;
	}
	if (unlinkat(dir, name, 0) == -1 && errno != ENOENT)
		goto fail;
	fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		goto fail;
	if (write_all(fd, l->spec->data, l->spec->len) == -1 ||
	    file_stamp(fd, &l->orig) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) == -1)
		goto fail;
	free(name);
	close(dir);
	return 0;
fail:
	saved = errno;
	free(name);
	close(dir);
	return cause_set(cause, "'%s' in the copy: %s", l->spec->target,
	    strerror(saved));
}

static int
run_copy(struct launch *l, const char *root, struct run_result *r,
    char **cause)
{
	const char	*tmp, *skip[3] = { NULL, NULL, NULL };
	char		*dir, *copy, *base, *excl = NULL, *tmpabs, *setup;
	int		 rc = -1;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	dir = xasprintf("%s/crmake-copy.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	cleanup_add(dir);
	tmpabs = path_absolute(dir);
	skip[0] = tmpabs;
	if (l->spec->exclude != NULL) {
		excl = path_absolute(l->spec->exclude);
		skip[1] = excl;
	}
	base = strrchr(root, '/');
	base = base != NULL && base[1] != '\0' ? base + 1 : "root";
	copy = xasprintf("%s/%s", dir, base);
	if (copy_tree(root, copy, skip, cause) == -1)
		goto out;
	if (l->spec->target != NULL && copy_replace(copy, l, cause) == -1)
		goto out;
	l->mode = ISOLATION_COPY;
	l->cwd = copy;
	rc = launch_run(l, r, &setup, cause);
	free(setup);
	r->used = ISOLATION_COPY;
out:
	if (getenv("CR_KEEP_TEMP") == NULL)
		remove_tree(dir);
	cleanup_forget(dir);
	free(copy);
	free(excl);
	free(tmpabs);
	free(dir);
	return rc;
}

/* The part of path below dir, or NULL if path is not below it. */
static const char *
path_below(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/' && path[1] != '\0' ? path + 1 : NULL;
	if (strncmp(path, dir, n) != 0 || path[n] != '/' || path[n + 1] == '\0')
		return NULL;
	return path + n + 1;
}

/*
 * Whether an overlay may go over root: an overlay shows the files of the
 * directory it covers but not what is mounted below it, so a root with
 * mounts inside keeps the bind mount. CR_SANDBOX_NO_OVERLAY forces it too.
 */
static int
overlay_possible(const char *root)
{
	struct buf	 b = { 0 };
	const char	*e, *line, *p;
	char		*point, *q;
	int		 i, ok = 1;

	if ((e = getenv("CR_SANDBOX_NO_OVERLAY")) != NULL && *e != '\0')
		return 0;
	if (file_read("/proc/self/mountinfo", &b, NULL) == -1)
		return 0;
	for (line = b.data; ok && line != NULL && *line != '\0'; line = p) {
		/* The fifth field is the mount point, with octal escapes. */
		for (i = 0, p = line; i < 4 && p != NULL; i++) {
			if ((p = strpbrk(p, " \n")) != NULL && *p == ' ')
				p++;
			else
				p = NULL;
		}
		if (p == NULL)
			break;
		point = q = xstrndup(p, strcspn(p, " \n"));
		for (e = point; *e != '\0'; e++) {
			if (e[0] == '\\' && e[1] >= '0' && e[1] <= '3' &&
			    e[2] >= '0' && e[2] <= '7' && e[3] >= '0' &&
			    e[3] <= '7') {
				*q++ = (char)((e[1] - '0') << 6 |
				    (e[2] - '0') << 3 | (e[3] - '0'));
				e += 3;
			} else
				*q++ = *e;
		}
		*q = '\0';
		if (path_below(point, root) != NULL)
			ok = 0;
		free(point);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	buf_free(&b);
	return ok;
}

/*
 * Decide whether to try an overlay and where the mutated file goes in it (by
 * its real path, so a symbolic link to it still leads to it). A target whose
 * real path is outside the root keeps the bind mount.
 */
static void
overlay_plan(struct launch *l, const char *root, const char *target,
    char **upper)
{
	const char	*rel;
	char		*real;

	*upper = NULL;
	if (!(l->overlay = overlay_possible(root)))
		return;
	if (target != NULL) {
		real = path_absolute(target);
		if ((rel = path_below(real, root)) != NULL)
			*upper = xstrdup(rel);
		free(real);
		if (*upper == NULL) {
			l->overlay = 0;
			return;
		}
	}
	l->upper = *upper;
}

int
sandbox_run(const struct run_spec *spec, struct run_result *r, char **cause)
{
	struct launch	 l;
	enum isolation	 mode = spec->isolation;
	char		*root, *target = NULL, *setup = NULL;
	char		*upper = NULL, *hide = NULL;
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	r->exit_status = -1;
	memset(&l, 0, sizeof l);
	l.spec = spec;
	l.outfd = l.nullfd = l.statusfd = -1;
	root = path_absolute(spec->root);
	if (mode != ISOLATION_NONE && spec->target != NULL) {
		if (!target_ok(spec->target)) {
			cause_set(cause, "'%s': not a relative path inside the "
			    "project", spec->target);
			goto out;
		}
		target = xasprintf("%s/%s", root, spec->target);
		if (stat(target, &l.orig) == -1) {
			cause_set(cause, "%s: %s", target, strerror(errno));
			goto out;
		}
		if (!S_ISREG(l.orig.st_mode)) {
			cause_set(cause, "%s: not a regular file", target);
			goto out;
		}
	}
	if (mode == ISOLATION_AUTO || mode == ISOLATION_NAMESPACE) {
		l.mode = ISOLATION_NAMESPACE;
		l.cwd = root;
		l.target = target;
		if (target != NULL)
			l.hide = hide = unchecked_pycache(target);
		overlay_plan(&l, root, target, &upper);
		if (launch_run(&l, r, &setup, cause) == -1)
			goto out;
		if (setup == NULL) {
			r->used = ISOLATION_NAMESPACE;
			rc = 0;
			goto out;
		}
		if (mode == ISOLATION_NAMESPACE) {
			cause_set(cause, "namespace isolation: %s", setup);
			goto out;
		}
		buf_free(&r->output);
		memset(r, 0, sizeof *r);
		r->exit_status = -1;
		mode = ISOLATION_COPY;
	}
	if (mode == ISOLATION_COPY) {
		l.overlay = 0;
		rc = run_copy(&l, root, r, cause);
		goto out;
	}
	/*
	 * No replacement: behind an overlay in a namespace if we can, so that
	 * what the command writes in the tree goes nowhere; else in place.
	 */
	l.cwd = root;
	overlay_plan(&l, root, NULL, &upper);
	if (l.overlay) {
		l.mode = ISOLATION_NAMESPACE;
		if (launch_run(&l, r, &setup, cause) == -1)
			goto out;
		if (setup == NULL) {
			r->used = ISOLATION_NONE;
			rc = 0;
			goto out;
		}
		free(setup);
		setup = NULL;
		buf_free(&r->output);
		memset(r, 0, sizeof *r);
		r->exit_status = -1;
	}
	l.mode = ISOLATION_NONE;
	rc = launch_run(&l, r, &setup, cause);
	r->used = ISOLATION_NONE;
out:
	if (rc == -1)
		run_result_free(r);
	free(setup);
	free(upper);
	free(hide);
	free(target);
	free(root);
	return rc;
}

/*
 * Give a process that will exec a program without privileges the
 * capabilities to enter mount namespaces of its user namespace
 * (CAP_SYS_ADMIN, CAP_SYS_CHROOT), as ambient capabilities that survive
 * exec. Only inside a user namespace of our own: they mean nothing outside.
 */
static int
raise_ambient(void)
{
	struct __user_cap_header_struct	h;
	struct __user_cap_data_struct	d[2];
	static const int		caps[] = { CAP_SYS_ADMIN, CAP_SYS_CHROOT };
	size_t				i;

	memset(&h, 0, sizeof h);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) == -1)
		return -1;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++)
		d[CAP_TO_INDEX(caps[i])].inheritable |= CAP_TO_MASK(caps[i]);
	if (syscall(SYS_capset, &h, d) == -1)
		return -1;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, caps[i], 0,
		    0) == -1)
			return -1;
	}
	return 0;
}

/* Read the status line a child writes before it execs (or fails); NULL if it exec'd. */
static char *
read_exec_status(int fd)
{
	struct buf	 b = { 0 };
	size_t		 total = 0;
	char		*nl;

	while (fd_read_tail(fd, &b, 4096, 4096, &total) != 0 && errno == EINTR)
		;
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	if ((nl = strchr(b.data, '\n')) != NULL)
		*nl = '\0';
	return buf_detach(&b);
}

/* Close every descriptor from 3 up but the n in keep. */
static void
close_all_but(const int *keep, size_t n)
{
	unsigned int	from = 3, to;
	size_t		i;
	int		next, fd;

	for (;;) {
		next = -1;
		for (i = 0; i < n; i++) {
			if (keep[i] >= (int)from && (next == -1 || keep[i] < next))
				next = keep[i];
		}
		to = next == -1 ? ~0U : (unsigned int)next - 1;
		if (to >= from && close_range(from, to, 0) == -1) {
			for (fd = (int)from; fd <= (int)(next == -1 ?
			    sysconf(_SC_OPEN_MAX) : to); fd++)
				close(fd);
		}
		if (next == -1)
			break;
		from = (unsigned int)next + 1;
	}
}

/*
 * The groups handed to a worker's spares, each with when it was made: the
 * run of a spare's mutant kills what is in them and leaves them
 * (cgroup_leave), and they are removed here once empty.
 */
struct handed {
	struct handed_group {
		struct cgroup	 cg;
		double		 made;
	}		*g;
	size_t		 n;
};

/*
 * Whether the newest handed groups may still be empty because their spare
 * has not joined them yet. (A spare asks for its groups once the one before
 * it took a request, having joined its own, or has ended.)
 */
static int
handed_young(const struct handed *h)
{
	return h->n > 0 && now_seconds() - h->g[h->n - 1].made <= HANDED_GRACE;
}

/* Remove the handed groups that are empty, but the newest while young. */
static void
handed_sweep(struct handed *h)
{
	size_t	i, k, n = h->n;
	int	young = handed_young(h);

	for (i = k = 0; i < n; i++) {
		if ((i + 1 < n || !young) && cgroup_try_remove(&h->g[i].cg) == 0)
			continue;
		h->g[k++] = h->g[i];
	}
	h->n = k;
}

/*
 * How long the reaper may wait before it sweeps again: not at all, with
 * no group to remove but the newest, kept by its spare, once it is no
 * longer young (an idle worker's reaper sleeps).
 */
static int
handed_wait(const struct handed *h)
{
	return h->n > 1 || handed_young(h) ? HANDED_SWEEP_MS : -1;
}

/*
 * Answer one request on a warm worker's group socket: the request is a
 * reply socket (SCM_RIGHTS) on which go the cgroup.procs of fresh groups,
 * crmake-PID-N, with the run's limits: "G" and the descriptors, or "N" if
 * they could not all be made. A spare of the worker joins them while it
 * waits for a mutant, so that no run waits for its move into its groups,
 * which costs the kernel a grace period; they go to h. Returns -1 when the
 * socket has no one left at the other end.
 */
static int
serve_groups(int sock, const struct run_caps *caps, unsigned long *made,
    struct handed *h)
{
	struct cgroup	 cg;
	char		 byte, name[64];
	ssize_t		 n;
	int		 reply, fds[CG_N], nfds, ndirs, i;

	if ((n = fd_recv(sock, &byte, 1, &reply, MSG_DONTWAIT)) <= 0)
		return n == 0 || errno != EAGAIN ? -1 : 0;
	if (reply == -1)
		return 0;
	snprintf(name, sizeof name, "crmake-%ld-%lu", (long)getpid(), ++*made);
	cgroup_make(&cg, name, caps->memory, caps->procs);
	for (ndirs = i = 0; i < CG_N; i++)
		ndirs += cg.dir[i] != NULL;
	nfds = cgroup_open_procs(&cg, fds);
	if (ndirs > 0 && nfds == ndirs)
		fd_send(reply, "G", 1, fds, (size_t)nfds);
	else
		fd_send(reply, "N", 1, NULL, 0);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (ndirs > 0 && nfds == ndirs) {
		h->g = xreallocarray(h->g, h->n + 1, sizeof *h->g);
		h->g[h->n].cg = cg;
		h->g[h->n++].made = now_seconds();
	} else
		cgroup_remove(&cg);
	close(reply);
	return 0;
}

/*
 * In sandbox_spawn's child, in the namespaces: run the command as a child
 * and stay below it as the reaper of all it leaves, as reaper_child does
 * for a run, so that what the command started ends with it, and killing
 * this process's tree ends them all. With caps, it also makes the control
 * groups of the runs to come, asked for on the socket it passes the command
 * as CRMAKE_SERVE_GROUPS (serve_groups), and removes those left when the
 * command ends. Never returns.
 */
static void
spawn_reaper(int statusfd, const char *root, char **argv, char **envp,
    int nullfd, int logfd, const struct run_caps *caps)
{
	struct pollfd	 pfd[2];
	struct signalfd_siginfo si;
	struct handed	 handed = { 0 };
	sigset_t	 chld, old;
	unsigned long	 made = 0;
	size_t		 n;
	char		**env = envp;
	pid_t		 command, pid;
	int		 st, keep[3], sv[2] = { -1, -1 }, sfd = -1, gfd, done;

	/*
	 * This process outlives the cr-run-one it was forked from: it must
	 * not hold what that one had open (its output, which a pipeline waits
	 * on; the session; the lock that says a worker is being started).
	 */
	if (statusfd < 3)
		statusfd = fcntl(statusfd, F_DUPFD_CLOEXEC, 3);
	if (nullfd < 3)
		nullfd = fcntl(nullfd, F_DUPFD_CLOEXEC, 3);
	if (logfd < 3)
		logfd = fcntl(logfd, F_DUPFD_CLOEXEC, 3);
	if (statusfd == -1 || nullfd == -1 || logfd == -1 ||
	    dup2(nullfd, 0) == -1 || dup2(logfd, 1) == -1 ||
	    dup2(logfd, 2) == -1)
		_exit(1);
	keep[0] = statusfd;
	keep[1] = nullfd;
	keep[2] = logfd;
	close_all_but(keep, 3);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if ((caps->memory > 0 || caps->procs > 0) &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
		sigprocmask(SIG_BLOCK, &chld, &old);
		if ((sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) ==
		    -1) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			close(sv[0]);
			close(sv[1]);
			sv[0] = sv[1] = -1;
		}
	}
	if ((command = fork()) == -1) {
		child_report(statusfd, "E fork: %s", strerror(errno));
		_exit(1);
	}
	if (command == 0) {
		if (chdir(root) == -1 || dup2(nullfd, 0) == -1 ||
		    dup2(logfd, 1) == -1 || dup2(logfd, 2) == -1) {
			child_report(statusfd, "E %s: %s", root,
			    strerror(errno));
			_exit(1);
		}
		if (sfd != -1) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			if ((gfd = fcntl(sv[1], F_DUPFD, 3)) != -1) {
				for (n = 0; envp[n] != NULL; n++)
					;
				env = xcalloc(n + 2, sizeof *env);
				memcpy(env, envp, n * sizeof *env);
				env[n] = xasprintf("CRMAKE_SERVE_GROUPS=%d",
				    gfd);
			}
		}
		cleanup_default_signals();
		execve("/bin/sh", argv, env);
		child_report(statusfd, "E /bin/sh: %s", strerror(errno));
		_exit(127);
	}
	close(statusfd);
	close(nullfd);
	close(logfd);
	if (sv[1] != -1)
		close(sv[1]);
	for (done = 0; !done;) {
		if (sfd == -1) {
			pid = waitpid(-1, &st, 0);
			if (pid == -1 && errno == EINTR)
				continue;
			done = pid == -1 || pid == command;
			continue;
		}
		pfd[0].fd = sfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = sv[0];
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		/* While groups wait to be removed, look again in a while. */
		if (poll(pfd, 2, handed_wait(&handed)) == -1 && errno != EINTR)
			break;
		if ((pfd[1].revents & POLLIN) &&
		    serve_groups(sv[0], caps, &made, &handed) == -1)
			pfd[1].revents |= POLLHUP;
		handed_sweep(&handed);
		if (pfd[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			close(sv[0]);
			sv[0] = -1;
		}
		while (read(sfd, &si, sizeof si) > 0)
			;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			if (pid == command)
				done = 1;
		if (pid == -1 && errno != EINTR)
			done = 1;
	}
	proctree_kill(getpid(), 0);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (made > 0)
		cgroup_sweep(1);
	while (handed.n > 0)
		cgroup_forget(&handed.g[--handed.n].cg);
	free(handed.g);
	_exit(0);
}

int
sandbox_spawn(const struct run_spec *spec, const char *log, pid_t *pidp,
    char **cause)
{
	struct launch	 l;
	const char	*what;
	char		*root, *upper = NULL, **envp, *argv[4], *msg;
	size_t		 nown;
	pid_t		 pid;
	int		 statp[2], logfd, nullfd, userns, n;

	memset(&l, 0, sizeof l);
	l.spec = spec;
	root = path_absolute(spec->root);
	l.cwd = root;
	overlay_plan(&l, root, NULL, &upper);
	if (pipe2(statp, O_CLOEXEC) == -1) {
		free(root);
		free(upper);
		return cause_set(cause, "pipe: %s", strerror(errno));
	}
	logfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (logfd == -1 || nullfd == -1) {
		n = errno;
		close(statp[0]);
		close(statp[1]);
		if (logfd != -1)
			close(logfd);
		if (nullfd != -1)
			close(nullfd);
		free(root);
		free(upper);
		return cause_set(cause, "%s: %s", logfd == -1 ? log :
		    "/dev/null", strerror(n));
	}
	envp = env_build(spec, root, &nown);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)spec->command;
	argv[3] = NULL;
	if ((pid = fork()) == -1) {
		n = errno;
		close(statp[0]);
		close(statp[1]);
		close(logfd);
		close(nullfd);
		env_free(envp, nown);
		free(root);
		free(upper);
		return cause_set(cause, "fork: %s", strerror(n));
	}
	if (pid == 0) {
		l.statusfd = statp[1];
		close(statp[0]);
		setsid();
		if (ns_unshare(CLONE_NEWNS, &userns, &what) == -1 ||
		    (what = "make / private", mount("none", "/", "none",
		    MS_REC | MS_PRIVATE, NULL)) == -1) {
			child_report(statp[1], "E %s: %s", what, strerror(errno));
			_exit(1);
		}
		/* Without an overlay, what the worker writes reaches the tree, as on the cold path. */
		if (l.overlay)
			ns_overlay(&l);
		if (userns && raise_ambient() == -1) {
			child_report(statp[1], "E capabilities: %s",
			    strerror(errno));
			_exit(1);
		}
		spawn_reaper(statp[1], root, argv, envp, nullfd, logfd,
		    &spec->caps);
	}
	close(statp[1]);
	close(logfd);
	close(nullfd);
	env_free(envp, nown);
	msg = read_exec_status(statp[0]);
	close(statp[0]);
	free(root);
	free(upper);
	if (msg != NULL) {
		waitpid(pid, NULL, 0);
		cause_set(cause, "%s", strncmp(msg, "E ", 2) == 0 ? msg + 2 : msg);
		free(msg);
		return -1;
	}
	*pidp = pid;
	return 0;
}

/* Whether process pid is in another user namespace than ours. */
static int
other_userns(pid_t pid)
{
	char	path[64], mine[64], theirs[64];
	ssize_t	a, b;

	snprintf(path, sizeof path, "/proc/%ld/ns/user", (long)pid);
	a = readlink("/proc/self/ns/user", mine, sizeof mine - 1);
	b = readlink(path, theirs, sizeof theirs - 1);
	if (a <= 0 || b <= 0)
		return 0;
	mine[a] = theirs[b] = '\0';
	return strcmp(mine, theirs) != 0;
}

/* In the helper child of sandbox_mntns: make the namespace, send it on fd. Never returns. */
static void
mntns_child(const struct launch *l, pid_t owner, int fd)
{
	const char	*what = "setns";
	char		 path[64], status;
	int		 userns, nsfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (owner > 0 && other_userns(owner)) {
		snprintf(path, sizeof path, "/proc/%ld/ns/user", (long)owner);
		if ((userns = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    setns(userns, CLONE_NEWUSER) == -1)
			goto fail;
		close(userns);
		what = "unshare";
		if (unshare(CLONE_NEWNS) == -1)
			goto fail;
	} else if (ns_unshare(CLONE_NEWNS, &userns, &what) == -1)
		goto fail;
	what = "make / private";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1)
		goto fail;
	if (l->spec->private_tmp && ns_private_tmp(l, &what) == -1)
		goto fail;
	if (l->overlay && ns_overlay(l) == 0)
		status = 'O';
	else if (ns_replace(l, &what) == 0)
		status = 'B';
	else
		goto fail;
	ns_hide(l);
	what = "/proc/self/ns/mnt";
	if ((nsfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	if (fd_send(fd, &status, 1, &nsfd, 1) == 1)
		_exit(0);
fail:
	child_report(fd, "E %s: %s", what, strerror(errno));
	_exit(1);
}

void
sandbox_reap(pid_t helper)
{
	if (helper > 0)
		while (waitpid(helper, NULL, 0) == -1 && errno == EINTR)
			;
}

int
sandbox_mntns(const struct run_spec *spec, pid_t owner, int *fdp,
    int *overlay, pid_t *helper, char **cause)
{
	struct launch	 l;
	char		*root, *target = NULL, *upper = NULL, *hide = NULL;
	char		 reply[512];
	ssize_t		 n;
	pid_t		 pid;
	int		 sv[2], rc = -1, saved;

	*fdp = -1;
	*helper = -1;
	memset(&l, 0, sizeof l);
	l.spec = spec;
	l.linger = 1;
	root = path_absolute(spec->root);
	if (spec->target == NULL || !target_ok(spec->target)) {
		cause_set(cause, "'%s': not a relative path inside the project",
		    spec->target != NULL ? spec->target : "");
		goto out;
	}
	target = xasprintf("%s/%s", root, spec->target);
	if (stat(target, &l.orig) == -1 || !S_ISREG(l.orig.st_mode)) {
		cause_set(cause, "%s: %s", target, errno != 0 ?
		    strerror(errno) : "not a regular file");
		goto out;
	}
	l.cwd = root;
	l.target = target;
	l.hide = hide = unchecked_pycache(target);
	overlay_plan(&l, root, target, &upper);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		cause_set(cause, "socketpair: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		cause_set(cause, "fork: %s", strerror(saved));
		goto out;
	}
	if (pid == 0) {
		close(sv[0]);
		mntns_child(&l, owner, sv[1]);
	}
	close(sv[1]);
	n = fd_recv(sv[0], reply, sizeof reply - 1, fdp, 0);
	saved = errno;
	close(sv[0]);
	if (n <= 0 || *fdp == -1)
		sandbox_reap(pid);
	else
		*helper = pid;
	if (n <= 0) {
		cause_set(cause, "mount namespace: %s", n == 0 ?
		    "no answer" : strerror(saved));
		goto out;
	}
	reply[n] = '\0';
	if (*fdp == -1) {
		reply[strcspn(reply, "\n")] = '\0';
		cause_set(cause, "mount namespace: %s", reply[0] == 'E' ?
		    reply + 2 : "no descriptor");
		goto out;
	}
	*overlay = reply[0] == 'O';
	rc = 0;
out:
	free(upper);
	free(hide);
	free(target);
	free(root);
	return rc;
}
