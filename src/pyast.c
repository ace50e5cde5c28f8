/* pyast.c: parse Python with tree-sitter-python and copy the tree into a flat array of nodes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "pyast.h"
#include "util.h"

const TSLanguage *tree_sitter_python(void);

static const struct {
	const char	*name;
	int		 named;
} kinds[PYAST_NKINDS] = {
	[PYAST_OTHER] = { "(other)", 1 },
	[PYAST_OTHER_TOKEN] = { "(token)", 0 },
	[PYAST_ERROR] = { "ERROR", 1 },
#define PYAST_KIND_NAME(e, n, named) [PYAST_##e] = { n, named },
	PYAST_KINDS(PYAST_KIND_NAME)
#undef PYAST_KIND_NAME
};

static const char *const fields[PYAST_NFIELDS] = {
	[PYAST_FIELD_NONE] = "",
#define PYAST_FIELD_NAME(e, n) [PYAST_FIELD_##e] = n,
	PYAST_FIELDS(PYAST_FIELD_NAME)
#undef PYAST_FIELD_NAME
};

/* The language's symbols and fields mapped to our kinds and fields, built once. */
#define MAX_SYMBOLS 2048
#define MAX_FIELDS 256
static const TSLanguage	*language;
static uint16_t		 symbol_kinds[MAX_SYMBOLS];
static uint32_t		 nsymbols;
static uint8_t		 field_ids[MAX_FIELDS];
static uint32_t		 nfields;

static void
language_init(void)
{
	const char	*name;
	TSSymbolType	 type;
	uint32_t	 i;
	int		 k, named;

	if (language != NULL)
		return;
	ts_set_allocator(xmalloc, xcalloc, xrealloc, free);
	language = tree_sitter_python();

	nsymbols = ts_language_symbol_count(language);
	if (nsymbols > MAX_SYMBOLS)
		nsymbols = MAX_SYMBOLS;
	for (i = 0; i < nsymbols; i++) {
		name = ts_language_symbol_name(language, (TSSymbol)i);
		type = ts_language_symbol_type(language, (TSSymbol)i);
		named = type == TSSymbolTypeRegular;
		symbol_kinds[i] = named ? PYAST_OTHER : PYAST_OTHER_TOKEN;
		if (name == NULL || type == TSSymbolTypeAuxiliary)
			continue;
		for (k = PYAST_ERROR + 1; k < PYAST_NKINDS; k++) {
			if (kinds[k].named == named &&
			    strcmp(kinds[k].name, name) == 0) {
				symbol_kinds[i] = (uint16_t)k;
				break;
			}
		}
	}

	nfields = ts_language_field_count(language) + 1;
	if (nfields > MAX_FIELDS)
		nfields = MAX_FIELDS;
	for (i = 1; i < nfields; i++) {
		name = ts_language_field_name_for_id(language, (TSFieldId)i);
		if (name == NULL)
			continue;
		for (k = 1; k < PYAST_NFIELDS; k++) {
			if (strcmp(fields[k], name) == 0) {
				field_ids[i] = (uint8_t)k;
				break;
			}
		}
	}
}

const char *
pyast_kind_name(int kind)
{
	if (kind < 0 || kind >= PYAST_NKINDS)
		return "?";
	return kinds[kind].name;
}

/* Rows start after each '\n', as tree-sitter counts them; row 0 starts after the BOM. */
static void
lines_build(struct pyast *t)
{
	size_t	cap = 64, ccap = 0, i;

	t->lines = xreallocarray(NULL, cap, sizeof *t->lines);
	t->lines[0] = t->bom;
	t->nlines = 1;
	for (i = t->bom; i < t->len; i++) {
		if (((unsigned char)t->src[i] & 0xc0) == 0x80) {
			if (t->ncont == ccap) {
				ccap = ccap == 0 ? 64 : ccap * 2;
				t->cont = xreallocarray(t->cont, ccap,
				    sizeof *t->cont);
			}
			t->cont[t->ncont++] = (uint32_t)i;
		}
		if (t->src[i] != '\n')
			continue;
		if (t->nlines == cap) {
			cap *= 2;
			t->lines = xreallocarray(t->lines, cap, sizeof *t->lines);
		}
		t->lines[t->nlines++] = (uint32_t)(i + 1);
	}
}

