/* warm.c: a session's warm worker on this host: finding or starting it, and testing a mutant in it. */
#include "config.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "proctree.h"
#include "pyhooks.h"
#include "sandbox.h"
#include "sha256.h"
#include "warm.h"

/*
 * A worker is the session's test command, run with crmake's hooks asked to
 * serve (CRMAKE_SERVE): it imports and collects as the command would, then
 * forks a child per request (python/crmake_worker.py). Its state lives in a
 * private directory on local disk (never the session directory, which may
 * be on a network file system), one set of files per session and plan:
 *   KEY.sock	the socket it serves on
 *   KEY.fresh.sock  its fresh server's, for fresh runs (warm_fresh)
 *   KEY.lock	held by the one process that starts it (and by whoever
 *		removes it)
 *   KEY.pid	its process ID
 *   KEY.off	why this session has no worker: mutants run cold
 *   KEY.rec	its records (errors among them), KEY.log its output
 *   KEY.files	the planned files, whose functions it indexes
 * The child's verdict is read here; this side owns the limits and kills the
 * child and everything below it when it is done.
 */

/* Most bytes read from the output pipe at once, so output cannot starve the timer. */
#define DRAIN_MAX (1024 * 1024)

/* Our private state directory, on local disk and outside root; NULL with *cause. */
char *
warm_state_dir(const char *root, char **cause)
{
	const char	*bases[3];
	struct stat	 st;
	char		*base, *dir;
	size_t		 i;

	bases[0] = getenv("XDG_RUNTIME_DIR");
	bases[1] = "/tmp";
	bases[2] = "/dev/shm";
	for (i = 0; i < 3; i++) {
		if (bases[i] == NULL || bases[i][0] != '/')
			continue;
		base = path_absolute(bases[i]);
		if (path_inside(base, root) || stat(base, &st) == -1) {
			free(base);
			continue;
		}
		dir = xasprintf("%s/crmake-%lu", base, (unsigned long)getuid());
		free(base);
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			cause_set(cause, "%s: %s", dir, strerror(errno));
			free(dir);
			return NULL;
		}
		if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != getuid() || (st.st_mode & 077) != 0) {
			cause_set(cause, "%s: not a private directory of ours",
			    dir);
			free(dir);
			return NULL;
		}
		return dir;
	}
	cause_set(cause, "no private directory outside the project");
	return NULL;
}

/* The files of a session's worker: the prefix, DIR/KEY. */
static char *
state_prefix(const char *session, const char *plan_id, const char *root,
    char **cause)
{
	struct sha256	 h;
	char		*dir, *prefix, hex[65];

	if ((dir = warm_state_dir(root, cause)) == NULL)
		return NULL;
	sha256_init(&h);
	sha256_update(&h, session, strlen(session) + 1);
	sha256_update(&h, plan_id, strlen(plan_id));
	sha256_final_hex(&h, hex);
	prefix = xasprintf("%s/%.16s", dir, hex);
	free(dir);
	return prefix;
}

/* A connected socket to path, or -1. */
static int
connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static pid_t
read_pid(const char *path)
{
	struct buf	b = { 0 };
	long		v = 0;

	if (file_read(path, &b, NULL) == 0)
		v = strtol(buf_str(&b), NULL, 10);
	buf_free(&b);
	return v > 1 ? (pid_t)v : 0;
}

static void
write_text(const char *path, const char *text)
{
	char	*cause = NULL;

	if (file_write_atomic(path, text, strlen(text), &cause) == -1) {
		warn("%s", cause);
		free(cause);
	}
}

/* Why a worker that exited did not serve: its error record, else its log. */
static char *
exit_reason(const char *prefix, int status)
{
	struct pyhooks_run	 hr;
	char			*rec, *reason, *cause = NULL;

	rec = xasprintf("%s.rec", prefix);
	if (pyhooks_read(rec, 0, &hr, &cause) == -1) {
		free(cause);
		memset(&hr, 0, sizeof hr);
	}
	if (hr.error != NULL)
		reason = xstrdup(strncmp(hr.error, "warm: ", 6) == 0 ?
		    hr.error + 6 : hr.error);
	else if (WIFEXITED(status))
		reason = xasprintf("the test command exited with status %d "
		    "instead of serving (its output is in %s.log)",
		    WEXITSTATUS(status), prefix);
	else
		reason = xasprintf("the test command was killed by signal %d "
		    "instead of serving (its output is in %s.log)",
		    WTERMSIG(status), prefix);
	pyhooks_run_free(&hr);
	free(rec);
	return reason;
}

