/* numlit.c: the arithmetic of NumberReplacer, without Python: big integers and float repr. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numlit.h"
#include "util.h"

#define LIMB_BASE 1000000000u

/* A non-negative integer as base 10^9 limbs, least significant first. */
struct bignum {
	uint32_t	*v;
	size_t		 n;
	size_t		 cap;
};

static void
bignum_push(struct bignum *b, uint32_t limb)
{
	if (b->n == b->cap) {
		b->cap = b->cap == 0 ? 8 : b->cap * 2;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	b->v[b->n++] = limb;
}

/* b = b * base + digit. */
static void
bignum_muladd(struct bignum *b, uint32_t base, uint32_t digit)
{
	uint64_t	carry = digit, x;
	size_t		i;

	for (i = 0; i < b->n; i++) {
		x = (uint64_t)b->v[i] * base + carry;
		b->v[i] = (uint32_t)(x % LIMB_BASE);
		carry = x / LIMB_BASE;
	}
	while (carry != 0) {
		bignum_push(b, (uint32_t)(carry % LIMB_BASE));
		carry /= LIMB_BASE;
	}
}

static int
bignum_is_zero(const struct bignum *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i] != 0)
			return 0;
	}
	return 1;
}

static void
bignum_add1(struct bignum *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (++b->v[i] < LIMB_BASE)
			return;
		b->v[i] = 0;
	}
	bignum_push(b, 1);
}

/* b = b - 1, for b > 0. */
static void
bignum_sub1(struct bignum *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i] != 0) {
			b->v[i]--;
			return;
		}
		b->v[i] = LIMB_BASE - 1;
	}
}

static char *
bignum_decimal(const struct bignum *b, int negative)
{
	struct buf	out = { 0 };
	size_t		n = b->n;

	while (n > 1 && b->v[n - 1] == 0)
		n--;
	if (negative)
		buf_addc(&out, '-');
	if (n == 0) {
		buf_addc(&out, '0');
		return buf_detach(&out);
	}
	buf_addf(&out, "%u", b->v[n - 1]);
	while (n-- > 1)
		buf_addf(&out, "%09u", b->v[n - 1]);
	return buf_detach(&out);
}

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * Scan digits of a base with single '_' separators between them, starting at
 * *i; an '_' may come first only if lead_ok (right after "0x" and the like).
 * Append the digits to out (if not NULL). Return the number of digits.
 */
static size_t
digits_scan(const char *s, size_t len, size_t *i, int base, int lead_ok,
    struct buf *out)
{
	size_t	n = 0, j = *i;

	for (;;) {
		if (j < len && s[j] == '_' && (n > 0 || lead_ok) &&
		    j + 1 < len && digit_value(s[j + 1]) < base)
			j++;
		if (j >= len || digit_value(s[j]) >= base)
			break;
		if (out != NULL)
			buf_addc(out, s[j]);
		j++;
		n++;
	}
	*i = j;
	return n;
}

static char *
int_offset(const char *s, size_t len, int base, size_t i, int delta,
    char **cause)
{
	struct bignum	 b = { 0 };
	struct buf	 digits = { 0 };
	char		*out;
	size_t		 k;

	if (digits_scan(s, len, &i, base, base != 10, &digits) == 0 ||
	    i != len) {
		buf_free(&digits);
		cause_set(cause, "invalid integer literal '%.*s'", (int)len, s);
		return NULL;
	}
	if (base == 10 && digits.data[0] == '0') {
		for (k = 0; k < digits.len; k++) {
			if (digits.data[k] != '0')
				break;
		}
		if (k != digits.len) {
			buf_free(&digits);
			cause_set(cause, "leading zeros in decimal integer "
			    "literal '%.*s'", (int)len, s);
			return NULL;
		}
	}
	for (k = 0; k < digits.len; k++)
		bignum_muladd(&b, (uint32_t)base, (uint32_t)digit_value(digits.data[k]));
	buf_free(&digits);
	if (delta > 0) {
		bignum_add1(&b);
		out = bignum_decimal(&b, 0);
	} else if (bignum_is_zero(&b))
		out = xstrdup("-1");
	else {
		bignum_sub1(&b);
		out = bignum_decimal(&b, 0);
	}
	free(b.v);
	return out;
}

