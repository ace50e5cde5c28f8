/* hosts.c: CR_HOSTS and the slots of its hosts. */
#include "config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hosts.h"
#include "util.h"

#define SLOTS_MAX	1024

/* Characters of a host name as ssh takes it, with a user. */
static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._-@[]:", c) != NULL;
}

void
hosts_free(struct host *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(h[i].name);
	free(h);
}

int
hosts_parse(const char *spec, struct host **out, size_t *n, char **cause)
{
	struct host	*h = NULL;
	const char	*p = spec, *start, *slash;
	size_t		 count = 0, len, i;
	unsigned long	 v;
	char		*end;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		len = (size_t)(p - start);
		slash = memchr(start, '/', len);
		for (i = 0; start + i < (slash != NULL ? slash : p); i++) {
			if (!name_char(start[i]))
				break;
		}
		if (i == 0 || start + i != (slash != NULL ? slash : p) ||
		    start[0] == '-') {
			cause_set(cause, "CR_HOSTS, column %zu: '%.*s' is not "
			    "HOST or HOST/SLOTS", (size_t)(start - spec) + 1,
			    (int)len, start);
			goto fail;
		}
		h = xreallocarray(h, count + 1, sizeof *h);
		h[count].name = xstrndup(start, i);
		h[count].local = strcmp(h[count].name, "localhost") == 0;
		h[count].slots = h[count].local ? 2 : 4;
		count++;
		if (slash != NULL) {
			errno = 0;
			v = strtoul(slash + 1, &end, 10);
			if (slash + 1 == p || end != p || errno != 0 ||
			    slash[1] < '0' || slash[1] > '9' || v < 1 ||
			    v > SLOTS_MAX) {
				cause_set(cause, "CR_HOSTS, column %zu: '%.*s': "
				    "the slots must be a number from 1 to %d",
				    (size_t)(start - spec) + 1, (int)len, start,
				    SLOTS_MAX);
				goto fail;
			}
			h[count - 1].slots = (unsigned)v;
		}
	}
	if (count == 0) {
		cause_set(cause, "CR_HOSTS is empty");
		goto fail;
	}
	*out = h;
	*n = count;
	return 0;
fail:
	hosts_free(h, count);
	return -1;
}

int
hosts_acquire(const struct host *h, size_t n, const char *dir,
    const unsigned char *skip, int *fd, char **cause)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	size_t		 i, usable;
	unsigned	 j;
	char		*path;
	int		 f;

	for (;;) {
		usable = 0;
		for (i = 0; i < n; i++) {
			if (skip != NULL && skip[i])
				continue;
			usable++;
			for (j = 0; j < h[i].slots; j++) {
				path = xasprintf("%s/slot.%s.%u", dir,
				    h[i].name, j);
				f = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
				    0600);
				if (f == -1) {
					cause_set(cause, "%s: %s", path,
					    strerror(errno));
					free(path);
					return -1;
				}
				free(path);
				if (flock(f, LOCK_EX | LOCK_NB) == 0) {
					*fd = f;
					return (int)i;
				}
				close(f);
			}
		}
		if (usable == 0)
			return cause_set(cause, "no host of CR_HOSTS is left "
			    "to run on");
		nanosleep(&ts, NULL);
	}
}