/* How many of the UTF-8 continuation bytes are before offset off. */
static uint32_t
cont_before(const struct pyast *t, uint32_t off)
{
	uint32_t	lo = 0, hi = t->ncont, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->cont[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t
pyast_row(const struct pyast *t, uint32_t off)
{
	uint32_t	lo = 0, hi = t->nlines, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void
pyast_position(const struct pyast *t, uint32_t off, uint32_t *line,
    uint32_t *col)
{
	uint32_t	lo;

	if (off < t->bom)
		off = t->bom;
	if (off > t->len)
		off = (uint32_t)t->len;
	lo = pyast_row(t, off);
	/* Characters, not bytes: the continuation bytes do not count. */
	*line = lo + 1;
	*col = off - t->lines[lo] -
	    (cont_before(t, off) - cont_before(t, t->lines[lo]));
}

/*
 * Where the first error is: the innermost node on the path of first
 * children with errors. An ERROR node often spans the whole statement or
 * more, so going inside it lands nearer to the real mistake.
 */
static uint32_t
error_offset(TSNode node)
{
	TSNode		child;
	uint32_t	i, n;

	for (;;) {
		n = ts_node_child_count(node);
		for (i = 0; i < n; i++) {
			child = ts_node_child(node, i);
			if (ts_node_has_error(child) || ts_node_is_missing(child))
				break;
		}
		if (i == n)
			return ts_node_start_byte(node);
		node = child;
	}
}

/* CPython's limit on levels of indentation, column 0 the first. */
#define PY_MAX_INDENT_LEVELS	100
/* tree-sitter-python keeps each level's column in a byte. */
#define GRAMMAR_MAX_INDENT	255

/* The offset just past the string literal whose opening quote is at s[i]. */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
	char	q = s[i];

	if (i + 2 < len && s[i + 1] == q && s[i + 2] == q) {
		for (i += 3; i < len; i++) {
			if (s[i] == '\\')
				i++;
			else if (i + 2 < len && s[i] == q && s[i + 1] == q &&
			    s[i + 2] == q)
				return i + 3;
		}
		return len;
	}
	/* One quote: it ends at the line's end if not before. */
	for (i++; i < len && s[i] != q && s[i] != '\n'; i++)
		if (s[i] == '\\')
			i++;
	return i < len && s[i] == q ? i + 1 : i;
}

/* The offset just past the logical line from s[i] (brackets, strings, comments, continued lines). */
static size_t
skip_logical_line(const char *s, size_t len, size_t i)
{
	int	paren = 0;

	while (i < len) {
		switch (s[i]) {
		case '#':
			while (i < len && s[i] != '\n')
				i++;
			break;
		case '\\':
			/* A continued line (LF or CRLF), or an escape. */
			i += i + 2 < len && s[i + 1] == '\r' &&
			    s[i + 2] == '\n' ? 3 : 2;
			break;
		case '\n':
			if (paren == 0)
				return i + 1;
			i++;
			break;
		case '(': case '[': case '{':
			paren++;
			i++;
			break;
		case ')': case ']': case '}':
			if (paren > 0)
				paren--;
			i++;
			break;
		case '\'': case '"':
			i = skip_string(s, len, i);
			break;
		default:
			i++;
		}
	}
	return len;
}

/*
 * Indentation that explains a syntax error: past PY_MAX_INDENT_LEVELS, or
 * past column GRAMMAR_MAX_INDENT, which tree-sitter-python cannot parse.
 * Looks at the start of each logical line, as Python's tokenizer sees them;
 * returns 1 with *off at the first such line's first token, *width its
 * indentation and *deep whether the levels (else the column) are too many,
 * or 0.
 */
static int
indent_problem(const char *s, size_t len, size_t *off, uint32_t *width,
    int *deep)
{
	uint32_t	stack[PY_MAX_INDENT_LEVELS - 1], c;
	size_t		i = 0, nstack = 0;

	while (i < len) {
		c = 0;
		for (; i < len && (s[i] == ' ' || s[i] == '\t' ||
		    s[i] == '\f'); i++)
			c = s[i] == '\t' ? (c / 8 + 1) * 8 : s[i] == ' ' ? c + 1 : 0;
		if (i == len)
			break;
		if (s[i] == '#' || s[i] == '\n' || s[i] == '\r') {
			/* A blank or comment line: not indentation. */
			while (i < len && s[i] != '\n')
				i++;
			i++;
			continue;
		}
		*off = i;
		*width = c;
		if (c > 0 && (nstack == 0 || c > stack[nstack - 1])) {
			if (nstack == PY_MAX_INDENT_LEVELS - 1) {
				*deep = 1;
				return 1;
			}
			stack[nstack++] = c;
		} else
			while (nstack > 0 && c < stack[nstack - 1])
				nstack--;
		if (c > GRAMMAR_MAX_INDENT) {
			*deep = 0;
			return 1;
		}
		i = skip_logical_line(s, len, i);
	}
	return 0;
}

static int32_t
node_add(struct pyast *t, size_t *cap, TSTreeCursor *c, int32_t parent)
{
	TSNode			 node = ts_tree_cursor_current_node(c);
	TSSymbol		 sym = ts_node_symbol(node);
	TSFieldId		 fid = ts_tree_cursor_current_field_id(c);
	TSPoint			 sp = ts_node_start_point(node);
	TSPoint			 ep = ts_node_end_point(node);
	struct pyast_node	*p;

	if (t->n == *cap) {
		*cap *= 2;
		t->v = xreallocarray(t->v, *cap, sizeof *t->v);
	}
	p = &t->v[t->n];
	p->start = ts_node_start_byte(node) + t->bom;
	p->end = ts_node_end_byte(node) + t->bom;
	p->start_row = sp.row;
	p->start_col = sp.column;
	p->end_row = ep.row;
	p->end_col = ep.column;
	p->parent = parent;
	p->child = -1;
	p->next = -1;
	p->subtree_end = t->n + 1;
	if (sym < nsymbols)
		p->kind = symbol_kinds[sym];
	else if (ts_node_is_named(node))
		p->kind = PYAST_OTHER;
	else
		p->kind = PYAST_OTHER_TOKEN;
	p->field = fid < nfields ? field_ids[fid] : PYAST_FIELD_NONE;
	p->flags = 0;
	if (ts_node_is_named(node))
		p->flags |= PYAST_NAMED;
	if (ts_node_is_extra(node))
		p->flags |= PYAST_EXTRA;
	return (int32_t)t->n++;
}

/* Copy the tree in pre-order, linking parents, first children and siblings. */
static void
tree_copy(struct pyast *t, TSNode root)
{
	TSTreeCursor	 c = ts_tree_cursor_new(root);
	size_t		 cap = 1024, scap = 64, depth = 0;
	int32_t		*stack, *last, i;

	t->v = xreallocarray(NULL, cap, sizeof *t->v);
	stack = xreallocarray(NULL, scap, sizeof *stack);
	last = xreallocarray(NULL, scap, sizeof *last);
	i = node_add(t, &cap, &c, -1);
	for (;;) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (depth == scap) {
				scap *= 2;
				stack = xreallocarray(stack, scap, sizeof *stack);
				last = xreallocarray(last, scap, sizeof *last);
			}
			stack[depth] = i;
			last[depth] = -1;
			depth++;
		} else {
			for (;;) {
				if (depth == 0)
					goto done;
				if (ts_tree_cursor_goto_next_sibling(&c))
					break;
				ts_tree_cursor_goto_parent(&c);
				depth--;
				t->v[stack[depth]].subtree_end = t->n;
			}
		}
		i = node_add(t, &cap, &c, stack[depth - 1]);
		if (last[depth - 1] == -1)
			t->v[stack[depth - 1]].child = i;
		else
			t->v[last[depth - 1]].next = i;
		last[depth - 1] = i;
	}
done:
	t->v[0].subtree_end = t->n;
	free(last);
	free(stack);
	ts_tree_cursor_delete(&c);
}

