/* cgroup.c: a control group per run, for its memory and process limits. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "proctree.h"
#include "util.h"

static const char *controller_names[CG_N] = {
	[CG_MEMORY] = "memory",
	[CG_PIDS] = "pids",
};

/* Whether the comma- or space-separated list has word. */
static int
has_word(const char *list, const char *word, const char *seps)
{
	size_t	n = strlen(word);
	const char *p = list;

	while (*p != '\0') {
		if (strncmp(p, word, n) == 0 &&
		    (p[n] == '\0' || strchr(seps, p[n]) != NULL))
			return 1;
		p += strcspn(p, seps);
		p += strspn(p, seps);
	}
	return 0;
}

/*
 * The mount point and mount root of the hierarchy of a controller, from
 * the text of /proc/self/mountinfo: a v1 hierarchy that has it, else (v2
 * set) the cgroup2 mount. Returns 0, or -1 if there is none.
 */
static int
find_mount(const char *mountinfo, const char *name, int v2, char **mnt,
    char **root)
{
	char	*text, *next, *line, *field[6], *dash, *fstype, *super, *p;
	int	 i, found = -1;

	next = text = xstrdup(mountinfo);
	while (found == -1 && (line = strsep(&next, "\n")) != NULL) {
		if ((dash = strstr(line, " - ")) == NULL)
			continue;
		*dash = '\0';
		fstype = dash + 3;
		if ((p = strchr(fstype, ' ')) == NULL)
			continue;
		*p++ = '\0';
		super = strchr(p, ' ');
		super = super != NULL ? super + 1 : "";
		if (v2 ? strcmp(fstype, "cgroup2") != 0 :
		    strcmp(fstype, "cgroup") != 0 || !has_word(super, name, ","))
			continue;
		p = line;
		for (i = 0; i < 6 && p != NULL; i++) {
			field[i] = p;
			if ((p = strchr(p, ' ')) != NULL)
				*p++ = '\0';
		}
		/* A mount point with an escaped character is not ours to guess. */
		if (i < 5 || strchr(field[4], '\\') != NULL ||
		    strchr(field[3], '\\') != NULL)
			continue;
		*root = xstrdup(field[3]);
		*mnt = xstrdup(field[4]);
		found = 0;
	}
	free(text);
	return found;
}

/* This process's group in a hierarchy (v1 by controller name, or v2), from the text of /proc/self/cgroup. */
static char *
own_group(const char *cgroups, const char *name, int v2)
{
	char	*text, *next, *line, *ctl, *path, *out = NULL;

	next = text = xstrdup(cgroups);
	while (out == NULL && (line = strsep(&next, "\n")) != NULL) {
		if ((ctl = strchr(line, ':')) == NULL ||
		    (path = strchr(ctl + 1, ':')) == NULL)
			continue;
		*ctl++ = '\0';
		*path++ = '\0';
		if (v2 ? strcmp(line, "0") == 0 && *ctl == '\0' :
		    has_word(ctl, name, ","))
			out = xstrdup(path);
	}
	free(text);
	return out;
}

