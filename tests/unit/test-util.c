/* test-util.c: buffers, atomic writes, paths and line counts. */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "util.h"

static void
test_buf(void **state)
{
	struct buf	 b = { 0 };
	char		*s;
	int		 i;

	(void)state;
	assert_string_equal(buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_string_equal(b.data + b.len - 4, "999,");
	buf_reset(&b);
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[3], '\0');
	s = buf_detach(&b);
	assert_null(b.data);
	assert_memory_equal(s, "a\0b", 3);
	free(s);
	buf_free(&b);
}

static void
test_atomic_write(void **state)
{
	char		 dir[] = "/tmp/cr-test-util.XXXXXX", *path, *cause = NULL;
	struct buf	 b = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/f", dir);
	assert_int_equal(file_write_atomic(path, "hello", 5, &cause), 0);
	assert_int_equal(file_read(path, &b, &cause), 0);
	assert_string_equal(b.data, "hello");
	assert_int_equal(file_write_atomic(path, "x", 1, &cause), 0);
	assert_int_equal(file_read(path, &b, &cause), 0);
	assert_string_equal(b.data, "x");
	/* A write into a missing directory fails with the path named. */
	free(path);
	path = xasprintf("%s/missing/f", dir);
	assert_int_equal(file_write_atomic(path, "x", 1, &cause), -1);
	assert_non_null(strstr(cause, "missing/f"));
	free(cause);
	cause = NULL;
	assert_int_equal(file_read(path, &b, &cause), -1);
	free(cause);
	assert_int_equal(remove_tree(dir), 0);
	assert_int_equal(access(dir, F_OK), -1);
	free(path);
	buf_free(&b);
}

static void
test_mkdir_p(void **state)
{
	char	 dir[] = "/tmp/cr-test-util.XXXXXX", *p, *cause = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/a/b/c", dir);
	assert_int_equal(mkdir_p(p, &cause), 0);
	assert_int_equal(mkdir_p(p, &cause), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	remove_tree(dir);
	free(p);
}

static void
test_path_absolute(void **state)
{
	char	*p;

	(void)state;
	p = path_absolute("/no/such/./dir/../x//y/");
	assert_string_equal(p, "/no/such/x/y/");
	free(p);
	p = path_absolute("/no/such/..");
	assert_string_equal(p, "/no");
	free(p);
	p = path_absolute("/tmp/../");
	assert_string_equal(p, "/");
	free(p);
}

/* Symlinks are kept: a link inside a tree stays inside it. */
static void
test_path_lexical(void **state)
{
	char	 dir[] = "/tmp/cr-test-util.XXXXXX", *link, *p, *want;

	(void)state;
	assert_non_null(mkdtemp(dir));
	link = xasprintf("%s/link", dir);
	assert_int_equal(symlink("/etc", link), 0);
	p = path_lexical(link);
	assert_string_equal(p, link);
	free(p);
	p = path_absolute(link);
	assert_string_equal(p, "/etc");
	free(p);
	assert_int_equal(chdir(dir), 0);
	p = path_lexical("./a/../link/x");
	want = xasprintf("%s/link/x", dir);
	assert_string_equal(p, want);
	free(want);
	free(p);
	assert_int_equal(chdir("/"), 0);
	remove_tree(dir);
	free(link);
}

static void
test_count_lines(void **state)
{
	(void)state;
	assert_int_equal(count_lines("", 0), 0);
	assert_int_equal(count_lines("a", 1), 1);
	assert_int_equal(count_lines("a\n", 2), 1);
	assert_int_equal(count_lines("a\nb", 3), 2);
	assert_int_equal(count_lines("a\r\nb\r\n", 6), 2);
}

static void
test_parse_size(void **state)
{
	uint64_t	v;

	(void)state;
	assert_int_equal(parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(parse_size("64K", &v), 0);
	assert_int_equal(v, 64 << 10);
	assert_int_equal(parse_size("256M", &v), 0);
	assert_int_equal(v, 256 << 20);
	assert_int_equal(parse_size("4GiB", &v), 0);
	assert_int_equal(v, 4ULL << 30);
	assert_int_equal(parse_size("2tb", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(parse_size("10B", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("-1", &v), -1);
	assert_int_equal(parse_size("1.5G", &v), -1);
	assert_int_equal(parse_size("1X", &v), -1);
	assert_int_equal(parse_size("1GG", &v), -1);
	assert_int_equal(parse_size(" 1", &v), -1);
	assert_int_equal(parse_size("99999999999999999999", &v), -1);
	assert_int_equal(parse_size("17179869184T", &v), -1);
}

/* Words for the shell: what sh reads back is the string. */
static void
test_shell_words(void **state)
{
	static const char *const words[] = { "plain/path-1.py", "a b",
	    "it's", "''", "$HOME", "new\nline", "", "%:=@+,^" };
	struct buf	 b = { 0 }, cmd = { 0 };
	char		 line[256];
	FILE		*f;
	size_t		 i;

	(void)state;
	assert_true(shell_plain("pkg/mod_1.py"));
	assert_true(shell_plain("%:=@+,^"));
	assert_false(shell_plain(""));
	assert_false(shell_plain("a b"));
	assert_false(shell_plain("a$b"));
	assert_false(shell_plain("*"));
	assert_false(shell_plain("~x"));
	buf_add_shword(&b, "pkg/mod.py");
	assert_string_equal(buf_str(&b), "pkg/mod.py");
	buf_reset(&b);
	buf_add_shword(&b, "it's");
	assert_string_equal(buf_str(&b), "'it'\\''s'");
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		buf_reset(&cmd);
		buf_adds(&cmd, "printf '%s|' ");
		buf_add_shword(&cmd, words[i]);
		f = popen(buf_str(&cmd), "r");
		assert_non_null(f);
		buf_reset(&b);
		while (fgets(line, sizeof line, f) != NULL)
			buf_adds(&b, line);
		assert_int_equal(pclose(f), 0);
		assert_int_equal(b.len, strlen(words[i]) + 1);
		assert_memory_equal(b.data, words[i], strlen(words[i]));
	}
	buf_free(&b);
	buf_free(&cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_path_absolute),
		cmocka_unit_test(test_path_lexical),
		cmocka_unit_test(test_count_lines),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_shell_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
