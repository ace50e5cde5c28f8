/* json.c: writing JSON strings and parsing JSON text into a small tree. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

struct parser {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	char		**cause;
};

static struct json *parse_value(struct parser *, int);

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the
 * bytes there are not one: overlong forms, surrogates and values past
 * U+10FFFF are invalid. Sets *cp to the code point.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	c;
	size_t		need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
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
	*cp = c;
	return need;
}

static void
utf8_encode(struct buf *b, uint32_t c)
{
	char	out[4];

	if (c < 0x80)
		buf_addc(b, (char)c);
	else if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		buf_add(b, out, 2);
	} else if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		buf_add(b, out, 3);
	} else {
		out[0] = (char)(0xf0 | (c >> 18));
		out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		buf_add(b, out, 4);
	}
}

void
json_add_stringn(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k, run;
	uint32_t		 cp;

	buf_addc(b, '"');
	while (i < n) {
		/* Copy runs of plain printable ASCII in one go. */
		for (run = i; run < n && u[run] >= 0x20 && u[run] < 0x80 &&
		    u[run] != '"' && u[run] != '\\'; run++)
			;
		if (run > i) {
			buf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		switch (u[i]) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\0':
			/* The parser rejects \u0000, so never write it. */
			buf_adds(b, "\xef\xbf\xbd");
			break;
		default:
			if (u[i] < 0x20) {
				buf_addf(b, "\\u%04x", u[i]);
				break;
			}
			k = utf8_decode(u + i, n - i, &cp);
			if (k == 0) {
				buf_adds(b, "\xef\xbf\xbd");
				break;
			}
			buf_add(b, s + i, k);
			i += k;
			continue;
		}
		i++;
	}
	buf_addc(b, '"');
}

void
json_add_string(struct buf *b, const char *s)
{
	json_add_stringn(b, s, strlen(s));
}

/* Set *cause to "LINE:COL: message" for the byte at pos; return NULL. */
static void *
parse_error(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void *
parse_error(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i, line = 1, col = 1;
	char	*msg;

	for (i = 0; i < pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	cause_set(p->cause, "%zu:%zu: %s", line, col, msg);
	free(msg);
	return NULL;
}

/* A description of the byte at pos for error messages. */
static const char *
describe(struct parser *p, size_t pos, char out[16])
{
	unsigned char	c;

	if (pos >= p->len)
		return "end of input";
	c = (unsigned char)p->s[pos];
	if (c >= 0x21 && c < 0x7f)
		snprintf(out, 16, "'%c'", c);
	else
		snprintf(out, 16, "byte 0x%02x", c);
	return out;
}

static void
skip_space(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' ||
	    p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	    p->s[p->pos] == '\r'))
		p->pos++;
}

static struct json *
json_new(enum json_type type)
{
	struct json	*j = xcalloc(1, sizeof *j);

	j->type = type;
	return j;
}

