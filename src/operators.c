/* operators.c: the mutation operators, as a table of families that visit syntax nodes and emit mutants. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutant.h"
#include "numlit.h"
#include "operators.h"
#include "pyast.h"
#include "util.h"

/*
 * The catalogue: each operator, the mutants one site gives, and the peer
 * tools that have it, by the operator lists of mutmut 3 (mutators.py),
 * Stryker (supported mutators), PIT (mutators) and cargo-mutants
 * (mutants.rs); CR is Cosmic Ray 8.4. Mull's list was not checked.
 *
 * core/ReplaceBinaryOperator_F_T      11 a site. CR; mutmut, Stryker and
 *                                     PIT (MATH) with fewer targets
 * core/ReplaceComparisonOperator_F_T  7; 5 or 6 against a number, 1 or 0
 *                                     against None. CR; mutmut, Stryker,
 *                                     PIT (CONDITIONALS_BOUNDARY)
 * core/ReplaceUnaryOperator_F_T       3 (+x), 4 (-x, ~x), 1 (not x). CR;
 *                                     mutmut, Stryker, PIT (INVERT_NEGS)
 * core/ReplaceTrueWithFalse,
 * core/ReplaceFalseWithTrue           1. CR; mutmut, Stryker
 * core/ReplaceAndWithOr,
 * core/ReplaceOrWithAnd               1. CR; mutmut, Stryker
 * core/ReplaceBreakWithContinue       1. CR; mutmut has break -> return
 * core/ReplaceContinueWithBreak       1. CR; mutmut
 * core/NumberReplacer                 2. CR; mutmut (+1), PIT
 *                                     (INLINE_CONSTS)
 * core/AddNot                         1. CR (no elif, no parentheses);
 *                                     Stryker.NET (if (x) -> if (!x))
 * core/ExceptionReplacer              1 a name. CR (an undefined name)
 * core/RemoveDecorator                1. CR; mutmut 2
 * core/ZeroIterationForLoop           1. CR; Stryker (loop condition ->
 *                                     false)
 * core/VariableReplacer               1 a statement and parameter set. CR
 *                                     (random values)
 * core/VariableInserter               1 a sum or product and parameter
 *                                     set. CR (random operator)
 * crmake/ReplaceInWithNotIn,
 * crmake/ReplaceNotInWithIn           1. mutmut
 * crmake/ReplaceAugmentedAssignment_F_T  11. mutmut, Stryker and
 *                                     cargo-mutants, with one or two targets
 * crmake/ReplaceReturnWithNone        1. PIT (NULL_RETURNS); cargo-mutants
 *                                     (a body becomes a default value)
 * crmake/ReplaceStringLiteral         1. mutmut (XX...XX), Stryker
 *                                     (StringLiteral), cargo-mutants
 *                                     ("xyzzy" as a return value)
 * crmake/RemoveMatchCase              1 a case. mutmut; cargo-mutants
 *                                     (an arm, when there is a wildcard arm)
 * crmake/ReplaceAndWithLeft, crmake/ReplaceAndWithRight,
 * crmake/ReplaceOrWithLeft,
 * crmake/ReplaceOrWithRight           1 each. None of them; Stryker's
 *                                     ConditionalExpression (a condition
 *                                     becomes true or false) is nearest
 */

/* A planned mutant before it gets its numbers and ID. */
struct site {
	uint16_t	 op;		/* index in the ID registry */
	uint16_t	 param;		/* 1 + index of its parameter set, or 0 */
	uint32_t	 anchor;	/* where Cosmic Ray's pre-order meets it */
	uint32_t	 start;
	uint32_t	 end;
	char		*text;		/* NULL: built once numbered (Variable*) */
	int32_t		 node;		/* the node a deferred text is built from */
	uint32_t	 scope;		/* index in walk.scopes */
	uint32_t	 seq;		/* emission order */
};

/* The state of one walk over one file. */
struct walk {
	const struct pyast		 *t;
	const char			 *src;
	const char			 *path;
	const struct operator_options	 *opts;
	const uint8_t			 *selected;	/* per operator ID */
	struct site			 *v;
	size_t				  n;
	size_t				  cap;
	char				**scopes;	/* qualified names; [0] is "" */
	size_t				  nscopes;
	size_t				  scopes_cap;
	uint32_t			  scope;	/* the current one */
};

/*
 * A family of operator IDs. declare() registers the IDs (in an order the
 * visit function relies on, starting at first); visit() is called for every
 * node outside annotations, in pre-order, and emits sites.
 */
struct family {
	const char	*name;
	void		(*declare)(struct family *);
	void		(*visit)(struct walk *, const struct family *, int32_t);
	uint16_t	 first;
	uint16_t	 count;
};

/* The registry of operator IDs: static storage, filled once. */
#define MAX_OPS 512
#define MAX_OP_NAME 64
static char		 op_store[MAX_OPS][MAX_OP_NAME];
static const char	*op_names[MAX_OPS];
static const char	*op_sorted[MAX_OPS];
static uint16_t		 nops;

static uint16_t
op_declare(const char *fmt, ...)
{
	va_list	ap;

	if (nops == MAX_OPS)
		abort();	/* a family was added: raise MAX_OPS */
	va_start(ap, fmt);
	vsnprintf(op_store[nops], MAX_OP_NAME, fmt, ap);
	va_end(ap);
	op_names[nops] = op_store[nops];
	return nops++;
}

/*
 * Texts next to each other glue into one token if both are word-like:
 * letters, digits, '_' and any non-ASCII byte (identifier characters).
 * Quotes and '.' glue too, to keep "is not'x'" and "2.real" apart.
 */
static int
glues(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80 ||
	    c == '\'' || c == '"' || c == '.';
}

static int
wordlike(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/*
 * The text to put in place of [start, end), padded with a space on a side
 * where it would otherwise glue to its neighbour: "a==b" becomes
 * "a is not b", and deleting the '-' of "return-x" gives "return x".
 */
static char *
pad_text(const struct walk *w, uint32_t start, uint32_t end, const char *text)
{
	const struct pyast	*t = w->t;
	unsigned char		 l, r;
	size_t			 len = strlen(text);
	int			 lpad, rpad;

	l = start > t->bom ? (unsigned char)w->src[start - 1] : ' ';
	r = end < t->len ? (unsigned char)w->src[end] : ' ';
	if (len == 0) {
		lpad = glues(l) && glues(r);
		rpad = 0;
	} else {
		lpad = glues(l) && wordlike((unsigned char)text[0]);
		rpad = glues(r) && wordlike((unsigned char)text[len - 1]);
	}
	return xasprintf("%s%s%s", lpad ? " " : "", text, rpad ? " " : "");
}

static struct site *
site_push(struct walk *w, uint16_t op, uint32_t anchor, uint32_t start,
    uint32_t end)
{
	struct site	*s;

	if (w->n == w->cap) {
		w->cap = w->cap == 0 ? 256 : w->cap * 2;
		w->v = xreallocarray(w->v, w->cap, sizeof *w->v);
	}
	s = &w->v[w->n];
	memset(s, 0, sizeof *s);
	s->op = op;
	s->anchor = anchor;
	s->start = start;
	s->end = end;
	s->node = -1;
	s->scope = w->scope;
	s->seq = (uint32_t)w->n;
	w->n++;
	return s;
}

/* Add a site putting text (padded) in place of [start, end), if selected. */
static void
emit_at(struct walk *w, uint16_t op, uint32_t anchor, uint32_t start,
    uint32_t end, const char *text)
{
	if (!w->selected[op])
		return;
	site_push(w, op, anchor, start, end)->text = pad_text(w, start, end,
	    text);
}

/* Most sites are tokens, met in the pre-order where they start. */
static void
emit(struct walk *w, uint16_t op, uint32_t start, uint32_t end,
    const char *text)
{
	emit_at(w, op, start, start, end, text);
}

static const struct pyast_node *
node(const struct walk *w, int32_t i)
{
	return &w->t->v[i];
}

/* Whether node i is a real operand: named and not a comment. */
static int
is_operand(const struct walk *w, int32_t i)
{
	return (node(w, i)->flags & PYAST_NAMED) &&
	    !(node(w, i)->flags & PYAST_EXTRA);
}

/* The next sibling that is a real operand, or -1. */
static int32_t
next_operand(const struct walk *w, int32_t i)
{
	for (i = node(w, i)->next; i != -1; i = node(w, i)->next) {
		if (is_operand(w, i))
			return i;
	}
	return -1;
}

/* The n-th (from 0) child of i that is a real operand, or -1. */
static int32_t
nth_operand(const struct walk *w, int32_t i, int n)
{
	int32_t	c;

	for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
		if (is_operand(w, c) && n-- == 0)
			return c;
	}
	return -1;
}

