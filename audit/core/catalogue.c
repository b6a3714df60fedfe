// SPDX-License-Identifier: ISC
/* The facility catalogue: definitions here, patterns through the rules engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/catalogue.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"


void catalogue_init(struct catalogue *c)
{
	memset(c, 0, sizeof(*c));
	rules_init(&c->match);
}

void catalogue_release(struct catalogue *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].klass);
		free(c->v[i].device);
		free(c->v[i].description);
	}
	free(c->v);
	for (i = 0; i < c->n_near; i++) {
		free(c->near[i].text);
		free(c->near[i].word);
	}
	free(c->near);
	for (i = 0; i < c->n_inert; i++) {
		free(c->inert[i].facility);
		free(c->inert[i].targets);
		free(c->inert[i].symbols);
		free(c->inert[i].text);
	}
	free(c->inert);
	rules_release(&c->match);
	memset(c, 0, sizeof(*c));
}

const struct catalogue_entry *catalogue_find(const struct catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

bool catalogue_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, word, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

/*
 * "inert NAME TARGETS RULE..." or "inert-unless NAME TARGETS SYMBOLS WHY...".
 * Every such line counts (a user catalogue adds rules; none is overridden):
 * a rule is a claim about a platform's interface, so it only names
 * facilities a sealed appliance should not have (class forbidden).
 */
static int inert_line(struct catalogue *c, char *line, const char *origin, unsigned lineno,
		      struct diag *d)
{
	char *save = NULL, *kw, *name, *targets, *symbols = NULL, *text;
	const struct catalogue_entry *e;
	struct catalogue_inert *r;

	kw = strtok_r(line, " \t", &save);
	name = strtok_r(NULL, " \t", &save);
	targets = strtok_r(NULL, " \t", &save);
	if (!strcmp(kw, "inert-unless"))
		symbols = strtok_r(NULL, " \t", &save);
	text = save ? save + strspn(save, " \t") : NULL;
	if (text)
		text[strcspn(text, "\r")] = '\0';
	if (!name || !targets || (!strcmp(kw, "inert-unless") && !symbols) || !text || !*text)
		return diag_err(d, "%s:%u: expected 'inert NAME TARGETS RULE' or 'inert-unless "
				"NAME TARGETS SYMBOLS WHY'", origin, lineno);
	if (!(e = catalogue_find(c, name)))
		return diag_err(d, "%s:%u: inert rule for undefined facility '%s'", origin, lineno,
				name);
	if (strcmp(e->klass, "forbidden"))
		return diag_err(d, "%s:%u: inert rule for '%s', which is not of class forbidden",
				origin, lineno, name);
	xgrow(&c->inert, &c->alloc_inert, c->n_inert + 1, sizeof(*c->inert));
	r = &c->inert[c->n_inert++];
	r->facility = xstrdup(name);
	r->targets = xstrdup(targets);
	r->symbols = symbols ? xstrdup(symbols) : NULL;
	r->text = xstrdup(text);
	return 0;
}

static int define(struct catalogue *c, char *line, const char *origin, unsigned lineno,
		  struct diag *d)
{
	char *save = NULL, *name, *klass, *device, *desc;
	struct catalogue_entry *e;
	size_t i;

	strtok_r(line, " \t", &save);	/* "facility" */
	name = strtok_r(NULL, " \t", &save);
	klass = strtok_r(NULL, " \t", &save);
	device = strtok_r(NULL, " \t", &save);
	desc = save ? save + strspn(save, " \t") : NULL;
	if (!name || !klass || !device || !desc || !*desc)
		return diag_err(d, "%s:%u: expected 'facility NAME CLASS DEVICE DESCRIPTION'",
				origin, lineno);
	if (strcmp(klass, "driver") && strcmp(klass, "service") && strcmp(klass, "forbidden"))
		return diag_err(d, "%s:%u: unknown class '%s' (driver, service or forbidden)",
				origin, lineno, klass);
	if (strcmp(device, "-") && strcmp(device, "NET_BASIC") && strcmp(device, "BLOCK_BASIC"))
		return diag_err(d, "%s:%u: unknown device type '%s'", origin, lineno, device);
	for (i = 0; i < c->n && strcmp(c->v[i].name, name); i++)
		;
	if (i == c->n) {
		xgrow(&c->v, &c->alloc, c->n + 1, sizeof(*c->v));
		e = &c->v[c->n++];
		memset(e, 0, sizeof(*e));
		e->name = xstrdup(name);
	} else {
		/* Defined earlier: the user's catalogue is read first and wins. */
		return 0;
	}
	e->klass = xstrdup(klass);
	e->device = strcmp(device, "-") ? xstrdup(device) : NULL;
	e->description = xstrdup(desc);
	return 0;
}

