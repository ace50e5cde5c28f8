/* json.h: JSON strings written and JSON text read into a small tree (by jansson). */
#ifndef CR_JSON_H
#define CR_JSON_H

#include <stddef.h>

struct buf;

/* Arrays and objects nested deeper than this are a parse error. */
#define JSON_DEPTH_MAX 100

enum jv_type { JV_NULL, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING,
    JV_ARRAY, JV_OBJECT };

struct json {
	enum jv_type	  type;
	double		  number;
	char		 *string;	/* JV_STRING (NUL-free text; \u0000 rejected) */
	size_t		  len;		/* JV_STRING length; ARRAY/OBJECT item count */
	struct json	**items;	/* ARRAY/OBJECT values */
	char		**keys;		/* OBJECT keys */
};

/* Whether s is valid UTF-8, which a JSON string can carry as it is. */
int json_utf8_valid(const char *s);
/* Append s as a quoted, escaped JSON string (invalid UTF-8 and NUL become U+FFFD). */
void json_add_string(struct buf *, const char *s);
/* As json_add_string for n bytes. */
void json_add_stringn(struct buf *, const char *s, size_t n);
/* Parse a whole text; NULL with *cause "LINE:COL: message" (1-based). */
struct json *json_parse(const char *, size_t, char **cause);
/* The value of key in an object (the last one if repeated), or NULL. */
const struct json *json_get(const struct json *, const char *key);
/* Free a parsed tree. */
void json_free(struct json *);

#endif