/*
 * Hold the lock at path, without waiting; -1 if another process holds it.
 * Whoever holds a lock may remove its file (lock_remove): the lock held
 * must be the file at path, not one removed meanwhile.
 */
static int
lock_take(const char *path)
{
	struct stat	a, b;
	int		fd, tries;

	for (tries = 0; tries < 8; tries++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			close(fd);
			return -1;
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	return -1;
}

/* Remove the lock file at path unless a process holds it. */
static void
lock_remove(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlink(path);
	close(fd);
}

/* Remove the files PREFIX.PART of a worker, for each of parts. */
static void
unlink_parts(const char *prefix, const char *const *parts)
{
	char	*path;
	size_t	 i;

	for (i = 0; parts[i] != NULL; i++) {
		path = xasprintf("%s.%s", prefix, parts[i]);
		unlink(path);
		free(path);
	}
}

/*
 * Remove the files of other sessions' workers that are gone (stopped when
 * idle, killed, or of a session since removed): a process ID of no process,
 * a lock no one holds, and no KEY.off (that one says why a session runs
 * cold, and stays while the session may run). Ours, KEY, is left alone.
 */
static void
sweep_dead(const char *prefix)
{
	static const char *const	 parts[] = { "sock", "fresh.sock", "pid",
	    "rec", "log", "files", NULL };
	struct dirent			*e;
	DIR				*d;
	const char			*key;
	char				*dir, *other, *path;
	size_t				 n;
	pid_t				 pid;
	int				 lfd;

	dir = xstrdup(prefix);
	key = strrchr(prefix, '/') + 1;
	*strrchr(dir, '/') = '\0';
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= 4 || strcmp(e->d_name + n - 4, ".pid") != 0 ||
		    (n - 4 == strlen(key) && strncmp(e->d_name, key, n - 4) == 0))
			continue;
		other = xasprintf("%s/%.*s", dir, (int)(n - 4), e->d_name);
		path = xasprintf("%s.pid", other);
		pid = read_pid(path);
		free(path);
		path = xasprintf("%s.off", other);
		if ((pid > 0 && !proctree_gone(pid)) || access(path, F_OK) == 0) {
			free(path);
			free(other);
			continue;
		}
		free(path);
		path = xasprintf("%s.lock", other);
		if ((lfd = lock_take(path)) != -1) {
			unlink_parts(other, parts);
			unlink(path);
			close(lfd);
		}
		free(path);
		free(other);
	}
	closedir(d);
	free(dir);
}

/* Start the worker and wait until it serves; 0, or -1 with *why. */
static int
start(const struct warm_spec *ws, const char *prefix, struct warm *w,
    char **why)
{
	struct pyhooks_spec	 hs;
	struct run_spec		 spec;
	char			**hooks, **env, *path, *files, *cause = NULL;
	double			 deadline;
	size_t			 n, i;
	pid_t			 pid;
	int			 status, fd, rc = -1;

	path = xasprintf("%s.files", prefix);
	files = ws->files(ws->files_arg);
	if (file_write_atomic(path, files, strlen(files), &cause) == -1) {
		*why = cause;
		free(files);
		free(path);
		return -1;
	}
	free(files);
	free(path);
	path = xasprintf("%s.rec", prefix);
	unlink(path);
	memset(&hs, 0, sizeof hs);
	hs.pydir = ws->pydir;
	hs.record = path;
	hs.runner = ws->runner;
	hooks = pyhooks_env(&hs);
	free(path);
	for (n = 0; hooks[n] != NULL; n++)
		;
	env = xcalloc(n + 6, sizeof *env);
	for (i = 0; i < n; i++)
		env[i] = hooks[i];
	env[n++] = xasprintf("CRMAKE_SERVE=%s", w->sock);
	env[n++] = xasprintf("CRMAKE_SERVE_FILES=%s.files", prefix);
	env[n++] = xasprintf("CRMAKE_SERVE_IDLE=%g", ws->idle);
	env[n++] = xasprintf("CRMAKE_SERVE_OWNER=%ld", (long)getppid());
	env[n++] = xasprintf("CRMAKE_SERVE_CHECK=%g", ws->start_limit);
	memset(&spec, 0, sizeof spec);
	spec.root = ws->root;
	spec.command = ws->command;
	spec.isolation = ISOLATION_NONE;
	spec.env = (const char *const *)env;
	spec.caps = ws->caps;
	path = xasprintf("%s.log", prefix);
	if (sandbox_spawn(&spec, path, &pid, &cause) == -1) {
		*why = xasprintf("cannot start it: %s", cause);
		free(cause);
		goto out;
	}
	free(path);
	path = xasprintf("%s.pid", prefix);
	{
		char text[32];

		snprintf(text, sizeof text, "%ld\n", (long)pid);
		write_text(path, text);
	}
	deadline = now_seconds() + ws->start_limit + 10;
	for (;;) {
		if ((fd = connect_to(w->sock)) != -1) {
			w->fd = fd;
			w->pid = pid;
			rc = 0;
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			*why = exit_reason(prefix, status);
			break;
		}
		if (now_seconds() > deadline) {
			proctree_kill(pid, 1);
			waitpid(pid, &status, 0);
			*why = xasprintf("it did not serve within %.0f s",
			    ws->start_limit + 10);
			break;
		}
		usleep(20000);
	}
out:
	free(path);
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
	free(hooks);
	return rc;
}