/* "near NAME unit|symbol TOKEN[,TOKEN...]": W holds its 4 words. */
static int near_line(struct catalogue *c, char **w, const char *origin, unsigned lineno,
		     struct diag *d)
{
	const struct catalogue_entry *e = catalogue_find(c, w[1]);
	char *save = NULL, *tok;
	size_t k;

	if (!e)
		return diag_err(d, "%s:%u: near for undefined facility '%s'", origin, lineno, w[1]);
	if (strcmp(w[2], "unit") && strcmp(w[2], "symbol"))
		return diag_err(d, "%s:%u: a near token is for a 'unit' or a 'symbol', not '%s'",
				origin, lineno, w[2]);
	for (tok = strtok_r(w[3], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct catalogue_near *nr;
		size_t len = strlen(tok);
		bool pre = len && tok[len - 1] == '*', suf = tok[0] == '*';
		const char *lo = tok + suf, *hi = tok + len - pre;

		if (lo >= hi)
			return diag_err(d, "%s:%u: empty near token '%s'", origin, lineno, tok);
		for (k = 0; lo + k < hi; k++)
			if (!((lo[k] >= 'a' && lo[k] <= 'z') || (lo[k] >= '0' && lo[k] <= '9')))
				return diag_err(d, "%s:%u: near token '%s': lowercase letters and "
						"digits only, with an optional '*' at either end",
						origin, lineno, tok);
		xgrow(&c->near, &c->alloc_near, c->n_near + 1, sizeof(*c->near));
		nr = &c->near[c->n_near++];
		nr->facility = (size_t)(e - c->v);
		nr->field = !strcmp(w[2], "unit") ? RULE_UNIT : RULE_SYMBOL;
		nr->text = xstrdup(tok);
		nr->word = xstrdup(lo);
		nr->word[hi - lo] = '\0';
		nr->prefix = pre;
		nr->suffix = suf;
	}
	return 0;
}

int catalogue_parse(struct catalogue *c, const char *text, const char *origin, struct diag *d)
{
	/* Match lines become rules text with the same line numbers, so messages point right. */
	size_t len = strlen(text), o = 0;
	char *rules = xmalloc(2 * len + 64), *line = NULL;
	const char *p = text;
	unsigned lineno = 0;
	int rc = 0;

	while (*p && rc == 0) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *hash, *save = NULL, *w[6];
		int k = 0;

		lineno++;
		free(line);
		line = xmalloc(n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (eol ? 1 : 0);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (!strncmp(line, "facility", 8) && (line[8] == ' ' || line[8] == '\t')) {
			rc = define(c, line, origin, lineno, d);
			rules[o++] = '\n';
			continue;
		}
		if (!strncmp(line, "inert", 5) && (line[5] == ' ' || line[5] == '\t' ||
		    (!strncmp(line + 5, "-unless", 7) && (line[12] == ' ' || line[12] == '\t')))) {
			rc = inert_line(c, line, origin, lineno, d);
			rules[o++] = '\n';
			continue;
		}
		for (w[k] = strtok_r(line, " \t\r", &save); w[k] && k < 5;
		     w[++k] = strtok_r(NULL, " \t\r", &save))
			;
		if (k == 0) {
			rules[o++] = '\n';
			continue;
		}
		if (k == 4 && !strcmp(w[0], "near")) {
			rc = near_line(c, w, origin, lineno, d);
			rules[o++] = '\n';
			continue;
		}
		if (k != 5 || strcmp(w[0], "match")) {
			rc = diag_err(d, "%s:%u: expected 'facility ...', 'match NAME FIELD KIND "
				      "PATTERN', 'near NAME FIELD TOKENS' or 'inert ...'", origin, lineno);
			break;
		}
		if (!catalogue_find(c, w[1])) {
			rc = diag_err(d, "%s:%u: match for undefined facility '%s'", origin, lineno,
				      w[1]);
			break;
		}
		if (strcmp(w[2], "unit") && strcmp(w[2], "symbol")) {
			rc = diag_err(d, "%s:%u: a match is on 'unit' or 'symbol', not '%s'", origin,
				      lineno, w[2]);
			break;
		}
		o += (size_t)sprintf(rules + o, "%s %s %s %s facility\n", w[2], w[3], w[4], w[1]);
	}
	free(line);
	rules[o] = '\0';
	if (rc == 0)
		rc = rules_parse(&c->match, rules, origin, d);
	free(rules);
	return rc;
}

int catalogue_load_file(struct catalogue *c, const char *path, struct diag *d)
{
	char *buf;
	size_t n;
	int rc;

	if (read_bounded(path, "catalogue", INPUT_MAX_TEXT, &buf, &n, d) < 0)
		return -1;
	rc = catalogue_parse(c, buf, path, d);
	free(buf);
	return rc;
}

#define NEAR_MAX_WORDS 64

/* A word of a name: [lo, hi) of it. */
struct word { size_t lo, hi; };

static bool is_upper(char ch) { return ch >= 'A' && ch <= 'Z'; }
static bool is_lower(char ch) { return ch >= 'a' && ch <= 'z'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool is_alnum(char ch) { return is_upper(ch) || is_lower(ch) || is_digit(ch); }

/* NAME's words (catalogue.h); past NEAR_MAX_WORDS words the rest of a name is not looked at. */
static size_t split_words(const char *name, struct word *w)
{
	size_t n = 0, i = 0, len = strlen(name);

	while (i < len && n < NEAR_MAX_WORDS) {
		size_t lo;

		while (i < len && !is_alnum(name[i]))
			i++;
		if (i == len)
			break;
		lo = i++;
		while (i < len && is_alnum(name[i]) &&
		       !(is_upper(name[i]) && is_lower(name[i - 1])) &&
		       !(is_upper(name[i]) && is_upper(name[i - 1]) && is_lower(name[i + 1])) &&
		       !(!is_digit(name[i]) && is_digit(name[i - 1])))
			i++;
		w[n++] = (struct word){ lo, i };
	}
	return n;
}

/* Lowercase word [lo, hi) of NAME against near token T. */
static bool word_matches(const char *name, size_t lo, size_t hi, const struct catalogue_near *t)
{
	size_t len = hi - lo, tl = strlen(t->word), k, at;
	char buf[256];

	if (len < tl || len >= sizeof(buf))
		return false;
	for (k = 0; k < len; k++)
		buf[k] = is_upper(name[lo + k]) ? (char)(name[lo + k] - 'A' + 'a') : name[lo + k];
	buf[len] = '\0';
	if (t->prefix && t->suffix)
		return strstr(buf, t->word) != NULL;
	if (t->prefix)
		return !strncmp(buf, t->word, tl);
	if (t->suffix)
		return !strcmp(buf + len - tl, t->word);
	if (strncmp(buf, t->word, tl))
		return false;
	at = tl + (buf[tl] == 'v' && is_digit(buf[tl + 1]));
	for (k = at; k < len && is_digit(buf[k]); k++)
		;
	return k == len && (at == tl || k > at);
}

size_t catalogue_near_hits(const struct catalogue *c, enum rule_field field, const char *name,
			   const bool *want, size_t *out, size_t max)
{
	struct word w[NEAR_MAX_WORDS];
	size_t nw = 0, n = 0, i, k, j;
	bool split = false;

	for (i = 0; i < c->n_near && n < max; i++) {
		const struct catalogue_near *t = &c->near[i];

		if (t->field != field || (want && !want[t->facility]))
			continue;
		for (j = 0; j < n && out[j] != t->facility; j++)
			;
		if (j < n)
			continue;
		if (!split) {
			nw = split_words(name, w);
			split = true;
		}
		for (k = 0; k < nw; k++)
			if (word_matches(name, w[k].lo, w[k].hi, t)) {
				out[n++] = t->facility;
				break;
			}
	}
	return n;
}

int catalogue_add_default_near(struct catalogue *c, struct diag *d)
{
	const char *p = catalogue_default_text;
	char *text = xmalloc(strlen(p) + 2);
	size_t o = 0;
	int rc;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		char name[256];

		/* Only near lines, and only for facilities C defines: the rest stays out. */
		if (!strncmp(p, "near ", 5) && sscanf(p + 5, "%255s", name) == 1 &&
		    catalogue_find(c, name)) {
			memcpy(text + o, p, n);
			o += n;
			if (!eol)
				text[o++] = '\n';
		}
		p += n;
	}
	text[o] = '\0';
	rc = catalogue_parse(c, text, "built-in facilities.catalogue", d);
	free(text);
	return rc;
}