/* The number of children of i that are real operands. */
static int
count_operands(const struct walk *w, int32_t i)
{
	int32_t	c;
	int	n = 0;

	for (c = node(w, i)->child; c != -1; c = node(w, c)->next)
		n += is_operand(w, c);
	return n;
}

/* The first child of i of the given kind, or -1. */
static int32_t
child_of_kind(const struct walk *w, int32_t i, int kind)
{
	int32_t	c;

	for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
		if (node(w, c)->kind == kind)
			return c;
	}
	return -1;
}

/* The previous sibling that is not a comment, or -1. */
static int32_t
prev_sibling(const struct walk *w, int32_t i)
{
	int32_t	c, prev = -1;

	for (c = node(w, node(w, i)->parent)->child; c != i && c != -1;
	    c = node(w, c)->next) {
		if (!(node(w, c)->flags & PYAST_EXTRA))
			prev = c;
	}
	return prev;
}

/* Whether child i is the first operand (named, not a comment) of its parent. */
static int
first_operand(const struct walk *w, int32_t i)
{
	return nth_operand(w, node(w, i)->parent, 0) == i;
}

/* Whether the text of node i is the NUL-terminated name. */
static int
text_is(const struct walk *w, int32_t i, const char *name)
{
	size_t	len = node(w, i)->end - node(w, i)->start;

	return strlen(name) == len &&
	    memcmp(w->src + node(w, i)->start, name, len) == 0;
}

/*
 * Widen [*start, *end) to whole lines: back to the start of the line if
 * only blanks come before, and through the end of the line (its newline
 * included) if only blanks and a comment follow.
 */
static void
whole_lines(const struct walk *w, uint32_t *start, uint32_t *end)
{
	const struct pyast	*t = w->t;
	const char		*s = w->src;
	uint32_t		 a = *start, b = *end, first;

	first = t->lines[pyast_row(t, a)];
	while (a > first && (s[a - 1] == ' ' || s[a - 1] == '\t' ||
	    s[a - 1] == '\f'))
		a--;
	if (a == first)
		*start = a;
	while (b < t->len && (s[b] == ' ' || s[b] == '\t' || s[b] == '\f'))
		b++;
	if (b < t->len && s[b] == '#') {
		while (b < t->len && s[b] != '\n' && s[b] != '\r')
			b++;
	}
	if (b < t->len && s[b] == '\r')
		b++;
	if (b < t->len && s[b] == '\n')
		b++;
	if (b == t->len || s[b - 1] == '\n' || s[b - 1] == '\r')
		*end = b;
}

/* core/ReplaceBinaryOperator_<From>_<To>: 11 mutants per binary operator. */

static const struct {
	int		 kind;
	const char	*name;
	const char	*text;
} binops[] = {
	{ PYAST_T_ADD, "Add", "+" },
	{ PYAST_T_SUB, "Sub", "-" },
	{ PYAST_T_MUL, "Mul", "*" },
	{ PYAST_T_DIV, "Div", "/" },
	{ PYAST_T_FLOORDIV, "FloorDiv", "//" },
	{ PYAST_T_MOD, "Mod", "%" },
	{ PYAST_T_POW, "Pow", "**" },
	{ PYAST_T_RSHIFT, "RShift", ">>" },
	{ PYAST_T_LSHIFT, "LShift", "<<" },
	{ PYAST_T_BITOR, "BitOr", "|" },
	{ PYAST_T_BITAND, "BitAnd", "&" },
	{ PYAST_T_BITXOR, "BitXor", "^" },
};
#define NBINOPS (sizeof binops / sizeof binops[0])

/* IDs are declared from-major, to in table order skipping from (as Python's itertools.permutations). */
static void
binary_declare(struct family *f)
{
	size_t	from, to;

	for (from = 0; from < NBINOPS; from++) {
		for (to = 0; to < NBINOPS; to++) {
			if (to != from)
				op_declare("%s_%s_%s", f->name, binops[from].name,
				    binops[to].name);
		}
	}
}

/*
 * Only binary_operator nodes: '*' and '**' in calls, parameters, unpacking
 * and dict displays, and the bare '*' and '/' parameter markers, are other
 * nodes in tree-sitter-python; '@' is not in the table.
 */
static void
binary_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	op;
	size_t	from, to;

	if (node(w, i)->kind != PYAST_BINARY_OPERATOR)
		return;
	if ((op = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR)) == -1)
		return;
	for (from = 0; from < NBINOPS; from++) {
		if (binops[from].kind == node(w, op)->kind)
			break;
	}
	if (from == NBINOPS)
		return;
	for (to = 0; to < NBINOPS; to++) {
		if (to == from)
			continue;
		emit(w, f->first + from * (NBINOPS - 1) + (to < from ? to : to - 1),
		    node(w, op)->start, node(w, op)->end, binops[to].text);
	}
}

/* core/ReplaceComparisonOperator_<From>_<To>: each link of a chain is a site. */

enum { CMP_EQ, CMP_NOTEQ, CMP_LT, CMP_LTE, CMP_GT, CMP_GTE, CMP_IS, CMP_ISNOT };

static const struct {
	int		 kind;
	const char	*name;
	const char	*text;
} cmpops[] = {
	[CMP_EQ] = { PYAST_T_EQ, "Eq", "==" },
	[CMP_NOTEQ] = { PYAST_T_NOTEQ, "NotEq", "!=" },
	[CMP_LT] = { PYAST_T_LT, "Lt", "<" },
	[CMP_LTE] = { PYAST_T_LTE, "LtE", "<=" },
	[CMP_GT] = { PYAST_T_GT, "Gt", ">" },
	[CMP_GTE] = { PYAST_T_GTE, "GtE", ">=" },
	[CMP_IS] = { PYAST_T_IS, "Is", "is" },
	[CMP_ISNOT] = { PYAST_T_ISNOT, "IsNot", "is not" },
};
#define NCMPOPS (sizeof cmpops / sizeof cmpops[0])

static void
comparison_declare(struct family *f)
{
	size_t	from, to;

	for (from = 0; from < NCMPOPS; from++) {
		for (to = 0; to < NCMPOPS; to++) {
			if (to != from)
				op_declare("%s_%s_%s", f->name, cmpops[from].name,
				    cmpops[to].name);
		}
	}
}

/*
 * Cosmic Ray's rules look only at the operand right of the operator: against
 * a None literal, == and is become is not, != and is not become is, and the
 * orderings give nothing; against a number literal (not -1, which is a
 * unary operator) the targets are == != < <= > >= only.
 */
static int
comparison_allowed(size_t from, size_t to, int rhs_kind)
{
	if (rhs_kind == PYAST_NONE) {
		switch (from) {
		case CMP_EQ:
		case CMP_IS:
			return to == CMP_ISNOT;
		case CMP_NOTEQ:
		case CMP_ISNOT:
			return to == CMP_IS;
		default:
			return 0;
		}
	}
	if (rhs_kind == PYAST_INTEGER || rhs_kind == PYAST_FLOAT)
		return to != CMP_IS && to != CMP_ISNOT;
	return 1;
}

/*
 * Cosmic Ray visits a comparison as one node and numbers all its links
 * there, before any comparison nested in its operands: in (a < b) < c the
 * second '<' comes first. So the sites are anchored at the node's start.
 */
static void
comparison_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	c, rhs;
	size_t	from, to;
	int	rhs_kind;

	if (node(w, i)->kind != PYAST_COMPARISON_OPERATOR)
		return;
	for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
		if (node(w, c)->field != PYAST_FIELD_OPERATORS)
			continue;
		for (from = 0; from < NCMPOPS; from++) {
			if (cmpops[from].kind == node(w, c)->kind)
				break;
		}
		if (from == NCMPOPS)
			continue;
		rhs = next_operand(w, c);
		rhs_kind = rhs == -1 ? PYAST_OTHER : node(w, rhs)->kind;
		for (to = 0; to < NCMPOPS; to++) {
			if (to == from || !comparison_allowed(from, to, rhs_kind))
				continue;
			emit_at(w, f->first + from * (NCMPOPS - 1) +
			    (to < from ? to : to - 1), node(w, i)->start,
			    node(w, c)->start, node(w, c)->end,
			    cmpops[to].text);
		}
	}
}