int
warm_find(const struct warm_spec *ws, struct warm *w, char **why)
{
	static const char *const sockets[] = { "sock", "fresh.sock", NULL };
	char		*prefix, *lock = NULL, *off = NULL, *pidf = NULL;
	char		*cause = NULL;
	pid_t		 old;
	int		 fd, lfd = -1, rc = -1;

	*why = NULL;
	memset(w, 0, sizeof *w);
	w->fd = -1;
	if ((prefix = state_prefix(ws->session, ws->plan_id, ws->root,
	    &cause)) == NULL) {
		*why = cause;
		w->none = "no state directory";
		return -1;
	}
	w->sock = xasprintf("%s.sock", prefix);
	pidf = xasprintf("%s.pid", prefix);
	if ((fd = connect_to(w->sock)) != -1) {
		w->fd = fd;
		w->pid = read_pid(pidf);
		rc = 0;
		goto out;
	}
	off = xasprintf("%s.off", prefix);
	w->none = "the worker failed to start";
	if (access(off, F_OK) == 0)
		goto out;
	/*
	 * A Slurm job step ends every process it started when it ends: a
	 * worker started by one would die with it. Only a worker started for
	 * the allocation is used there.
	 */
	if (getenv("SLURM_STEP_ID") != NULL) {
		w->none = "no worker in a Slurm step";
		goto out;
	}
	lock = xasprintf("%s.lock", prefix);
	if ((lfd = lock_take(lock)) == -1) {
		w->none = "the worker was starting";
		goto out;
	}
	if (access(off, F_OK) == 0)
		goto out;
	if ((fd = connect_to(w->sock)) != -1) {
		w->fd = fd;
		w->pid = read_pid(pidf);
		rc = 0;
		goto out;
	}
	/* A worker that does not answer is replaced, with all it started. */
	if ((old = read_pid(pidf)) > 0)
		proctree_kill(old, 1);
	unlink_parts(prefix, sockets);
	sweep_dead(prefix);
	if (start(ws, prefix, w, why) == 0)
		rc = 0;
	else
		write_text(off, *why);
out:
	if (lfd != -1)
		close(lfd);
	free(lock);
	free(off);
	free(pidf);
	free(prefix);
	if (rc == -1) {
		free(w->sock);
		w->sock = NULL;
	} else
		w->none = NULL;
	return rc;
}

void
warm_clear(struct warm *w)
{
	if (w->fd != -1)
		close(w->fd);
	free(w->sock);
	memset(w, 0, sizeof *w);
	w->fd = -1;
}

