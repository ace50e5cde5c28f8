/* test-numlit.c: NumberReplacer arithmetic against values computed by Python 3.11. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "numlit.h"
#include "util.h"

/* literal, str(eval(literal) + 1), str(eval(literal) - 1), from /usr/bin/python3. */
static const struct {
	const char	*lit;
	const char	*up;
	const char	*down;
} cases[] = {
	{ "0", "1", "-1" },
	{ "1", "2", "0" },
	{ "00", "1", "-1" },
	{ "0_0", "1", "-1" },
	{ "7", "8", "6" },
	{ "1_000", "1001", "999" },
	{ "0x10", "17", "15" },
	{ "0XfF", "256", "254" },
	{ "0o17", "16", "14" },
	{ "0O7_7", "64", "62" },
	{ "0b101", "6", "4" },
	{ "0B_1", "2", "0" },
	{ "0x_1", "2", "0" },
	{ "123456789012345678901234567890", "123456789012345678901234567891",
	    "123456789012345678901234567889" },
	{ "99999999999999999999", "100000000000000000000",
	    "99999999999999999998" },
	{ "1000000000", "1000000001", "999999999" },
	{ "0xffffffffffffffffffffffffffffffff",
	    "340282366920938463463374607431768211456",
	    "340282366920938463463374607431768211454" },
	{ "0b1111111111111111111111111111111111111111111111111111111111111111111111",
	    "1180591620717411303424", "1180591620717411303422" },
	{ "0.1", "1.1", "-0.9" },
	{ "1e3", "1001.0", "999.0" },
	{ "1.", "2.0", "0.0" },
	{ "0.5", "1.5", "-0.5" },
	{ ".5", "1.5", "-0.5" },
	{ "1_0.0_1e1_0", "100100000001.0", "100099999999.0" },
	{ "1e15", "1000000000000001.0", "999999999999999.0" },
	{ "9999999999999998.0", "1e+16", "9999999999999996.0" },
	{ "1e-5", "1.00001", "-0.99999" },
	{ "0.0001", "1.0001", "-0.9999" },
	{ "0.00012", "1.00012", "-0.99988" },
	{ "2.5e-7", "1.00000025", "-0.99999975" },
	{ "5e-324", "1.0", "-1.0" },
	{ "123.456", "124.456", "122.456" },
	{ "0.0", "1.0", "-1.0" },
	{ "1E-3", "1.001", "-0.999" },
	{ "0.3", "1.3", "-0.7" },
	{ "2.675", "3.675", "1.6749999999999998" },
	{ "3j", "(1+3j)", "(-1+3j)" },
	{ "0j", "(1+0j)", "(-1+0j)" },
	{ "1.5j", "(1+1.5j)", "(-1+1.5j)" },
	{ "1e20j", "(1+1e+20j)", "(-1+1e+20j)" },
	{ "09j", "(1+9j)", "(-1+9j)" },
	{ "09.5", "10.5", "8.5" },
	{ "1_0j", "(1+10j)", "(-1+10j)" },
	{ "0.0001j", "(1+0.0001j)", "(-1+0.0001j)" },
	{ "1e-5J", "(1+1e-05j)", "(-1+1e-05j)" },
};

static void
test_offsets(void **state)
{
	size_t	 i;
	char	*s, *cause;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		s = numlit_offset(cases[i].lit, strlen(cases[i].lit), 1, &cause);
		assert_non_null(s);
		assert_null(cause);
		assert_string_equal(s, cases[i].up);
		free(s);
		s = numlit_offset(cases[i].lit, strlen(cases[i].lit), -1, &cause);
		assert_non_null(s);
		assert_string_equal(s, cases[i].down);
		free(s);
	}
}

/* The literal is taken by length, not up to a NUL: it sits inside a file. */
static void
test_length_bounded(void **state)
{
	char	*s;

	(void)state;
	s = numlit_offset("12+x", 2, 1, NULL);
	assert_string_equal(s, "13");
	free(s);
	s = numlit_offset("0x1f)", 4, -1, NULL);
	assert_string_equal(s, "30");
	free(s);
}