/*
 * core/ReplaceUnaryOperator_*. Per source operator the targets come in
 * Cosmic Ray's order (itertools.permutations over UAdd, USub, Invert, Not,
 * Nothing): +x gives USub, Invert, Not (never deleted: that mutant is
 * equivalent); -x gives UAdd, Invert, Not, Delete; ~x gives UAdd, USub, Not,
 * Delete; not x is only deleted.
 */

enum { UN_UADD, UN_USUB, UN_INVERT, UN_NOT, UN_DELETE };

static const struct {
	int		 from;
	int		 to;
	const char	*id;
} unops[] = {
	{ UN_UADD, UN_USUB, "UAdd_USub" },
	{ UN_UADD, UN_INVERT, "UAdd_Invert" },
	{ UN_UADD, UN_NOT, "UAdd_Not" },
	{ UN_USUB, UN_UADD, "USub_UAdd" },
	{ UN_USUB, UN_INVERT, "USub_Invert" },
	{ UN_USUB, UN_NOT, "USub_Not" },
	{ UN_USUB, UN_DELETE, "Delete_USub" },
	{ UN_INVERT, UN_UADD, "Invert_UAdd" },
	{ UN_INVERT, UN_USUB, "Invert_USub" },
	{ UN_INVERT, UN_NOT, "Invert_Not" },
	{ UN_INVERT, UN_DELETE, "Delete_Invert" },
	{ UN_NOT, UN_DELETE, "Delete_Not" },
};
#define NUNOPS (sizeof unops / sizeof unops[0])

static const char *const unop_text[] = {
	[UN_UADD] = "+", [UN_USUB] = "-", [UN_INVERT] = "~", [UN_NOT] = "not",
	[UN_DELETE] = "",
};

static void
unary_declare(struct family *f)
{
	size_t	k;

	for (k = 0; k < NUNOPS; k++)
		op_declare("%s_%s", f->name, unops[k].id);
}

/*
 * Whether 'not' may replace the operator of unary node i. Python allows a
 * 'not' expression wherever a full expression or an operand of and/or goes
 * (statements, arguments, subscripts, slices, displays, conditions, lambda
 * bodies, f-string fields, defaults), and at the very left of a chain of
 * binary or comparison operators (then it negates the whole chain). It is a
 * syntax error as any other operand of a binary or comparison operator, of
 * another unary operator or await, after * or ** (a * not b, - not x,
 * f(*not x)), or as the object of a call, attribute or subscript.
 */
static int
not_allowed(const struct walk *w, int32_t i)
{
	int32_t	p;

	for (;;) {
		if ((p = node(w, i)->parent) == -1)
			return 1;
		switch (node(w, p)->kind) {
		case PYAST_BINARY_OPERATOR:
		case PYAST_COMPARISON_OPERATOR:
			if (!first_operand(w, i))
				return 0;
			i = p;
			continue;
		case PYAST_SUBSCRIPT:
			return node(w, i)->field == PYAST_FIELD_SUBSCRIPT;
		case PYAST_UNARY_OPERATOR:
		case PYAST_AWAIT:
		case PYAST_LIST_SPLAT:
		case PYAST_DICTIONARY_SPLAT:
		case PYAST_PARENTHESIZED_LIST_SPLAT:
		case PYAST_ATTRIBUTE:
		case PYAST_CALL:
		case PYAST_PRINT_STATEMENT:
		case PYAST_EXEC_STATEMENT:
			return 0;
		default:
			return 1;
		}
	}
}

static void
unary_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct pyast_node	*op;
	int32_t			 c;
	uint32_t		 end;
	size_t			 k;
	int			 from;

	if (node(w, i)->kind == PYAST_NOT_OPERATOR) {
		/* Delete 'not' and the blanks after it. */
		for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
			if (node(w, c)->kind == PYAST_T_NOT)
				break;
		}
		if (c == -1)
			return;
		op = node(w, c);
		end = op->end;
		while (end < w->t->len &&
		    (w->src[end] == ' ' || w->src[end] == '\t'))
			end++;
		for (k = 0; k < NUNOPS; k++) {
			if (unops[k].from == UN_NOT)
				emit(w, f->first + k, op->start, end, "");
		}
		return;
	}
	if (node(w, i)->kind != PYAST_UNARY_OPERATOR)
		return;
	if ((c = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR)) == -1)
		return;
	op = node(w, c);
	switch (op->kind) {
	case PYAST_T_ADD:
		from = UN_UADD;
		break;
	case PYAST_T_SUB:
		from = UN_USUB;
		break;
	case PYAST_T_INVERT:
		from = UN_INVERT;
		break;
	default:
		return;
	}
	for (k = 0; k < NUNOPS; k++) {
		if (unops[k].from != from)
			continue;
		if (unops[k].to == UN_NOT && !not_allowed(w, i))
			continue;
		emit(w, f->first + k, op->start, op->end,
		    unop_text[unops[k].to]);
	}
}

/* core/ReplaceTrueWithFalse and friends: one mutant per keyword. */

enum { KW_TRUE, KW_FALSE, KW_AND, KW_OR, KW_BREAK, KW_CONTINUE };

static const char *const keyword_ids[] = {
	[KW_TRUE] = "core/ReplaceTrueWithFalse",
	[KW_FALSE] = "core/ReplaceFalseWithTrue",
	[KW_AND] = "core/ReplaceAndWithOr",
	[KW_OR] = "core/ReplaceOrWithAnd",
	[KW_BREAK] = "core/ReplaceBreakWithContinue",
	[KW_CONTINUE] = "core/ReplaceContinueWithBreak",
};

static void
keyword_declare(struct family *f)
{
	size_t	k;

	(void)f;
	for (k = 0; k < sizeof keyword_ids / sizeof keyword_ids[0]; k++)
		op_declare("%s", keyword_ids[k]);
}

/* break and continue are only valid in a loop, where the other is valid too. */
static void
keyword_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct pyast_node	*n = node(w, i);
	int32_t			 op;

	switch (n->kind) {
	case PYAST_TRUE:
		emit(w, f->first + KW_TRUE, n->start, n->end, "False");
		break;
	case PYAST_FALSE:
		emit(w, f->first + KW_FALSE, n->start, n->end, "True");
		break;
	case PYAST_BREAK_STATEMENT:
		emit(w, f->first + KW_BREAK, n->start, n->end, "continue");
		break;
	case PYAST_CONTINUE_STATEMENT:
		emit(w, f->first + KW_CONTINUE, n->start, n->end, "break");
		break;
	case PYAST_BOOLEAN_OPERATOR:
		op = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR);
		if (op == -1)
			break;
		if (node(w, op)->kind == PYAST_T_AND)
			emit(w, f->first + KW_AND, node(w, op)->start,
			    node(w, op)->end, "or");
		else if (node(w, op)->kind == PYAST_T_OR)
			emit(w, f->first + KW_OR, node(w, op)->start,
			    node(w, op)->end, "and");
		break;
	}
}

/* core/NumberReplacer: value + 1, then value - 1, as Python writes them. */

static void
number_declare(struct family *f)
{
	op_declare("%s", f->name);
}

/*
 * Whether a literal's replacement fits where the literal is. In a pattern a
 * number may carry a '-' (case -1:) and a complex one is [-]real+imag; no
 * second sign or parenthesis may follow those signs, the imaginary part must
 * stay a bare imaginary number, and a parenthesised group is no mapping key
 * or real part; an overflow to inf is a name, a capture pattern. await
 * takes a primary, so no sign there either.
 */
static int
number_fits(const struct walk *w, int32_t i, const char *text)
{
	int32_t	p = node(w, i)->parent, prev;
	int	paren = text[0] == '(', sign = text[0] == '-';
	int	name = strstr(text, "inf") != NULL;

	if (p == -1)
		return 1;
	switch (node(w, p)->kind) {
	case PYAST_CASE_PATTERN:
	case PYAST_COMPLEX_PATTERN:
	case PYAST_UNION_PATTERN:
	case PYAST_DICT_PATTERN:
	case PYAST_KEYWORD_PATTERN:
		if (name)
			return 0;
		prev = prev_sibling(w, i);
		if (prev != -1 && (node(w, prev)->kind == PYAST_T_SUB ||
		    node(w, prev)->kind == PYAST_T_ADD))
			return !paren && !sign;
		if (node(w, p)->kind == PYAST_COMPLEX_PATTERN ||
		    node(w, p)->kind == PYAST_DICT_PATTERN)
			return !paren;
		return 1;
	case PYAST_AWAIT:
		return !sign;
	default:
		return 1;
	}
}

