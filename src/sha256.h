/* sha256.h: SHA-256 digests of byte strings, from libmd. */
#ifndef CR_SHA256_H
#define CR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <sha2.h>

struct sha256 {
	SHA2_CTX	ctx;
};

/* Start a digest. */
void sha256_init(struct sha256 *);
/* Feed bytes. */
void sha256_update(struct sha256 *, const void *, size_t);
/* Finish and write the 32-byte digest. */
void sha256_final(struct sha256 *, unsigned char[32]);
/* Finish and write the digest as 64 lowercase hex digits and a NUL. */
void sha256_final_hex(struct sha256 *, char[65]);
/* Digest a byte string and write it as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *, size_t, char[65]);

#endif
