// SPDX-License-Identifier: ISC
/* Attribution rules: parsing (hostile text: bounded lines and fields) and first-match lookup. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/readfile.h"
#include "audit/core/rules.h"
#include "audit/core/xalloc.h"

#define RULES_MAX_LINE 65536

static const char *const field_names[N_RULE_FIELDS] = { "unit", "symbol", "file", "section" };

void rules_init(struct rules *r)
{
	memset(r, 0, sizeof(*r));
}

static void drop_index(struct rules *r)
{
	int f, c;

	for (f = 0; f < N_RULE_FIELDS; f++) {
		if (r->is_indexed)
			strset_release(&r->exact[f]);
		free(r->exact_rule[f]);
		free(r->regex[f]);
		r->exact_rule[f] = NULL;
		r->regex[f] = NULL;
		r->n_regex[f] = 0;
		for (c = 0; c < 256; c++) {
			free(r->prefix[f][c]);
			r->prefix[f][c] = NULL;
			r->n_prefix[f][c] = 0;
		}
	}
	if (r->is_indexed)
		arena_release(&r->arena);
	r->is_indexed = false;
}

void rules_release(struct rules *r)
{
	size_t i;

	drop_index(r);
	for (i = 0; i < r->n; i++) {
		struct rule *x = &r->v[i];

		if (x->kind == RULE_REGEX)
			regfree(&x->re);
		free(x->pattern);
		for (size_t k = 0; k < x->n_alts; k++)
			free(x->alts[k]);
		free(x->alts);
		free(x->library);
		free(x->component);
		free(x->origin);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/*
 * glibc's regcomp() copies the operand of '+' and of '{n,m}' once per repetition, so counts
 * that stack or nest multiply: "a" followed by 28 '+' asks for 2^28 copies and exhausts memory.
 * A regex is refused when this bound on the copies passes REGEX_MAX_COST, or nests deeper
 * than REGEX_MAX_DEPTH groups (regcomp() recurses per group).
 */
#define REGEX_MAX_COST (1u << 16)
#define REGEX_MAX_DEPTH 64

static uint64_t cost_cap(uint64_t x)
{
	return x > REGEX_MAX_COST ? REGEX_MAX_COST + 1 : x;
}

/* read_count: the decimal number at *PP (capped), *PP moved past it. */
static uint64_t read_count(const char **pp)
{
	uint64_t n = 0;

	for (; isdigit((unsigned char)**pp); (*pp)++)
		n = cost_cap(n * 10 + (uint64_t)(**pp - '0'));
	return n;
}

/* regex_cost: the bound for the ERE at *PP up to the ')' closing its group (consumed). */
static uint64_t regex_cost(const char **pp, int depth)
{
	const char *p = *pp;
	uint64_t total = 0, atom = 0, f, n, m;

	if (depth > REGEX_MAX_DEPTH)
		return REGEX_MAX_COST + 1;
	while (*p && !(*p == ')' && depth > 0)) {
		switch (*p) {
		case '(':
			p++;
			atom = regex_cost(&p, depth + 1);
			total = cost_cap(total + atom);
			continue;
		case '\\':
			p += p[1] ? 2 : 1;
			atom = 1;
			break;
		case '[':
			/* A bracket expression is one node: skip to its ']' ("[]...]", "[[:alpha:]]"). */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				const char *e = p[0] == '[' && p[1] && strchr(":.=", p[1]) ?
						strchr(p + 2, ']') : NULL;

				p = e ? e + 1 : p + 1;
			}
			if (*p)
				p++;
			atom = 1;
			break;
		case '|':
			p++;
			atom = 0;
			continue;
		case '*': case '?': case '+': case '{':
			if (*p == '{') {
				p++;
				n = m = read_count(&p);
				if (*p == ',') {
					p++;
					m = isdigit((unsigned char)*p) ? read_count(&p) : n + 1;
				}
				f = (m > n ? m : n) + 1;
				p = strchr(p, '}') ? strchr(p, '}') + 1 : p + strlen(p);
			} else {
				f = *p++ == '+' ? 2 : 1;
			}
			total = cost_cap(total - atom + cost_cap(atom * f));
			atom = cost_cap(atom * f);
			continue;
		default:
			atom = 1;
			p++;
			total = cost_cap(total + 1);
			continue;
		}
		total = cost_cap(total + atom);
	}
	if (*p == ')')
		p++;
	*pp = p;
	return total;
}

