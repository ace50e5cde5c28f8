/* pyast.h: Python syntax trees from tree-sitter-python, behind one small interface. */
#ifndef CR_PYAST_H
#define CR_PYAST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Node kinds this program looks at: X(enum suffix, tree-sitter name, named).
 * Named kinds are grammar rules; the others are anonymous tokens (operators,
 * keywords). Any other node gets PYAST_OTHER (named) or PYAST_OTHER_TOKEN.
 */
#define PYAST_KINDS(X) \
	X(MODULE, "module", 1) \
	X(FUNCTION_DEFINITION, "function_definition", 1) \
	X(CLASS_DEFINITION, "class_definition", 1) \
	X(DECORATED_DEFINITION, "decorated_definition", 1) \
	X(DECORATOR, "decorator", 1) \
	X(LAMBDA, "lambda", 1) \
	X(TYPE, "type", 1) \
	X(TYPE_ALIAS_STATEMENT, "type_alias_statement", 1) \
	X(FUTURE_IMPORT_STATEMENT, "future_import_statement", 1) \
	X(BINARY_OPERATOR, "binary_operator", 1) \
	X(COMPARISON_OPERATOR, "comparison_operator", 1) \
	X(UNARY_OPERATOR, "unary_operator", 1) \
	X(NOT_OPERATOR, "not_operator", 1) \
	X(BOOLEAN_OPERATOR, "boolean_operator", 1) \
	X(CONDITIONAL_EXPRESSION, "conditional_expression", 1) \
	X(AWAIT, "await", 1) \
	X(LIST_SPLAT, "list_splat", 1) \
	X(DICTIONARY_SPLAT, "dictionary_splat", 1) \
	X(PARENTHESIZED_LIST_SPLAT, "parenthesized_list_splat", 1) \
	X(TRUE, "true", 1) \
	X(FALSE, "false", 1) \
	X(NONE, "none", 1) \
	X(INTEGER, "integer", 1) \
	X(FLOAT, "float", 1) \
	X(IDENTIFIER, "identifier", 1) \
	X(STRING, "string", 1) \
	X(CONCATENATED_STRING, "concatenated_string", 1) \
	X(INTERPOLATION, "interpolation", 1) \
	X(COMMENT, "comment", 1) \
	X(ATTRIBUTE, "attribute", 1) \
	X(SUBSCRIPT, "subscript", 1) \
	X(CALL, "call", 1) \
	X(ARGUMENT_LIST, "argument_list", 1) \
	X(KEYWORD_ARGUMENT, "keyword_argument", 1) \
	X(PARENTHESIZED_EXPRESSION, "parenthesized_expression", 1) \
	X(EXPRESSION_STATEMENT, "expression_statement", 1) \
	X(BLOCK, "block", 1) \
	X(IF_STATEMENT, "if_statement", 1) \
	X(ELIF_CLAUSE, "elif_clause", 1) \
	X(ELSE_CLAUSE, "else_clause", 1) \
	X(WHILE_STATEMENT, "while_statement", 1) \
	X(FOR_STATEMENT, "for_statement", 1) \
	X(FOR_IN_CLAUSE, "for_in_clause", 1) \
	X(ASSERT_STATEMENT, "assert_statement", 1) \
	X(TRY_STATEMENT, "try_statement", 1) \
	X(EXCEPT_CLAUSE, "except_clause", 1) \
	X(EXCEPT_GROUP_CLAUSE, "except_group_clause", 1) \
	X(BREAK_STATEMENT, "break_statement", 1) \
	X(CONTINUE_STATEMENT, "continue_statement", 1) \
	X(RETURN_STATEMENT, "return_statement", 1) \
	X(PASS_STATEMENT, "pass_statement", 1) \
	X(PRINT_STATEMENT, "print_statement", 1) \
	X(EXEC_STATEMENT, "exec_statement", 1) \
	X(AUGMENTED_ASSIGNMENT, "augmented_assignment", 1) \
	X(ASSIGNMENT, "assignment", 1) \
	X(PARAMETERS, "parameters", 1) \
	X(LAMBDA_PARAMETERS, "lambda_parameters", 1) \
	X(KEYWORD_SEPARATOR, "keyword_separator", 1) \
	X(POSITIONAL_SEPARATOR, "positional_separator", 1) \
	X(MATCH_STATEMENT, "match_statement", 1) \
	X(CASE_CLAUSE, "case_clause", 1) \
	X(CASE_PATTERN, "case_pattern", 1) \
	X(COMPLEX_PATTERN, "complex_pattern", 1) \
	X(UNION_PATTERN, "union_pattern", 1) \
	X(DICT_PATTERN, "dict_pattern", 1) \
	X(KEYWORD_PATTERN, "keyword_pattern", 1) \
	X(NAMED_EXPRESSION, "named_expression", 1) \
	X(TUPLE, "tuple", 1) \
	X(LIST, "list", 1) \
	X(EXPRESSION_LIST, "expression_list", 1) \
	X(PATTERN_LIST, "pattern_list", 1) \
	X(TUPLE_PATTERN, "tuple_pattern", 1) \
	X(LIST_PATTERN, "list_pattern", 1) \
	X(LIST_SPLAT_PATTERN, "list_splat_pattern", 1) \
	X(DICTIONARY_SPLAT_PATTERN, "dictionary_splat_pattern", 1) \
	X(AS_PATTERN, "as_pattern", 1) \
	X(DEFAULT_PARAMETER, "default_parameter", 1) \
	X(FINALLY_CLAUSE, "finally_clause", 1) \
	X(STRING_START, "string_start", 1) \
	X(STRING_END, "string_end", 1) \
	X(LIST_COMPREHENSION, "list_comprehension", 1) \
	X(SET_COMPREHENSION, "set_comprehension", 1) \
	X(DICTIONARY_COMPREHENSION, "dictionary_comprehension", 1) \
	X(GENERATOR_EXPRESSION, "generator_expression", 1) \
	X(T_ADD, "+", 0) \
	X(T_SUB, "-", 0) \
	X(T_MUL, "*", 0) \
	X(T_DIV, "/", 0) \
	X(T_FLOORDIV, "//", 0) \
	X(T_MOD, "%", 0) \
	X(T_POW, "**", 0) \
	X(T_RSHIFT, ">>", 0) \
	X(T_LSHIFT, "<<", 0) \
	X(T_BITOR, "|", 0) \
	X(T_BITAND, "&", 0) \
	X(T_BITXOR, "^", 0) \
	X(T_MATMUL, "@", 0) \
	X(T_INVERT, "~", 0) \
	X(T_EQ, "==", 0) \
	X(T_NOTEQ, "!=", 0) \
	X(T_LT, "<", 0) \
	X(T_LTE, "<=", 0) \
	X(T_GT, ">", 0) \
	X(T_GTE, ">=", 0) \
	X(T_LTGT, "<>", 0) \
	X(T_IS, "is", 0) \
	X(T_ISNOT, "is not", 0) \
	X(T_IN, "in", 0) \
	X(T_NOTIN, "not in", 0) \
	X(T_NOT, "not", 0) \
	X(T_AND, "and", 0) \
	X(T_OR, "or", 0) \
	X(T_DEF, "def", 0) \
	X(T_CLASS, "class", 0) \
	X(T_ASYNC, "async", 0) \
	X(T_AWAIT, "await", 0) \
	X(T_LAMBDA, "lambda", 0) \
	X(T_IF, "if", 0) \
	X(T_ELSE, "else", 0) \
	X(T_FOR, "for", 0) \
	X(T_WHILE, "while", 0) \
	X(T_BREAK, "break", 0) \
	X(T_CONTINUE, "continue", 0) \
	X(T_EXCEPT, "except", 0) \
	X(T_COLON, ":", 0) \
	X(T_COMMA, ",", 0) \
	X(T_LPAREN, "(", 0) \
	X(T_RPAREN, ")", 0) \
	X(T_ASSIGN, "=", 0) \
	X(T_IADD, "+=", 0) \
	X(T_ISUB, "-=", 0) \
	X(T_IMUL, "*=", 0) \
	X(T_IDIV, "/=", 0) \
	X(T_IFLOORDIV, "//=", 0) \
	X(T_IMOD, "%=", 0) \
	X(T_IPOW, "**=", 0) \
	X(T_IRSHIFT, ">>=", 0) \
	X(T_ILSHIFT, "<<=", 0) \
	X(T_IBITOR, "|=", 0) \
	X(T_IBITAND, "&=", 0) \
	X(T_IBITXOR, "^=", 0) \
	X(T_IMATMUL, "@=", 0)