static void
number_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct pyast_node	*n = node(w, i);
	char			*up, *down;

	if (n->kind != PYAST_INTEGER && n->kind != PYAST_FLOAT)
		return;
	/*
	 * None for what is not a Python 3 literal (0777, 1L: Cosmic Ray could
	 * not eval it either), nor for a value that one cannot move (1e16).
	 */
	up = numlit_offset(w->src + n->start, n->end - n->start, 1, NULL);
	down = numlit_offset(w->src + n->start, n->end - n->start, -1, NULL);
	if (up != NULL && number_fits(w, i, up))
		emit(w, f->first, n->start, n->end, up);
	if (down != NULL && number_fits(w, i, down))
		emit(w, f->first, n->start, n->end, down);
	free(up);
	free(down);
}

/*
 * core/AddNot: the test of if, elif (Cosmic Ray misses elif), while and
 * assert, and the condition of A if B else C, gets a 'not'. 'not' binds
 * tighter than and, or, conditional expressions, lambdas and :=, and
 * looser than everything else, so only a test of those kinds is put in
 * parentheses: "if a and b" becomes "if not (a and b)" (Cosmic Ray writes
 * "if not a and b", which negates a alone), while "if a < b" becomes
 * "if not a < b", which Python reads as not (a < b).
 */

static void
addnot_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
addnot_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct pyast_node	*e;
	int32_t			 test;
	char			*text;
	int			 paren;

	switch (node(w, i)->kind) {
	case PYAST_IF_STATEMENT:
	case PYAST_ELIF_CLAUSE:
	case PYAST_WHILE_STATEMENT:
		test = pyast_field_child(w->t, i, PYAST_FIELD_CONDITION);
		break;
	case PYAST_ASSERT_STATEMENT:
		test = nth_operand(w, i, 0);
		break;
	case PYAST_CONDITIONAL_EXPRESSION:
		test = nth_operand(w, i, 1);
		break;
	default:
		return;
	}
	if (test == -1)
		return;
	e = node(w, test);
	switch (e->kind) {
	case PYAST_BOOLEAN_OPERATOR:
	case PYAST_CONDITIONAL_EXPRESSION:
	case PYAST_LAMBDA:
	case PYAST_NAMED_EXPRESSION:
		paren = 1;
		break;
	default:
		paren = 0;
		break;
	}
	text = xasprintf(paren ? "not (%.*s)" : "not %.*s",
	    (int)(e->end - e->start), w->src + e->start);
	emit_at(w, f->first, node(w, i)->start, e->start, e->end, text);
	free(text);
}

/*
 * core/ExceptionReplacer: each exception name of an except clause stops
 * matching. Cosmic Ray writes a name nothing defines, so the handler raises
 * NameError once an exception reaches it, and it mangles a dotted name.
 * Here a name (dotted or not, replaced whole) becomes (), the empty tuple,
 * which exists, is valid after except and with as, and matches no
 * exception. Inside a tuple a () would be a nested tuple, and CPython
 * raises TypeError when it checks such a handler, so there the name is
 * removed from the tuple with its comma; a one-element tuple becomes ().
 * Bare except: and except* give no mutant, as in Cosmic Ray.
 */

static void
exception_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static int
dotted_name(const struct walk *w, int32_t e)
{
	int32_t	obj, attr;

	if (node(w, e)->kind == PYAST_IDENTIFIER)
		return 1;
	if (node(w, e)->kind != PYAST_ATTRIBUTE)
		return 0;
	obj = pyast_field_child(w->t, e, PYAST_FIELD_OBJECT);
	attr = pyast_field_child(w->t, e, PYAST_FIELD_ATTRIBUTE);
	return obj != -1 && attr != -1 &&
	    node(w, attr)->kind == PYAST_IDENTIFIER && dotted_name(w, obj);
}

/* A name, or a name in parentheses. */
static int
exception_name(const struct walk *w, int32_t e)
{
	while (node(w, e)->kind == PYAST_PARENTHESIZED_EXPRESSION &&
	    count_operands(w, e) == 1)
		e = nth_operand(w, e, 0);
	return dotted_name(w, e);
}

static void
exception_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	e, c, prev, next;
	int	n, k;

	if (node(w, i)->kind != PYAST_EXCEPT_CLAUSE)
		return;
	if ((e = pyast_field_child(w->t, i, PYAST_FIELD_VALUE)) == -1)
		return;
	if (node(w, e)->kind == PYAST_AS_PATTERN &&
	    (e = nth_operand(w, e, 0)) == -1)
		return;
	while (node(w, e)->kind == PYAST_PARENTHESIZED_EXPRESSION &&
	    count_operands(w, e) == 1 &&
	    node(w, nth_operand(w, e, 0))->kind == PYAST_TUPLE)
		e = nth_operand(w, e, 0);
	if (node(w, e)->kind != PYAST_TUPLE) {
		if (exception_name(w, e))
			emit_at(w, f->first, node(w, i)->start,
			    node(w, e)->start, node(w, e)->end, "()");
		return;
	}
	n = count_operands(w, e);
	for (k = 0; k < n; k++) {
		c = nth_operand(w, e, k);
		if (!exception_name(w, c))
			continue;
		if (n == 1)
			emit_at(w, f->first, node(w, i)->start,
			    node(w, e)->start, node(w, e)->end, "()");
		else if (k < n - 1) {
			next = nth_operand(w, e, k + 1);
			emit_at(w, f->first, node(w, i)->start,
			    node(w, c)->start, node(w, next)->start, "");
		} else {
			prev = nth_operand(w, e, k - 1);
			emit_at(w, f->first, node(w, i)->start,
			    node(w, prev)->end, node(w, c)->end, "");
		}
	}
}

/* core/RemoveDecorator: each decorator's line(s), newline included. */

static void
decorator_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
decorator_visit(struct walk *w, const struct family *f, int32_t i)
{
	uint32_t	start, end;

	if (node(w, i)->kind != PYAST_DECORATOR)
		return;
	start = node(w, i)->start;
	end = node(w, i)->end;
	whole_lines(w, &start, &end);
	emit_at(w, f->first, node(w, i)->start, start, end, "");
}

/*
 * core/ZeroIterationForLoop: the iterable of a for statement (not of a
 * comprehension) becomes []. As in Cosmic Ray, async for gets it too, and
 * fails with TypeError when it runs.
 */

static void
zero_loop_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
zero_loop_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	r;

	if (node(w, i)->kind != PYAST_FOR_STATEMENT ||
	    (r = pyast_field_child(w->t, i, PYAST_FIELD_RIGHT)) == -1)
		return;
	emit_at(w, f->first, node(w, i)->start, node(w, r)->start,
	    node(w, r)->end, "[]");
}

/*
 * core/VariableReplacer and core/VariableInserter, Cosmic Ray's causal
 * operators, run once per parameter set. An assignment statement is a =,
 * chained or annotated, or an augmented assignment; its left side defines
 * a name if a target is that name or an attribute ending in it (Python's
 * parso counts the same). A use of the cause is an identifier read in the
 * value, not an attribute or keyword name, a := target, or a name bound by
 * a lambda or comprehension inside the value. Cosmic Ray draws its random
 * choices when a mutant is applied; here they come from a generator seeded
 * with the options' seed, the file, the parameter set, the scope and the
 * mutant's index in the scope, so a plan is reproducible and editing one
 * function leaves the values of others alone. Texts are built once the
 * sites are numbered.
 */

static uint16_t	op_var_replacer, op_var_inserter;

static void
var_replacer_declare(struct family *f)
{
	op_var_replacer = op_declare("%s", f->name);
}

static void
var_inserter_declare(struct family *f)
{
	op_var_inserter = op_declare("%s", f->name);
}

/* The value of an assignment: c in a = b = c. */
static int32_t
assignment_value(const struct walk *w, int32_t i)
{
	int32_t	r;

	for (;;) {
		r = pyast_field_child(w->t, i, PYAST_FIELD_RIGHT);
		if (r == -1 || node(w, i)->kind != PYAST_ASSIGNMENT ||
		    node(w, r)->kind != PYAST_ASSIGNMENT)
			return r;
		i = r;
	}
}