static struct pyast *
parse(const char *src, size_t len, int build, char **cause)
{
	struct pyast	*t;
	TSParser	*parser;
	TSTree		*tree;
	TSNode		 root;
	size_t		 off;
	uint32_t	 bom = 0, line, col, width;
	int		 deep;

	if (len >= UINT32_MAX - 8) {
		cause_set(cause, "1:0: file too large");
		return NULL;
	}
	language_init();
	if (src == NULL)
		src = "";
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		bom = 3;

	/*
	 * A new parser each time: with tree-sitter 0.20.7, a parser reused
	 * after incremental reparses reported errors in valid files.
	 */
	parser = ts_parser_new();
	if (!ts_parser_set_language(parser, language)) {
		ts_parser_delete(parser);
		cause_set(cause, "1:0: tree-sitter-python has an ABI this "
		    "tree-sitter cannot load");
		return NULL;
	}
	tree = ts_parser_parse_string_encoding(parser, NULL, src + bom,
	    (uint32_t)(len - bom), TSInputEncodingUTF8);
	ts_parser_delete(parser);
	if (tree == NULL) {
		cause_set(cause, "1:0: parser failed");
		return NULL;
	}
	root = ts_tree_root_node(tree);

	t = xcalloc(1, sizeof *t);
	t->src = src;
	t->len = len;
	t->bom = bom;
	lines_build(t);
	if (ts_node_has_error(root)) {
		if (indent_problem(src + bom, len - bom, &off, &width, &deep)) {
			pyast_position(t, (uint32_t)(off + bom), &line, &col);
			if (deep)
				cause_set(cause, "%u:%u: too many levels of "
				    "indentation", line, col);
			else
				cause_set(cause, "%u:%u: indented %u columns, "
				    "past the %d that the Python grammar in "
				    "use can parse", line, col, width,
				    GRAMMAR_MAX_INDENT);
		} else {
			pyast_position(t, error_offset(root) + bom, &line,
			    &col);
			cause_set(cause, "%u:%u: syntax error", line, col);
		}
		pyast_free(t);
		ts_tree_delete(tree);
		return NULL;
	}
	if (build)
		tree_copy(t, root);
	ts_tree_delete(tree);
	return t;
}

