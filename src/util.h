/* util.h: allocation, diagnostics, growable buffers and small file helpers. */
#ifndef CR_UTIL_H
#define CR_UTIL_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The program name used in diagnostics, e.g. "cr-plan". */
extern const char *progname;

/* Allocators that never return NULL: they print a message and exit. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *, va_list);

/* Print "progname: message" to stderr; a format ending in ':' appends strerror(errno). */
void warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* As warn(), then exit with status 1. */
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Set *cause (if cause is not NULL) to a formatted message and return -1. */
int cause_set(char **cause, const char *, ...) __attribute__((format(printf, 2, 3)));

/* A growable byte buffer, always NUL-terminated after data[len] once non-empty. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
/* Make room for n more bytes. */
void buf_grow(struct buf *, size_t);
/* Append n bytes. */
void buf_add(struct buf *, const void *, size_t);
/* Append one byte. */
void buf_addc(struct buf *, char);
/* Append a NUL-terminated string. */
void buf_adds(struct buf *, const char *);
/* Append formatted text. */
void buf_addf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Append s as one shell word in single quotes. */
void buf_add_shquoted(struct buf *, const char *s);
/* Append seconds as "42 s", "3 min 05 s" or "2 h 07 min". */
void buf_add_duration(struct buf *, double seconds);
/* Whether s is one shell word as it is: not empty, nothing a shell reads specially. */
int shell_plain(const char *s);
/* Append s as a shell word: as it is if plain, else in single quotes (file names in messages, unambiguous and ready to paste). */
void buf_add_shword(struct buf *, const char *s);
/* Empty the buffer, keeping its storage. */
void buf_reset(struct buf *);
/* Free the storage and zero the buffer. */
void buf_free(struct buf *);
/* Return the contents as a NUL-terminated string owned by the caller; the buffer is emptied. */
char *buf_detach(struct buf *);
/* Return the contents as a string (never NULL); valid until the buffer changes. */
const char *buf_str(struct buf *);

/* Append n bytes of a stream, keeping its last max bytes (up to 2 * max until finished). */
void buf_tail_add(struct buf *, const char *, size_t, size_t max);
/* Trim to the last max bytes of a stream of total bytes. */
void buf_tail_finish(struct buf *, size_t max, size_t total);
/* Read what a non-blocking fd has into a tail of max bytes, at most limit now; 0 at end of file. */
int fd_read_tail(int fd, struct buf *, size_t max, size_t limit, size_t *count);

/*
 * A size in bytes: digits with an optional K, M, G or T (powers of 1024),
 * optionally followed by B or iB; 0 and -1 on anything else.
 */
int parse_size(const char *, uint64_t *);

/* Read a whole file into out (replacing its contents). */
int file_read(const char *, struct buf *, char **);
/* Write a file through a temporary name in the same directory and rename it into place. */
int file_write_atomic(const char *, const void *, size_t, char **);
/* Write all of data to fd, again after an interruption; 0, or -1 with errno. */
int write_all(int fd, const void *data, size_t len);
/* Create a directory and its parents (mode 0777 less umask); existing ones are fine. */
int mkdir_p(const char *, char **);
/* Return an absolute, normalised version of a path (symlinks resolved when it exists). */
char *path_absolute(const char *);
/* Return an absolute, normalised path without resolving symlinks. */
char *path_lexical(const char *);
/* Most descriptors fd_send sends at once. */
#define FD_SEND_MAX 4
/*
 * Send len bytes of data on a Unix socket with the nfds descriptors fds in
 * the same message (SCM_RIGHTS); returns what sendmsg does (bytes sent).
 */
ssize_t fd_send(int sock, const void *data, size_t len, const int *fds,
    size_t nfds);
/*
 * Receive up to len bytes of one message on a Unix socket, and in *fd the
 * descriptor sent with it (close-on-exec), or -1; recvmsg's flags are
 * added to. Returns what recvmsg does, again after an interruption.
 */
ssize_t fd_recv(int sock, void *data, size_t len, int *fd, int flags);
/* Whether the normalised path is root or below it. */
int path_inside(const char *path, const char *root);
/* Return the directory holding the running executable, or NULL. */
char *exe_dir(void);
/* The running program's own path, or NULL. */
char *exe_path(void);

/* Seconds from an arbitrary fixed point, monotonic. */
double now_seconds(void);
/* Number of lines in a text: newlines, plus one for a last line without one. */
size_t count_lines(const char *, size_t);

#endif