static int
hex4(struct parser *p, size_t at, uint32_t *out)
{
	uint32_t	v = 0;
	size_t		i;
	char		c;

	if (p->len - at < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p->s[at + i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Parse a string starting at the opening quote into out. */
static int
parse_string(struct parser *p, struct buf *out)
{
	const unsigned char	*u = (const unsigned char *)p->s;
	size_t			 start = p->pos, k;
	uint32_t		 cp, lo;
	char			 d[16];

	p->pos++;
	buf_grow(out, 0);
	buf_reset(out);
	for (;;) {
		if (p->pos >= p->len) {
			parse_error(p, start, "unterminated string");
			return -1;
		}
		if (u[p->pos] == '"') {
			p->pos++;
			return 0;
		}
		if (u[p->pos] < 0x20) {
			parse_error(p, p->pos, "control character (byte "
			    "0x%02x) in string", u[p->pos]);
			return -1;
		}
		if (u[p->pos] >= 0x80) {
			k = utf8_decode(u + p->pos, p->len - p->pos, &cp);
			if (k == 0) {
				parse_error(p, p->pos, "invalid UTF-8 in "
				    "string");
				return -1;
			}
			buf_add(out, p->s + p->pos, k);
			p->pos += k;
			continue;
		}
		if (u[p->pos] != '\\') {
			buf_addc(out, p->s[p->pos++]);
			continue;
		}
		if (p->pos + 1 >= p->len) {
			parse_error(p, start, "unterminated string");
			return -1;
		}
		switch (p->s[p->pos + 1]) {
		case '"':
		case '\\':
		case '/':
			buf_addc(out, p->s[p->pos + 1]);
			break;
		case 'b':
			buf_addc(out, '\b');
			break;
		case 'f':
			buf_addc(out, '\f');
			break;
		case 'n':
			buf_addc(out, '\n');
			break;
		case 'r':
			buf_addc(out, '\r');
			break;
		case 't':
			buf_addc(out, '\t');
			break;
		case 'u':
			if (hex4(p, p->pos + 2, &cp) == -1) {
				parse_error(p, p->pos, "bad \\u escape");
				return -1;
			}
			if (cp == 0) {
				parse_error(p, p->pos, "\\u0000 in string");
				return -1;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				parse_error(p, p->pos, "unpaired surrogate "
				    "\\u%04x", cp);
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->pos < 12 ||
				    p->s[p->pos + 6] != '\\' ||
				    p->s[p->pos + 7] != 'u' ||
				    hex4(p, p->pos + 8, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					parse_error(p, p->pos, "unpaired "
					    "surrogate \\u%04x", cp);
					return -1;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p->pos += 6;
			}
			utf8_encode(out, cp);
			p->pos += 4;
			break;
		default:
			parse_error(p, p->pos, "bad escape character %s",
			    describe(p, p->pos + 1, d));
			return -1;
		}
		p->pos += 2;
	}
}

static int
is_digit(struct parser *p, size_t at)
{
	return at < p->len && p->s[at] >= '0' && p->s[at] <= '9';
}

/* Check the number grammar, then convert the token with strtod. */
static struct json *
parse_number(struct parser *p)
{
	size_t		 start = p->pos, i = p->pos;
	struct json	*j;
	char		*tok, *end, d[16];
	double		 v;

	if (i < p->len && p->s[i] == '-')
		i++;
	if (!is_digit(p, i))
		return parse_error(p, i, "expected a digit, found %s",
		    describe(p, i, d));
	if (p->s[i] == '0') {
		i++;
		if (is_digit(p, i))
			return parse_error(p, i, "leading zero in number");
	} else {
		while (is_digit(p, i))
			i++;
	}
	if (i < p->len && p->s[i] == '.') {
		i++;
		if (!is_digit(p, i))
			return parse_error(p, i, "expected a digit after '.', "
			    "found %s", describe(p, i, d));
		while (is_digit(p, i))
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (!is_digit(p, i))
			return parse_error(p, i, "expected a digit in "
			    "exponent, found %s", describe(p, i, d));
		while (is_digit(p, i))
			i++;
	}
	tok = xstrndup(p->s + start, i - start);
	errno = 0;
	v = strtod(tok, &end);
	if (*end != '\0' || (errno == ERANGE && isinf(v))) {
		free(tok);
		return parse_error(p, start, "number out of range");
	}
	free(tok);
	p->pos = i;
	j = json_new(JSON_NUMBER);
	j->number = v;
	return j;
}

static struct json *
parse_word(struct parser *p, const char *word, enum json_type type)
{
	size_t	n = strlen(word);
	char	d[16];

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return parse_error(p, p->pos, "unexpected %s",
		    describe(p, p->pos, d));
	p->pos += n;
	return json_new(type);
}

static void
add_item(struct json *j, size_t *cap, struct json *v, char *key)
{
	if (j->len == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		j->items = xreallocarray(j->items, *cap, sizeof *j->items);
		if (j->type == JSON_OBJECT)
			j->keys = xreallocarray(j->keys, *cap, sizeof *j->keys);
	}
	j->items[j->len] = v;
	if (j->type == JSON_OBJECT)
		j->keys[j->len] = key;
	j->len++;
}

static struct json *
parse_array(struct parser *p, int depth)
{
	struct json	*j = json_new(JSON_ARRAY), *v;
	size_t		 cap = 0;
	char		 d[16];

	p->pos++;
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		return j;
	}
	for (;;) {
		if ((v = parse_value(p, depth + 1)) == NULL)
			goto fail;
		add_item(j, &cap, v, NULL);
		skip_space(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ']') {
			p->pos++;
			return j;
		}
		parse_error(p, p->pos, "expected ',' or ']', found %s",
		    describe(p, p->pos, d));
		goto fail;
	}
fail:
	json_free(j);
	return NULL;
}

static struct json *
parse_object(struct parser *p, int depth)
{
	struct json	*j = json_new(JSON_OBJECT), *v;
	struct buf	 key = { 0 };
	size_t		 cap = 0;
	char		 d[16];

	p->pos++;
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return j;
	}
	for (;;) {
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] != '"') {
			parse_error(p, p->pos, "expected a string key, found "
			    "%s", describe(p, p->pos, d));
			goto fail;
		}
		if (parse_string(p, &key) == -1)
			goto fail;
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] != ':') {
			parse_error(p, p->pos, "expected ':', found %s",
			    describe(p, p->pos, d));
			goto fail;
		}
		p->pos++;
		if ((v = parse_value(p, depth + 1)) == NULL)
			goto fail;
		add_item(j, &cap, v, buf_detach(&key));
		skip_space(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '}') {
			p->pos++;
			buf_free(&key);
			return j;
		}
		parse_error(p, p->pos, "expected ',' or '}', found %s",
		    describe(p, p->pos, d));
		goto fail;
	}
