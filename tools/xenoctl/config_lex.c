/* config_lex.c - the lexer of domain configuration files: tokens of xl.cfg's syntax. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_lex.h"

void config_lex_init(struct config_lexer *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->col = 1;
}

int config_lex_error(struct config_lexer *lx, unsigned int line,
		     unsigned int col, const char *fmt, ...)
{
	va_list ap;

	if (lx->err[0])
		return -EINVAL;
	lx->err_line = line;
	lx->err_col = col;
	va_start(ap, fmt);
	vsnprintf(lx->err, sizeof(lx->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Step over one byte that is not a newline. */
static void lex_advance(struct config_lexer *lx)
{
	lx->p++;
	lx->col++;
}

static int lex_is_ident(int c, int first)
{
	return isalpha(c) || c == '_' || (!first && isdigit(c));
}

/* The value of hex digit c, or -1. */
static int lex_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* An integer at lx->p: decimal without leading zeros, or 0x hex. The
 * whole run of [0-9A-Za-z_.] is the number, so "12k" or "1.5" is one
 * bad number rather than a number and a surprise. */
static int lex_number(struct config_lexer *lx, struct config_token *tok)
{
	const char *s = lx->p, *q = s;
	int base = 10, len;
	long long v = 0;

	while (q < lx->end && (isalnum((unsigned char)*q) || *q == '_' || *q == '.'))
		q++;
	len = (int)(q - s);
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (s == q)
			return config_lex_error(lx, tok->line, tok->col,
				"'%.*s' is not a number", len, lx->p);
	} else if (len > 1 && s[0] == '0') {
		return config_lex_error(lx, tok->line, tok->col,
			"'%.*s': leading zero (write decimal, or 0x for hex)",
			len, lx->p);
	}
	for (; s < q; s++) {
		int d = lex_hexval((unsigned char)*s);

		if (d < 0 || d >= base)
			return config_lex_error(lx, tok->line, tok->col,
				"'%.*s' is not a number", len, lx->p);
		if (v > (LLONG_MAX - d) / base)
			return config_lex_error(lx, tok->line, tok->col,
				"'%.*s': number too large", len, lx->p);
		v = v * base + d;
	}
	tok->kind = CONFIG_TOK_INT;
	tok->num = v;
	tok->len = (size_t)len;
	lx->p = q;
	lx->col += (unsigned int)len;
	return 0;
}

/* One escape after a backslash at lx->p - 1; appends to out. */
static int lex_escape(struct config_lexer *lx, char *out, size_t *n)
{
	unsigned int col = lx->col - 1;
	int hi, lo;

	if (lx->p >= lx->end || *lx->p == '\n')
		return config_lex_error(lx, lx->line, col, "unterminated string");
	switch (*lx->p) {
	case '\\': case '\'': case '"':
		out[(*n)++] = *lx->p;
		break;
	case 'n':
		out[(*n)++] = '\n';
		break;
	case 't':
		out[(*n)++] = '\t';
		break;
	case 'r':
		out[(*n)++] = '\r';
		break;
	case 'x':
		if (lx->end - lx->p < 3 ||
		    (hi = lex_hexval((unsigned char)lx->p[1])) < 0 ||
		    (lo = lex_hexval((unsigned char)lx->p[2])) < 0)
			return config_lex_error(lx, lx->line, col,
				"\\x needs two hex digits");
		if (hi == 0 && lo == 0)
			return config_lex_error(lx, lx->line, col,
				"\\x00: strings cannot hold a NUL");
		out[(*n)++] = (char)(hi << 4 | lo);
		lex_advance(lx);
		lex_advance(lx);
		break;
	default:
		return config_lex_error(lx, lx->line, col,
			"unknown escape '\\%c'", isprint((unsigned char)*lx->p) ? *lx->p : '?');
	}
	lex_advance(lx);
	return 0;
}