int
warm_stop(const char *session, const char *plan_id)
{
	static const char *const	 kept[] = { "off", "files", "pid", "rec",
	    "log", "fresh.sock", NULL };
	struct stat			 a, b;
	char				*prefix, *path, *cause = NULL;
	double				 deadline;
	int				 fd, found = 0;

	if ((prefix = state_prefix(session, plan_id, "/nonexistent",
	    &cause)) == NULL) {
		free(cause);
		return 0;
	}
	path = xasprintf("%s.sock", prefix);
	if (stat(path, &a) == 0 && (fd = connect_to(path)) != -1) {
		if (write(fd, "{\"op\":\"stop\"}\n", 14) == 14)
			found = 1;
		close(fd);
	}
	/*
	 * Until it has removed its socket, a run would still find it, and
	 * wait for an answer that never comes: what asked it to stop has it
	 * stopped before it goes on.
	 */
	for (deadline = now_seconds() + WARM_STOP_WAIT; found &&
	    stat(path, &b) == 0 && b.st_ino == a.st_ino &&
	    now_seconds() < deadline;)
		usleep(10000);
	free(path);
	/* What the worker kept is of no use once it is stopped. */
	unlink_parts(prefix, kept);
	/* Nor are the control groups of a worker that was killed. */
	cgroup_sweep(0);
	path = xasprintf("%s.lock", prefix);
	lock_remove(path);
	free(path);
	free(prefix);
	return found;
}

int
warm_fresh(struct warm *w)
{
	size_t	len = strlen(w->sock);
	char	*sock;

	if (len < 5 || strcmp(w->sock + len - 5, ".sock") != 0)
		return -1;
	if (w->fd != -1) {
		close(w->fd);
		w->fd = -1;
	}
	sock = xasprintf("%.*s.fresh.sock", (int)(len - 5), w->sock);
	free(w->sock);
	w->sock = sock;
	return (w->fd = connect_to(sock)) == -1 ? -1 : 0;
}

int
warm_greet(struct warm *w, double limit, char **why)
{
	struct pollfd		 pfd;
	struct json		*o;
	const struct json	*v;
	char			 line[256], *err = NULL;
	size_t			 len = 0;
	double			 deadline = now_seconds() + limit, left;
	ssize_t			 n;

	w->spare = 0;
	if (w->fd == -1 && (w->fd = connect_to(w->sock)) == -1) {
		*why = xasprintf("%s: %s", w->sock, strerror(errno));
		return -1;
	}
	/* A spare says who it is when it takes the connection, and no more. */
	while (memchr(line, '\n', len) == NULL) {
		if (len == sizeof line - 1) {
			*why = xstrdup("a greeting too long from the worker");
			return -1;
		}
		if ((left = deadline - now_seconds()) <= 0) {
			*why = xstrdup("the worker did not answer");
			return -1;
		}
		pfd.fd = w->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			*why = xasprintf("poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		do
			n = read(w->fd, line + len, sizeof line - 1 - len);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			*why = xstrdup(n == 0 ? "the worker closed the connection" :
			    strerror(errno));
			return -1;
		}
		len += (size_t)n;
	}
	if ((o = json_parse(line, (size_t)((char *)memchr(line, '\n', len) -
	    line), &err)) == NULL) {
		*why = xasprintf("a greeting that is not JSON: %s", err);
		free(err);
		return -1;
	}
	if (o->type == JV_OBJECT && (v = json_get(o, "spare")) != NULL &&
	    v->type == JV_NUMBER && v->number > 1 && v->number < INT_MAX)
		w->spare = (pid_t)v->number;
	json_free(o);
	if (w->spare == 0) {
		*why = xstrdup("a greeting without the spare's process");
		return -1;
	}
	return 0;
}

/* The request line. */
static char *
request_text(const struct warm_job *j)
{
	struct buf	b = { 0 };
	size_t		i;

	buf_addf(&b, "{\"op\":\"run\",\"protocol\":%d,\"file\":", WARM_PROTOCOL);
	json_add_string(&b, j->file);
	/* The texts follow the line as they are, in whatever encoding. */
	buf_addf(&b, ",\"source_bytes\":%zu,\"full_bytes\":%zu,\"scope\":",
	    j->source_len, j->full_len);
	json_add_string(&b, j->scope);
	buf_addf(&b, ",\"line\":%u,\"namespace\":%s,\"groups\":%zu,"
	    "\"as\":%llu,\"tests\":[", (unsigned)j->line,
	    j->mntns >= 0 ? "true" : "false", j->ngroups,
	    (unsigned long long)j->as);
	for (i = 0; i < j->ntests; i++) {
		buf_adds(&b, i == 0 ? "{\"runner\":" : ",{\"runner\":");
		json_add_string(&b, j->runners[i]);
		buf_adds(&b, ",\"id\":");
		json_add_string(&b, j->ids[i]);
		buf_addc(&b, '}');
	}
	buf_adds(&b, "]}\n");
	return buf_detach(&b);
}

