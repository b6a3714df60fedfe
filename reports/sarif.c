// SPDX-License-Identifier: ISC
/*
 * SARIF 2.1.0 for code-scanning dashboards: each failed budget line and each finding is
 * one result with a stable rule id (MA-BUD-*, MA-DRV-*, ...). Budget lines point at the
 * budget file (it lives in the repository), findings at the image; witness paths are
 * code flows of logical locations. Written with jansson, so every string is escaped.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/gates/check.h"
#include "audit/core/report.h"
#include "audit/core/vocab.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

struct sarif {
	json_t *rules;			/* tool.driver.rules */
	json_t *results;
	json_t *artifacts;
};

static json_t *text_obj(const char *text)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", json_string(text));
	return o;
}


/* The index of rule ID in tool.driver.rules, added with TITLE and LEVEL the first time. */
static size_t rule_index(struct sarif *s, const char *id, const char *title, const char *level)
{
	json_t *r, *cfg;
	size_t i;

	for (i = 0; i < json_array_size(s->rules); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(s->rules, i), "id")), id))
			return i;
	r = json_object();
	cfg = json_object();
	json_object_set_new(r, "id", json_string(id));
	json_object_set_new(r, "shortDescription", text_obj(title));
	json_object_set_new(cfg, "level", json_string(level));
	json_object_set_new(r, "defaultConfiguration", cfg);
	json_array_append_new(s->rules, r);
	return json_array_size(s->rules) - 1;
}

static json_t *logical(const char *name, const char *kind)
{
	json_t *arr = json_array(), *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "kind", json_string(kind));
	json_array_append_new(arr, o);
	return arr;
}

/* A location in artifact ARTIFACT (index into run.artifacts), optionally naming NAME. */
static json_t *location(size_t artifact, const char *uri, const char *name, const char *kind)
{
	json_t *arr = json_array(), *loc = json_object(), *phys = json_object(),
	       *art = json_object();

	json_object_set_new(art, "uri", json_string(uri));
	json_object_set_new(art, "index", json_integer((json_int_t)artifact));
	json_object_set_new(phys, "artifactLocation", art);
	json_object_set_new(loc, "physicalLocation", phys);
	if (name)
		json_object_set_new(loc, "logicalLocations", logical(name, kind));
	json_array_append_new(arr, loc);
	return arr;
}

/* The witness path of NODE as one code flow: each step a function (a logical location). */
static json_t *code_flows(const struct audit *a, int32_t node)
{
	json_t *flows = json_array(), *flow = json_object(), *threads = json_array(),
	       *thread = json_object(), *locs = json_array();
	uint32_t chain[64];
	size_t n = reach_chain(a, (uint32_t)node, chain, 64), i;
	char buf[128];

	for (i = 0; i < n; i++) {
		json_t *tfl = json_object(), *loc = json_object();

		json_object_set_new(loc, "logicalLocations",
				    logical(layout_node_name(a, chain[i], buf, sizeof(buf)),
					    "function"));
		json_object_set_new(loc, "message", text_obj(i == 0 ? "a reachability root" :
							     "referenced by the step before"));
		json_object_set_new(tfl, "location", loc);
		json_array_append_new(locs, tfl);
	}
	json_object_set_new(thread, "locations", locs);
	json_array_append_new(threads, thread);
	json_object_set_new(flow, "message", text_obj("witness path from a root"));
	json_object_set_new(flow, "threadFlows", threads);
	json_array_append_new(flows, flow);
	return flows;
}

static void add_artifact(struct sarif *s, const char *uri, const char *role)
{
	json_t *o = json_object(), *loc = json_object(), *roles = json_array();

	json_object_set_new(loc, "uri", json_string(uri));
	json_object_set_new(o, "location", loc);
	json_array_append_new(roles, json_string(role));
	json_object_set_new(o, "roles", roles);
	json_array_append_new(s->artifacts, o);
}

static void finding_results(struct sarif *s, const struct audit *a)
{
	size_t i, n = findings_count(a);

	for (i = 0; i < n; i++) {
		const struct finding *f = findings_at(a, i);
		json_t *r = json_object();
		size_t k = rule_index(s, f->rule, finding_title(f->rule),
				      severity_name(f->severity));

		json_object_set_new(r, "ruleId", json_string(f->rule));
		json_object_set_new(r, "ruleIndex", json_integer((json_int_t)k));
		json_object_set_new(r, "level", json_string(severity_name(f->severity)));
		json_object_set_new(r, "message", text_obj(f->message));
		if (f->advice)
			json_object_set_new(r, "properties", json_pack("{s:s}", "advice", f->advice));
		json_object_set_new(r, "locations",
				    location(0, a->image.path, f->facility ? f->facility :
					     f->location, f->facility ? "module" : "member"));
		if (f->witness >= 0)
			json_object_set_new(r, "codeFlows", code_flows(a, f->witness));
		json_array_append_new(s->results, r);
	}
}