void
numlit_float_repr(double x, int add_dot_0, char buf[NUMLIT_FLOAT_MAX])
{
	char	 tmp[40], digits[24], *p = buf;
	int	 prec, exp10, decpt, nd, i;
	char	*e;

	if (isnan(x)) {
		strcpy(buf, "nan");
		return;
	}
	if (isinf(x)) {
		strcpy(buf, x < 0 ? "-inf" : "inf");
		return;
	}
	if (signbit(x)) {
		*p++ = '-';
		x = -x;
	}
	if (x == 0) {
		strcpy(p, add_dot_0 ? "0.0" : "0");
		return;
	}

	/* The fewest significant digits that read back as the same double. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	nd = 0;
	for (i = 0; tmp[i] != 'e'; i++) {
		if (tmp[i] != '.')
			digits[nd++] = tmp[i];
	}
	exp10 = (int)strtol(tmp + i + 1, &e, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	decpt = exp10 + 1;

	if (decpt <= -4 || decpt > 16) {
		*p++ = digits[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, digits + 1, nd - 1);
			p += nd - 1;
		}
		sprintf(p, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
		return;
	}
	if (decpt <= 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = decpt; i < 0; i++)
			*p++ = '0';
		memcpy(p, digits, nd);
		p += nd;
	} else if (decpt >= nd) {
		memcpy(p, digits, nd);
		p += nd;
		for (i = nd; i < decpt; i++)
			*p++ = '0';
		if (add_dot_0) {
			*p++ = '.';
			*p++ = '0';
		}
	} else {
		memcpy(p, digits, decpt);
		p += decpt;
		*p++ = '.';
		memcpy(p, digits + decpt, nd - decpt);
		p += nd - decpt;
	}
	*p = '\0';
}

/*
 * A float or the number part of an imaginary literal:
 * [digitpart] ["." [digitpart]] [("e"|"E") ["+"|"-"] digitpart], with at
 * least one digit before the exponent.
 */
static int
float_parse(const char *s, size_t len, double *value)
{
	struct buf	clean = { 0 };
	size_t		i = 0, n;

	n = digits_scan(s, len, &i, 10, 0, &clean);
	if (i < len && s[i] == '.') {
		buf_addc(&clean, '.');
		i++;
		n += digits_scan(s, len, &i, 10, 0, &clean);
	}
	if (n == 0)
		goto bad;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		buf_addc(&clean, 'e');
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			buf_addc(&clean, s[i++]);
		if (digits_scan(s, len, &i, 10, 0, &clean) == 0)
			goto bad;
	}
	if (i != len)
		goto bad;
	*value = strtod(buf_str(&clean), NULL);
	buf_free(&clean);
	return 0;
bad:
	buf_free(&clean);
	return -1;
}

char *
numlit_offset(const char *s, size_t len, int delta, char **cause)
{
	char	 re[NUMLIT_FLOAT_MAX], im[NUMLIT_FLOAT_MAX];
	double	 x;
	size_t	 i;
	int	 imaginary = 0, is_float = 0;

	if (len == 0 || (delta != 1 && delta != -1)) {
		cause_set(cause, "invalid number literal");
		return NULL;
	}
	if (len > 2 && s[0] == '0') {
		switch (s[1]) {
		case 'x': case 'X':
			return int_offset(s, len, 16, 2, delta, cause);
		case 'o': case 'O':
			return int_offset(s, len, 8, 2, delta, cause);
		case 'b': case 'B':
			return int_offset(s, len, 2, 2, delta, cause);
		}
	}
	if (s[len - 1] == 'j' || s[len - 1] == 'J') {
		imaginary = 1;
		len--;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			is_float = 1;
	}
	if (!imaginary && !is_float)
		return int_offset(s, len, 10, 0, delta, cause);
	if (float_parse(s, len, &x) != 0) {
		cause_set(cause, "invalid number literal '%.*s'",
		    (int)len + imaginary, s);
		return NULL;
	}
	/*
	 * No mutant that cannot differ from the original: past 2**53 adding
	 * one changes nothing, and an infinity would be written "inf", an
	 * undefined name.
	 */
	if (!isfinite(x) || (!imaginary && x + delta == x)) {
		cause_set(cause, "'%.*s' plus %d is not a different finite "
		    "number", (int)len + imaginary, s, delta);
		return NULL;
	}
	if (!imaginary) {
		numlit_float_repr(x + delta, 1, re);
		return xstrdup(re);
	}
	numlit_float_repr((double)delta, 0, re);
	numlit_float_repr(x, 0, im);
	return xasprintf("(%s+%sj)", re, im);
}