static int
target_defines(const struct walk *w, int32_t i, const char *name)
{
	int32_t	c;

	switch (node(w, i)->kind) {
	case PYAST_IDENTIFIER:
		return text_is(w, i, name);
	case PYAST_ATTRIBUTE:
		c = pyast_field_child(w->t, i, PYAST_FIELD_ATTRIBUTE);
		return c != -1 && text_is(w, c, name);
	case PYAST_PATTERN_LIST:
	case PYAST_TUPLE_PATTERN:
	case PYAST_LIST_PATTERN:
	case PYAST_LIST_SPLAT_PATTERN:
	case PYAST_TUPLE:
	case PYAST_LIST:
	case PYAST_EXPRESSION_LIST:
	case PYAST_PARENTHESIZED_EXPRESSION:
	case PYAST_LIST_SPLAT:
		for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
			if (is_operand(w, c) && target_defines(w, c, name))
				return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Whether an assignment statement (the outermost of a chain) defines name. */
static int
assignment_defines(const struct walk *w, int32_t i, const char *name)
{
	int32_t	l, r;

	for (;;) {
		l = pyast_field_child(w->t, i, PYAST_FIELD_LEFT);
		if (l != -1 && target_defines(w, l, name))
			return 1;
		if (node(w, i)->kind != PYAST_ASSIGNMENT)
			return 0;
		r = pyast_field_child(w->t, i, PYAST_FIELD_RIGHT);
		if (r == -1 || node(w, r)->kind != PYAST_ASSIGNMENT)
			return 0;
		i = r;
	}
}

/* Whether an identifier in the subtree of i is name. */
static int
subtree_has_name(const struct walk *w, int32_t i, const char *name)
{
	uint32_t	j;

	for (j = (uint32_t)i; j < node(w, i)->subtree_end; j++) {
		if (w->t->v[j].kind == PYAST_IDENTIFIER &&
		    text_is(w, (int32_t)j, name))
			return 1;
	}
	return 0;
}

static int
binds_name(const struct walk *w, int32_t i, const char *name)
{
	int32_t	c, l;

	switch (node(w, i)->kind) {
	case PYAST_LAMBDA:
		c = pyast_field_child(w->t, i, PYAST_FIELD_PARAMETERS);
		return c != -1 && subtree_has_name(w, c, name);
	case PYAST_LIST_COMPREHENSION:
	case PYAST_SET_COMPREHENSION:
	case PYAST_DICTIONARY_COMPREHENSION:
	case PYAST_GENERATOR_EXPRESSION:
		for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
			if (node(w, c)->kind == PYAST_FOR_IN_CLAUSE &&
			    (l = pyast_field_child(w->t, c,
			    PYAST_FIELD_LEFT)) != -1 &&
			    subtree_has_name(w, l, name))
				return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Whether identifier i, in the value root, reads the variable name. */
static int
is_use(const struct walk *w, int32_t i, int32_t root, const char *name)
{
	int32_t	p = node(w, i)->parent, a;

	if (node(w, i)->kind != PYAST_IDENTIFIER || !text_is(w, i, name))
		return 0;
	if (p != -1) {
		switch (node(w, p)->kind) {
		case PYAST_ATTRIBUTE:
			if (node(w, i)->field == PYAST_FIELD_ATTRIBUTE)
				return 0;
			break;
		case PYAST_KEYWORD_ARGUMENT:
		case PYAST_NAMED_EXPRESSION:
			if (node(w, i)->field == PYAST_FIELD_NAME)
				return 0;
			break;
		}
	}
	for (a = i; a != -1; a = node(w, a)->parent) {
		if (binds_name(w, a, name))
			return 0;
		if (a == root)
			break;
	}
	return 1;
}

static int
has_use(const struct walk *w, int32_t root, const char *name)
{
	uint32_t	j;

	for (j = (uint32_t)root; j < node(w, root)->subtree_end; j++) {
		if (is_use(w, (int32_t)j, root, name))
			return 1;
	}
	return 0;
}

static void
var_replacer_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct operator_param	*p;
	struct site			*s;
	int32_t				 value, up;
	size_t				 k;

	switch (node(w, i)->kind) {
	case PYAST_ASSIGNMENT:
		up = node(w, i)->parent;
		if (up != -1 && node(w, up)->kind == PYAST_ASSIGNMENT)
			return;
		break;
	case PYAST_AUGMENTED_ASSIGNMENT:
		break;
	default:
		return;
	}
	if ((value = assignment_value(w, i)) == -1)
		return;
	for (k = 0; k < w->opts->nparams; k++) {
		p = &w->opts->params[k];
		if (strcmp(p->operator, f->name) != 0 ||
		    !has_use(w, value, p->cause))
			continue;
		if (p->effect != NULL && !assignment_defines(w, i, p->effect))
			continue;
		s = site_push(w, f->first, node(w, i)->start,
		    node(w, value)->start, node(w, value)->end);
		s->param = (uint16_t)(k + 1);
		s->node = value;
	}
}

/* 1 for a sum (+, -), 2 for a product (*, /, //, %, @), else 0. */
static int
binop_level(const struct walk *w, int32_t i)
{
	int32_t	op;

	if (node(w, i)->kind != PYAST_BINARY_OPERATOR ||
	    (op = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR)) == -1)
		return 0;
	switch (node(w, op)->kind) {
	case PYAST_T_ADD:
	case PYAST_T_SUB:
		return 1;
	case PYAST_T_MUL:
	case PYAST_T_DIV:
	case PYAST_T_FLOORDIV:
	case PYAST_T_MOD:
	case PYAST_T_MATMUL:
		return 2;
	default:
		return 0;
	}
}

/*
 * A site is a whole sum or product, as Python's grammar has them: a + b - c
 * is one sum (Cosmic Ray's arith_expr), a * b + c a sum holding a product.
 * It must be in the value of an assignment statement defining the effect.
 */
static void
var_inserter_visit(struct walk *w, const struct family *f, int32_t i)
{
	const struct operator_param	*p;
	struct site			*s;
	int32_t				 a, c, up;
	int				 level;
	size_t				 k;

	if ((level = binop_level(w, i)) == 0)
		return;
	up = node(w, i)->parent;
	if (up != -1 && binop_level(w, up) == level &&
	    node(w, i)->field == PYAST_FIELD_LEFT)
		return;
	for (c = i, a = up; a != -1; c = a, a = node(w, a)->parent) {
		if (node(w, a)->kind == PYAST_ASSIGNMENT ||
		    node(w, a)->kind == PYAST_AUGMENTED_ASSIGNMENT)
			break;
	}
	if (a == -1 || node(w, c)->field != PYAST_FIELD_RIGHT)
		return;
	while ((up = node(w, a)->parent) != -1 &&
	    node(w, up)->kind == PYAST_ASSIGNMENT &&
	    node(w, a)->field == PYAST_FIELD_RIGHT)
		a = up;
	for (k = 0; k < w->opts->nparams; k++) {
		p = &w->opts->params[k];
		if (strcmp(p->operator, f->name) != 0 || p->effect == NULL ||
		    !assignment_defines(w, a, p->effect))
			continue;
		s = site_push(w, f->first, node(w, i)->start, node(w, i)->start,
		    node(w, i)->end);
		s->param = (uint16_t)(k + 1);
		s->node = i;
	}
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	} while (*s++ != '\0');
	return h;
}

/* The generator of the mutant numbered k in its scope. */
static uint64_t
var_state(const struct walk *w, const struct operator_param *p,
    const char *scope, uint32_t k)
{
	uint64_t	h = 0xcbf29ce484222325ULL, seed = w->opts->seed;
	char		num[16];

	snprintf(num, sizeof num, "%u", k);
	h = fnv1a(h, w->path);
	h = fnv1a(h, p->operator);
	h = fnv1a(h, p->cause);
	h = fnv1a(h, p->effect != NULL ? p->effect : "");
	h = fnv1a(h, scope);
	h = fnv1a(h, num);
	return splitmix64(&seed) ^ h;
}

/*
 * Whether a number put in place of identifier i needs parentheses: as the
 * object of an attribute (5.real is a syntax error), and when negative, in
 * front of a call, subscript or **, or after await, where the sign would
 * apply to more than the number or not parse.
 */
static int
number_needs_parens(const struct walk *w, int32_t i, int negative)
{
	int32_t	p = node(w, i)->parent, op;

	if (p == -1)
		return 0;
	switch (node(w, p)->kind) {
	case PYAST_ATTRIBUTE:
		return node(w, i)->field == PYAST_FIELD_OBJECT;
	case PYAST_CALL:
	case PYAST_SUBSCRIPT:
		return negative && first_operand(w, i);
	case PYAST_AWAIT:
		return negative;
	case PYAST_BINARY_OPERATOR:
		op = pyast_field_child(w->t, p, PYAST_FIELD_OPERATOR);
		return negative && op != -1 && node(w, op)->kind == PYAST_T_POW &&
		    node(w, i)->field == PYAST_FIELD_LEFT;
	default:
		return 0;
	}
}

/* Every use of the cause in the value becomes a number in [-100, 100]. */
static char *
var_replacer_text(const struct walk *w, int32_t value, const char *cause,
    uint64_t *state)
{
	struct buf	 b = { 0 };
	uint32_t	 pos = node(w, value)->start, j;
	char		*lit, *padded;
	int		 n;

	for (j = (uint32_t)value; j < node(w, value)->subtree_end; j++) {
		if (!is_use(w, (int32_t)j, value, cause))
			continue;
		buf_add(&b, w->src + pos, w->t->v[j].start - pos);
		n = (int)(splitmix64(state) % 201) - 100;
		lit = xasprintf(number_needs_parens(w, (int32_t)j, n < 0) ?
		    "(%d)" : "%d", n);
		padded = pad_text(w, w->t->v[j].start, w->t->v[j].end, lit);
		buf_adds(&b, padded);
		free(padded);
		free(lit);
		pos = w->t->v[j].end;
	}
	buf_add(&b, w->src + pos, node(w, value)->end - pos);
	return buf_detach(&b);
}

/* The sum or product, then an operator drawn from + * -, then the cause. */
static char *
var_inserter_text(const struct walk *w, int32_t i, const char *cause,
    uint64_t *state)
{
	static const char *const ops[] = { "+", "*", "-" };

	return xasprintf("%.*s %s %s", (int)(node(w, i)->end - node(w, i)->start),
	    w->src + node(w, i)->start, ops[splitmix64(state) % 3], cause);
}

/* crmake/ReplaceInWithNotIn and crmake/ReplaceNotInWithIn: membership tests. */

static void
membership_declare(struct family *f)
{
	(void)f;
	op_declare("crmake/ReplaceInWithNotIn");
	op_declare("crmake/ReplaceNotInWithIn");
}

static void
membership_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	c;

	if (node(w, i)->kind != PYAST_COMPARISON_OPERATOR)
		return;
	for (c = node(w, i)->child; c != -1; c = node(w, c)->next) {
		if (node(w, c)->field != PYAST_FIELD_OPERATORS)
			continue;
		if (node(w, c)->kind == PYAST_T_IN)
			emit(w, f->first, node(w, c)->start, node(w, c)->end,
			    "not in");
		else if (node(w, c)->kind == PYAST_T_NOTIN)
			emit(w, f->first + 1, node(w, c)->start,
			    node(w, c)->end, "in");
	}
}

