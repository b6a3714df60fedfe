// SPDX-License-Identifier: ISC
/*
 * CycloneDX 1.5 JSON (report -f cyclonedx): the image's packages as an SBOM,
 * from the build's package groups (facts.linkage.packages): one component of
 * type library per package the build names, with its opam purl and the bytes
 * it linked and that can run as properties (docs/build.md).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/build.h"
#include "audit/core/report.h"

#define CDX_UNKNOWN "[unknown]"

/* Strings from the build may hold any bytes: invalid UTF-8 is sent escaped, never dropped. */
static json_t *str(const char *s)
{
	char buf[4096];
	json_t *j = json_string(s);

	return j ? j : json_string(escape_text(s, buf, sizeof(buf)));
}

/*
 * The BOM's serial number: a UUID made of the image's SHA-256 (the same image, the same
 * serial), with the version (5, name-based) and variant bits set, or a random v4 one
 * when the hash is unknown.
 */
static void serial(const struct audit *a, char *buf, size_t size)
{
	unsigned char u[16] = { 0 };
	const char *h = a->image.sha256;
	size_t i;

	if (strlen(h) >= 32) {
		for (i = 0; i < 16; i++) {
			unsigned v = 0;

			sscanf(h + 2 * i, "%2x", &v);
			u[i] = (unsigned char)v;
		}
		u[6] = (unsigned char)((u[6] & 0x0f) | 0x50);
	} else {
		FILE *f = fopen("/dev/urandom", "rb");

		if (!f || fread(u, 1, sizeof(u), f) != sizeof(u))
			memset(u, 0x5a, sizeof(u));
		if (f)
			fclose(f);
		u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	}
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(buf, size, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
		 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* S percent-encoded for a purl segment (unreserved characters kept), into BUF. */
static const char *purl_part(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "%%%02X", c);
	}
	buf[o] = '\0';
	return buf;
}

static json_t *property(const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_pack("{s:s, s:s}", "name", name, "value", buf);
}

static json_t *component(const struct audit *a, const struct linkage_group *g)
{
	const struct build_package *p = build_package_of(a->opt.build, g->name);
	const char *version = g->version ? g->version : p ? p->version : NULL;
	json_t *c = json_object(), *props = json_array();
	char name[512], ver[512], purl[1100];

	purl_part(g->name, name, sizeof(name));
	if (version)
		snprintf(purl, sizeof(purl), "pkg:opam/%s@%s", name,
			 purl_part(version, ver, sizeof(ver)));
	else
		snprintf(purl, sizeof(purl), "pkg:opam/%s", name);
	json_object_set_new(c, "type", json_string("library"));
	json_object_set_new(c, "bom-ref", str(purl));
	json_object_set_new(c, "name", str(g->name));
	if (version)
		json_object_set_new(c, "version", str(version));
	json_object_set_new(c, "purl", str(purl));
	json_array_append_new(props, property("mirage-audit:bytes-linked", g->linked_bytes));
	json_array_append_new(props, property("mirage-audit:bytes-reachable", g->reachable_bytes));
	json_array_append_new(props, property("mirage-audit:objects-linked", g->n_linked));
	json_array_append_new(props, property("mirage-audit:objects-available", g->n_available));
	if (p && p->from)
		json_array_append_new(props, json_pack("{s:s, s:o}", "name", "mirage-audit:from",
						       "value", str(p->from)));
	json_object_set_new(c, "properties", props);
	return c;
}

static int cyclonedx_render(const struct audit *a, const struct view *v, FILE *out)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	json_t *bom = json_object(), *meta = json_object(), *image = json_object();
	json_t *comps = json_array(), *deps = json_array(), *refs = json_array(), *props;
	const char *base = strrchr(a->image.path, '/');
	char uuid[64];
	size_t i;
	int rc;

	serial(a, uuid, sizeof(uuid));
	json_object_set_new(bom, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(bom, "specVersion", json_string("1.5"));
	json_object_set_new(bom, "serialNumber", json_string(uuid));
	json_object_set_new(bom, "version", json_integer(1));
	json_object_set_new(meta, "tools", json_pack("{s:[{s:s, s:s, s:s}]}", "components",
						      "type", "application", "name",
						      "mirage-audit", "version", MA_VERSION));
	json_object_set_new(image, "type", json_string("application"));
	json_object_set_new(image, "bom-ref", json_string("image"));
	json_object_set_new(image, "name", str(base ? base + 1 : a->image.path));
	if (a->image.sha256[0])
		json_object_set_new(image, "hashes", json_pack("[{s:s, s:s}]", "alg", "SHA-256",
								"content", a->image.sha256));
	props = json_array();
	json_array_append_new(props, property("mirage-audit:bytes-linked", lf->total.linked_bytes));
	json_array_append_new(props, property("mirage-audit:bytes-reachable",
					      lf->total.reachable_bytes));
	for (i = 0; i < lf->n_packages; i++)
		if (!strcmp(lf->packages[i].name, CDX_UNKNOWN))
			json_array_append_new(props, property("mirage-audit:bytes-unattributed",
							      lf->packages[i].linked_bytes));
	json_object_set_new(image, "properties", props);
	json_object_set_new(meta, "component", image);
	json_object_set_new(bom, "metadata", meta);
	/* "[unknown]" is no package: its bytes are the image's unattributed property. */
	for (i = 0; i < lf->n_packages; i++) {
		json_t *c;

		if (!strcmp(lf->packages[i].name, CDX_UNKNOWN))
			continue;
		c = component(a, &lf->packages[i]);
		json_array_append_new(refs, json_incref(json_object_get(c, "bom-ref")));
		json_array_append_new(comps, c);
	}
	json_object_set_new(bom, "components", comps);
	json_array_append_new(deps, json_pack("{s:s, s:o}", "ref", "image", "dependsOn", refs));
	json_object_set_new(bom, "dependencies", deps);
	rc = json_dumpf(bom, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(bom);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return ferror(out) ? -1 : 0;
}

const struct reporter report_cyclonedx = {
	.name = "cyclonedx",
	.render = cyclonedx_render,
	.views = VIEW_BIT(VIEW_REPORT),
};
