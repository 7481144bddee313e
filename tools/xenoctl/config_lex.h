/* config_lex.h - the configuration lexer, shared by config_parse.c only (not a public API). */
#ifndef XENOCTL_CONFIG_LEX_H
#define XENOCTL_CONFIG_LEX_H

#include <stddef.h>

enum config_tok {
	CONFIG_TOK_EOF,
	CONFIG_TOK_NEWLINE,	/* '\n', or a comment and its '\n' */
	CONFIG_TOK_SEMI,	/* ';' ends a statement too, as in xl */
	CONFIG_TOK_IDENT,	/* [A-Za-z_][A-Za-z0-9_]* */
	CONFIG_TOK_STRING,	/* str: the dequoted text, malloc'd */
	CONFIG_TOK_INT,		/* num; text/len: the digits */
	CONFIG_TOK_EQ,		/* = */
	CONFIG_TOK_PLUSEQ,	/* += */
	CONFIG_TOK_COMMA,
	CONFIG_TOK_LBRACKET,
	CONFIG_TOK_RBRACKET,
};

struct config_token {
	enum config_tok kind;
	unsigned int line, col;	/* of its first byte */
	const char *text;	/* its bytes in the input */
	size_t len;
	char *str;		/* STRING only; the caller frees or keeps it */
	long long num;		/* INT only */
};

struct config_lexer {
	const char *p, *end;	/* what is left of the input */
	unsigned int line, col;	/* of *p, from 1 */
	unsigned int err_line, err_col;	/* of the first error */
	char err[160];		/* its message, without position */
};

/* Start lexing len bytes of text at line 1, column 1. */
void config_lex_init(struct config_lexer *lx, const char *text, size_t len);

/* Read the next token into tok. Returns 0; -EINVAL with lx->err and its
 * position set; -ENOMEM. */
int config_lex_next(struct config_lexer *lx, struct config_token *tok);

/* Record an error at line:col (the first one wins); returns -EINVAL. */
int config_lex_error(struct config_lexer *lx, unsigned int line,
		     unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A short description of tok for messages: "'='", "end of line", ... */
const char *config_lex_describe(const struct config_token *tok, char *buf,
				size_t len);

#endif
