/* util.c: allocation, diagnostics, growable buffers and small file helpers. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *progname = "crmake";

static void
vwarn(const char *fmt, va_list ap)
{
	size_t	len = strlen(fmt);
	int	saved = errno;

	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (len > 0 && fmt[len - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}

int
cause_set(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n == 0 ? 1 : n);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t	want;

	if (n > SIZE_MAX - b->len - 1)
		oom();
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap = b->cap > SIZE_MAX / 2 ? want : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	avail;
	int	n;

	buf_grow(b, 64);
	avail = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	if ((size_t)n >= avail) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
buf_add_shquoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

void
buf_add_duration(struct buf *b, double seconds)
{
	long	s = seconds > 0 && seconds < 1e15 ? (long)(seconds + 0.5) : 0;

	if (s < 120)
		buf_addf(b, "%ld s", s);
	else if (s < 3600)
		buf_addf(b, "%ld min %02ld s", s / 60, s % 60);
	else
		buf_addf(b, "%ld h %02ld min", s / 3600, s / 60 % 60);
}

int
shell_plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) &&
		    strchr("%+,-./:=@_^", *s) == NULL)
			return 0;
	}
	return 1;
}

void
buf_add_shword(struct buf *b, const char *s)
{
	if (shell_plain(s))
		buf_adds(b, s);
	else
		buf_add_shquoted(b, s);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return xstrdup("");
	s = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *
buf_str(struct buf *b)
{
	return b->data == NULL ? "" : b->data;
}

void
buf_tail_add(struct buf *b, const char *p, size_t n, size_t max)
{
	size_t	keep;

	if (max == 0)
		return;
	if (n >= max) {
		buf_reset(b);
		buf_add(b, p + n - max, max);
		return;
	}
	if (b->len + n > 2 * max) {
		keep = max - n;
		memmove(b->data, b->data + b->len - keep, keep);
		b->len = keep;
	}
	buf_add(b, p, n);
}

/* A tail that does not start where the stream did starts at a UTF-8 character boundary. */
void
buf_tail_finish(struct buf *b, size_t max, size_t total)
{
	size_t	cut, i;

	if (b->len == 0 || (b->len <= max && total <= b->len))
		return;
	cut = b->len > max ? b->len - max : 0;
	for (i = 0; i < 3 && cut < b->len &&
	    ((unsigned char)b->data[cut] & 0xc0) == 0x80; i++)
		cut++;
	memmove(b->data, b->data + cut, b->len - cut);
	b->len -= cut;
	b->data[b->len] = '\0';
}

int
fd_read_tail(int fd, struct buf *out, size_t max, size_t limit, size_t *count)
{
	char	chunk[65536];
	ssize_t	n;
	size_t	total = 0;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return 1;
		if (n == 0)
			return 0;
		buf_tail_add(out, chunk, (size_t)n, max);
		total += (size_t)n;
		*count += (size_t)n;
		if (total >= limit)
			return 1;
	}
}

int
parse_size(const char *s, uint64_t *out)
{
	static const char	 units[] = "KMGT";
	const char		*u;
	char			*end;
	uint64_t		 v;
	int			 shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0' && (u = strchr(units, *end & ~0x20)) != NULL) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if ((*end & ~0x20) == 'I' && (end[1] & ~0x20) == 'B')
			end += 2;
		else if ((*end & ~0x20) == 'B')
			end++;
	} else if ((*end & ~0x20) == 'B')
		end++;
	if (*end != '\0' || (shift > 0 && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

int
file_read(const char *path, struct buf *out, char **cause)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 fd;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cause_set(cause, "%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int saved = errno;
			close(fd);
			return cause_set(cause, "%s: %s", path, strerror(saved));
		}
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	buf_grow(out, 0);
	out->data[out->len] = '\0';
	return 0;
}

int
write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len, char **cause)
{
	char		*tmp;
	int		 fd, saved;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		goto fail;
	if (write_all(fd, data, len) == -1)
		goto fail_fd;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_unlink;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail_unlink;
	}
	free(tmp);
	return 0;

fail_fd:
	saved = errno;
	close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	return cause_set(cause, "%s: %s", path, strerror(saved));
}

int
mkdir_p(const char *path, char **cause)
{
	char	*p, *s;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST) {
			int saved = errno;
			cause_set(cause, "%s: %s", p, strerror(saved));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

/* Collapse "//", "/./" and "/../" in an absolute path, in place. */
static void
path_normalise(char *p)
{
	char	*out = p, *in = p;

	while (*in != '\0') {
		if (in[0] == '/' && in[1] == '/') {
			in++;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || in[2] == '\0')) {
			in += 2;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && in[2] == '.' &&
		    (in[3] == '/' || in[3] == '\0')) {
			in += 3;
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = *in++;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *
path_lexical(const char *path)
{
	char	 cwd[PATH_MAX], *s;

	if (path[0] == '/')
		s = xstrdup(path);
	else {
		if (getcwd(cwd, sizeof cwd) == NULL)
			fatal("getcwd:");
		s = xasprintf("%s/%s", cwd, path);
	}
	path_normalise(s);
	return s;
}

char *
path_absolute(const char *path)
{
	char	*r, *s;

	if ((r = realpath(path, NULL)) == NULL)
		return path_lexical(path);
	s = xstrdup(r);
	free(r);
	return s;
}

ssize_t
fd_send(int sock, const void *data, size_t len, const int *fds, size_t nfds)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(FD_SEND_MAX * sizeof(int))];
	}		 ctl;
	ssize_t		 n;

	if (nfds > FD_SEND_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof msg);
	memset(&ctl, 0, sizeof ctl);
	iov.iov_base = (void *)data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), fds, nfds * sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
fd_recv(int sock, void *data, size_t len, int *fd, int flags)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 ctl;
	ssize_t		 n;

	*fd = -1;
	memset(&msg, 0, sizeof msg);
	memset(&ctl, 0, sizeof ctl);
	iov.iov_base = data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof ctl.buf;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	while (n == -1 && errno == EINTR);
	c = CMSG_FIRSTHDR(&msg);
	if (n > 0 && c != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

int
path_inside(const char *path, const char *root)
{
	size_t	n = strlen(root);

	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(path, root, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0');
}

char *
exe_path(void)
{
	char	 buf[PATH_MAX];
	ssize_t	 n;

	n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

char *
exe_dir(void)
{
	char	*path, *slash;

	if ((path = exe_path()) == NULL)
		return NULL;
	if ((slash = strrchr(path, '/')) == NULL) {
		free(path);
		return NULL;
	}
	if (slash == path)
		slash++;
	*slash = '\0';
	return path;
}

double
now_seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t
count_lines(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len > 0 && s[len - 1] != '\n')
		n++;
	return n;
}
