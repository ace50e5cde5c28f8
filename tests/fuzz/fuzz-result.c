/*
 * fuzz-result.c: libFuzzer target over the result-file reader. The input
 * is a result file's bytes: read as cr-report and make's check read it,
 * it gives a result or an error with a position, never a crash; a result
 * read is written back and read again to the same outcome.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "result.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*dir;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result	 r, again;
	struct json	*j;
	char		*path, *back, *cause = NULL;

	if ((j = json_parse((const char *)data, size, &cause)) != NULL)
		json_free(j);
	free(cause);
	cause = NULL;
	if (dir == NULL) {
		dir = xstrdup("/tmp/fuzz-result.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	path = xasprintf("%s/r.json", dir);
	back = xasprintf("%s/back.json", dir);
	if (file_write_atomic(path, data, size, &cause) == -1)
		abort();
	memset(&r, 0, sizeof r);
	if (result_read(path, &r, &cause) == 0) {
		if (result_write(back, &r, &cause) == -1) {
			fprintf(stderr, "fuzz-result: %s\n", cause);
			abort();
		}
		memset(&again, 0, sizeof again);
		if (result_read(back, &again, &cause) == -1) {
			fprintf(stderr, "fuzz-result: written back: %s\n", cause);
			abort();
		}
		if (again.outcome != r.outcome)
			abort();
		result_clear(&again);
	} else if (cause == NULL || strstr(cause, path) == NULL)
		abort();
	free(cause);
	result_clear(&r);
	unlink(path);
	unlink(back);
	free(path);
	free(back);
	return 0;
}