/* Send all of data. */
static int
send_all(int sock, const char *data, size_t len)
{
	size_t	done;
	ssize_t	n;

	for (done = 0; done < len; done += (size_t)n) {
		do
			n = send(sock, data + done, len - done, MSG_NOSIGNAL);
		while (n == -1 && errno == EINTR);
		if (n <= 0)
			return -1;
	}
	return 0;
}

/*
 * Send the request with the descriptors the child takes over: the output
 * pipe, the mount namespace if there is one, the control groups.
 */
static int
send_request(int sock, const char *text, const struct warm_job *j, int out)
{
	int	fds[2 + CG_N];
	size_t	len = strlen(text), nfds = 0, i;
	ssize_t	n;

	fds[nfds++] = out;
	if (j->mntns >= 0)
		fds[nfds++] = j->mntns;
	for (i = 0; i < j->ngroups && i < CG_N; i++)
		fds[nfds++] = j->groups[i];
	if ((n = fd_send(sock, text, len, fds, nfds)) == -1)
		return -1;
	return send_all(sock, text + n, len - (size_t)n);
}

/*
 * Act on one reply line; 1 when the exchange is over: at the verdict, or
 * in a fresh run at its process's end.
 */
static int
reply_line(const char *line, int fresh, pid_t *child, struct run_limits *lim,
    struct warm_result *r)
{
	struct json		*o;
	const struct json	*v, *start;
	char			*why = NULL;
	int			 over = 0;

	if ((o = json_parse(line, strlen(line), &why)) == NULL) {
		r->why = xasprintf("a reply that is not JSON: %s", why);
		free(why);
		return 1;
	}
	if (o->type != JV_OBJECT) {
		r->why = xstrdup("a reply that is not an object");
		over = 1;
	} else if ((v = json_get(o, "pid")) != NULL && v->type == JV_NUMBER &&
	    v->number > 1)
		*child = (pid_t)v->number;
	else if ((v = start = json_get(o, "start")) != NULL ||
	    (v = json_get(o, "done")) != NULL) {
		if (v->type == JV_NUMBER && v->number >= 0 &&
		    v->number < (double)SIZE_MAX)
			run_limits_told(lim, start != NULL, (size_t)v->number);
	}
	else if ((v = json_get(o, "applied")) != NULL) {
		if (v->type != JV_TRUE) {
			v = json_get(o, "error");
			r->not_applied = 1;
			r->why = xasprintf("the mutant could not be put in "
			    "place: %s", v != NULL && v->type == JV_STRING ?
			    v->string : "no reason given");
			over = 1;
		}
	} else if ((v = json_get(o, "found")) != NULL &&
	    v->type == JV_ARRAY) {
		r->nfound = v->len;
		r->reported = 1;
		v = json_get(o, "ran");
		if (v != NULL && v->type == JV_NUMBER && v->number >= 0)
			r->ran = (size_t)v->number;
		v = json_get(o, "failed");
		if (v != NULL && v->type == JV_STRING)
			r->failed = xstrdup(v->string);
		v = json_get(o, "seconds");
		if (v != NULL && v->type == JV_NUMBER && v->number >= 0)
			r->tests_seconds = v->number;
		if (!fresh)
			r->verdict = over = 1;
	} else if (fresh && (v = json_get(o, "exit")) != NULL &&
	    v->type == JV_NUMBER && v->number >= 0 && v->number <= 255) {
		r->exited = 1;
		r->exit_status = (int)v->number;
		r->verdict = over = 1;
	} else if (fresh && (v = json_get(o, "signal")) != NULL &&
	    v->type == JV_NUMBER) {
		/* Say nothing of the mutant here: the cold run tells why. */
		r->why = xasprintf("the run was ended by signal %d",
		    (int)v->number);
		over = 1;
	}
	json_free(o);
	return over;
}

int
warm_run(struct warm *w, const struct warm_job *j,
    struct warm_result *r, char **cause)
{
	struct pollfd	 pfd[2];
	struct run_limits lim;
	struct buf	 in = { 0 };
	char		*text, *line, *nl, chunk[4096];
	double		 start, deadline, c;
	size_t		 total = 0, used;
	ssize_t		 n;
	pid_t		 child = 0;
	int		 sock, outp[2], outopen = 1, over = 0, ms;
	int		 mntns = j->mntns;