/*
 * crmake/ReplaceAugmentedAssignment_<From>_<To>: x += y is x = x + y, so an
 * augmented operator gets the same 11 targets as the binary operator in
 * core/ReplaceBinaryOperator (not @=, as @ is not in that family), and a
 * plan mutates "x += 1" and "x = x + 1" alike.
 */

static const int augops[NBINOPS] = {
	PYAST_T_IADD, PYAST_T_ISUB, PYAST_T_IMUL, PYAST_T_IDIV,
	PYAST_T_IFLOORDIV, PYAST_T_IMOD, PYAST_T_IPOW, PYAST_T_IRSHIFT,
	PYAST_T_ILSHIFT, PYAST_T_IBITOR, PYAST_T_IBITAND, PYAST_T_IBITXOR,
};

static void
augassign_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	 op;
	size_t	 from, to;
	char	 text[8];

	if (node(w, i)->kind != PYAST_AUGMENTED_ASSIGNMENT ||
	    (op = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR)) == -1)
		return;
	for (from = 0; from < NBINOPS; from++) {
		if (augops[from] == node(w, op)->kind)
			break;
	}
	if (from == NBINOPS)
		return;
	for (to = 0; to < NBINOPS; to++) {
		if (to == from)
			continue;
		snprintf(text, sizeof text, "%s=", binops[to].text);
		emit(w, f->first + from * (NBINOPS - 1) + (to < from ? to : to - 1),
		    node(w, op)->start, node(w, op)->end, text);
	}
}

/* crmake/ReplaceReturnWithNone: return x becomes return None. */

static void
return_none_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
return_none_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t	v, e;

	if (node(w, i)->kind != PYAST_RETURN_STATEMENT ||
	    (v = nth_operand(w, i, 0)) == -1)
		return;
	for (e = v; node(w, e)->kind == PYAST_PARENTHESIZED_EXPRESSION &&
	    count_operands(w, e) == 1; e = nth_operand(w, e, 0))
		;
	if (node(w, e)->kind == PYAST_NONE)
		return;
	emit(w, f->first, node(w, v)->start, node(w, v)->end, "None");
}

/*
 * crmake/ReplaceStringLiteral: the text between the quotes of a string or
 * bytes literal becomes a marker, its prefix and quotes kept (an empty
 * string becomes non-empty). Not f-strings, whose literal text is not code
 * (their fields are mutated by the other operators); not annotations; not
 * a string that is a statement by itself (a docstring or a comment in
 * quotes), where the mutant would be equivalent or only change __doc__.
 */

static const char string_marker[] = "XXcrmakeXX";

static void
string_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
string_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t		 st, en, p;
	uint32_t	 k, start, end;

	if (node(w, i)->kind != PYAST_STRING ||
	    child_of_kind(w, i, PYAST_INTERPOLATION) != -1 ||
	    (st = child_of_kind(w, i, PYAST_STRING_START)) == -1 ||
	    (en = child_of_kind(w, i, PYAST_STRING_END)) == -1)
		return;
	for (k = node(w, st)->start; k < node(w, st)->end; k++) {
		if (w->src[k] == 'f' || w->src[k] == 'F')
			return;
	}
	p = node(w, i)->parent;
	if (p != -1 && node(w, p)->kind == PYAST_CONCATENATED_STRING)
		p = node(w, p)->parent;
	if (p != -1 && node(w, p)->kind == PYAST_EXPRESSION_STATEMENT &&
	    count_operands(w, p) == 1)
		return;
	start = node(w, st)->end;
	end = node(w, en)->start;
	if (end - start == sizeof string_marker - 1 &&
	    memcmp(w->src + start, string_marker, end - start) == 0)
		return;
	if (!w->selected[f->first])
		return;
	site_push(w, f->first, node(w, i)->start, start, end)->text =
	    xstrdup(string_marker);
}

/* crmake/RemoveMatchCase: a case of a match with two or more, whole lines. */

static void
match_case_declare(struct family *f)
{
	op_declare("%s", f->name);
}

static void
match_case_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t		body, c;
	uint32_t	start, end;

	if (node(w, i)->kind != PYAST_MATCH_STATEMENT ||
	    (body = pyast_field_child(w->t, i, PYAST_FIELD_BODY)) == -1)
		return;
	if (child_of_kind(w, body, PYAST_CASE_CLAUSE) == -1 ||
	    next_operand(w, child_of_kind(w, body, PYAST_CASE_CLAUSE)) == -1)
		return;
	for (c = node(w, body)->child; c != -1; c = node(w, c)->next) {
		if (node(w, c)->kind != PYAST_CASE_CLAUSE)
			continue;
		start = node(w, c)->start;
		end = node(w, c)->end;
		whole_lines(w, &start, &end);
		emit_at(w, f->first, node(w, c)->start, start, end, "");
	}
}

/*
 * crmake/ReplaceAndWithLeft and friends: a and b becomes a, or b, by
 * deleting the operator and the other operand. In a and b and c, the
 * outer operator's operands are "a and b" and c.
 */

static const char *const bool_operand_ids[] = {
	"crmake/ReplaceAndWithLeft", "crmake/ReplaceAndWithRight",
	"crmake/ReplaceOrWithLeft", "crmake/ReplaceOrWithRight",
};

static void
bool_operand_declare(struct family *f)
{
	size_t	k;

	(void)f;
	for (k = 0; k < sizeof bool_operand_ids / sizeof bool_operand_ids[0];
	    k++)
		op_declare("%s", bool_operand_ids[k]);
}