/* A long decimal literal: carries run through every 10^9 limb. */
static void
test_big_carry(void **state)
{
	struct buf	 nines = { 0 }, one = { 0 };
	char		*s;
	int		 i;

	(void)state;
	buf_addc(&one, '1');
	for (i = 0; i < 500; i++) {
		buf_addc(&nines, '9');
		buf_addc(&one, '0');
	}
	s = numlit_offset(nines.data, nines.len, 1, NULL);
	assert_string_equal(s, one.data);
	free(s);
	s = numlit_offset(one.data, one.len, -1, NULL);
	assert_string_equal(s, nines.data);
	free(s);
	buf_free(&nines);
	buf_free(&one);
}

/* Not Python 3 literals: tree-sitter accepts some of them (0777, 1L, 1_). */
static void
test_invalid(void **state)
{
	static const char *const bad[] = {
		"1__0", "1_", "0777", "1L", "0x", "0x_", "0x1_", "1e", "1e+",
		"_1", "1._5", "0b2", "0o8", "1.2.3", "j", ".", "0b", "1j5",
	};
	size_t	 i;
	char	*cause;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_null(numlit_offset(bad[i], strlen(bad[i]), 1, &cause));
		assert_non_null(cause);
		free(cause);
	}
	assert_null(numlit_offset("", 0, 1, NULL));
	assert_null(numlit_offset("1", 1, 2, NULL));
}

/* No mutant equal to the original or written as an undefined name. */
static void
test_no_equivalent(void **state)
{
	static const char *const same[] = { "1e16", "1e22", "1e308",
	    "1.7976931348623157e308", "123456789012345678.0", "1.5e300",
	    "1e309", "1e400j" };
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		assert_null(numlit_offset(same[i], strlen(same[i]), 1, NULL));
		assert_null(numlit_offset(same[i], strlen(same[i]), -1, NULL));
	}
	/* Just below 2**53 a float still moves; a big int always does. */
	s = numlit_offset("1e15", 4, 1, NULL);
	assert_string_equal(s, "1000000000000001.0");
	free(s);
	s = numlit_offset("10000000000000000", 17, 1, NULL);
	assert_string_equal(s, "10000000000000001");
	free(s);
	s = numlit_offset("1e16j", 5, 1, NULL);
	assert_string_equal(s, "(1+1e+16j)");
	free(s);
}

static void
test_float_repr(void **state)
{
	char	buf[NUMLIT_FLOAT_MAX];

	(void)state;
	numlit_float_repr(0.1 + 0.2, 1, buf);
	assert_string_equal(buf, "0.30000000000000004");
	numlit_float_repr(1.0 / 3, 1, buf);
	assert_string_equal(buf, "0.3333333333333333");
	numlit_float_repr(1e-5, 1, buf);
	assert_string_equal(buf, "1e-05");
	numlit_float_repr(1e100, 1, buf);
	assert_string_equal(buf, "1e+100");
	numlit_float_repr(-0.0, 1, buf);
	assert_string_equal(buf, "-0.0");
	numlit_float_repr(-2.5e-300, 1, buf);
	assert_string_equal(buf, "-2.5e-300");
	numlit_float_repr(4.9406564584124654e-324, 1, buf);
	assert_string_equal(buf, "5e-324");
	numlit_float_repr(1.7976931348623157e308, 1, buf);
	assert_string_equal(buf, "1.7976931348623157e+308");
	numlit_float_repr(1234567890123456.0, 1, buf);
	assert_string_equal(buf, "1234567890123456.0");
	numlit_float_repr(12345678901234567.0, 1, buf);
	assert_string_equal(buf, "1.2345678901234568e+16");
	numlit_float_repr(1.0, 0, buf);
	assert_string_equal(buf, "1");
	numlit_float_repr(-1.0, 0, buf);
	assert_string_equal(buf, "-1");
	numlit_float_repr(0.0, 0, buf);
	assert_string_equal(buf, "0");
	numlit_float_repr(1e16, 0, buf);
	assert_string_equal(buf, "1e+16");
	numlit_float_repr(-INFINITY, 1, buf);
	assert_string_equal(buf, "-inf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_length_bounded),
		cmocka_unit_test(test_big_carry),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_no_equivalent),
		cmocka_unit_test(test_float_repr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