static int parse_line(struct rules *r, char *line, const char *origin, unsigned lineno,
		      struct diag *d)
{
	char *tok[6];
	int n = 0, f, k;
	char *save = NULL, *t;
	struct rule *x;

	for (t = strtok_r(line, " \t\r", &save); t && n < 6; t = strtok_r(NULL, " \t\r", &save))
		tok[n++] = t;
	if (n == 0)
		return 0;
	if (n != 5)
		return diag_err(d, "%s:%u: expected 5 fields (field kind pattern library component), got %d",
				origin, lineno, n);
	for (f = 0; f < N_RULE_FIELDS && strcmp(tok[0], field_names[f]); f++)
		;
	if (f == N_RULE_FIELDS)
		return diag_err(d, "%s:%u: unknown field '%s'", origin, lineno, tok[0]);
	if (!strcmp(tok[1], "exact"))
		k = RULE_EXACT;
	else if (!strcmp(tok[1], "prefix"))
		k = RULE_PREFIX;
	else if (!strcmp(tok[1], "regex"))
		k = RULE_REGEX;
	else
		return diag_err(d, "%s:%u: unknown kind '%s'", origin, lineno, tok[1]);
	xgrow(&r->v, &r->alloc, r->n + 1, sizeof(*r->v));
	x = &r->v[r->n];
	memset(x, 0, sizeof(*x));
	x->field = f;
	x->kind = k;
	if (k == RULE_REGEX) {
		const char *p = tok[2];
		int rc;

		/* glibc matches backreferences by backtracking: exponential on crafted names. */
		for (const char *q = tok[2]; *q; q++)
			if (q[0] == '\\' && q[1] >= '1' && q[1] <= '9')
				return diag_err(d, "%s:%u: bad regex '%s': backreferences are not "
						"allowed", origin, lineno, tok[2]);
			else if (q[0] == '\\' && q[1])
				q++;
		if (regex_cost(&p, 0) > REGEX_MAX_COST)
			return diag_err(d, "%s:%u: regex '%s' too complex (its repetitions multiply "
					"past %u copies)", origin, lineno, tok[2], REGEX_MAX_COST);
		rc = regcomp(&x->re, tok[2], REG_EXTENDED);
		if (rc) {
			char buf[128];

			regerror(rc, &x->re, buf, sizeof(buf));
			return diag_err(d, "%s:%u: bad regex '%s': %s", origin, lineno, tok[2], buf);
		}
	}
	x->pattern = xstrdup(tok[2]);
	if (k != RULE_REGEX) {
		char *save2 = NULL, *alt, *copy = xstrdup(tok[2]);

		for (alt = strtok_r(copy, ",", &save2); alt; alt = strtok_r(NULL, ",", &save2)) {
			x->alts = xreallocarray(x->alts, x->n_alts + 1, sizeof(*x->alts));
			x->alts[x->n_alts++] = xstrdup(alt);
		}
		free(copy);
		if (!x->n_alts) {
			free(x->pattern);
			return diag_err(d, "%s:%u: empty pattern", origin, lineno);
		}
	}
	x->library = xstrdup(tok[3]);
	x->component = xstrdup(tok[4]);
	x->uses_captures = strchr(tok[3], '\\') != NULL;
	{
		char buf[512];

		snprintf(buf, sizeof(buf), "%s:%u", origin, lineno);
		x->origin = xstrdup(buf);
	}
	r->n++;
	r->is_indexed = false;
	return 0;
}

int rules_parse(struct rules *r, const char *text, const char *origin, struct diag *d)
{
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line, *hash;
		int rc;

		lineno++;
		if (len >= RULES_MAX_LINE)
			return diag_err(d, "%s:%u: line too long", origin, lineno);
		line = xmalloc(len + 1);
		memcpy(line, p, len);
		line[len] = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		rc = parse_line(r, line, origin, lineno, d);
		free(line);
		if (rc < 0)
			return -1;
		p += len + (eol ? 1 : 0);
	}
	return 0;
}