/* Read a small file of a group; NULL on failure. */
static char *
group_read(const char *dir, const char *file)
{
	char	 path[PATH_MAX], buf[4096];
	ssize_t	 n;
	int	 fd;

	if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/* Write text to a file of a group; -1 on failure. Safe after fork. */
static int
group_write(const char *dir, const char *file, const char *text)
{
	char	path[PATH_MAX];
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd;

	if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path ||
	    (fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* The number after key at the start of a line of text, or 0. */
static uint64_t
keyed(const char *text, const char *key)
{
	size_t		n = strlen(key);
	const char	*p;

	for (p = text; *p != '\0'; p++) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
		if ((p = strchr(p, '\n')) == NULL)
			break;
	}
	return 0;
}

/*
 * Sleep a little longer each time, from 0.1 ms up to 5 ms: a group that
 * was just killed is most often empty within a fraction of a millisecond,
 * and each mutant pays for the wait.
 */
static void
backoff(long *us)
{
	struct timespec	ts;

	ts.tv_sec = 0;
	ts.tv_nsec = *us * 1000;
	nanosleep(&ts, NULL);
	*us = *us >= 2500 ? 5000 : *us * 2;
}

/* The processes already sent SIGKILL, of one group. */
struct killed {
	pid_t	*pid;
	size_t	 n;
};

/*
 * Kill every process in a group once; whether there was any. With k, add
 * those not in it yet to it, and count them in *fresh.
 */
static int
group_kill(const char *dir, struct killed *k, size_t *fresh)
{
	struct buf	 text = { 0 };
	char		*path, *p, *end;
	long		 pid;
	size_t		 i;
	int		 any = 0;

	path = xasprintf("%s/cgroup.procs", dir);
	if (file_read(path, &text, NULL) == -1) {
		free(path);
		buf_free(&text);
		return 0;
	}
	free(path);
	for (p = (char *)buf_str(&text); *p != '\0'; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid <= 1 || kill((pid_t)pid, SIGKILL) == -1)
			continue;
		any = 1;
		if (k == NULL)
			continue;
		for (i = 0; i < k->n && k->pid[i] != (pid_t)pid; i++)
			;
		if (i == k->n) {
			k->pid = xreallocarray(k->pid, k->n + 1, sizeof *k->pid);
			k->pid[k->n++] = (pid_t)pid;
			(*fresh)++;
		}
	}
	buf_free(&text);
	return any;
}

/* Kill every process of a group until it has none (or a second has passed). */
static void
group_empty(const char *dir, int v2)
{
	double	deadline = now_seconds() + 1;
	long	us = 100;

	if (v2)
		group_write(dir, "cgroup.kill", "1");
	while (group_kill(dir, NULL, NULL) && now_seconds() <= deadline)
		backoff(&us);
}

/* Remove a group's directory, once what was in it has gone. */
static void
group_rmdir(const char *dir, int v2)
{
	double	deadline;
	long	us = 100;

	group_empty(dir, v2);
	deadline = now_seconds() + 1;
	while (rmdir(dir) == -1 && errno == EBUSY && now_seconds() < deadline)
		backoff(&us);
}

/*
 * The process that a group's name, crmake-PID or crmake-PID-N, gives; 0 if
 * it is not such a name.
 */
static long
group_owner(const char *name)
{
	char	*end;
	long	 pid;

	if (strncmp(name, "crmake-", 7) != 0 || name[7] < '1' || name[7] > '9')
		return 0;
	pid = strtol(name + 7, &end, 10);
	if (*end == '-' && end[1] >= '0' && end[1] <= '9')
		strtol(end + 1, &end, 10);
	return *end == '\0' ? pid : 0;
}

/*
 * Remove the groups crmake-PID and crmake-PID-N in base whose process is
 * gone, and those whose process is mine (0 for none).
 */
static void
remove_stale(const char *base, int v2, long mine)
{
	struct dirent	*e;
	DIR		*d;
	char		*dir;
	long		 pid;

	if ((d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if ((pid = group_owner(e->d_name)) == 0 ||
		    (pid != mine && !proctree_gone(pid)))
			continue;
		dir = xasprintf("%s/%s", base, e->d_name);
		group_rmdir(dir, v2);
		free(dir);
	}
	closedir(d);
}

/*
 * The group of a process in the hierarchy of a controller, from the text of
 * /proc/self/mountinfo and of the process's /proc/PID/cgroup: in the v1
 * hierarchy that has the controller, else (*v2 set) in the cgroup2 one;
 * with delegated, only a v2 group that gives the controller to the groups
 * below it. NULL if there is none.
 */
static char *
group_dir(const char *mountinfo, const char *cgroups, enum cg_controller c,
    int delegated, int *v2)
{
	char	*mnt = NULL, *root = NULL, *own = NULL, *dir = NULL, *ctl;
	size_t	 n;

	for (*v2 = 0; *v2 < 2 && dir == NULL; ++*v2) {
		if (find_mount(mountinfo, controller_names[c], *v2, &mnt,
		    &root) == -1)
			continue;
		if ((own = own_group(cgroups, controller_names[c], *v2)) !=
		    NULL) {
			n = strcmp(root, "/") == 0 ? 0 : strlen(root);
			if (strncmp(own, root, n) == 0 &&
			    (own[n] == '/' || own[n] == '\0'))
				dir = xasprintf("%s%s", mnt,
				    strcmp(own + n, "/") == 0 ? "" : own + n);
		}
		if (dir != NULL && *v2 && delegated) {
			ctl = group_read(dir, "cgroup.subtree_control");
			if (ctl == NULL || !has_word(ctl, controller_names[c],
			    " \n")) {
				free(dir);
				dir = NULL;
			}
			free(ctl);
		}
		free(mnt);
		free(root);
		free(own);
		mnt = root = own = NULL;
		if (dir != NULL)
			return dir;
	}
	return NULL;
}

/*
 * The groups of process pid (0: the calling one) in each controller's
 * hierarchy, as group_dir finds them, into where: the controllers in want
 * (a bit each), the others left out. Returns how many were found.
 */
static int
groups_of(pid_t pid, unsigned want, int delegated, struct cgroup *where)
{
	enum cg_controller	 c;
	struct buf		 mountinfo = { 0 }, cgroups = { 0 };
	char			 path[64];
	int			 n = 0;

	memset(where, 0, sizeof *where);
	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/cgroup");
	else
		snprintf(path, sizeof path, "/proc/%ld/cgroup", (long)pid);
	if (want != 0 &&
	    file_read("/proc/self/mountinfo", &mountinfo, NULL) == 0 &&
	    file_read(path, &cgroups, NULL) == 0) {
		for (c = 0; c < CG_N; c++) {
			if ((want & 1U << c) && (where->dir[c] = group_dir(
			    buf_str(&mountinfo), buf_str(&cgroups), c,
			    delegated, &where->v2[c])) != NULL)
				n++;
		}
	}
	buf_free(&mountinfo);
	buf_free(&cgroups);
	return n;
}

/* The file of a group that holds controller c's limit. */
static const char *
limit_file(enum cg_controller c, int v2)
{
	if (c == CG_MEMORY)
		return v2 ? "memory.max" : "memory.limit_in_bytes";
	return "pids.max";
}

void
cgroup_make(struct cgroup *cg, const char *name, uint64_t memory,
    uint64_t procs)
{
	struct cgroup		 base;
	enum cg_controller	 c;
	uint64_t		 limit[CG_N] = { memory, procs };
	char			*dir, num[32];
	int			 v2, ok;

	memset(cg, 0, sizeof *cg);
	groups_of(0, (memory > 0 ? 1U << CG_MEMORY : 0) |
	    (procs > 0 ? 1U << CG_PIDS : 0), 1, &base);
	for (c = 0; c < CG_N; c++) {
		if (base.dir[c] == NULL)
			continue;
		v2 = base.v2[c];
		remove_stale(base.dir[c], v2, 0);
		if (name != NULL)
			dir = xasprintf("%s/%s", base.dir[c], name);
		else
			dir = xasprintf("%s/crmake-%ld", base.dir[c],
			    (long)getpid());
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			free(dir);
			continue;
		}
		snprintf(num, sizeof num, "%" PRIu64, limit[c]);
		ok = group_write(dir, limit_file(c, v2), num) == 0;
		/* No swap beyond the limit, where swap is counted. */
		if (ok && c == CG_MEMORY && v2)
			group_write(dir, "memory.swap.max", "0");
		else if (ok && c == CG_MEMORY)
			group_write(dir, "memory.memsw.limit_in_bytes", num);
		if (!ok) {
			rmdir(dir);
			free(dir);
			continue;
		}
		cg->dir[c] = dir;
		cg->v2[c] = v2;
	}
	cgroup_forget(&base);
}

int
cgroup_of(pid_t pid, pid_t maker, struct cgroup *cg)
{
	enum cg_controller	 c;
	const char		*name;
	char			 prefix[32];
	size_t			 len;
	int			 n = 0;

	len = (size_t)snprintf(prefix, sizeof prefix, "crmake-%ld-",
	    (long)maker);
	groups_of(pid, (1U << CG_N) - 1, 0, cg);
	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] == NULL)
			continue;
		name = strrchr(cg->dir[c], '/');
		if (name != NULL && strncmp(name + 1, prefix, len) == 0 &&
		    group_owner(name + 1) == (long)maker)
			n++;
		else {
			free(cg->dir[c]);
			cg->dir[c] = NULL;
		}
	}
	return n;
}

