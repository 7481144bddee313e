/* bootloader_grubcfg.c - the default entry of a grub.cfg: menuentry, submenu, set default, linux and initrd lines. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootloader.h"

#define GRUB_WORDS	64
#define GRUB_DEPTH	16

enum grub_block { GRUB_OTHER, GRUB_ENTRY, GRUB_SUBMENU };

/* A menu item as the first pass sees it. */
struct grub_item {
	char title[BOOTLOADER_TITLE_MAX], id[BOOTLOADER_TITLE_MAX];
	int top, sub, submenu;
};

/* The walk over the file; the first pass lists items, the second fills
 * the entry at want_top/want_sub. */
struct grub_walk {
	const char *p, *end;
	unsigned int line;
	enum grub_block stack[GRUB_DEPTH];
	int depth, top, sub, in_entry, in_sub;
	int filling;			/* in the entry being filled */
	char deflt[BOOTLOADER_TITLE_MAX];
	struct grub_item *items;
	int nitems, cap;
	int want_top, want_sub;
	struct bootloader_entry *fill;	/* second pass only */
	char *why;
	size_t whylen;
	int err;
};

/* Split one statement of the line at w->p into words (quotes and
 * backslashes resolved, '#' comments dropped) in buf; stops after ';'
 * or after the newline (then *nl = 1). Returns the number of words. */
static int grub_words(struct grub_walk *w, char *buf, size_t len, char **words,
		      int *nl)
{
	int n = 0, inword = 0;
	char q = 0, *o = buf, *lim = buf + len - 1;

	*nl = 0;
	while (w->p < w->end && o < lim) {
		char c = *w->p++;

		if (c == '\n' || (!q && (c == ' ' || c == '\t' || c == '\r' || c == ';'))) {
			if (inword)
				*o++ = '\0';
			inword = 0;
			*nl = c == '\n';
			if (c == ';' || c == '\n')
				break;
			continue;
		}
		if (!q && !inword && c == '#') {
			while (w->p < w->end && *w->p != '\n')
				w->p++;
			continue;
		}
		if (!inword && n < GRUB_WORDS) {
			words[n++] = o;
			inword = 1;
		}
		if (!q && (c == '\'' || c == '"'))
			q = c;
		else if (q && c == q)
			q = 0;
		else if (c == '\\' && q != '\'' && w->p < w->end && *w->p != '\n')
			*o++ = *w->p++;
		else
			*o++ = c;
	}
	*o = '\0';
	return n;
}

/* menuentry/submenu: title, id (--id X, --id=X, $menuentry_id_option X). */
static void grub_item_start(struct grub_walk *w, char **words, int n, int submenu)
{
	struct grub_item it = { .top = w->top, .sub = -1, .submenu = submenu };

	if (w->in_sub) {
		it.top = w->top - 1;	/* the submenu's place */
		it.sub = w->sub++;
	} else {
		w->top++;
	}
	snprintf(it.title, sizeof(it.title), "%s", n > 1 ? words[1] : "");
	for (int i = 2; i < n; i++) {
		if (!strncmp(words[i], "--id=", 5))
			snprintf(it.id, sizeof(it.id), "%s", words[i] + 5);
		else if ((!strcmp(words[i], "--id") ||
			  !strcmp(words[i], "$menuentry_id_option")) && i + 1 < n)
			snprintf(it.id, sizeof(it.id), "%s", words[++i]);
	}
	if (!w->fill && w->nitems < w->cap)
		w->items[w->nitems++] = it;
	if (w->fill && !submenu && it.top == w->want_top && it.sub == w->want_sub) {
		snprintf(w->fill->title, sizeof(w->fill->title), "%s", it.title);
		snprintf(w->fill->id, sizeof(w->fill->id), "%s", it.id);
		w->fill->top = it.top;
		w->fill->sub = it.sub;
		w->filling = 1;
	}
}

/* A path of a linux/initrd line: "(hd0,msdos1)/boot/x" is "/boot/x". */
static int grub_path(struct grub_walk *w, const char *word, char *out, size_t len)
{
	const char *s = word;

	if (*s == '(' && strchr(s, ')'))
		s = strchr(s, ')') + 1;
	if (!*s || *s == '$') {
		snprintf(w->why, w->whylen, "grub.cfg:%u: '%s': no file named", w->line, word);
		return -EINVAL;
	}
	snprintf(out, len, "%s%s", *s == '/' ? "" : "/", s);
	return 0;
}

/* linux/initrd lines of the entry being filled. */
static void grub_command(struct grub_walk *w, char **words, int n)
{
	struct bootloader_entry *e = w->fill;
	const char *c = words[0];

	if (!w->filling || w->err)
		return;
	if (!strcmp(c, "linux") || !strcmp(c, "linux16") || !strcmp(c, "linuxefi")) {
		if (n < 2) {
			snprintf(w->why, w->whylen, "grub.cfg:%u: linux without a file",
				 w->line);
			w->err = -EINVAL;
			return;
		}
		w->err = grub_path(w, words[1], e->kernel, sizeof(e->kernel));
		e->args[0] = '\0';
		for (int i = 2; i < n; i++) {
			size_t l = strlen(e->args);

			if (words[i][0] != '$')	/* variables: not set here */
				snprintf(e->args + l, sizeof(e->args) - l, "%s%s",
					 l ? " " : "", words[i]);
		}
	} else if (!strcmp(c, "initrd") || !strcmp(c, "initrd16") || !strcmp(c, "initrdefi")) {
		e->ninitrd = 0;
		for (int i = 1; i < n && i <= BOOTLOADER_MAX_INITRDS && !w->err; i++)
			w->err = grub_path(w, words[i], e->initrd[e->ninitrd++],
					   sizeof(e->initrd[0]));
	}
}