static void
bool_operand_visit(struct walk *w, const struct family *f, int32_t i)
{
	int32_t		op, l, r;
	uint16_t	base;

	if (node(w, i)->kind != PYAST_BOOLEAN_OPERATOR ||
	    (op = pyast_field_child(w->t, i, PYAST_FIELD_OPERATOR)) == -1 ||
	    (l = pyast_field_child(w->t, i, PYAST_FIELD_LEFT)) == -1 ||
	    (r = pyast_field_child(w->t, i, PYAST_FIELD_RIGHT)) == -1)
		return;
	if (node(w, op)->kind == PYAST_T_AND)
		base = f->first;
	else if (node(w, op)->kind == PYAST_T_OR)
		base = f->first + 2;
	else
		return;
	emit_at(w, base, node(w, i)->start, node(w, l)->end, node(w, i)->end,
	    "");
	emit_at(w, base + 1, node(w, i)->start, node(w, i)->start,
	    node(w, r)->start, "");
}

/* The operator table, in the order sites at the same byte are listed. */
static struct family families[] = {
	{ "core/ReplaceBinaryOperator", binary_declare, binary_visit, 0, 0 },
	{ "core/ReplaceComparisonOperator", comparison_declare,
	    comparison_visit, 0, 0 },
	{ "core/ReplaceUnaryOperator", unary_declare, unary_visit, 0, 0 },
	{ "core/Replace*With*", keyword_declare, keyword_visit, 0, 0 },
	{ "core/NumberReplacer", number_declare, number_visit, 0, 0 },
	{ "core/AddNot", addnot_declare, addnot_visit, 0, 0 },
	{ "core/ExceptionReplacer", exception_declare, exception_visit, 0, 0 },
	{ "core/RemoveDecorator", decorator_declare, decorator_visit, 0, 0 },
	{ "core/ZeroIterationForLoop", zero_loop_declare, zero_loop_visit,
	    0, 0 },
	{ "core/VariableReplacer", var_replacer_declare, var_replacer_visit,
	    0, 0 },
	{ "core/VariableInserter", var_inserter_declare, var_inserter_visit,
	    0, 0 },
	{ "crmake/Replace*In*", membership_declare, membership_visit, 0, 0 },
	{ "crmake/ReplaceAugmentedAssignment", binary_declare, augassign_visit,
	    0, 0 },
	{ "crmake/ReplaceReturnWithNone", return_none_declare,
	    return_none_visit, 0, 0 },
	{ "crmake/ReplaceStringLiteral", string_declare, string_visit, 0, 0 },
	{ "crmake/RemoveMatchCase", match_case_declare, match_case_visit,
	    0, 0 },
	{ "crmake/Replace*With{Left,Right}", bool_operand_declare,
	    bool_operand_visit, 0, 0 },
};
#define NFAMILIES (sizeof families / sizeof families[0])

static int
op_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
registry_init(void)
{
	size_t	k;

	if (nops != 0)
		return;
	for (k = 0; k < NFAMILIES; k++) {
		families[k].first = nops;
		families[k].declare(&families[k]);
		families[k].count = nops - families[k].first;
	}
	memcpy(op_sorted, op_names, nops * sizeof op_names[0]);
	qsort(op_sorted, nops, sizeof op_sorted[0], op_name_cmp);
}

const char *const *
operators_all(size_t *n)
{
	registry_init();
	*n = nops;
	return op_sorted;
}

int
operator_is_opt_in(const char *id)
{
	return strncmp(id, "crmake/", 7) == 0 ||
	    strcmp(id, "core/VariableReplacer") == 0 ||
	    strcmp(id, "core/VariableInserter") == 0;
}

/* Whether s is a Python identifier (a non-ASCII byte counts as a letter). */
static int
is_identifier(const char *s)
{
	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s != '\0'; s++) {
		if (!wordlike((unsigned char)*s) && (unsigned char)*s < 0x80)
			return 0;
	}
	return 1;
}

int
operator_param_check(const struct operator_param *p, char **cause)
{
	if (p->operator == NULL ||
	    (strcmp(p->operator, "core/VariableReplacer") != 0 &&
	    strcmp(p->operator, "core/VariableInserter") != 0))
		return cause_set(cause, "operator '%s' takes no parameters",
		    p->operator != NULL ? p->operator : "");
	if (!is_identifier(p->cause))
		return cause_set(cause, "%s: cause variable '%s' is not a name",
		    p->operator, p->cause != NULL ? p->cause : "");
	if (p->effect == NULL && strcmp(p->operator,
	    "core/VariableInserter") == 0)
		return cause_set(cause, "%s needs an effect variable",
		    p->operator);
	if (p->effect != NULL && !is_identifier(p->effect))
		return cause_set(cause, "%s: effect variable '%s' is not a name",
		    p->operator, p->effect);
	return 0;
}

/* Which operator IDs run, by registry index. */
static uint8_t *
selection_new(const struct operator_options *o)
{
	uint8_t	*sel = xcalloc(nops, 1);
	size_t	 i, k;

	for (i = 0; i < nops; i++) {
		if (o->select != NULL)
			sel[i] = o->select(op_names[i], o->select_arg) != 0;
		else if (!operator_is_opt_in(op_names[i]))
			sel[i] = 1;
		else {
			for (k = 0; k < o->nparams; k++) {
				if (strcmp(o->params[k].operator,
				    op_names[i]) == 0)
					sel[i] = 1;
			}
		}
	}
	return sel;
}

static uint32_t
scope_add(struct walk *w, char *name)
{
	if (w->nscopes == w->scopes_cap) {
		w->scopes_cap = w->scopes_cap == 0 ? 16 : w->scopes_cap * 2;
		w->scopes = xreallocarray(w->scopes, w->scopes_cap,
		    sizeof *w->scopes);
	}
	w->scopes[w->nscopes] = name;
	return (uint32_t)w->nscopes++;
}

/*
 * Visit every node in pre-order, keeping track of the enclosing definitions
 * (a def or class node encloses its parameters and body but not its
 * decorators) and skipping annotations, which no operator mutates.
 */
static void
walk_tree(struct walk *w)
{
	const struct pyast	*t = w->t;
	struct {
		uint32_t	end;
		uint32_t	scope;
	}			*stack = NULL;
	size_t			 depth = 0, cap = 0, k, nactive = 0;
	struct family		*active[NFAMILIES];
	const char		*outer;
	int32_t			 name;
	uint32_t		 i, op;

	for (k = 0; k < NFAMILIES; k++) {
		for (op = families[k].first;
		    op < (uint32_t)families[k].first + families[k].count; op++) {
			if (w->selected[op]) {
				active[nactive++] = &families[k];
				break;
			}
		}
	}
	w->scope = scope_add(w, xstrdup(""));
	for (i = 0; i < t->n; i++) {
		while (depth > 0 && stack[depth - 1].end <= i)
			depth--;
		w->scope = depth > 0 ? stack[depth - 1].scope : 0;
		if (t->v[i].kind == PYAST_TYPE) {
			i = t->v[i].subtree_end - 1;
			continue;
		}
		if ((t->v[i].kind == PYAST_FUNCTION_DEFINITION ||
		    t->v[i].kind == PYAST_CLASS_DEFINITION) &&
		    (name = pyast_field_child(t, (int32_t)i,
		    PYAST_FIELD_NAME)) != -1) {
			outer = w->scopes[w->scope];
			if (depth == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				stack = xreallocarray(stack, cap, sizeof *stack);
			}
			stack[depth].end = t->v[i].subtree_end;
			stack[depth].scope = scope_add(w, xasprintf("%s%s%.*s",
			    outer, *outer != '\0' ? "." : "",
			    (int)(t->v[name].end - t->v[name].start),
			    w->src + t->v[name].start));
			w->scope = stack[depth].scope;
			depth++;
		}
		for (k = 0; k < nactive; k++)
			active[k]->visit(w, active[k], (int32_t)i);
	}
	free(stack);
}