void
cgroup_sweep(int mine)
{
	struct cgroup		 base;
	enum cg_controller	 c;

	groups_of(0, (1U << CG_N) - 1, 1, &base);
	for (c = 0; c < CG_N; c++) {
		if (base.dir[c] != NULL)
			remove_stale(base.dir[c], base.v2[c],
			    mine ? (long)getpid() : 0);
	}
	cgroup_forget(&base);
}

int
cgroup_enter_self(const struct cgroup *cg)
{
	int	c, rc = 0;

	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] != NULL &&
		    group_write(cg->dir[c], "cgroup.procs", "0") == -1)
			rc = -1;
	}
	return rc;
}

int
cgroup_open_procs(const struct cgroup *cg, int *fds)
{
	char	*path;
	int	 c, n = 0;

	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] == NULL)
			continue;
		path = xasprintf("%s/cgroup.procs", cg->dir[c]);
		if ((fds[n] = open(path, O_WRONLY | O_CLOEXEC)) != -1)
			n++;
		free(path);
	}
	return n;
}

int
cgroup_limited(const struct cgroup *cg, uint64_t memory, uint64_t procs)
{
	enum cg_controller	 c;
	uint64_t		 want[CG_N] = { memory, procs }, have;
	long			 page = sysconf(_SC_PAGESIZE);
	char			*text, *end;

	for (c = 0; c < CG_N; c++) {
		if ((want[c] > 0) != (cg->dir[c] != NULL))
			return 0;
		if (want[c] == 0)
			continue;
		if ((text = group_read(cg->dir[c], limit_file(c, cg->v2[c]))) ==
		    NULL)
			return 0;
		errno = 0;
		have = strtoull(text, &end, 10);
		if (errno != 0 || end == text || (*end != '\n' && *end != '\0')) {
			free(text);
			return 0;
		}
		free(text);
		/* The kernel keeps a memory limit in whole pages. */
		if (c == CG_MEMORY && page > 0)
			want[c] -= want[c] % (uint64_t)page;
		if (have != want[c])
			return 0;
	}
	return 1;
}

