// SPDX-License-Identifier: ISC
/* Formatting helpers shared by reporters: escaped names, human sizes, percentages. */
#include <stdio.h>

#include "audit/report.h"

const char *escape_text(const char *name, char *buf, size_t size)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)name;

	if (!size)
		return "";
	for (; *p && o + 5 < size; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			snprintf(buf + o, size - o, "\\x%02x", *p);
			o += 4;
		} else {
			buf[o++] = (char)*p;
		}
	}
	if (*p && o + 4 < size) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
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
