// SPDX-License-Identifier: ISC
/* Formatting helpers shared by reporters: escaped names, human sizes, percentages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/report.h"
#include "audit/core/xalloc.h"

/*
 * One walk for every escaper: bytes that are control, non-ASCII or a backslash
 * become \xNN (with CODE_PREFIX before the backslash), bytes in SPECIAL go
 * through ONE (a prefix or an entity), the rest are copied; "..." when cut.
 */
static const char *escape_with(const char *name, char *buf, size_t size, const char *code_prefix,
			       const char *special, const char *(*one)(unsigned char c, char *tmp))
{
	size_t o = 0, cp = strlen(code_prefix);
	const unsigned char *p = (const unsigned char *)name;
	char tmp[16];

	if (!size)
		return "";
	for (; *p; p++) {
		const char *rep = NULL;
		size_t n;

		if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			snprintf(tmp, sizeof(tmp), "%s\\x%02x", code_prefix, *p);
			rep = tmp;
			n = cp + 4;
		} else if (special && strchr(special, *p)) {
			rep = one(*p, tmp);
			n = strlen(rep);
		} else {
			n = 1;
		}
		if (o + n + 4 >= size)
			break;
		if (rep)
			memcpy(buf + o, rep, n);
		else
			buf[o] = (char)*p;
		o += n;
	}
	if (*p && o + 3 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

const char *escape_text(const char *name, char *buf, size_t size)
{
	return escape_with(name, buf, size, "", NULL, NULL);
}

/*
 * CommonMark: any ASCII punctuation may be backslash-escaped and is then literal. Escaped
 * are those that can start markup inside a table cell: emphasis, code, links and images,
 * HTML and entities, cell separators, strikethrough and GFM's autolinks (: and @).
 */
static const char *md_one(unsigned char c, char *tmp)
{
	tmp[0] = '\\';
	tmp[1] = (char)c;
	tmp[2] = '\0';
	return tmp;
}

const char *escape_md(const char *name, char *buf, size_t size)
{
	return escape_with(name, buf, size, "\\", "!#&*:<>@[]_`|~", md_one);
}

static const char *xml_one(unsigned char c, char *tmp)
{
	(void)tmp;
	return c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" :
	       "&apos;";
}

const char *escape_xml(const char *name, char *buf, size_t size)
{
	return escape_with(name, buf, size, "", "<>&\"'", xml_one);
}

const char *human_size(uint64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)n);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

int fputs_xml(const char *name, FILE *out)
{
	/* Every byte takes at most 6 bytes escaped ("&quot;", "\xNN" is 4): never cut. */
	size_t size = 6 * strlen(name) + 8;
	char stack[512], *buf = size <= sizeof(stack) ? stack : xmalloc(size);
	int rc = fputs(escape_xml(name, buf, size), out);

	if (buf != stack)
		free(buf);
	return rc == EOF ? -1 : 0;
}