/* Field names this program looks at: X(enum suffix, tree-sitter name). */
#define PYAST_FIELDS(X) \
	X(OPERATOR, "operator") \
	X(OPERATORS, "operators") \
	X(LEFT, "left") \
	X(RIGHT, "right") \
	X(ARGUMENT, "argument") \
	X(NAME, "name") \
	X(BODY, "body") \
	X(DEFINITION, "definition") \
	X(PARAMETERS, "parameters") \
	X(RETURN_TYPE, "return_type") \
	X(TYPE, "type") \
	X(VALUE, "value") \
	X(CONDITION, "condition") \
	X(CONSEQUENCE, "consequence") \
	X(ALTERNATIVE, "alternative") \
	X(FUNCTION, "function") \
	X(ARGUMENTS, "arguments") \
	X(OBJECT, "object") \
	X(ATTRIBUTE, "attribute") \
	X(SUBSCRIPT, "subscript") \
	X(SUPERCLASSES, "superclasses") \
	X(TYPE_PARAMETERS, "type_parameters") \
	X(SUBJECT, "subject") \
	X(GUARD, "guard")

enum pyast_kind {
	PYAST_OTHER,		/* a named node not listed above */
	PYAST_OTHER_TOKEN,	/* an anonymous token not listed above */
	PYAST_ERROR,		/* only seen while looking for syntax errors */
#define PYAST_KIND_ENUM(e, name, named) PYAST_##e,
	PYAST_KINDS(PYAST_KIND_ENUM)
#undef PYAST_KIND_ENUM
	PYAST_NKINDS
};

