/* test-json.c: JSON string writing and parsing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "util.h"

/* Quote n bytes and return the JSON text (caller frees). */
static char *
quote(const char *s, size_t n)
{
	struct buf	b = { 0 };

	json_add_stringn(&b, s, n);
	return buf_detach(&b);
}

static struct json *
parse(const char *s)
{
	char		*cause = NULL;
	struct json	*j;

	j = json_parse(s, strlen(s), &cause);
	if (j == NULL)
		fail_msg("parse '%s': %s", s, cause);
	return j;
}

/*
 * Parse text that must fail; the message starts with want, the position
 * ("LINE:COL: ") or all of it, and says something after the position.
 */
static void
parse_fails(const char *s, size_t n, const char *want)
{
	char	*cause = NULL;

	assert_null(json_parse(s, n, &cause));
	assert_non_null(cause);
	if (strncmp(cause, want, strlen(want)) != 0 ||
	    (want[strlen(want) - 1] == ' ' && strlen(cause) < strlen(want) + 3))
		fail_msg("'%.*s': got '%s', want '%s...'", n > 40 ? 40 : (int)n,
		    s, cause, want);
	free(cause);
}

static void
test_escapes(void **state)
{
	char	*q;

	(void)state;
	q = quote("a\"b\\c\n\t\r\b\f\x01\x1f/", 13);
	assert_string_equal(q, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001F/\"");
	free(q);
	q = quote("", 0);
	assert_string_equal(q, "\"\"");
	free(q);
	q = quote("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 12);
	assert_string_equal(q, "\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	free(q);
}

static void
test_bad_utf8(void **state)
{
	char	*q;

	(void)state;
	/* A lone continuation byte, a truncated sequence, an overlong '/'. */
	q = quote("a\x80z", 3);
	assert_string_equal(q, "\"a\xef\xbf\xbdz\"");
	free(q);
	q = quote("\xe2\x82", 2);
	assert_string_equal(q, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	free(q);
	q = quote("\xc0\xaf", 2);
	assert_string_equal(q, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	free(q);
	/* An encoded surrogate and a code point past U+10FFFF. */
	q = quote("\xed\xa0\x80", 3);
	assert_string_equal(q, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	free(q);
	q = quote("\xf4\x90\x80\x80", 4);
	assert_int_equal(strlen(q), 2 + 4 * 3);
	free(q);
	/* NUL is written as U+FFFD so that the text parses back. */
	q = quote("a\0b", 3);
	assert_string_equal(q, "\"a\xef\xbf\xbd" "b\"");
	free(q);
}

static void
test_round_trip(void **state)
{
	struct buf	 b = { 0 };
	struct json	*j;
	char		 all[256];
	size_t		 i;
	char		*cause = NULL;

	(void)state;
	/* Every byte from 1 to 127 survives a round trip. */
	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	json_add_stringn(&b, all, 127);
	j = json_parse(b.data, b.len, &cause);
	assert_non_null(j);
	assert_int_equal(j->type, JV_STRING);
	assert_int_equal(j->len, 127);
	assert_memory_equal(j->string, all, 127);
	json_free(j);
	buf_free(&b);

	buf_adds(&b, "{\"k\":");
	json_add_string(&b, "line\none \xe2\x9c\x93");
	buf_adds(&b, ",\"n\":[1,-2.5e3,0.125,true,false,null,{}],\"e\":[]}");
	j = json_parse(b.data, b.len, &cause);
	assert_non_null(j);
	assert_int_equal(j->type, JV_OBJECT);
	assert_int_equal(j->len, 3);
	assert_string_equal(json_get(j, "k")->string, "line\none \xe2\x9c\x93");
	const struct json *n = json_get(j, "n");
	assert_int_equal(n->type, JV_ARRAY);
	assert_int_equal(n->len, 7);
	assert_true(n->items[0]->number == 1);
	assert_true(n->items[1]->number == -2500);
	assert_true(n->items[2]->number == 0.125);
	assert_int_equal(n->items[3]->type, JV_TRUE);
	assert_int_equal(n->items[4]->type, JV_FALSE);
	assert_int_equal(n->items[5]->type, JV_NULL);
	assert_int_equal(n->items[6]->type, JV_OBJECT);
	assert_int_equal(n->items[6]->len, 0);
	assert_int_equal(json_get(j, "e")->len, 0);
	assert_null(json_get(j, "missing"));
	assert_null(json_get(n, "k"));
	json_free(j);
	buf_free(&b);
}

static void
test_parse_escapes(void **state)
{
	struct json	*j;

	(void)state;
	j = parse("\"\\u00e9\\u20AC\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"");
	assert_string_equal(j->string,
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\b\f\n\r\t\"\\");
	json_free(j);
	j = parse(" \r\n\t[ \"x\" , 1 ]\n");
	assert_int_equal(j->len, 2);
	json_free(j);
	/* The last of repeated keys wins. */
	j = parse("{\"a\":1,\"a\":2}");
	assert_true(json_get(j, "a")->number == 2);
	json_free(j);
	j = parse("\"\"");
	assert_int_equal(j->type, JV_STRING);
	assert_int_equal(j->len, 0);
	assert_string_equal(j->string, "");
	json_free(j);
	j = parse("-0");
	assert_int_equal(j->type, JV_NUMBER);
	json_free(j);
	j = parse("1E+2");
	assert_true(j->number == 100);
	json_free(j);
}

static void
test_malformed(void **state)
{
	(void)state;
	/* Where jansson stopped, and its reason. */
	parse_fails("", 0, "1:1: ");
	parse_fails("{\"a\":1,}", 8, "1:8: ");
	parse_fails("[1,\n  2\n  3]", 12, "3:3: ");
	parse_fails("{\"a\" 1}", 7, "1:6: ");
	parse_fails("\"abc", 4, "1:4: premature end of input");
	parse_fails("\"a\nb\"", 5, "1:2: unexpected newline");
	parse_fails("\"\\x\"", 4, "1:3: invalid escape");
	parse_fails("\"\\u12\"", 6, "1:6: invalid escape");
	parse_fails("\"\\u0000\"", 8, "1:8: \\u0000 is not allowed");
	parse_fails("\"\\ud800\"", 8, "1:8: invalid Unicode");
	parse_fails("\"\\udc00\"", 8, "1:8: invalid Unicode");
	parse_fails("\"\\ud800\\u0041\"", 14, "1:14: invalid Unicode");
	parse_fails("\"\xff\"", 3, "1:1: unable to decode byte 0xff");
	parse_fails("01", 2, "1:1: ");
	parse_fails("1.", 2, "1:2: ");
	parse_fails("1e", 2, "1:2: ");
	parse_fails("-", 1, "1:1: ");
	parse_fails("+1", 2, "1:1: ");
	parse_fails("1e999", 5, "1:5: real number overflow");
	parse_fails("tru", 3, "1:3: ");
	parse_fails("nul", 3, "1:3: ");
	parse_fails("{} {}", 5, "1:4: end of file expected");
	parse_fails("[1]\0", 4, "1:4: ");
	parse_fails("NaN", 3, "1:3: ");
}

static void
test_depth(void **state)
{
	struct buf	 b = { 0 };
	struct json	*j;
	char		*cause = NULL, want[64];
	int		 i;

	(void)state;
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		buf_addc(&b, '[');
	buf_addc(&b, '1');
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		buf_addc(&b, ']');
	j = json_parse(b.data, b.len, &cause);
	assert_non_null(j);
	json_free(j);

	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "{\"a\":[");
	/* The 101st container opens at byte 300. */
	parse_fails(b.data, b.len, "1:301: nested too deeply (more than 100 "
	    "levels)");
	buf_reset(&b);
	for (i = 0; i <= JSON_DEPTH_MAX; i++)
		buf_addc(&b, '[');
	snprintf(want, sizeof want, "1:%d: nested too deeply (more than %d "
	    "levels)", JSON_DEPTH_MAX + 1, JSON_DEPTH_MAX);
	parse_fails(b.data, b.len, want);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
