/* remote.c: running mutants on other hosts over ssh (CR_HOSTS). */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "hosts.h"
#include "remote.h"
#include "sha256.h"
#include "util.h"
#include "warm.h"

/* Tries of one mutant, over all hosts. */
#define REMOTE_TRIES	3
/* Seconds a host that failed is passed over by every run. */
#define DOWN_SECONDS	30
/* How long ssh keeps a host's shared connection after its last use. */
#define PERSIST		"ControlPersist=60"

/* A word for the remote shell, after a blank. */
static void
add_quoted(struct buf *b, const char *s)
{
	buf_addc(b, ' ');
	buf_add_shquoted(b, s);
}

/*
 * The ssh command: CR_SSH (default "ssh", split at blanks), batch mode,
 * one shared connection per host kept in dir, the host, the command.
 */
static char **
ssh_argv(const char *dir, const char *host, const char *command)
{
	const char	*ssh = getenv("CR_SSH");
	char		**v = NULL, *copy, *w, *save = NULL;
	size_t		  n = 0;

	if (ssh == NULL || *ssh == '\0')
		ssh = "ssh";
	copy = xstrdup(ssh);
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrdup(w);
	}
	free(copy);
	v = xreallocarray(v, n + 12, sizeof *v);
	v[n++] = xstrdup("-o");
	v[n++] = xstrdup("BatchMode=yes");
	v[n++] = xstrdup("-o");
	v[n++] = xstrdup("ControlMaster=auto");
	v[n++] = xstrdup("-o");
	v[n++] = xasprintf("ControlPath=%s/ssh.%%C", dir);
	v[n++] = xstrdup("-o");
	v[n++] = xstrdup(PERSIST);
	v[n++] = xstrdup(host);
	v[n++] = xstrdup(command);
	v[n] = NULL;
	return v;
}

