/* numlit.h: Python numeric literals shifted by one, written the way Python's repr() writes them. */
#ifndef CR_NUMLIT_H
#define CR_NUMLIT_H

#include <stddef.h>

/* Room for any numlit_float_repr() result and its NUL. */
#define NUMLIT_FLOAT_MAX 32

/*
 * Return repr(eval(lit) + delta), delta being 1 or -1, for a Python 3
 * numeric literal of len bytes: an int of any size in any base, a float or
 * an imaginary number, with or without '_' separators (e.g. "0x10", 1 gives
 * "17"; "1e3", -1 gives "999.0"; "3j", 1 gives "(1+3j)"). NULL with *cause
 * if lit is not a valid literal, or if the result would not differ from it
 * or not be finite (1e16, 1e309).
 */
char *numlit_offset(const char *lit, size_t len, int delta, char **cause);
/*
 * Write Python's repr() of a float (shortest round-trip digits); with
 * add_dot_0 false, an integral value has no ".0" (as in a complex's repr).
 */
void numlit_float_repr(double x, int add_dot_0, char buf[NUMLIT_FLOAT_MAX]);

#endif
