/* json.h: writing JSON text and parsing it into a small tree. */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <stddef.h>

struct buf;

/* Arrays and objects nested deeper than this are a parse error. */
#define JSON_DEPTH_MAX 100

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
    JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type	  type;
	double		  number;
	char		 *string;	/* JSON_STRING (NUL-free text; \u0000 rejected) */
	size_t		  len;		/* JSON_STRING length; ARRAY/OBJECT item count */
	struct json	**items;	/* ARRAY/OBJECT values */
	char		**keys;		/* OBJECT keys */
};

/* Append s as a quoted, escaped JSON string (invalid UTF-8 and NUL become U+FFFD). */
void json_add_string(struct buf *, const char *s);
/* As json_add_string for n bytes. */
void json_add_stringn(struct buf *, const char *s, size_t n);
/* Parse a whole text; NULL with *cause "LINE:COL: message" (1-based, COL in bytes). */
struct json *json_parse(const char *, size_t, char **cause);
/* The value of key in an object (the last one if repeated), or NULL. */
const struct json *json_get(const struct json *, const char *key);
/* Free a parsed tree. */
void json_free(struct json *);

#endif