fail:
	buf_free(&key);
	json_free(j);
	return NULL;
}

static struct json *
parse_value(struct parser *p, int depth)
{
	struct json	*j;
	struct buf	 b = { 0 };
	char		 d[16];

	skip_space(p);
	if (p->pos >= p->len)
		return parse_error(p, p->pos, "expected a value, found end of "
		    "input");
	if ((p->s[p->pos] == '{' || p->s[p->pos] == '[') &&
	    depth > JSON_DEPTH_MAX)
		return parse_error(p, p->pos, "nested too deeply (more than "
		    "%d levels)", JSON_DEPTH_MAX);
	switch (p->s[p->pos]) {
	case '{':
		return parse_object(p, depth);
	case '[':
		return parse_array(p, depth);
	case '"':
		if (parse_string(p, &b) == -1) {
			buf_free(&b);
			return NULL;
		}
		j = json_new(JSON_STRING);
		j->len = b.len;
		j->string = buf_detach(&b);
		return j;
	case 't':
		return parse_word(p, "true", JSON_TRUE);
	case 'f':
		return parse_word(p, "false", JSON_FALSE);
	case 'n':
		return parse_word(p, "null", JSON_NULL);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(p);
	default:
		return parse_error(p, p->pos, "expected a value, found %s",
		    describe(p, p->pos, d));
	}
}

struct json *
json_parse(const char *s, size_t len, char **cause)
{
	struct parser	 p = { s, len, 0, cause };
	struct json	*j;
	char		 d[16];

	if ((j = parse_value(&p, 1)) == NULL)
		return NULL;
	skip_space(&p);
	if (p.pos < p.len) {
		json_free(j);
		return parse_error(&p, p.pos, "unexpected %s after the value",
		    describe(&p, p.pos, d));
	}
	return j;
}

const struct json *
json_get(const struct json *j, const char *key)
{
	size_t	i;

	if (j == NULL || j->type != JSON_OBJECT)
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
