/* sha256.c: SHA-256 for content hashes and mutant IDs, computed by libmd. */
#include "config.h"

#include "sha256.h"

void
sha256_init(struct sha256 *s)
{
	SHA256Init(&s->ctx);
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	SHA256Update(&s->ctx, data, len);
}

void
sha256_final(struct sha256 *s, unsigned char out[32])
{
	SHA256Final(out, &s->ctx);
}

void
sha256_final_hex(struct sha256 *s, char out[65])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		d[32];
	int			i;

	sha256_final(s, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256	s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final_hex(&s, out);
}