int
cgroup_oom(const struct cgroup *cg)
{
	char		*text;
	uint64_t	 n;

	if (cg->dir[CG_MEMORY] == NULL || (text = group_read(cg->dir[CG_MEMORY],
	    cg->v2[CG_MEMORY] ? "memory.events" : "memory.oom_control")) == NULL)
		return 0;
	n = keyed(text, "oom_kill");
	free(text);
	return n > 0;
}

const char *
cgroup_tree(const struct cgroup *cg)
{
	if (cg == NULL)
		return NULL;
	return cg->dir[CG_PIDS] != NULL ? cg->dir[CG_PIDS] : cg->dir[CG_MEMORY];
}

int
cgroup_procs_hit(const struct cgroup *cg)
{
	char		*text;
	uint64_t	 n;

	if (cg->dir[CG_PIDS] == NULL ||
	    (text = group_read(cg->dir[CG_PIDS], "pids.events")) == NULL)
		return 0;
	n = keyed(text, "max");
	free(text);
	return n > 0;
}

void
cgroup_forget(struct cgroup *cg)
{
	int	c;

	for (c = 0; c < CG_N; c++) {
		free(cg->dir[c]);
		cg->dir[c] = NULL;
	}
}

void
cgroup_leave(struct cgroup *cg)
{
	struct killed	k = { 0 };
	double		deadline = now_seconds() + 1;
	size_t		fresh;
	int		c;

	/*
	 * Until a look finds no process not killed yet: one forked meanwhile
	 * is found by the next. Those killed may still be listed, ending.
	 */
	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] == NULL)
			continue;
		if (cg->v2[c])
			group_write(cg->dir[c], "cgroup.kill", "1");
		do {
			fresh = 0;
			group_kill(cg->dir[c], &k, &fresh);
		} while (fresh > 0 && now_seconds() <= deadline);
	}
	free(k.pid);
	cgroup_forget(cg);
}

int
cgroup_try_remove(struct cgroup *cg)
{
	int	c, left = 0;

	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] == NULL)
			continue;
		if (rmdir(cg->dir[c]) == -1 && errno != ENOENT) {
			left = 1;
			continue;
		}
		free(cg->dir[c]);
		cg->dir[c] = NULL;
	}
	return left ? -1 : 0;
}

void
cgroup_remove(struct cgroup *cg)
{
	int	c;

	for (c = 0; c < CG_N; c++) {
		if (cg->dir[c] == NULL)
			continue;
		group_rmdir(cg->dir[c], cg->v2[c]);
		free(cg->dir[c]);
		cg->dir[c] = NULL;
	}
}