int rules_load_file(struct rules *r, const char *path, struct diag *d)
{
	char *buf;
	size_t n;
	int ret;

	if (read_bounded(path, "rules", INPUT_MAX_TEXT, &buf, &n, d) < 0)
		return -1;
	ret = rules_parse(r, buf, path, d);
	free(buf);
	return ret;
}

static void push(size_t **v, size_t *n, size_t x)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = x;
}

static void push_prefix(struct rules *r, int f, size_t rule, const char *text)
{
	unsigned char c = (unsigned char)text[0];
	struct rule_prefix *v = xreallocarray(r->prefix[f][c], r->n_prefix[f][c] + 1, sizeof(*v));

	v[r->n_prefix[f][c]++] = (struct rule_prefix){ rule, text, strlen(text) };
	r->prefix[f][c] = v;
}

static void build_index(struct rules *r)
{
	size_t i;

	drop_index(r);
	arena_init(&r->arena);
	for (i = 0; i < N_RULE_FIELDS; i++)
		strset_init(&r->exact[i], &r->arena);
	for (i = 0; i < r->n; i++) {
		const struct rule *x = &r->v[i];
		int f = x->field;

		size_t k;

		if (x->kind == RULE_EXACT) {
			for (k = 0; k < x->n_alts; k++) {
				uint32_t id = strset_find(&r->exact[f], x->alts[k]);

				if (id != UINT32_MAX)
					continue;	/* an earlier rule has it */
				id = strset_intern(&r->exact[f], x->alts[k]);
				r->exact_rule[f] = xreallocarray(r->exact_rule[f], (size_t)id + 1,
								 sizeof(size_t));
				r->exact_rule[f][id] = i;
			}
		} else if (x->kind == RULE_PREFIX) {
			for (k = 0; k < x->n_alts; k++)
				push_prefix(r, f, i, x->alts[k]);
		} else
			push(&r->regex[f], &r->n_regex[f], i);
	}
	r->is_indexed = true;
}

static void expand(const struct rule *x, const char *name, const regmatch_t *pm,
		   struct rule_match *m)
{
	const char *s = x->library;
	size_t o = 0, cap = sizeof(m->library) - 1;

	while (*s && o < cap) {
		bool lower = false;

		if (s[0] == '\\' && (isdigit((unsigned char)s[1]) ||
				     (s[1] == 'l' && isdigit((unsigned char)s[2])))) {
			int g;

			if (s[1] == 'l') {
				lower = true;
				s++;
			}
			g = s[1] - '0';
			s += 2;
			if (pm && pm[g].rm_so >= 0) {
				regoff_t k;

				for (k = pm[g].rm_so; k < pm[g].rm_eo && o < cap; k++)
					m->library[o++] = lower ? (char)tolower((unsigned char)name[k])
								: name[k];
			}
			continue;
		}
		m->library[o++] = *s++;
	}
	m->library[o] = '\0';
}

bool rules_match(struct rules *r, enum rule_field f, const char *name, struct rule_match *m)
{
	size_t best = SIZE_MAX, i;
	regmatch_t pm[10];
	bool have_pm = false;
	const struct rule_prefix *pv;
	size_t n;

	if (!r->is_indexed)
		build_index(r);
	{
		uint32_t id = strset_find(&r->exact[f], name);

		if (id != UINT32_MAX)
			best = r->exact_rule[f][id];
	}
	pv = r->prefix[f][(unsigned char)name[0]];
	n = r->n_prefix[f][(unsigned char)name[0]];
	for (i = 0; i < n && pv[i].rule < best; i++) {
		if (!strncmp(pv[i].text, name, pv[i].len)) {
			best = pv[i].rule;
			break;
		}
	}
	for (i = 0; i < r->n_regex[f] && r->regex[f][i] < best; i++) {
		size_t k = r->regex[f][i];

		if (regexec(&r->v[k].re, name, 10, pm, 0) == 0) {
			best = k;
			have_pm = true;
			break;
		}
	}
	if (best == SIZE_MAX)
		return false;
	m->rule = &r->v[best];
	expand(m->rule, name, have_pm && r->v[best].kind == RULE_REGEX ? pm : NULL, m);
	return true;
}
