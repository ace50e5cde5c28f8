/* mutant.c: planned mutations, their IDs and applying one to a text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mutant.h"
#include "sha256.h"
#include "util.h"

struct mutant *
mutant_list_push(struct mutant_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	return &l->v[l->n++];
}

void
mutant_clear(struct mutant *m)
{
	free(m->operator);
	free(m->replacement);
	free(m->scope);
	free(m->skip);
	memset(m, 0, sizeof *m);
}

void
mutant_list_free(struct mutant_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		mutant_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

char *
mutant_splice(const char *src, size_t len, uint32_t start, uint32_t end,
    const char *repl, size_t *outlen)
{
	size_t	 rlen = strlen(repl), n;
	char	*out;

	if (start > end || end > len)
		return NULL;
	n = len - (end - start) + rlen;
	out = xmalloc(n + 1);
	memcpy(out, src, start);
	memcpy(out + start, repl, rlen);
	memcpy(out + start + rlen, src + end, len - end);
	out[n] = '\0';
	*outlen = n;
	return out;
}

/*
 * An ID names a mutant by where it is in the program's structure rather than
 * by byte offsets: the file, the operator, the enclosing definition and the
 * index among that operator's sites in that definition. Editing one function
 * leaves the IDs of mutants elsewhere unchanged.
 */
void
mutant_make_id(char id[MUTANT_ID_LEN + 1], const char *path,
    const char *operator, const char *scope, uint32_t k)
{
	struct buf	b = { 0 };
	char		hex[65];

	buf_adds(&b, path);
	buf_addc(&b, '\0');
	buf_adds(&b, operator);
	buf_addc(&b, '\0');
	buf_adds(&b, scope);
	buf_addc(&b, '\0');
	buf_addf(&b, "%u", k);
	sha256_hex(b.data, b.len, hex);
	memcpy(id, hex, MUTANT_ID_LEN);
	id[MUTANT_ID_LEN] = '\0';
	buf_free(&b);
}
