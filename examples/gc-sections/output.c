// SPDX-License-Identifier: ISC
/*
 * The report, written through a struct of callbacks: text_ops is the one
 * solo5_app_main() passes; json_ops and unused_checksum_report() (with the
 * two helpers only it calls) are never used.
 */
#include "nolibc.h"
#include "gc.h"

static char line[256];
static size_t line_len;

static void text_begin(const char *title)
{
	line_len = (size_t)fmt_snprintf(line, sizeof(line), "%s:", title);
}

static void text_field(const char *key, unsigned long value)
{
	if (line_len < sizeof(line))
		line_len += (size_t)fmt_snprintf(line + line_len, sizeof(line) - line_len,
						 " %s=%lu", key, value);
}

static void text_end(void)
{
	printf("%s\n", line);
	line_len = 0;
}

const struct output_ops text_ops = {
	.begin = text_begin,
	.field = text_field,
	.end = text_end,
};

/*
 * Deliberately dead: json_ops is global, so its three callbacks are
 * compiled, but nothing refers to it.
 */
static unsigned json_depth;

static void json_begin(const char *title)
{
	printf("{\"title\": \"%s\"", title);
	json_depth++;
}

static void json_field(const char *key, unsigned long value)
{
	printf(", \"%s\": %lu", key, value);
}

static void json_end(void)
{
	json_depth--;
	printf("}%s\n", json_depth ? "," : "");
}

extern const struct output_ops json_ops;
const struct output_ops json_ops = {
	.begin = json_begin,
	.field = json_field,
	.end = json_end,
};

void report(const struct output_ops *ops, const char *title, long acc)
{
	ops->begin(title);
	ops->field("frames", stats.frames);
	ops->field("bytes", stats.bytes);
	ops->field("arp", stats.arp);
	ops->field("ipv4", stats.ipv4);
	ops->field("ipv6", stats.ipv6);
	ops->field("udp", stats.udp);
	ops->field("tcp", stats.tcp);
	ops->field("other", stats.other);
	ops->field("hash", stats.hash);
	ops->field("acc", (unsigned long)acc);
	ops->end();
}

/* Deliberately dead, like its only caller below. */
static __attribute__((noinline, noclone)) unsigned histogram_bucket(unsigned long v)
{
	unsigned b = 0;

	while (v >>= 1)
		b++;
	return b;
}

/* Deliberately dead: called only by unused_checksum_report(). */
static __attribute__((noinline, noclone)) void report_histogram(const unsigned long *v, size_t n)
{
	unsigned long h[8] = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		h[histogram_bucket(v[i]) & 7]++;
	for (i = 0; i < 8; i++)
		printf("%lu%c", h[i], i == 7 ? '\n' : ' ');
}

/* Deliberately dead: never called, never address-taken. */
void unused_checksum_report(void);
void unused_checksum_report(void)
{
	unsigned long v[4] = { stats.frames, stats.bytes, stats.arp, stats.ipv4 };

	report_histogram(v, 4);
}