/* A string in '...' or "...", on one line, with \\ \' \" \n \t \r \xHH. */
static int lex_string(struct config_lexer *lx, struct config_token *tok)
{
	char quote = *lx->p;
	size_t n = 0;
	char *out = malloc((size_t)(lx->end - lx->p) + 1);
	int ret;

	if (!out)
		return -ENOMEM;
	lex_advance(lx);
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n') {
			ret = config_lex_error(lx, tok->line, tok->col,
					       "unterminated string");
			goto err_free;
		}
		if (*lx->p == quote)
			break;
		if (*lx->p == '\0') {
			ret = config_lex_error(lx, lx->line, lx->col,
					       "NUL byte in string");
			goto err_free;
		}
		if (*lx->p == '\\') {
			lex_advance(lx);
			ret = lex_escape(lx, out, &n);
			if (ret)
				goto err_free;
			continue;
		}
		out[n++] = *lx->p;
		lex_advance(lx);
	}
	lex_advance(lx);
	out[n] = '\0';
	tok->kind = CONFIG_TOK_STRING;
	tok->str = out;
	tok->len = (size_t)(lx->p - tok->text);
	return 0;

err_free:
	free(out);
	return ret;
}

/* A byte that starts no token. */
static int lex_bad_char(struct config_lexer *lx, struct config_token *tok)
{
	unsigned char c = (unsigned char)*lx->p;

	if (strchr("+-.():%*/{}<>!&|~", c) && c)
		return config_lex_error(lx, tok->line, tok->col,
			"unexpected '%c' (Python expressions are not supported)", c);
	if (isprint(c))
		return config_lex_error(lx, tok->line, tok->col,
					"unexpected '%c'", c);
	return config_lex_error(lx, tok->line, tok->col,
				"unexpected byte 0x%02x", c);
}

int config_lex_next(struct config_lexer *lx, struct config_token *tok)
{
	memset(tok, 0, sizeof(*tok));
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
				   *lx->p == '\r'))
		lex_advance(lx);
	if (lx->p < lx->end && *lx->p == '#')
		while (lx->p < lx->end && *lx->p != '\n')
			lex_advance(lx);
	tok->line = lx->line;
	tok->col = lx->col;
	tok->text = lx->p;
	tok->len = 1;
	if (lx->p >= lx->end) {
		tok->kind = CONFIG_TOK_EOF;
		tok->len = 0;
		return 0;
	}
	switch (*lx->p) {
	case '\n':
		tok->kind = CONFIG_TOK_NEWLINE;
		lx->p++;
		lx->line++;
		lx->col = 1;
		return 0;
	case ';':
		tok->kind = CONFIG_TOK_SEMI;
		break;
	case '=':
		tok->kind = CONFIG_TOK_EQ;
		break;
	case ',':
		tok->kind = CONFIG_TOK_COMMA;
		break;
	case '[':
		tok->kind = CONFIG_TOK_LBRACKET;
		break;
	case ']':
		tok->kind = CONFIG_TOK_RBRACKET;
		break;
	case '\'': case '"':
		return lex_string(lx, tok);
	case '+':
		if (lx->end - lx->p < 2 || lx->p[1] != '=')
			return lex_bad_char(lx, tok);
		tok->kind = CONFIG_TOK_PLUSEQ;
		tok->len = 2;
		lex_advance(lx);
		break;
	default:
		if (isdigit((unsigned char)*lx->p))
			return lex_number(lx, tok);
		if (!lex_is_ident((unsigned char)*lx->p, 1))
			return lex_bad_char(lx, tok);
		tok->kind = CONFIG_TOK_IDENT;
		while (lx->p + 1 < lx->end &&
		       lex_is_ident((unsigned char)lx->p[1], 0))
			lex_advance(lx);
		tok->len = (size_t)(lx->p + 1 - tok->text);
		break;
	}
	lex_advance(lx);
	return 0;
}

const char *config_lex_describe(const struct config_token *tok, char *buf,
				size_t len)
{
	switch (tok->kind) {
	case CONFIG_TOK_EOF:
		return "end of file";
	case CONFIG_TOK_NEWLINE:
		return "end of line";
	case CONFIG_TOK_STRING:
		return "a string";
	case CONFIG_TOK_INT:
		return "an integer";
	case CONFIG_TOK_IDENT:
		snprintf(buf, len, "'%.*s'", (int)(tok->len > 40 ? 40 : tok->len),
			 tok->text);
		return buf;
	default:
		snprintf(buf, len, "'%.*s'", (int)tok->len, tok->text);
		return buf;
	}
}