static int
site_cmp_position(const void *a, const void *b)
{
	const struct site	*x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The numbering orders: by operator and parameter set, then scope name
 * (for k), then Cosmic Ray's order.
 */
static const struct walk *sort_walk;
static int sort_by_scope;

static int
site_same_group(const struct site *x, const struct site *y, int by_scope)
{
	return x->op == y->op && x->param == y->param && (!by_scope ||
	    strcmp(sort_walk->scopes[x->scope], sort_walk->scopes[y->scope]) ==
	    0);
}

static int
site_cmp_number(const void *a, const void *b)
{
	const struct site	*x = *(struct site *const *)a;
	const struct site	*y = *(struct site *const *)b;
	int			 c;

	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->param != y->param)
		return x->param < y->param ? -1 : 1;
	if (sort_by_scope) {
		c = strcmp(sort_walk->scopes[x->scope],
		    sort_walk->scopes[y->scope]);
		if (c != 0)
			return c;
	}
	if (x->anchor != y->anchor)
		return x->anchor < y->anchor ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Number the sites (in file order in w->v): occ gets the index among the
 * sites of the same operator and parameter set, Cosmic Ray's occurrence; k
 * the index among those that also share the scope name, which goes into
 * the ID.
 */
static void
sites_number(struct walk *w, uint32_t *occ, uint32_t *k)
{
	struct site	**order;
	size_t		  i, first;
	int		  pass;

	order = xreallocarray(NULL, w->n, sizeof *order);
	sort_walk = w;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < w->n; i++)
			order[i] = &w->v[i];
		sort_by_scope = pass;
		if (w->n > 1)
			qsort(order, w->n, sizeof *order, site_cmp_number);
		for (i = 0, first = 0; i < w->n; i++) {
			if (i > 0 && !site_same_group(order[i], order[i - 1],
			    pass))
				first = i;
			(pass == 0 ? occ : k)[order[i] - w->v] =
			    (uint32_t)(i - first);
		}
	}
	sort_walk = NULL;
	free(order);
}

/* Build the texts of the Variable* sites, which depend on their numbers. */
static void
sites_fill(struct walk *w, const uint32_t *k)
{
	const struct operator_param	*p;
	struct site			*s;
	uint64_t			 state;
	char				*text;
	size_t				 i;

	for (i = 0; i < w->n; i++) {
		s = &w->v[i];
		if (s->text != NULL || s->param == 0)
			continue;
		p = &w->opts->params[s->param - 1];
		state = var_state(w, p, w->scopes[s->scope], k[i]);
		if (s->op == op_var_replacer)
			text = var_replacer_text(w, s->node, p->cause, &state);
		else
			text = var_inserter_text(w, s->node, p->cause, &state);
		s->text = pad_text(w, s->start, s->end, text);
		free(text);
	}
}

/*
 * # pragma: no mutate. A comment holding "pragma: no mutate" marks its
 * line; with "block" after it, the statements that start on that line too
 * (a clause such as else: or case counts, and so does a def or class that
 * has decorators). A mutant is skipped if one of its lines is marked, or
 * if it touches a marked statement.
 */

#define PRAGMA_LINE	1
#define PRAGMA_BLOCK	2

static int
pragma_kind(const char *s, size_t n)
{
	static const char	key[] = "pragma:", what[] = "no mutate";
	size_t			i, j;

	for (i = 0; i + sizeof key - 1 <= n; i++) {
		if (memcmp(s + i, key, sizeof key - 1) != 0)
			continue;
		for (j = i + sizeof key - 1; j < n && (s[j] == ' ' ||
		    s[j] == '\t'); j++)
			;
		if (n - j < sizeof what - 1 ||
		    memcmp(s + j, what, sizeof what - 1) != 0)
			continue;
		j += sizeof what - 1;
		if (j < n && wordlike((unsigned char)s[j]))
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (n - j >= 5 && memcmp(s + j, "block", 5) == 0 &&
		    (j + 5 == n || !wordlike((unsigned char)s[j + 5])))
			return PRAGMA_LINE | PRAGMA_BLOCK;
		return PRAGMA_LINE;
	}
	return 0;
}

static void
pragma_apply(const struct pyast *t, struct mutant *v, size_t n)
{
	struct {
		uint32_t	start;
		uint32_t	end;
	}		*blocks = NULL;
	uint8_t		*marks;
	size_t		 nblocks = 0, cap = 0, i, b;
	uint32_t	 j, row, last;
	int		 any = 0, skip;

	marks = xcalloc(t->nlines, 1);
	for (j = 0; j < t->n; j++) {
		if (t->v[j].kind != PYAST_COMMENT)
			continue;
		skip = pragma_kind(t->src + t->v[j].start,
		    t->v[j].end - t->v[j].start);
		marks[pyast_row(t, t->v[j].start)] |= (uint8_t)skip;
		any |= skip;
	}
	if (!any) {
		free(marks);
		return;
	}
	for (j = 0; (any & PRAGMA_BLOCK) && j < t->n; j++) {
		if (!(marks[pyast_row(t, t->v[j].start)] & PRAGMA_BLOCK) ||
		    !pyast_is_statement(t, (int32_t)j))
			continue;
		if (nblocks == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			blocks = xreallocarray(blocks, cap, sizeof *blocks);
		}
		blocks[nblocks].start = t->v[j].start;
		blocks[nblocks].end = t->v[j].end;
		nblocks++;
	}
	for (i = 0; i < n; i++) {
		skip = 0;
		last = pyast_row(t, v[i].end > v[i].start ? v[i].end - 1 :
		    v[i].start);
		for (row = pyast_row(t, v[i].start); row <= last; row++) {
			if (marks[row] & PRAGMA_LINE)
				skip = 1;
		}
		for (b = 0; !skip && b < nblocks; b++) {
			if (v[i].start == v[i].end)
				skip = blocks[b].start <= v[i].start &&
				    v[i].start < blocks[b].end;
			else
				skip = v[i].start < blocks[b].end &&
				    v[i].end > blocks[b].start;
		}
		if (skip && v[i].skip == NULL)
			v[i].skip = xstrdup(OPERATORS_SKIP_PRAGMA);
	}
	free(blocks);
	free(marks);
}

int
operators_enumerate_opts(const char *path, const char *src, size_t len,
    const struct operator_options *opts, struct mutant_list *out,
    char **cause)
{
	static const struct operator_options	 defaults;
	const struct operator_param		*p;
	struct walk				 w = { 0 };
	struct pyast				*t;
	struct site				*s;
	struct mutant				*m;
	uint8_t					*selected;
	uint32_t				*k, *occ;
	size_t					 i, first = out->n;
	char					*name;

	registry_init();
	if (opts == NULL)
		opts = &defaults;
	for (i = 0; i < opts->nparams; i++) {
		if (operator_param_check(&opts->params[i], cause) == -1)
			return -1;
	}
	if ((t = pyast_parse(src, len, cause)) == NULL)
		return -1;
	selected = selection_new(opts);
	w.t = t;
	w.src = t->src;
	w.path = path;
	w.opts = opts;
	w.selected = selected;
	walk_tree(&w);

	if (w.n > 1)
		qsort(w.v, w.n, sizeof *w.v, site_cmp_position);
	occ = xcalloc(w.n, sizeof *occ);
	k = xcalloc(w.n, sizeof *k);
	sites_number(&w, occ, k);
	sites_fill(&w, k);

	for (i = 0; i < w.n; i++) {
		s = &w.v[i];
		m = mutant_list_push(out);
		m->operator = xstrdup(op_names[s->op]);
		m->start = s->start;
		m->end = s->end;
		m->replacement = s->text;
		s->text = NULL;
		pyast_position(t, s->anchor > s->start && s->anchor < s->end ?
		    s->anchor : s->start, &m->line, &m->col);
		pyast_position(t, s->end, &m->end_line, &m->end_col);
		m->occurrence = occ[i];
		m->scope = xstrdup(w.scopes[s->scope]);
		if (s->param != 0) {
			p = &opts->params[s->param - 1];
			/* The seed chooses the text: a new seed, a new mutant. */
			name = xasprintf("%s(%s,%s)#%llu", m->operator, p->cause,
			    p->effect != NULL ? p->effect : "",
			    (unsigned long long)opts->seed);
			mutant_make_id(m->id, path, name, m->scope, k[i]);
			free(name);
		} else
			mutant_make_id(m->id, path, m->operator, m->scope, k[i]);
	}
	if (out->n > first)
		pragma_apply(t, out->v + first, out->n - first);
	free(occ);
	free(k);

	free(w.v);
	for (i = 0; i < w.nscopes; i++)
		free(w.scopes[i]);
	free(w.scopes);
	free(selected);
	pyast_free(t);
	return 0;
}

int
operators_enumerate(const char *path, const char *src, size_t len,
    struct mutant_list *out, char **cause)
{
	return operators_enumerate_opts(path, src, len, NULL, out, cause);
}