static void
argv_free(char **v)
{
	size_t	i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * Run ssh with standard input from in (or, if -1, a pipe left open until
 * it ends, whose end tells the remote side that we are gone) and standard
 * output to out. Its exit status, 256 plus the signal that killed it, or
 * -1 with *cause.
 */
static int
ssh_run(char **argv, int in, int out, char **cause)
{
	pid_t	pid;
	int	p[2] = { -1, -1 }, st, n;

	if (in == -1 && pipe2(p, O_CLOEXEC) == -1)
		return cause_set(cause, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1) {
		n = errno;
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		return cause_set(cause, "fork: %s", strerror(n));
	}
	if (pid == 0) {
		setpgid(0, 0);
		cleanup_default_signals();
		if (dup2(in != -1 ? in : p[0], 0) == -1 || dup2(out, 1) == -1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "cr-run-one: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	cleanup_set_pgid(pid);
	if (p[0] != -1)
		close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	cleanup_set_pgid(0);
	if (p[1] != -1)
		close(p[1]);
	return WIFSIGNALED(st) ? 256 + WTERMSIG(st) : WEXITSTATUS(st);
}

static int
host_down(const char *dir, const char *host)
{
	struct stat	 st;
	char		*path;
	int		 down;

	path = xasprintf("%s/down.%s", dir, host);
	down = stat(path, &st) == 0 && time(NULL) - st.st_mtime < DOWN_SECONDS;
	free(path);
	return down;
}

static void
mark_down(const char *dir, const char *host)
{
	char	*path;
	int	 fd;

	path = xasprintf("%s/down.%s", dir, host);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1) {
		futimens(fd, NULL);
		close(fd);
	}
	free(path);
}

/*
 * Send the session database to the host once per plan: a marker in dir
 * says it was, and a lock per host keeps two runs from sending it at once.
 * The ssh status, or -1 with *cause.
 */
static int
upload(const char *dir, const char *host, const struct remote_job *j,
    const char *exe, char **cause)
{
	struct buf	 cmd = { 0 };
	char		*marker, *lock, *db, **argv;
	int		 lfd, dbfd, null, st = 0;

	marker = xasprintf("%s/sent.%s.%s", dir, host, j->plan_hash);
	if (access(marker, F_OK) == 0) {
		free(marker);
		return 0;
	}
	lock = xasprintf("%s/upload.%s", dir, host);
	if ((lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(lfd, LOCK_EX) == -1) {
		st = cause_set(cause, "%s: %s", lock, strerror(errno));
		goto out;
	}
	if (access(marker, F_OK) == 0)
		goto out;
	db = xasprintf("%s/session.db", j->session);
	if ((dbfd = open(db, O_RDONLY | O_CLOEXEC)) == -1) {
		st = cause_set(cause, "%s: %s", db, strerror(errno));
		free(db);
		goto out;
	}
	free(db);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	buf_adds(&cmd, "exec");
	add_quoted(&cmd, exe);
	buf_adds(&cmd, " --receive-session");
	add_quoted(&cmd, j->plan_hash);
	argv = ssh_argv(dir, host, buf_str(&cmd));
	st = ssh_run(argv, dbfd, null, cause);
	argv_free(argv);
	close(dbfd);
	close(null);
	buf_free(&cmd);
	if (st == 0)
		close(open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
out:
	if (lfd != -1)
		close(lfd);
	free(lock);
	free(marker);
	return st;
}

/* Ask the host for the verdict; the ssh status, or -1 with *cause. */
static int
ask(const char *dir, const char *host, const struct remote_job *j,
    const char *exe, const char *tmp, char **cause)
{
	struct buf	 cmd = { 0 };
	char		**argv;
	size_t		 i;
	int		 out, st;

	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return cause_set(cause, "%s: %s", tmp, strerror(errno));
	buf_adds(&cmd, "exec");
	add_quoted(&cmd, exe);
	buf_adds(&cmd, " --remote");
	add_quoted(&cmd, j->plan_hash);
	for (i = 0; j->flags != NULL && j->flags[i] != NULL; i++)
		add_quoted(&cmd, j->flags[i]);
	add_quoted(&cmd, j->id);
	argv = ssh_argv(dir, host, buf_str(&cmd));
	st = ssh_run(argv, -1, out, cause);
	argv_free(argv);
	close(out);
	buf_free(&cmd);
	return st;
}

/*
 * The directory of the hosts' slots, markers and shared connections: one
 * per ssh command, since another CR_SSH (another configuration) may give
 * the same host name to another host.
 */
static char *
hosts_dir(char **cause)
{
	const char	*ssh = getenv("CR_SSH");
	char		 hex[65], *base, *dir;

	if (ssh == NULL || *ssh == '\0')
		ssh = "ssh";
	sha256_hex(ssh, strlen(ssh), hex);
	if ((base = warm_state_dir("/nonexistent", cause)) == NULL)
		return NULL;
	dir = xasprintf("%s/hosts-%.12s", base, hex);
	free(base);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

int
remote_run(const struct remote_job *j, struct result *r, char **cause)
{
	struct host	*h;
	unsigned char	*skip;
	size_t		 n, i;
	char		*dir, *exe = NULL, *tmp = NULL, *why = NULL, *marker;
	int		 tries, k, fd = -1, st, rc = -1;

	if (hosts_parse(j->hosts, &h, &n, cause) == -1)
		return -1;
	if ((dir = hosts_dir(cause)) == NULL) {
		hosts_free(h, n);
		return -1;
	}
	skip = xcalloc(n, 1);
	for (i = 0; i < n; i++)
		skip[i] = !h[i].local && host_down(dir, h[i].name);
	if ((exe = exe_path()) == NULL)
		exe = xstrdup("cr-run-one");
	tmp = xasprintf("%s/remote.%ld.json", dir, (long)getpid());
	cleanup_add(tmp);
	for (tries = 0; tries < REMOTE_TRIES; tries++) {
		if ((k = hosts_acquire(h, n, dir, skip, &fd, cause)) == -1)
			goto out;
		if (h[k].local) {
			/* The slot is held until this process exits. */
			rc = 1;
			goto out;
		}
		st = upload(dir, h[k].name, j, exe, cause);
		if (st == 0)
			st = ask(dir, h[k].name, j, exe, tmp, cause);
		close(fd);
		fd = -1;
		if (st == -1)
			goto out;
		if (st == 0) {
			if (result_read(tmp, r, &why) == -1) {
				cause_set(cause, "%s: %s", h[k].name, why);
				free(why);
				goto out;
			}
			if (strcmp(r->id, j->id) != 0 || r->plan == NULL ||
			    strcmp(r->plan, j->plan_hash) != 0) {
				cause_set(cause, "%s: the result is not of "
				    "mutant %s of this plan", h[k].name, j->id);
				result_clear(r);
				goto out;
			}
			free(r->remote);
			r->remote = xstrdup(h[k].name);
			rc = 0;
			goto out;
		}
		if (st == REMOTE_NO_SESSION) {
			/* The host lost its copy: send it again. */
			marker = xasprintf("%s/sent.%s.%s", dir, h[k].name,
			    j->plan_hash);
			unlink(marker);
			free(marker);
			continue;
		}
		if (st == 255 || st == 127) {
			warn("%s: ssh failed (status %d); %s is passed over for "
			    "%d s", j->id, st, h[k].name, DOWN_SECONDS);
			mark_down(dir, h[k].name);
			skip[k] = 1;
			continue;
		}
		cause_set(cause, st > 256 ? "%s: ssh to %s was killed by "
		    "signal %d" : "%s: cr-run-one on %s failed (status %d)",
		    j->id, h[k].name, st > 256 ? st - 256 : st);
		goto out;
	}
	cause_set(cause, "%s: no verdict after %d tries on the hosts of "
	    "CR_HOSTS", j->id, REMOTE_TRIES);
out:
	if (fd != -1 && rc != 1)
		close(fd);
	unlink(tmp);
	cleanup_forget(tmp);
	free(tmp);
	free(exe);
	free(skip);
	free(dir);
	hosts_free(h, n);
	return rc;
}

char *
remote_session(const char *hash, char **cause)
{
	char	*dir, *s;
	size_t	 i;

	for (i = 0; hash[i] != '\0'; i++) {
		if (strchr("0123456789abcdef", hash[i]) == NULL)
			break;
	}
	if (i != 64 || hash[i] != '\0') {
		cause_set(cause, "'%s' is not a plan digest", hash);
		return NULL;
	}
	if ((dir = warm_state_dir("/nonexistent", cause)) == NULL)
		return NULL;
	s = xasprintf("%s/sessions/%s", dir, hash);
	free(dir);
	return s;
}

int
remote_receive(const char *hash)
{
	struct buf	 b = { 0 };
	char		*dir, *db, *cause = NULL;

	if ((dir = remote_session(hash, &cause)) == NULL ||
	    mkdir_p(dir, &cause) == -1 ||
	    file_read("/dev/stdin", &b, &cause) == -1)
		fatal("%s", cause);
	db = xasprintf("%s/session.db", dir);
	if (file_write_atomic(db, b.data, b.len, &cause) == -1)
		fatal("%s", cause);
	buf_free(&b);
	free(db);
	free(dir);
	return 0;
}

void
remote_watch(const char *path)
{
	struct pollfd	 pfd[2];
	struct buf	 b = { 0 };
	char		 chunk[4096];
	pid_t		 pid;
	ssize_t		 n;
	int		 pidfd, st, in_open = 1;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork:");
	if (pid == 0)
		return;
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		fatal("pidfd_open:");
	for (;;) {
		pfd[0].fd = in_open ? 0 : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = pidfd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll:");
		}
		if (pfd[1].revents != 0)
			break;
		if (pfd[0].revents != 0) {
			n = read(0, chunk, sizeof chunk);
			if (n > 0 || (n == -1 && errno == EINTR))
				continue;
			/* The connection is gone: no one waits for a verdict. */
			kill(pid, SIGTERM);
			in_open = 0;
		}
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && in_open &&
	    file_read(path, &b, NULL) == 0) {
		unlink(path);
		if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		    fflush(stdout) == EOF)
			exit(1);
		exit(0);
	}
	unlink(path);
	if (WIFSIGNALED(st))
		exit(128 + WTERMSIG(st));
	exit(WIFEXITED(st) && WEXITSTATUS(st) != 0 ? WEXITSTATUS(st) : 1);
}