struct pyast *
pyast_parse(const char *src, size_t len, char **cause)
{
	return parse(src, len, 1, cause);
}

int
pyast_check(const char *src, size_t len, char **cause)
{
	struct pyast	*t;

	if ((t = parse(src, len, 0, cause)) == NULL)
		return -1;
	pyast_free(t);
	return 0;
}

void
pyast_free(struct pyast *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->lines);
	free(t->cont);
	free(t);
}

int32_t
pyast_field_child(const struct pyast *t, int32_t i, int field)
{
	int32_t	c;

	for (c = t->v[i].child; c != -1; c = t->v[c].next) {
		if (t->v[c].field == field)
			return c;
	}
	return -1;
}

int
pyast_is_statement(const struct pyast *t, int32_t i)
{
	const struct pyast_node	*n = &t->v[i];
	int			 up;

	if ((n->flags & PYAST_EXTRA) || !(n->flags & PYAST_NAMED) ||
	    n->parent == -1)
		return 0;
	switch (n->kind) {
	case PYAST_ELIF_CLAUSE:
	case PYAST_ELSE_CLAUSE:
	case PYAST_EXCEPT_CLAUSE:
	case PYAST_EXCEPT_GROUP_CLAUSE:
	case PYAST_FINALLY_CLAUSE:
	case PYAST_CASE_CLAUSE:
	case PYAST_FUNCTION_DEFINITION:
	case PYAST_CLASS_DEFINITION:
		return 1;
	default:
		up = t->v[n->parent].kind;
		return up == PYAST_MODULE || up == PYAST_BLOCK;
	}
}
