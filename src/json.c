/* json.c: JSON strings written and JSON text read, by jansson, into a small tree. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json.h"
#include "util.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the
 * bytes there are not one: overlong forms, surrogates and values past
 * U+10FFFF are invalid.
 */
static size_t
utf8_length(const unsigned char *s, size_t n)
{
	uint32_t	c;
	size_t		need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && c < 0x800) || (need == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return need;
}

int
json_utf8_valid(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n = strlen(s), i, k;

	for (i = 0; i < n; i += k) {
		if ((k = utf8_length(u + i, n - i)) == 0)
			return 0;
	}
	return 1;
}

void
json_add_stringn(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	struct buf		 clean = { 0 };
	json_t			*str;
	size_t			 i, k, size;
	char			*text;

	/*
	 * What jansson takes is valid UTF-8 without NUL (which the reader
	 * refuses): anything else becomes U+FFFD, byte by byte.
	 */
	for (i = 0; i < n; i += k) {
		k = u[i] == '\0' ? 0 : utf8_length(u + i, n - i);
		if (k == 0) {
			buf_adds(&clean, "\xef\xbf\xbd");
			k = 1;
		} else
			buf_add(&clean, s + i, k);
	}
	str = json_stringn(clean.len > 0 ? clean.data : "", clean.len);
	if (str == NULL)
		fatal("out of memory");
	size = json_dumpb(str, NULL, 0, JSON_ENCODE_ANY);
	text = xmalloc(size + 1);
	if (json_dumpb(str, text, size, JSON_ENCODE_ANY) != size)
		fatal("jansson: cannot write a string");
	buf_add(b, text, size);
	free(text);
	json_decref(str);
	buf_free(&clean);
}

void
json_add_string(struct buf *b, const char *s)
{
	json_add_stringn(b, s, strlen(s));
}

/*
 * Where the text first nests deeper than JSON_DEPTH_MAX, as "LINE:COL"
 * (1-based, COL in bytes), or 0 if it does not: jansson allows more.
 */
static int
too_deep(const char *s, size_t len, char **cause)
{
	size_t	i, line = 1, col = 0, depth = 0;
	int	in_string = 0;

	for (i = 0; i < len; i++) {
		col++;
		if (s[i] == '\n') {
			line++;
			col = 0;
		}
		if (in_string) {
			if (s[i] == '\\')
				i++, col++;
			else if (s[i] == '"')
				in_string = 0;
			continue;
		}
		if (s[i] == '"')
			in_string = 1;
		else if (s[i] == '[' || s[i] == '{') {
			if (++depth > JSON_DEPTH_MAX)
				return cause_set(cause, "%zu:%zu: nested too "
				    "deeply (more than %d levels)", line, col,
				    JSON_DEPTH_MAX);
		} else if ((s[i] == ']' || s[i] == '}') && depth > 0)
			depth--;
	}
	return 0;
}

/* Our tree of a jansson value. */
static struct json *
tree(json_t *v)
{
	struct json	*j;
	const char	*key;
	json_t		*item;
	size_t		 i;

	j = xcalloc(1, sizeof *j);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		j->type = JV_OBJECT;
		j->len = json_object_size(v);
		j->items = xcalloc(j->len + 1, sizeof *j->items);
		j->keys = xcalloc(j->len + 1, sizeof *j->keys);
		i = 0;
		json_object_foreach(v, key, item) {
			j->keys[i] = xstrdup(key);
			j->items[i++] = tree(item);
		}
		break;
	case JSON_ARRAY:
		j->type = JV_ARRAY;
		j->len = json_array_size(v);
		j->items = xcalloc(j->len + 1, sizeof *j->items);
		json_array_foreach(v, i, item)
			j->items[i] = tree(item);
		break;
	case JSON_STRING:
		j->type = JV_STRING;
		j->len = json_string_length(v);
		j->string = xmalloc(j->len + 1);
		memcpy(j->string, json_string_value(v), j->len);
		j->string[j->len] = '\0';
		break;
	case JSON_INTEGER:
		j->type = JV_NUMBER;
		j->number = (double)json_integer_value(v);
		break;
	case JSON_REAL:
		j->type = JV_NUMBER;
		j->number = json_real_value(v);
		break;
	case JSON_TRUE:
		j->type = JV_TRUE;
		break;
	case JSON_FALSE:
		j->type = JV_FALSE;
		break;
	default:
		j->type = JV_NULL;
		break;
	}
	return j;
}

struct json *
json_parse(const char *s, size_t len, char **cause)
{
	json_error_t	 err;
	json_t		*v;
	struct json	*j;

	if (too_deep(s, len, cause) == -1)
		return NULL;
	/* Numbers as doubles, as any JSON reader may take them. */
	if ((v = json_loadb(s, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL,
	    &err)) == NULL) {
		cause_set(cause, "%d:%d: %s", err.line > 0 ? err.line : 1,
		    err.column > 0 ? err.column : 1, err.text);
		return NULL;
	}
	j = tree(v);
	json_decref(v);
	return j;
}

const struct json *
json_get(const struct json *j, const char *key)
{
	size_t	i;

	if (j == NULL || j->type != JV_OBJECT)
		return NULL;
	for (i = j->len; i > 0; i--) {
		if (strcmp(j->keys[i - 1], key) == 0)
			return j->items[i - 1];
	}
	return NULL;
}

void
json_free(struct json *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; j->items != NULL && i < j->len; i++)
		json_free(j->items[i]);
	for (i = 0; j->keys != NULL && i < j->len; i++)
		free(j->keys[i]);
	free(j->items);
	free(j->keys);
	free(j->string);
	free(j);
}