enum pyast_field {
	PYAST_FIELD_NONE,
#define PYAST_FIELD_ENUM(e, name) PYAST_FIELD_##e,
	PYAST_FIELDS(PYAST_FIELD_ENUM)
#undef PYAST_FIELD_ENUM
	PYAST_NFIELDS
};

/* Node flags. */
#define PYAST_NAMED	0x1	/* a grammar rule, not an anonymous token */
#define PYAST_EXTRA	0x2	/* may appear anywhere, e.g. a comment */

/*
 * One node. Nodes are stored in pre-order, so the subtree of node i is the
 * index range [i, i.subtree_end). Byte offsets count from the start of the
 * whole text (a UTF-8 byte order mark included); rows are 0-based and
 * columns are bytes from the start of the row (after the mark on row 0).
 */
struct pyast_node {
	uint32_t	start;
	uint32_t	end;
	uint32_t	start_row;
	uint32_t	start_col;
	uint32_t	end_row;
	uint32_t	end_col;
	int32_t		parent;		/* index or -1 */
	int32_t		child;		/* first child or -1 */
	int32_t		next;		/* next sibling or -1 */
	uint32_t	subtree_end;	/* one past the last descendant */
	uint16_t	kind;		/* enum pyast_kind */
	uint8_t		field;		/* enum pyast_field, as a child of its parent */
	uint8_t		flags;
};

/* A parsed file. The text is borrowed: it must outlive the tree. */
struct pyast {
	const char		*src;
	size_t			 len;
	uint32_t		 bom;		/* 3 if the text starts with a UTF-8 BOM */
	struct pyast_node	*v;		/* v[0] is the module */
	uint32_t		 n;
	uint32_t		*lines;		/* byte offset of the start of each row */
	uint32_t		 nlines;
	uint32_t		*cont;		/* offsets of UTF-8 continuation bytes */
	uint32_t		 ncont;
};

/* Parse src; NULL with *cause "LINE:COL: syntax error" if it has an error. */
struct pyast *pyast_parse(const char *src, size_t len, char **cause);
/* Free a tree. */
void pyast_free(struct pyast *);
/* Return 0 if src parses as Python without error, else -1 with *cause "LINE:COL: message". */
int pyast_check(const char *src, size_t len, char **cause);
/* Line (1-based) and column (0-based, in characters) of a byte offset. */
void pyast_position(const struct pyast *, uint32_t off, uint32_t *line,
    uint32_t *col);
/* The row (0-based) holding a byte offset; an offset past a newline is on the next row. */
uint32_t pyast_row(const struct pyast *, uint32_t off);
/* The tree-sitter name of a kind. */
const char *pyast_kind_name(int kind);
/*
 * Whether node i is a statement (a child of the module or of a block), or
 * a clause or definition that Python reports on a line of its own (elif,
 * else, except, finally, case, def, class).
 */
int pyast_is_statement(const struct pyast *, int32_t i);
/* The first child of node i with the given field, or -1. */
int32_t pyast_field_child(const struct pyast *, int32_t i, int field);

#endif
