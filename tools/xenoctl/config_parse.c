/* config_parse.c - the grammar of domain configuration files and command-line overrides. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_lex.h"

/*
 * The grammar is xl's (libxlu), without Python:
 *   file  := { stmt }
 *   stmt  := NEWLINE | ';' | IDENT ('=' | '+=') value (NEWLINE | ';' | EOF)
 *   value := STRING | INT | '[' nl* [ atom nl* { ',' nl* atom nl* } [ ',' nl* ] ] ']'
 * A comment runs from '#' to the end of its line.
 */

struct parse_state {
	struct config_lexer lx;
	struct config_token tok;	/* the current token */
	struct config_file *cf;
};

static void value_free(struct config_value *v)
{
	for (size_t i = 0; i < v->nitems; i++)
		value_free(&v->items[i]);
	free(v->items);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

void config_free(struct config_file *cf)
{
	for (size_t i = 0; i < cf->nentries; i++) {
		free(cf->entries[i].key);
		value_free(&cf->entries[i].value);
	}
	free(cf->entries);
	free(cf->filename);
	memset(cf, 0, sizeof(*cf));
}

const struct config_entry *config_find(const struct config_file *cf,
				       const char *key)
{
	for (size_t i = 0; i < cf->nentries; i++)
		if (!strcmp(cf->entries[i].key, key))
			return &cf->entries[i];
	return NULL;
}

/* Move to the next token, freeing the current one's string if nobody
 * took it. */
static int parse_next(struct parse_state *ps)
{
	free(ps->tok.str);
	ps->tok.str = NULL;
	return config_lex_next(&ps->lx, &ps->tok);
}

static int parse_skip_newlines(struct parse_state *ps)
{
	int ret = 0;

	while (!ret && ps->tok.kind == CONFIG_TOK_NEWLINE)
		ret = parse_next(ps);
	return ret;
}

/* An error at the current token: "<msg>, found <token>". */
static int parse_error_found(struct parse_state *ps, const char *msg)
{
	char buf[64];

	return config_lex_error(&ps->lx, ps->tok.line, ps->tok.col,
		"%s, found %s", msg,
		config_lex_describe(&ps->tok, buf, sizeof(buf)));
}

/* A string or an integer: the current token into v, then the next. */
static int parse_atom(struct parse_state *ps, struct config_value *v)
{
	v->line = ps->tok.line;
	v->col = ps->tok.col;
	if (ps->tok.kind == CONFIG_TOK_STRING) {
		v->type = CONFIG_STRING;
		v->str = ps->tok.str;
		ps->tok.str = NULL;
	} else {
		v->type = CONFIG_INT;
		v->num = ps->tok.num;
		v->str = strndup(ps->tok.text, ps->tok.len);
		if (!v->str)
			return -ENOMEM;
	}
	return parse_next(ps);
}

/* The current token is a string or an integer. */
static int parse_is_atom(const struct parse_state *ps)
{
	return ps->tok.kind == CONFIG_TOK_STRING || ps->tok.kind == CONFIG_TOK_INT;
}

/* Append an empty atom to list v; NULL if out of memory. */
static struct config_value *parse_list_grow(struct config_value *v)
{
	struct config_value *items;

	items = realloc(v->items, (v->nitems + 1) * sizeof(*items));
	if (!items)
		return NULL;
	v->items = items;
	memset(&items[v->nitems], 0, sizeof(*items));
	return &items[v->nitems++];
}

/* A list, from its '[' (the current token) to its ']', lines between. */
static int parse_list(struct parse_state *ps, struct config_value *v)
{
	unsigned int line = ps->tok.line, col = ps->tok.col;
	struct config_value *item;
	int ret;

	v->type = CONFIG_LIST;
	v->line = line;
	v->col = col;
	ret = parse_next(ps);
	for (;;) {
		if (!ret)
			ret = parse_skip_newlines(ps);
		if (ret)
			return ret;
		if (ps->tok.kind == CONFIG_TOK_RBRACKET)
			return parse_next(ps);
		if (ps->tok.kind == CONFIG_TOK_EOF)
			return config_lex_error(&ps->lx, line, col,
						"'[' is never closed");
		if (ps->tok.kind == CONFIG_TOK_LBRACKET)
			return config_lex_error(&ps->lx, ps->tok.line,
				ps->tok.col, "lists cannot be nested");
		if (!parse_is_atom(ps))
			return parse_error_found(ps,
				"expected a string or an integer in the list");
		item = parse_list_grow(v);
		if (!item)
			return -ENOMEM;
		ret = parse_atom(ps, item);
		if (!ret)
			ret = parse_skip_newlines(ps);
		if (ret)
			return ret;
		if (ps->tok.kind == CONFIG_TOK_COMMA)
			ret = parse_next(ps);
		else if (ps->tok.kind == CONFIG_TOK_EOF)
			return config_lex_error(&ps->lx, line, col,
						"'[' is never closed");
		else if (ps->tok.kind != CONFIG_TOK_RBRACKET)
			return parse_error_found(ps,
				"expected ',' or ']' in the list");
	}
}

/* A value (atom or list) from the current token into v; a bare word
 * gets the message that names what a value may be. */
static int parse_value(struct parse_state *ps, struct config_value *v)
{
	if (ps->tok.kind == CONFIG_TOK_LBRACKET)
		return parse_list(ps, v);
	if (parse_is_atom(ps))
		return parse_atom(ps, v);
	if (ps->tok.kind == CONFIG_TOK_IDENT)
		return parse_error_found(ps, "expected a value (a quoted string, "
					 "an integer or a [list])");
	return parse_error_found(ps, "expected a value after '='");
}

/* Add src to dst for '+=': a string to a string, anything to a list.
 * Takes src's contents. Returns 0, -EINVAL (src does not fit), -ENOMEM. */
static int parse_append(struct config_value *dst, struct config_value *src)
{
	struct config_value *item;

	if (dst->type == CONFIG_STRING && src->type == CONFIG_STRING) {
		size_t a = strlen(dst->str), b = strlen(src->str);
		char *s = realloc(dst->str, a + b + 1);

		if (!s)
			return -ENOMEM;
		memcpy(s + a, src->str, b + 1);
		dst->str = s;
		value_free(src);
		return 0;
	}
	if (dst->type != CONFIG_LIST)
		return -EINVAL;
	if (src->type != CONFIG_LIST) {
		item = parse_list_grow(dst);
		if (!item)
			return -ENOMEM;
		*item = *src;
		memset(src, 0, sizeof(*src));
		return 0;
	}
	for (size_t i = 0; i < src->nitems; i++) {
		item = parse_list_grow(dst);
		if (!item)
			return -ENOMEM;
		*item = src->items[i];
		memset(&src->items[i], 0, sizeof(*item));
	}
	value_free(src);
	return 0;
}

/* Set key (klen bytes) to *v in cf, replacing an earlier value, or
 * adding to it if append. Takes v's contents on success. Returns 0,
 * -EINVAL ('+=' of mismatched types), -ENOMEM. */
static int parse_store(struct config_file *cf, const char *key, size_t klen,
		       struct config_value *v, unsigned int line, int append)
{
	struct config_entry *e = NULL;

	for (size_t i = 0; i < cf->nentries; i++)
		if (strlen(cf->entries[i].key) == klen &&
		    !memcmp(cf->entries[i].key, key, klen))
			e = &cf->entries[i];
	if (e && append) {
		int ret = parse_append(&e->value, v);

		if (!ret)
			e->line = line;
		return ret;
	}
	if (!e) {
		if (cf->nentries == cf->cap) {
			size_t cap = cf->cap ? cf->cap * 2 : 16;
			struct config_entry *n = realloc(cf->entries, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			cf->entries = n;
			cf->cap = cap;
		}
		e = &cf->entries[cf->nentries];
		e->key = strndup(key, klen);
		if (!e->key)
			return -ENOMEM;
		cf->nentries++;
	} else {
		value_free(&e->value);
	}
	e->value = *v;
	e->line = line;
	memset(v, 0, sizeof(*v));
	return 0;
}

/* One statement from its key (the current token) to its end. */
static int parse_assignment(struct parse_state *ps)
{
	struct config_token key = ps->tok;
	struct config_value v = { 0 };
	unsigned int vline, vcol;
	int append, ret;

	ret = parse_next(ps);
	if (ret)
		return ret;
	if (ps->tok.kind != CONFIG_TOK_EQ && ps->tok.kind != CONFIG_TOK_PLUSEQ) {
		char msg[80];

		snprintf(msg, sizeof(msg), "expected '=' after '%.*s'",
			 (int)(key.len > 40 ? 40 : key.len), key.text);
		return parse_error_found(ps, msg);
	}
	append = ps->tok.kind == CONFIG_TOK_PLUSEQ;
	ret = parse_next(ps);
	if (ret)
		return ret;
	vline = ps->tok.line;
	vcol = ps->tok.col;
	ret = parse_value(ps, &v);
	if (!ret && ps->tok.kind != CONFIG_TOK_NEWLINE &&
	    ps->tok.kind != CONFIG_TOK_SEMI && ps->tok.kind != CONFIG_TOK_EOF)
		ret = parse_error_found(ps, "expected the end of the line after the value");
	if (!ret)
		ret = parse_store(ps->cf, key.text, key.len, &v, key.line, append);
	if (ret == -EINVAL && !ps->lx.err[0])
		ret = config_lex_error(&ps->lx, vline, vcol,
			"'+=' adds a string to a string, or anything to a list");
	value_free(&v);
	return ret;
}

int config_parse(const char *text, size_t len, const char *filename,
		 struct config_file *out, char *err, size_t errlen)
{
	struct parse_state ps = { .cf = out };
	int ret;

	memset(out, 0, sizeof(*out));
	out->filename = strdup(filename);
	if (!out->filename)
		return -ENOMEM;
	config_lex_init(&ps.lx, text, len);
	ret = config_lex_next(&ps.lx, &ps.tok);
	while (!ret && ps.tok.kind != CONFIG_TOK_EOF) {
		if (ps.tok.kind == CONFIG_TOK_NEWLINE || ps.tok.kind == CONFIG_TOK_SEMI)
			ret = parse_next(&ps);
		else if (ps.tok.kind == CONFIG_TOK_IDENT)
			ret = parse_assignment(&ps);
		else
			ret = parse_error_found(&ps, "expected a key name");
	}
	free(ps.tok.str);
	if (!ret)
		return 0;
	if (ret == -EINVAL)
		snprintf(err, errlen, "%s:%u:%u: %s", filename, ps.lx.err_line,
			 ps.lx.err_col, ps.lx.err);
	else
		snprintf(err, errlen, "%s: %s", filename, strerror(-ret));
	config_free(out);
	return ret;
}

/* Mark v and its items as given on the command line (line 0). */
static void parse_mark_cmdline(struct config_value *v)
{
	v->line = 0;
	v->col = 0;
	for (size_t i = 0; i < v->nitems; i++)
		parse_mark_cmdline(&v->items[i]);
}

/* The value of an override: in the file's syntax if it starts with a
 * quote or '[' (and must be whole), an integer if it is exactly one,
 * else the text itself as a string. */
static int parse_override_value(struct parse_state *ps, const char *s,
				struct config_value *v)
{
	int ret;

	config_lex_init(&ps->lx, s, strlen(s));
	ret = config_lex_next(&ps->lx, &ps->tok);
	if (*s == '\'' || *s == '"' || *s == '[') {
		if (!ret)
			ret = parse_value(ps, v);
		if (!ret && ps->tok.kind != CONFIG_TOK_EOF)
			ret = parse_error_found(ps, "expected the end of the value");
		return ret;
	}
	if (!ret && ps->tok.kind == CONFIG_TOK_INT) {
		ret = parse_atom(ps, v);
		if (!ret && ps->tok.kind == CONFIG_TOK_EOF)
			return 0;
		value_free(v);
	}
	if (ret == -ENOMEM)
		return ret;
	ps->lx.err[0] = '\0';	/* a bare word is no error */
	v->type = CONFIG_STRING;
	v->str = strdup(s);
	return v->str ? 0 : -ENOMEM;
}

int config_override(struct config_file *cf, const char *key_eq_value,
		    char *err, size_t errlen)
{
	const char *s = key_eq_value, *key = s, *val;
	struct parse_state ps = { .cf = cf };
	struct config_value v = { 0 };
	size_t klen = 0;
	int append, ret;

	while ((s[klen] >= 'a' && s[klen] <= 'z') || (s[klen] >= 'A' && s[klen] <= 'Z') ||
	       s[klen] == '_' || (klen && s[klen] >= '0' && s[klen] <= '9'))
		klen++;
	append = s[klen] == '+';
	if (!klen || s[klen + append] != '=') {
		snprintf(err, errlen, "command line: '%s': expected key=value",
			 key_eq_value);
		return -EINVAL;
	}
	val = s + klen + append + 1;
	while (*val == ' ' || *val == '\t')
		val++;
	ret = parse_override_value(&ps, val, &v);
	free(ps.tok.str);
	if (!ret) {
		parse_mark_cmdline(&v);
		ret = parse_store(cf, key, klen, &v, 0, append);
		if (ret == -EINVAL)
			config_lex_error(&ps.lx, 1, 1, "'+=' adds a string to "
					 "a string, or anything to a list");
	}
	value_free(&v);
	if (ret == -EINVAL)
		snprintf(err, errlen, "command line: '%s': column %u: %s",
			 key_eq_value, (unsigned int)(val - key_eq_value) +
			 ps.lx.err_col, ps.lx.err);
	else if (ret)
		snprintf(err, errlen, "command line: '%s': %s", key_eq_value,
			 strerror(-ret));
	return ret;
}
