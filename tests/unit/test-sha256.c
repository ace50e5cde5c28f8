/* test-sha256.c: SHA-256 against the FIPS 180-4 test vectors. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"
#include "util.h"

static void
test_vectors(void **state)
{
	char	hex[65];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	assert_string_equal(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Feeding in pieces of every size gives the same digest as one call. */
static void
test_incremental(void **state)
{
	struct sha256	s;
	unsigned char	d1[32], d2[32];
	char		data[1000];
	size_t		i, step;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7 + 3);
	sha256_init(&s);
	sha256_update(&s, data, sizeof data);
	sha256_final(&s, d1);
	for (step = 1; step < 130; step++) {
		sha256_init(&s);
		for (i = 0; i < sizeof data; i += step)
			sha256_update(&s, data + i,
			    i + step > sizeof data ? sizeof data - i : step);
		sha256_final(&s, d2);
		assert_memory_equal(d1, d2, 32);
	}
}

static void
test_million_a(void **state)
{
	struct sha256	s;
	unsigned char	d[32];
	char		a[1000];
	int		i;
	static const unsigned char want[32] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1,
		0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48,
		0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11,
		0x2c, 0xd0,
	};

	(void)state;
	memset(a, 'a', sizeof a);
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, a, sizeof a);
	sha256_final(&s, d);
	assert_memory_equal(d, want, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_million_a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
