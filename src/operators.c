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

/* A planned mutant before it gets its numbers and ID. */
struct site {
	uint16_t	 op;		/* index in the ID registry */
	uint32_t	 anchor;	/* where Cosmic Ray's pre-order meets it */
	uint32_t	 start;
	uint32_t	 end;
	char		*text;
	uint32_t	 scope;		/* index in walk.scopes */
	uint32_t	 seq;		/* emission order */
};

/* The state of one walk over one file. */
struct walk {
	const struct pyast	 *t;
	const char		 *src;
	struct site		 *v;
	size_t			  n;
	size_t			  cap;
	char			**scopes;	/* qualified names; [0] is "" */
	size_t			  nscopes;
	size_t			  scopes_cap;
	uint32_t		  scope;	/* the current one */
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
 * Add a site replacing [start, end) with text, padded with a space on a side
 * where it would otherwise glue to its neighbour: "a==b" becomes "a is not b",
 * and deleting the '-' of "return-x" gives "return x".
 */
static void
emit_at(struct walk *w, uint16_t op, uint32_t anchor, uint32_t start,
    uint32_t end, const char *text)
{
	const struct pyast	*t = w->t;
	struct site		*s;
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
	if (w->n == w->cap) {
		w->cap = w->cap == 0 ? 256 : w->cap * 2;
		w->v = xreallocarray(w->v, w->cap, sizeof *w->v);
	}
	s = &w->v[w->n];
	s->op = op;
	s->anchor = anchor;
	s->start = start;
	s->end = end;
	s->text = xasprintf("%s%s%s", lpad ? " " : "", text, rpad ? " " : "");
	s->scope = w->scope;
	s->seq = (uint32_t)w->n;
	w->n++;
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

/* The next sibling that is a real operand: named and not a comment. */
static int32_t
next_operand(const struct walk *w, int32_t i)
{
	for (i = node(w, i)->next; i != -1; i = node(w, i)->next) {
		if ((node(w, i)->flags & PYAST_NAMED) &&
		    !(node(w, i)->flags & PYAST_EXTRA))
			return i;
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
	int32_t	c;

	for (c = node(w, node(w, i)->parent)->child; c != -1;
	    c = node(w, c)->next) {
		if ((node(w, c)->flags & PYAST_NAMED) &&
		    !(node(w, c)->flags & PYAST_EXTRA))
			return c == i;
	}
	return 0;
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

enum { KW_TRUE, KW_FALSE, KW_AND, KW_OR };

static const char *const keyword_ids[] = {
	[KW_TRUE] = "core/ReplaceTrueWithFalse",
	[KW_FALSE] = "core/ReplaceFalseWithTrue",
	[KW_AND] = "core/ReplaceAndWithOr",
	[KW_OR] = "core/ReplaceOrWithAnd",
};

static void
keyword_declare(struct family *f)
{
	size_t	k;

	(void)f;
	for (k = 0; k < sizeof keyword_ids / sizeof keyword_ids[0]; k++)
		op_declare("%s", keyword_ids[k]);
}

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
 * or real part. await takes a primary, so no sign there either.
 */
static int
number_fits(const struct walk *w, int32_t i, const char *text)
{
	int32_t	p = node(w, i)->parent, prev;
	int	paren = text[0] == '(', sign = text[0] == '-';

	if (p == -1)
		return 1;
	switch (node(w, p)->kind) {
	case PYAST_CASE_PATTERN:
	case PYAST_COMPLEX_PATTERN:
	case PYAST_UNION_PATTERN:
	case PYAST_DICT_PATTERN:
	case PYAST_KEYWORD_PATTERN:
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
	/* Not a Python 3 literal (0777, 1L): Cosmic Ray could not eval it either. */
	if ((up = numlit_offset(w->src + n->start, n->end - n->start, 1,
	    NULL)) == NULL)
		return;
	down = numlit_offset(w->src + n->start, n->end - n->start, -1, NULL);
	if (number_fits(w, i, up))
		emit(w, f->first, n->start, n->end, up);
	if (down != NULL && number_fits(w, i, down))
		emit(w, f->first, n->start, n->end, down);
	free(up);
	free(down);
}

/* The operator table, in the order sites at the same byte are listed. */
static struct family families[] = {
	{ "core/ReplaceBinaryOperator", binary_declare, binary_visit, 0, 0 },
	{ "core/ReplaceComparisonOperator", comparison_declare,
	    comparison_visit, 0, 0 },
	{ "core/ReplaceUnaryOperator", unary_declare, unary_visit, 0, 0 },
	{ "core/Replace*With*", keyword_declare, keyword_visit, 0, 0 },
	{ "core/NumberReplacer", number_declare, number_visit, 0, 0 },
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
	size_t			 depth = 0, cap = 0, k;
	const char		*outer;
	int32_t			 name;
	uint32_t		 i;

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
		for (k = 0; k < NFAMILIES; k++)
			families[k].visit(w, &families[k], (int32_t)i);
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

/* The numbering orders: by operator, then scope name (for k), then Cosmic Ray's order. */
static const struct walk *sort_walk;
static int sort_by_scope;

static int
site_cmp_number(const void *a, const void *b)
{
	const struct site	*x = *(struct site *const *)a;
	const struct site	*y = *(struct site *const *)b;
	int			 c;

	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
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
 * sites of the same operator, Cosmic Ray's occurrence; k the index among
 * those that also share the scope name, which goes into the ID.
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
			if (i > 0 && (order[i]->op != order[i - 1]->op ||
			    (pass == 1 && strcmp(w->scopes[order[i]->scope],
			    w->scopes[order[i - 1]->scope]) != 0)))
				first = i;
			(pass == 0 ? occ : k)[order[i] - w->v] =
			    (uint32_t)(i - first);
		}
	}
	sort_walk = NULL;
	free(order);
}

int
operators_enumerate(const char *path, const char *src, size_t len,
    struct mutant_list *out, char **cause)
{
	struct walk	 w = { 0 };
	struct pyast	*t;
	struct site	*s;
	struct mutant	*m;
	uint32_t	*k, *occ;
	size_t		 i;

	registry_init();
	if ((t = pyast_parse(src, len, cause)) == NULL)
		return -1;
	w.t = t;
	w.src = src;
	walk_tree(&w);

	if (w.n > 1)
		qsort(w.v, w.n, sizeof *w.v, site_cmp_position);
	occ = xcalloc(w.n, sizeof *occ);
	k = xcalloc(w.n, sizeof *k);
	sites_number(&w, occ, k);

	for (i = 0; i < w.n; i++) {
		s = &w.v[i];
		m = mutant_list_push(out);
		m->operator = xstrdup(op_names[s->op]);
		m->start = s->start;
		m->end = s->end;
		m->replacement = s->text;
		s->text = NULL;
		pyast_position(t, s->start, &m->line, &m->col);
		pyast_position(t, s->end, &m->end_line, &m->end_col);
		m->occurrence = occ[i];
		m->scope = xstrdup(w.scopes[s->scope]);
		mutant_make_id(m->id, path, m->operator, m->scope, k[i]);
	}
	free(occ);
	free(k);

	free(w.v);
	for (i = 0; i < w.nscopes; i++)
		free(w.scopes[i]);
	free(w.scopes);
	pyast_free(t);
	return 0;
}