static void check_results(struct sarif *s, const struct audit *a, const struct check *c)
{
	size_t i;

	for (i = 0; i < c->n_lines; i++) {
		const struct check_line *l = &c->lines[i];
		json_t *r, *props, *fp;
		size_t k;

		if (l->status != CHECK_FAIL)
			continue;
		r = json_object();
		props = json_object();
		fp = json_object();
		k = rule_index(s, check_rule(l->kind), check_rule_title(l->kind),
			       severity_name(SEV_ERROR));
		json_object_set_new(r, "ruleId", json_string(check_rule(l->kind)));
		json_object_set_new(r, "ruleIndex", json_integer((json_int_t)k));
		json_object_set_new(r, "level", json_string(severity_name(SEV_ERROR)));
		json_object_set_new(r, "message", text_obj(l->message));
		json_object_set_new(r, "locations", location(1, c->budget, l->key, "member"));
		json_object_set_new(fp, "budgetKey/v1", json_string(l->key));
		json_object_set_new(r, "partialFingerprints", fp);
		json_object_set_new(props, "subject", json_string(l->subject));
		if (l->has_bytes) {
			json_object_set_new(props, "figure", l->is_measured ?
					    json_integer(l->figure) : json_null());
			json_object_set_new(props, "limit", json_integer((json_int_t)l->limit));
		}
		if (l->has_percent) {
			json_object_set_new(props, "figure", l->is_measured && isfinite(l->pct_figure) ?
					    json_real(l->pct_figure) : json_null());
			json_object_set_new(props, "limit", json_real(l->pct_limit));
		}
		if (l->verdict)
			json_object_set_new(props, "verdict", json_string(l->verdict));
		json_object_set_new(r, "properties", props);
		if (l->witness >= 0)
			json_object_set_new(r, "codeFlows", code_flows(a, l->witness));
		json_array_append_new(s->results, r);
	}
}

static int sarif_render(const struct audit *a, const struct view *v, FILE *out)
{
	struct sarif s = { json_array(), json_array(), json_array() };
	json_t *root = json_object(), *runs = json_array(), *run = json_object(),
	       *tool = json_object(), *driver = json_object(), *inv = json_object(),
	       *invs = json_array();
	int rc;

	add_artifact(&s, a->image.path, "analysisTarget");
	if (v->kind == VIEW_CHECK) {
		add_artifact(&s, v->check->budget, "policy");
		check_results(&s, a, v->check);
	}
	finding_results(&s, a);
	json_object_set_new(driver, "name", json_string("mirage-audit"));
	json_object_set_new(driver, "version", json_string(MA_VERSION));
	json_object_set_new(driver, "rules", s.rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(inv, "executionSuccessful", json_true());
	json_array_append_new(invs, inv);
	json_object_set_new(run, "invocations", invs);
	json_object_set_new(run, "artifacts", s.artifacts);
	json_object_set_new(run, "results", s.results);
	json_array_append_new(runs, run);
	json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", runs);
	rc = json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return ferror(out) ? -1 : 0;
}

int sarif_merge(char *const *docs, const size_t *lens, size_t n, FILE *out)
{
	json_t *root = NULL, *runs = NULL;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		json_t *doc = json_loadb(docs[i], lens[i], JSON_DECODE_ANY, NULL);
		json_t *more = json_object_get(doc, "runs");

		if (!json_is_array(more)) {
			rc = -1;
		} else if (!root) {
			root = json_incref(doc);
			runs = more;
		} else {
			for (k = 0; k < json_array_size(more); k++)
				json_array_append(runs, json_array_get(more, k));
		}
		json_decref(doc);
	}
	if (rc == 0 && root && (json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0 ||
				fputc('\n', out) == EOF))
		rc = -1;
	json_decref(root);
	return rc;
}

const struct reporter report_sarif = {
	.name = "sarif",
	.render = sarif_render,
	.views = VIEW_BIT(VIEW_REPORT) | VIEW_BIT(VIEW_FACILITIES) | VIEW_BIT(VIEW_DRIVERS) |
		 VIEW_BIT(VIEW_CHECK),
};