/* One statement: blocks opened and closed, items, set default, commands.
 * "menuentry 'x' { linux /k }" on one line is three statements. */
static void grub_statement(struct grub_walk *w, char **words, int n)
{
	int opens = n && !strcmp(words[n - 1], "{");
	enum grub_block b;

	if (!n)
		return;
	for (int i = 0; i < n - 1; i++)
		if (!strcmp(words[i], "{") || (i && !strcmp(words[i], "}"))) {
			int k = words[i][0] == '{' ? i + 1 : i;

			grub_statement(w, words, k);
			grub_statement(w, words + k, n - k);
			return;
		}
	if (n > 1 && !strcmp(words[n - 1], "}")) {
		grub_statement(w, words, n - 1);
		grub_statement(w, words + n - 1, 1);
		return;
	}
	if (!strcmp(words[0], "}")) {
		b = w->depth > 0 ? w->stack[--w->depth] : GRUB_OTHER;
		if (b == GRUB_SUBMENU)
			w->in_sub = 0;
		if (b == GRUB_ENTRY)
			w->in_entry = w->filling = 0;
		return;
	}
	if (!strcmp(words[0], "set") && n > 1 && !strncmp(words[1], "default=", 8) &&
	    !w->in_entry && !strchr(words[1], '$'))
		snprintf(w->deflt, sizeof(w->deflt), "%s", words[1] + 8);
	if ((!strcmp(words[0], "menuentry") || !strcmp(words[0], "submenu")) &&
	    !w->in_entry) {
		b = words[0][0] == 's' ? GRUB_SUBMENU : GRUB_ENTRY;
		grub_item_start(w, words, opens ? n - 1 : n, b == GRUB_SUBMENU);
		if (b == GRUB_SUBMENU) {
			w->in_sub = 1;
			w->sub = 0;
		} else {
			w->in_entry = 1;
		}
		if (w->depth < GRUB_DEPTH)
			w->stack[w->depth++] = b;
		return;
	}
	if (opens && w->depth < GRUB_DEPTH)
		w->stack[w->depth++] = GRUB_OTHER;
	if (w->in_entry)
		grub_command(w, words, n);
}

static void grub_run(struct grub_walk *w, const char *text, size_t len)
{
	char buf[4096], *words[GRUB_WORDS];
	int n, nl;

	w->p = text;
	w->end = text + len;
	w->line = 1;
	w->depth = w->top = w->sub = w->in_entry = w->in_sub = w->filling = 0;
	while (w->p < w->end && !w->err) {
		n = grub_words(w, buf, sizeof(buf), words, &nl);
		grub_statement(w, words, n);
		w->line += nl;
	}
}

/* The item matching one part of a default ("2", a title, an id) among
 * those with sub == -1 (top) or of submenu top; -1 if none. */
static int grub_match(const struct grub_walk *w, const char *part, int top)
{
	char *end;
	long num = strtol(part, &end, 10);

	for (int i = 0; i < w->nitems; i++) {
		const struct grub_item *it = &w->items[i];

		if (top < 0 ? it->sub != -1 : (it->top != top || it->sub < 0))
			continue;
		if (*part && !*end ? (top < 0 ? it->top : it->sub) == num
				   : !strcmp(it->title, part) || !strcmp(it->id, part))
			return i;
	}
	return -1;
}

/* The entry `set default` names: N, N>M, titles or ids; saved or
 * unknown = the first. A submenu alone stands for its first entry. */
static const struct grub_item *grub_resolve(const struct grub_walk *w)
{
	char first[BOOTLOADER_TITLE_MAX], *gt;
	int i, j;

	snprintf(first, sizeof(first), "%s", w->deflt);
	gt = strchr(first, '>');
	if (gt)
		*gt++ = '\0';
	i = grub_match(w, first[0] && strcmp(first, "saved") ? first : "0", -1);
	if (i < 0) {		/* an entry's title or id at any depth */
		for (i = 0; i < w->nitems; i++)
			if (!w->items[i].submenu && (!strcmp(w->items[i].title, first) ||
						     !strcmp(w->items[i].id, first)))
				return &w->items[i];
		i = grub_match(w, "0", -1);
	}
	if (i < 0 || !w->items[i].submenu)
		return i < 0 ? NULL : &w->items[i];
	j = grub_match(w, gt ? gt : "0", w->items[i].top);
	return j < 0 ? NULL : &w->items[j];
}

int bootloader_grub_default(const char *text, size_t len,
			    struct bootloader_entry *e, char *why, size_t whylen)
{
	struct grub_walk w = { .why = why, .whylen = whylen, .cap = 256 };
	const struct grub_item *it;

	memset(e, 0, sizeof(*e));
	w.items = calloc((size_t)w.cap, sizeof(*w.items));
	if (!w.items)
		return -ENOMEM;
	grub_run(&w, text, len);
	it = grub_resolve(&w);
	if (it) {
		w.want_top = it->top;
		w.want_sub = it->sub;
		w.fill = e;
		grub_run(&w, text, len);
	}
	free(w.items);
	if (w.err)
		return w.err;
	if (!it || !e->kernel[0]) {
		snprintf(why, whylen, it ? "grub.cfg: entry '%s' has no linux line" :
			 "grub.cfg: no menuentry", it ? it->title : "");
		return -ENOENT;
	}
	return 0;
}
