// SPDX-License-Identifier: ISC
/*
 * A Solo5 manifest.json of a build directory (formats.md 1.2 and 4.1): the
 * devices it declares, read with jansson, size-bounded, as hostile input.
 * Kept apart from build_config.c so that jansson stays in the files lint
 * allows it in.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/build_config.h"

/* A manifest lists at most 63 devices (MFT_MAX_ENTRIES); 1 MiB is generous for that. */
#define MANIFEST_MAX ((size_t)1 << 20)

ssize_t cfg_read_manifest(struct build *b, const char *path, const char *name)
{
	const char *dev_name, *type, *from;
	json_t *doc, *devices, *d;
	json_error_t err;
	ssize_t n = 0;
	size_t i, len;
	char *text;

	if (cfg_read_file(b, path, name, MANIFEST_MAX, &text, &len) < 0)
		return -1;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	free(text);
	if (!doc) {
		diag_warn(&b->diag, "build file '%s': not JSON: line %d: %s", name, err.line,
			  err.text);
		return -1;
	}
	devices = json_is_object(doc) ? json_object_get(doc, "devices") : NULL;
	if (!json_is_array(devices)) {
		diag_warn(&b->diag, "build file '%s': no \"devices\" array", name);
		json_decref(doc);
		return -1;
	}
	from = arena_strdup(&b->arena, name);
	json_array_foreach(devices, i, d) {
		dev_name = json_string_value(json_object_get(d, "name"));
		type = json_string_value(json_object_get(d, "type"));
		if (!dev_name || !cfg_add_device(b, dev_name, type && cfg_is_word(type, 64) ?
						 type : NULL, from)) {
			diag_warn(&b->diag, "build file '%s': device %zu has no usable name", name,
				  i);
			continue;
		}
		n++;
	}
	json_decref(doc);
	return n;
}