	memset(r, 0, sizeof *r);
	r->tests_seconds = -1;
	/* The connection that warm_greet saw a spare take. */
	sock = w->fd;
	w->fd = -1;
	if (pipe2(outp, O_CLOEXEC) == -1) {
		close(sock);
		if (mntns != -1)
			close(mntns);
		return cause_set(cause, "pipe: %s", strerror(errno));
	}
	text = request_text(j);
	start = now_seconds();
	if (send_request(sock, text, j, outp[1]) == -1 ||
	    send_all(sock, j->source, j->source_len) == -1 ||
	    send_all(sock, j->full, j->full_len) == -1) {
		r->why = xasprintf("sending the request: %s", strerror(errno));
		over = 1;
	}
	free(text);
	close(outp[1]);
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	fcntl(outp[0], F_SETFL, fcntl(outp[0], F_GETFL) | O_NONBLOCK);
	/* The CPU time counted is the child's, once it has said who it is. */
	run_limits_init(&lim, start, j->timeout, j->cpu_timeout);
	run_limits_pace(&lim, j->pace);
	while (!over) {
		ms = 1000;
		if ((r->limit = run_limits_check(&lim, &r->cpu, &ms)) !=
		    LIMIT_NONE) {
			r->timed_out = 1;
			r->overran = lim.overran;
			break;
		}
		pfd[0].fd = sock;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = outopen ? outp[0] : -1;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (poll(pfd, 2, ms) == -1 && errno != EINTR) {
			r->why = xasprintf("poll: %s", strerror(errno));
			break;
		}
		if (outopen && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			outopen = fd_read_tail(outp[0], &r->output, j->tail_max,
			    DRAIN_MAX, &total);
		if (j->max_output > 0 && total > j->max_output) {
			r->timed_out = 1;
			r->limit = LIMIT_OUTPUT;
			break;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(sock, chunk, sizeof chunk);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			r->why = xstrdup("the worker's child ended without a "
			    "verdict");
			break;
		}
		buf_add(&in, chunk, (size_t)n);
		while (!over && (nl = memchr(in.data, '\n', in.len)) != NULL) {
			used = (size_t)(nl + 1 - in.data);
			*nl = '\0';
			line = xstrdup(in.data);
			memmove(in.data, in.data + used, in.len - used);
			in.len -= used;
			over = reply_line(line, j->fresh, &child, &lim, r);
			free(line);
			if (child > 0 && child != w->spare) {
				/* Not the process whose groups were judged. */
				r->why = xstrdup("a child other than the spare "
				    "that took the request");
				over = 1;
			} else if (child > 0 && lim.watch.root != child)
				run_limits_watch(&lim, child, cgroup_tree(j->cg));
			/*
			 * The child has joined the namespace once it says who
			 * it is: the namespace goes when the child does, and
			 * taking it down is not this process's cost.
			 */
			if (child > 0 && mntns != -1) {
				close(mntns);
				mntns = -1;
			}
		}
	}
	/*
	 * The groups' events, read while the child is there to keep them:
	 * once its processes have ended, groups that the worker's reaper made
	 * may be gone at any time.
	 */
	if (j->cg != NULL)
		run_caps_seen(j->cg, &r->timed_out, &r->limit, &r->reached);
	if (child > 0) {
		proctree_end_group(child, 1, cgroup_tree(j->cg), &c);
		if (c > r->cpu)
			r->cpu = c;
	}
	run_limits_free(&lim);
	if (r->timed_out) {
		if (child > 0)
			r->verdict = 1;
		else {
			r->timed_out = 0;
			r->why = xstrdup("the worker did not answer");
		}
	}
	r->duration = now_seconds() - start;
	close(sock);
	/* The output ends when the child and all it started are gone. */
	for (deadline = now_seconds() + 1; outopen && now_seconds() < deadline;) {
		pfd[0].fd = outp[0];
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		if (poll(pfd, 1, 100) > 0)
			outopen = fd_read_tail(outp[0], &r->output, j->tail_max,
			    DRAIN_MAX, &total);
	}
	close(outp[0]);
	if (mntns != -1)
		close(mntns);
	buf_tail_finish(&r->output, j->tail_max, total);
	buf_free(&in);
	return 0;
}

void
warm_result_free(struct warm_result *r)
{
	free(r->failed);
	free(r->why);
	buf_free(&r->output);
	memset(r, 0, sizeof *r);
}
