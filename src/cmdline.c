/* cmdline.c: reading a shell command line, to give its Python processes crmake's hooks. */
#include "config.h"

#include <string.h>

#include "cmdline.h"
#include "util.h"

/*
 * A test command often sets PYTHONPATH itself (`env PYTHONPATH=src python3
 * -m pytest`), which would replace the PYTHONPATH that carries crmake's
 * hooks. Every shell word that starts with an unquoted PYTHONPATH= is taken
 * for such an assignment, wherever it stands: before a command, after env,
 * export, timeout, nice, xvfb-run or sudo, or as a make variable. The lexer
 * follows the POSIX shell's rules far enough to find the words: the three
 * kinds of quoting, $(...), ${...} and backquotes as parts of words,
 * comments, control operators and redirections. Text it does not follow (a
 * here-document) ends the search, so nothing after it is changed.
 */

struct lexer {
	const char	*s;
	size_t		 i;
	int		 stop;		/* text this lexer does not follow */
};

/* Skip to the end of a quoted or nested part starting at s[i]; return the index after it. */
static size_t skip_part(const char *, size_t);

static size_t
skip_single(const char *s, size_t i)
{
	for (i++; s[i] != '\0' && s[i] != '\''; i++)
		;
	return s[i] == '\0' ? i : i + 1;
}

static size_t
skip_double(const char *s, size_t i)
{
	for (i++; s[i] != '\0' && s[i] != '"'; ) {
		if (s[i] == '\\' && s[i + 1] != '\0')
			i += 2;
		else if (s[i] == '$' || s[i] == '`')
			i = skip_part(s, i);
		else
			i++;
	}
	return s[i] == '\0' ? i : i + 1;
}

static size_t
skip_backquote(const char *s, size_t i)
{
	for (i++; s[i] != '\0' && s[i] != '`'; ) {
		if (s[i] == '\\' && s[i + 1] != '\0')
			i += 2;
		else
			i++;
	}
	return s[i] == '\0' ? i : i + 1;
}

/* $( ... ), $(( ... )) or ${ ... }: to the matching close, minding quotes. */
static size_t
skip_nested(const char *s, size_t i, char open, char close)
{
	int	depth = 1;

	for (i += 2; s[i] != '\0' && depth > 0; ) {
		if (s[i] == '\\' && s[i + 1] != '\0')
			i += 2;
		else if (s[i] == '\'' )
			i = skip_single(s, i);
		else if (s[i] == '"')
			i = skip_double(s, i);
		else if (s[i] == '`')
			i = skip_backquote(s, i);
		else if (s[i] == '$' && (s[i + 1] == '(' || s[i + 1] == '{'))
			i = skip_part(s, i);
		else {
			if (s[i] == open)
				depth++;
			else if (s[i] == close)
				depth--;
			i++;
		}
	}
	return i;
}

static size_t
skip_part(const char *s, size_t i)
{
	switch (s[i]) {
	case '\'':
		return skip_single(s, i);
	case '"':
		return skip_double(s, i);
	case '`':
		return skip_backquote(s, i);
	case '$':
		if (s[i + 1] == '(')
			return skip_nested(s, i, '(', ')');
		if (s[i + 1] == '{')
			return skip_nested(s, i, '{', '}');
		return i + 1;
	default:
		return i + 1;
	}
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_meta(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == ';' ||
	    c == '&' || c == '|' || c == '(' || c == ')' || c == '<' ||
	    c == '>';
}

enum token { TOK_END, TOK_WORD, TOK_CONTROL, TOK_REDIRECT };

/* The next token: a word is [*start, *end). */
static enum token
lex(struct lexer *lx, size_t *start, size_t *end)
{
	const char	*s = lx->s;
	size_t		 i = lx->i, j;

	for (;;) {
		while (is_blank(s[i]) || (s[i] == '\\' && s[i + 1] == '\n'))
			i += s[i] == '\\' ? 2 : 1;
		if (s[i] != '#')
			break;
		while (s[i] != '\0' && s[i] != '\n')
			i++;
	}
	*start = i;
	if (s[i] == '\0' || lx->stop) {
		lx->i = i;
		return TOK_END;
	}
	/* An IO number (2>) belongs to the redirection. */
	for (j = i; s[j] >= '0' && s[j] <= '9'; j++)
		;
	if (s[j] == '<' || s[j] == '>') {
		if (s[j] == '<' && s[j + 1] == '<') {
			lx->stop = 1;
			lx->i = j;
			return TOK_END;
		}
		j++;
		if (s[j] == '>' || s[j] == '&' || s[j] == '|')
			j++;
		*end = lx->i = j;
		return TOK_REDIRECT;
	}
	if (s[i] == '&' && s[i + 1] == '>') {
		j = i + 2;
		if (s[j] == '>')
			j++;
		*end = lx->i = j;
		return TOK_REDIRECT;
	}
	if (s[i] == '\n' || s[i] == ';' || s[i] == '&' || s[i] == '|' ||
	    s[i] == '(' || s[i] == ')') {
		j = i + 1;
		if ((s[i] == '&' || s[i] == '|' || s[i] == ';') && s[j] == s[i])
			j++;
		*end = lx->i = j;
		return TOK_CONTROL;
	}
	for (j = i; !is_meta(s[j]); ) {
		if (s[j] == '\\' && s[j + 1] != '\0')
			j += 2;
		else
			j = skip_part(s, j);
	}
	*end = lx->i = j;
	return TOK_WORD;
}

/* The length of the NAME in a NAME=value word, or 0 if it is not one. */
static size_t
assignment_name(const char *w, size_t len)
{
	size_t	i;

	if (len == 0 || !((w[0] >= 'A' && w[0] <= 'Z') ||
	    (w[0] >= 'a' && w[0] <= 'z') || w[0] == '_'))
		return 0;
	for (i = 1; i < len; i++) {
		if (w[i] == '=')
			return i;
		if (!((w[i] >= 'A' && w[i] <= 'Z') ||
		    (w[i] >= 'a' && w[i] <= 'z') ||
		    (w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
			return 0;
	}
	return 0;
}

char *
cmdline_pythonpath(const char *cmd, const char *dir, int *count)
{
	struct lexer	 lx = { cmd, 0, 0 };
	struct buf	 out = { 0 };
	enum token	 t;
	size_t		 start, end, copied = 0, name, vstart;
	int		 redirect = 0;
	const char	*v;

	*count = 0;
	while ((t = lex(&lx, &start, &end)) != TOK_END) {
		if (t != TOK_WORD) {
			redirect = t == TOK_REDIRECT;
			continue;
		}
		/* The file a redirection names is not an assignment. */
		if (redirect) {
			redirect = 0;
			continue;
		}
		name = assignment_name(cmd + start, end - start);
		if (name != 10 || strncmp(cmd + start, "PYTHONPATH", 10) != 0)
			continue;
		vstart = start + name + 1;
		buf_add(&out, cmd + copied, vstart - copied);
		copied = vstart;
		buf_add_shquoted(&out, dir);
		/* An empty value stays without an empty entry after ours. */
		v = cmd + vstart;
		if (!(vstart == end || (end - vstart == 2 &&
		    ((v[0] == '\'' && v[1] == '\'') ||
		    (v[0] == '"' && v[1] == '"')))))
			buf_addc(&out, ':');
		(*count)++;
	}
	buf_adds(&out, cmd + copied);
	return buf_detach(&out);
}
