/*
 * tests/engine/test_project.c - the project index built from files loaded
 * with plm_load, and project-scope policies run over it: findings in any
 * file of the project, related locations, project.load, suppressions,
 * scope validation, and file runs leaving project policies out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docs.h"
#include "engine/engine.h"
#include "engine/index.h"
#include "load/load.h"
#include "plm_config.h"

#define BUILTIN PLM_SOURCE_ROOT "/policies"

static const char deploy_yaml[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: web\n"
	"  namespace: shop\n"
	"  labels: {team: a}\n"
	"spec:\n"
	"  selector:\n"
	"    matchLabels: {app: web}\n"
	"    matchExpressions:\n"
	"      - {key: tier, operator: In, values: [front, edge]}\n"
	"  template:\n"
	"    metadata:\n"
	"      labels: {app: web, tier: front}\n"
	"    spec:\n"
	"      initContainers:\n"
	"        - {name: init, image: busybox:1.36}\n"
	"      containers:\n"
	"        - name: web\n"
	"          image: nginx:1.25\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  name: web\n"
	"  namespace: shop\n"
	"spec:\n"
	"  selector: {app: web}\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  name: ghost\n"
	"  namespace: shop\n"
	"spec:\n"
	"  # plimsoll ignore=test/suppressed -- known\n"
	"  selector: {app: ghost}\n";

static const char netpol_yaml[] = "apiVersion: networking.k8s.io/v1\n"
				  "kind: NetworkPolicy\n"
				  "metadata:\n"
				  "  name: deny\n"
				  "  namespace: shop\n"
				  "spec:\n"
				  "  podSelector:\n"
				  "    matchLabels: {app: web}\n"
				  "  policyTypes: [Ingress, Egress]\n";

static const char compose_yaml[] = "services:\n"
				   "  web:\n"
				   "    build: .\n"
				   "    labels: [a=1, b]\n"
				   "    networks: [front, back]\n"
				   "  db:\n"
				   "    image: postgres:16\n";

static const char dockerfile[] = "FROM golang:1.22 AS build\n"
				 "RUN go build\n"
				 "FROM alpine:3.19 AS run\n"
				 "USER 101\n";

struct project {
	char *dir;
	char paths[4][512];
	struct plm_index *index;
};

static struct plm_doc *load_file(const char *path)
{
	struct plm_load_options o = {0};
	struct plm_load_status st;
	struct plm_doc *doc = NULL;
	assert_int_equal(plm_load(path, path, PLM_KIND_UNKNOWN, true, &o, &doc,
				 &st),
		0);
	assert_int_equal(st.outcome, PLM_LOAD_OK);
	assert_non_null(doc);
	return doc;
}

/* Writes the four files and indexes them in this order, each document
 * freed once indexed. */
static void project_setup(struct project *p)
{
	p->dir = test_tmpdir();
	static const char *const names[4] = {"deploy.yaml", "netpol.yaml",
		"compose.yaml", "Dockerfile"};
	static const char *const texts[4] = {deploy_yaml, netpol_yaml,
		compose_yaml, dockerfile};
	assert_int_equal(plm_index_create(&p->index), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(p->paths[i], sizeof(p->paths[i]), "%s/%s", p->dir,
			names[i]);
		test_write(p->paths[i], texts[i]);
	}
	for (int i = 0; i < 4; i++) {
		struct plm_doc *doc = load_file(p->paths[i]);
		assert_int_equal(plm_index_add_doc(p->index, doc, p->paths[i],
					 NULL),
			0);
		plm_doc_destroy(doc);
	}
}

static void project_teardown(struct project *p)
{
	plm_index_destroy(p->index);
	test_rmrf(p->dir);
}

static void write_project_policy(const char *dir, const char *name,
	const char *id, const char *scope, const char *body)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s.lua", dir, name);
	char text[8192];
	snprintf(text, sizeof(text),
		"local p = require('plimsoll')\n"
		"return {\n"
		"  id = '%s', title = 'Test rule %s', severity = 'low',\n"
		"  applies_to = {'kubernetes', 'compose', 'dockerfile'},\n"
		"  scope = '%s',\n"
		"  description = 'A test rule.',\n"
		"  check = function(project, report)\n%s\n  end,\n}\n",
		id, id, scope, body);
	test_write(path, text);
}

static const struct plm_finding *by_message(const struct plm_file_result *r,
	const char *message)
{
	for (size_t i = 0; i < r->finding_count; i++) {
		if (strcmp(r->findings[i].message, message) == 0) {
			return &r->findings[i];
		}
	}
	fail_msg("no finding '%s'", message);
	return NULL;
}

/* Runs the project policies of pdir over p's index into r, with no
 * notification (each printed before the check fails). */
static void run_policies(const char *pdir, const struct project *p,
	struct plm_engine **e, struct plm_checker **c,
	struct plm_file_result *r)
{
	char *error = NULL;
	*e = test_engine_for(pdir, &error);
	assert_non_null(*e);
	*c = NULL;
	assert_int_equal(plm_checker_create(*e, c, &error), 0);
	assert_int_equal(plm_file_result_init(r, "project"), 0);
	assert_int_equal(plm_checker_run_project(*c, p->index, NULL, r), 0);
	for (size_t i = 0; i < r->note_count; i++) {
		print_message("note: %s\n", r->notes[i].message);
	}
	assert_int_equal(r->note_count, 0);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The index keeps what the brief promises, copied out of the freed
 * documents, in the order the documents were added. */
static void index_summarizes_every_kind_of_document(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	assert_int_equal(plm_index_doc_count(p.index), 4);
	const struct plm_index_doc *k = plm_index_doc_at(p.index, 0);
	assert_int_equal(k->kind, PLM_KIND_KUBERNETES);
	assert_true(ends_with(k->shown_path, "deploy.yaml"));
	assert_int_equal(k->entry_count, 3);
	const struct plm_index_entry *d = &k->entries[0];
	assert_string_equal(d->object_kind, "Deployment");
	assert_string_equal(d->api_version, "apps/v1");
	assert_string_equal(d->name, "web");
	assert_string_equal(d->namespace_name, "shop");
	assert_int_equal(d->labels.count, 1);
	assert_string_equal(d->labels.items[0].key, "team");
	assert_true(d->has_pods);
	assert_int_equal(d->pod_labels.count, 2);
	assert_string_equal(d->pod_labels.items[1].value, "front");
	assert_true(d->selector.present);
	assert_int_equal(d->selector.match_labels.count, 1);
	assert_int_equal(d->selector.expression_count, 1);
	assert_string_equal(d->selector.expressions[0].operator_name, "In");
	assert_int_equal(d->selector.expressions[0].values.count, 2);
	assert_int_equal(d->images.count, 2);
	assert_string_equal(d->images.items[0], "busybox:1.36");
	assert_string_equal(d->images.items[1], "nginx:1.25");
	const struct plm_index_location *obj = plm_index_entry_location(d,
		"object");
	assert_non_null(obj);
	assert_int_equal(obj->region.start_line, 1);
	const struct plm_index_location *name = plm_index_entry_location(d,
		"name");
	assert_int_equal(name->region.start_line, 4);
	assert_int_equal(name->region.start_column, 9);
	assert_int_equal(name->region.end_column, 12);
	const struct plm_index_entry *svc = &k->entries[1];
	assert_string_equal(svc->object_kind, "Service");
	assert_false(svc->has_pods);
	assert_int_equal(svc->selector.match_labels.count, 1);
	assert_string_equal(svc->selector.match_labels.items[0].value, "web");
	assert_int_equal(plm_index_entry_location(svc, "selector")
				 ->region.start_line,
		28);

	const struct plm_index_entry *np =
		&plm_index_doc_at(p.index, 1)->entries[0];
	assert_string_equal(np->object_kind, "NetworkPolicy");
	assert_true(np->selector.present);
	assert_string_equal(np->selector.match_labels.items[0].key, "app");
	assert_int_equal(np->policy_types.count, 2);
	assert_string_equal(np->policy_types.items[1], "Egress");

	const struct plm_index_doc *cd = plm_index_doc_at(p.index, 2);
	assert_int_equal(cd->kind, PLM_KIND_COMPOSE);
	assert_int_equal(cd->entry_count, 2);
	const struct plm_index_entry *web = &cd->entries[0];
	assert_int_equal(web->kind, PLM_INDEX_SERVICE);
	assert_string_equal(web->name, "web");
	assert_null(web->image);
	assert_non_null(web->build);
	assert_true(ends_with(web->build, "Dockerfile"));
	assert_int_equal(web->labels.count, 2);
	assert_string_equal(web->labels.items[0].value, "1");
	assert_null(web->labels.items[1].value);
	assert_int_equal(web->networks.count, 2);
	assert_string_equal(cd->entries[1].image, "postgres:16");
	assert_null(cd->entries[1].build);

	const struct plm_index_doc *df = plm_index_doc_at(p.index, 3);
	assert_int_equal(df->entry_count, 1);
	assert_string_equal(df->entries[0].image, "alpine:3.19");
	assert_string_equal(df->entries[0].user, "101");
	assert_string_equal(df->entries[0].name, "run");
	assert_int_equal(df->entries[0].stages.count, 2);
	assert_int_equal(plm_index_entry_location(&df->entries[0], "user")
				 ->region.start_line,
		4);
	assert_null(plm_index_doc_at(p.index, 4));
	project_teardown(&p);
}

/* Parts built apart (as workers do) and appended in a chosen order give
 * that order. */
static void index_parts_keep_the_order_they_are_appended_in(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	struct plm_index *ix = NULL;
	assert_int_equal(plm_index_create(&ix), 0);
	struct plm_index_part *parts[2] = {NULL, NULL};
	for (int i = 0; i < 2; i++) {
		struct plm_doc *doc = load_file(p.paths[i]);
		assert_int_equal(plm_index_part_build(doc, p.paths[i], "shown",
					 &parts[i]),
			0);
		plm_doc_destroy(doc);
	}
	assert_int_equal(plm_index_append_take(ix, parts[1]), 0);
	assert_int_equal(plm_index_append_take(ix, parts[0]), 0);
	assert_int_equal(plm_index_doc_at(ix, 0)
				 ->entries[0]
				 .selector.match_labels.count,
		1);
	assert_string_equal(plm_index_doc_at(ix, 0)->entries[0].object_kind,
		"NetworkPolicy");
	assert_string_equal(plm_index_doc_at(ix, 1)->shown_path, "shown");
	plm_index_destroy(ix);
	plm_index_part_destroy(NULL);
	project_teardown(&p);
}

/* A project policy reports on an entry in another file than the one it
 * relates it to; findings carry their own paths, lines and related
 * locations; suppressions in the file a finding lands in apply. */
static void project_policy_reports_across_files_with_related(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "rel", "test/related", "project",
		"    local np\n"
		"    for _, o in ipairs(project.objects) do\n"
		"      if o.kind == 'NetworkPolicy' then np = o end\n"
		"    end\n"
		"    for _, o in ipairs(project.objects) do\n"
		"      if o.kind == 'Deployment' then\n"
		"        report(o, 'name', 'deployment ' .. o.name .. ' in ' ..\n"
		"          o.namespace .. ' ' .. #project.documents .. ' ' ..\n"
		"          #project.services .. ' ' .. #project.dockerfiles ..\n"
		"          ' ' .. o.spans.name.line,\n"
		"          { related = { { node = np, field = 'selector',\n"
		"            message = 'the NetworkPolicy' },\n"
		"            { node = project.documents[3] } } })\n"
		"      end\n"
		"    end\n"
		"    report(project.services[2], 'image', 'db image')\n"
		"    report(project.dockerfiles[1], 'nothing-here', 'df')\n");
	write_project_policy(pdir, "sup", "test/suppressed", "project",
		"    for _, o in ipairs(project.objects) do\n"
		"      if o.kind == 'Service' then\n"
		"        report(o, 'selector', 'service ' .. o.name)\n"
		"      end\n"
		"    end\n");
	write_project_policy(pdir, "file", "test/file", "file",
		"    -- a file policy: its first argument is the doc\n"
		"    report(project.containers[1], 'file rule')\n");
	struct plm_engine *e;
	struct plm_checker *c;
	struct plm_file_result r;
	run_policies(pdir, &p, &e, &c, &r);
	assert_int_equal(r.finding_count, 5);
	const struct plm_finding *f = by_message(&r,
		"deployment web in shop "
		"4 2 1 4");
	assert_string_equal(f->path, p.paths[0]);
	assert_string_equal(f->kind, "kubernetes");
	assert_int_equal(f->region.start_line, 4);
	assert_int_equal(f->region.start_column, 9);
	assert_string_equal(f->snippet, "web");
	assert_string_equal(f->line_text, "  name: web");
	assert_non_null(f->fingerprint);
	assert_non_null(f->line_hash);
	assert_int_equal(f->related_count, 2);
	assert_string_equal(f->related[0].path, p.paths[1]);
	assert_int_equal(f->related[0].region.start_line, 7);
	assert_string_equal(f->related[0].message, "the NetworkPolicy");
	assert_string_equal(f->related[1].path, p.paths[2]);
	assert_int_equal(f->related[1].region.start_line, 1);
	assert_null(f->related[1].message);

	f = by_message(&r, "db image");
	assert_string_equal(f->path, p.paths[2]);
	assert_string_equal(f->kind, "compose");
	assert_int_equal(f->region.start_line, 7);
	assert_string_equal(f->snippet, "postgres:16");
	assert_non_null(f->line_hash);

	/* An unknown field lands on the whole entry. */
	f = by_message(&r, "df");
	assert_string_equal(f->path, p.paths[3]);
	assert_int_equal(f->region.start_line, 3);

	f = by_message(&r, "service web");
	assert_int_equal(f->suppression, PLM_SUPPRESSION_NONE);
	f = by_message(&r, "service ghost");
	assert_int_equal(f->region.start_line, 37);
	assert_int_equal(f->suppression, PLM_SUPPRESSION_IN_SOURCE);
	assert_string_equal(f->suppression_justification, "known");
	plm_file_result_finish(&r);

	/* A file run leaves project policies out, and the reverse. */
	struct plm_doc *doc = load_file(p.paths[3]);
	assert_int_equal(plm_file_result_init(&r, p.paths[3]), 0);
	assert_int_equal(plm_checker_run(c, doc, &r), 0);
	assert_int_equal(r.finding_count, 1);
	assert_string_equal(r.findings[0].rule_id, "test/file");
	plm_file_result_finish(&r);
	size_t file_rule = 0;
	assert_non_null(plm_engine_find(e, "test/file", &file_rule));
	assert_false(plm_engine_rule_is_project(e, file_rule));
	assert_int_equal(plm_file_result_init(&r, "project"), 0);
	assert_int_equal(plm_checker_run_project_rule(c, p.index, NULL,
				 file_rule, &r),
		0);
	assert_int_equal(r.finding_count, 0);
	plm_file_result_finish(&r);
	plm_doc_destroy(doc);

	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* An entry's lists and maps are made when first read, and pairs() lists
 * them (and spans) before that: what a policy reads and walks is the
 * whole entry. */
static void entry_fields_read_and_walked_whole(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "fields", "test/fields", "project",
		"    local function keys(t)\n"
		"      local out = {}\n"
		"      for k in pairs(t) do out[#out + 1] = tostring(k) end\n"
		"      table.sort(out)\n"
		"      return table.concat(out, ',')\n"
		"    end\n"
		"    local function list(t)\n"
		"      if t == nil then return '-' end\n"
		"      local out = {}\n"
		"      for _, v in ipairs(t) do out[#out + 1] = v end\n"
		"      table.sort(out)\n"
		"      return table.concat(out, ',')\n"
		"    end\n"
		"    local function map(t)\n"
		"      if t == nil then return '-' end\n"
		"      local out = {}\n"
		"      for k, v in pairs(t) do out[#out + 1] = k .. '=' .. v end\n"
		"      table.sort(out)\n"
		"      return table.concat(out, ',')\n"
		"    end\n"
		"    for _, d in ipairs(project.documents) do\n"
		"      for _, e in ipairs(d.objects) do\n"
		"        local walked = keys(e)\n"
		"        local sel = e.selector\n"
		"        local x = sel and sel.match_expressions[1]\n"
		"        local msg = table.concat({e.type, tostring(e.name),\n"
		"          walked, map(e.labels), map(e.pod_labels),\n"
		"          sel and map(sel.match_labels) or '-',\n"
		"          x and (x.key .. ' ' .. x.operator .. ' ' ..\n"
		"            list(x.values)) or '-',\n"
		"          list(e.policy_types), list(e.images), list(e.networks),\n"
		"          list(e.stages), tostring(e.spans.object.line),\n"
		"          tostring(rawequal(e.document, d))}, ' | ')\n"
		"        assert(keys(e) == walked, 'walked again: ' .. keys(e))\n"
		"        report(e, msg)\n"
		"      end\n"
		"    end\n");
	struct plm_engine *e;
	struct plm_checker *c;
	struct plm_file_result r;
	run_policies(pdir, &p, &e, &c, &r);
	for (size_t i = 0; i < r.finding_count; i++) {
		print_message("%s\n", r.findings[i].message);
	}
	(void)by_message(&r,
		"object | web | "
		"api_version,document,"
		"images,kind,labels,name,namespace,path,pod_labels,"
		"policy_types,selector,spans,type | team=a | app=web,tier=front"
		" | app=web | tier In edge,front |  | busybox:1.36,nginx:1.25 |"
		" - | - | 1 | true");
	(void)by_message(&r,
		"object | web | api_version,document,images,"
		"kind,labels,name,namespace,path,policy_types,selector,spans,"
		"type |  | - | app=web | - |  |  | - | - | 22 | true");
	(void)by_message(&r,
		"object | deny | api_version,document,images,"
		"kind,labels,name,namespace,path,policy_types,selector,spans,"
		"type |  | - | app=web | - | Egress,Ingress |  | - | - | 1 | "
		"true");
	(void)by_message(&r,
		"service | web | build,document,labels,name,"
		"networks,path,spans,type | a=1,b= | - | - | - | - | - | "
		"back,front | - | 3 | true");
	(void)by_message(&r,
		"dockerfile | run | document,image,name,path,"
		"spans,stages,type,user | - | - | - | - | - | - | - | build,run "
		"| 3 | true");
	assert_int_equal(r.finding_count, 7);
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* Documents are made when first reached, from an entry or from
 * project.documents: either way one table per document, listing that
 * document's entries, and a finding on it lands on its first line;
 * pairs(project) lists `documents` before it was read. */
static void documents_are_the_same_whichever_way_reached(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "docs", "test/docs", "project",
		"    local keys = {}\n"
		"    for k in pairs(project) do keys[#keys + 1] = k end\n"
		"    table.sort(keys)\n"
		"    local s = project.services[1]\n"
		"    local d = s.document\n"
		"    local same = rawequal(s.document, d)\n"
		"    local at = 0\n"
		"    for i, x in ipairs(project.documents) do\n"
		"      if rawequal(x, d) then at = i end\n"
		"    end\n"
		"    local listed = {}\n"
		"    for _, e in ipairs(d.objects) do\n"
		"      listed[#listed + 1] = e.type .. ':' .. e.name ..\n"
		"        ':' .. tostring(rawequal(e.document, d))\n"
		"    end\n"
		"    local o = project.objects[#project.objects]\n"
		"    report(d, table.concat(keys, ',') .. ' | ' ..\n"
		"      tostring(same) .. ' ' .. at .. ' ' .. d.kind .. ' ' ..\n"
		"      d.lines .. ' | ' .. table.concat(listed, ',') .. ' | ' ..\n"
		"      tostring(rawequal(o.document, project.documents[2])) ..\n"
		"      ' ' .. #project.documents[2].objects .. ' ' ..\n"
		"      tostring(rawequal(project.documents[2].objects[1], o)))\n");
	struct plm_engine *e;
	struct plm_checker *c;
	struct plm_file_result r;
	run_policies(pdir, &p, &e, &c, &r);
	for (size_t i = 0; i < r.finding_count; i++) {
		print_message("%s\n", r.findings[i].message);
	}
	assert_int_equal(r.finding_count, 1);
	const struct plm_finding *f = by_message(&r,
		"dockerfiles,documents,load,objects,services | true 3 compose "
		"8 | service:web:true,service:db:true | true 1 true");
	assert_string_equal(f->path, p.paths[2]);
	assert_int_equal(f->region.start_line, 1);
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* The lists of entries are made when first read too: reached first
 * through project.documents, a document's entries are the very tables
 * the lists then hold, each once, in document order; a name that is
 * not one of an entry's fields, or one it lacks, reads nil. */
static void lists_made_after_documents_hold_the_same_entries(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "late", "test/late-lists", "project",
		"    local from_docs, seen = {}, {}\n"
		"    for _, d in ipairs(project.documents) do\n"
		"      for _, e in ipairs(d.objects) do\n"
		"        from_docs[#from_docs + 1] = e\n"
		"      end\n"
		"    end\n"
		"    local lists = {project.objects, project.services,\n"
		"      project.dockerfiles}\n"
		"    local same, at = 0, 0\n"
		"    for _, list in ipairs(lists) do\n"
		"      for _, e in ipairs(list) do\n"
		"        at = at + 1\n"
		"        if rawequal(from_docs[at], e) and not seen[e] then\n"
		"          same = same + 1\n"
		"        end\n"
		"        seen[e] = true\n"
		"      end\n"
		"    end\n"
		"    local np = project.objects[#project.objects]\n"
		"    report(np, 'name', #from_docs .. ' ' .. same .. ' ' ..\n"
		"      #project.objects .. ' ' .. #project.services .. ' ' ..\n"
		"      #project.dockerfiles .. ' ' .. np.kind .. ' ' ..\n"
		"      np.namespace .. ' ' .. tostring(np.selectors) .. ' ' ..\n"
		"      tostring(np.p) .. ' ' .. tostring(np.s) .. ' ' ..\n"
		"      tostring(np.pod_labels) .. ' ' .. tostring(np.nothing) ..\n"
		"      ' ' .. np.selector.match_labels.app .. ' ' ..\n"
		"      tostring(project.objects[1].pod_labels.tier))\n");
	struct plm_engine *e;
	struct plm_checker *c;
	struct plm_file_result r;
	run_policies(pdir, &p, &e, &c, &r);
	for (size_t i = 0; i < r.finding_count; i++) {
		print_message("%s\n", r.findings[i].message);
	}
	assert_int_equal(r.finding_count, 1);
	(void)by_message(&r,
		"7 7 4 2 1 NetworkPolicy shop nil nil nil nil nil web front");
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* The bytes of the part of a manifest of n Services (as many in a List
 * when list), its entry count checked. */
static size_t part_bytes(const char *dir, int n, bool list)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/objects-%d-%d.yaml", dir, n, list);
	size_t cap = 64 + (size_t)n * 128;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = 0;
	if (list) {
		len += (size_t)snprintf(text + len, cap - len,
			"apiVersion: v1\nkind: List\nitems:\n");
	}
	for (int i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len,
			list ? "- {apiVersion: v1, kind: Service, metadata: "
			       "{name: s%d}}\n"
			     : "---\napiVersion: v1\nkind: Service\n"
			       "metadata: {name: s%d}\n",
			i);
	}
	test_write(path, text);
	free(text);
	struct plm_doc *doc = load_file(path);
	struct plm_index_part *part = NULL;
	assert_int_equal(plm_index_part_build(doc, path, NULL, &part), 0);
	plm_doc_destroy(doc);
	const struct plm_index_doc *d = plm_index_part_doc(part);
	assert_int_equal(d->entry_count, (size_t)n);
	/* object, kind, metadata, name */
	assert_int_equal(d->entries[0].location_count, 4);
	size_t bytes = plm_index_part_bytes(part);
	plm_index_part_destroy(part);
	return bytes;
}

/* A part holds its path and each entry's own bytes, no more: its array
 * of entries is made at its size, not doubled into (which left an
 * entry's worth of smaller arrays behind for each entry, a fifth of the
 * corpus's index), in a stream of documents and in a List alike. An
 * entry's own bytes: its struct, its four locations and a few short
 * strings. */
static void index_parts_grow_by_the_entry(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	/* the part's copy of its path */
	size_t path = strlen(dir) + strlen("/objects-1-0.yaml") + 1;
	for (int list = 0; list < 2; list++) {
		size_t one = part_bytes(dir, 1, list);
		size_t two = part_bytes(dir, 2, list);
		size_t many = part_bytes(dir, 64, list);
		/* the second entry costs what the first did (32 bytes of
		 * alignment aside), and no more than its own bytes */
		assert_true(two > one);
		assert_true(two - one <= one - path + 32);
		assert_true(two - one <= sizeof(struct plm_index_entry) +
				4 * sizeof(struct plm_index_location) + 64);
		/* and so does each of the 64; names s10..s63 are a byte
		 * longer */
		assert_true(many <= one + 63 * (two - one) + 64);
	}
	test_rmrf(dir);
}

/* project.load gives the full model of one document; a finding on one of
 * its nodes lands in that file; the previous document's nodes go stale
 * when another is loaded. */
static void project_load_gives_the_document_model(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "load", "test/load", "project",
		"    local df = project.load(project.dockerfiles[1])\n"
		"    local c = df.containers[1]\n"
		"    for _ = 1, 5 do local _ = c.user.text end\n"
		"    report(c, 'user', 'user ' .. c.user.text .. ' ' .. df.kind)\n"
		"    local again = project.load(project.documents[4])\n"
		"    report(again.containers[1], 'image', 'same doc, still live')\n"
		"    local k = project.load(project.objects[2])\n"
		"    report(k.containers[1], 'image', 'k8s ' .. #k.containers,\n"
		"      { related = { { node = project.services[1], field = 'build',\n"
		"        message = 'built here' } } })\n"
		"    local ok, err = pcall(report, c, 'stale')\n"
		"    report(project.documents[2], tostring(ok) .. ' ' ..\n"
		"      tostring(err):gsub('^.-: ', ''))\n"
		"    local read, why = pcall(function() return c.user end)\n"
		"    report(project.documents[2], 'read ' .. tostring(read) ..\n"
		"      ' ' .. tostring(why):gsub('^.-: ', ''))\n");
	struct plm_engine *e;
	struct plm_checker *c;
	struct plm_file_result r;
	run_policies(pdir, &p, &e, &c, &r);
	assert_int_equal(r.finding_count, 5);
	const struct plm_finding *f = by_message(&r, "user 101 dockerfile");
	assert_string_equal(f->path, p.paths[3]);
	assert_int_equal(f->region.start_line, 4);
	f = by_message(&r, "same doc, still live");
	assert_int_equal(f->region.start_line, 3);
	f = by_message(&r, "k8s 2");
	assert_string_equal(f->path, p.paths[0]);
	assert_int_equal(f->region.start_line, 17);
	assert_int_equal(f->related_count, 1);
	assert_int_equal(f->related[0].region.start_line, 3);
	f = by_message(&r,
		"false model node used after its document was "
		"checked");
	assert_string_equal(f->path, p.paths[1]);
	assert_int_equal(f->region.start_line, 1);
	/* a field read many times before (the proxy's fast path) is
	 * refused all the same */
	assert_non_null(by_message(&r,
		"read false model node used after its document was "
		"checked"));
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* Hostile or wrong project policies end as notifications, never crash:
 * forged entries, bad related shapes, a file that vanished before its
 * finding was written, and budgets. */
static void project_policy_errors_become_notifications(void **state)
{
	(void)state;
	struct project p;
	project_setup(&p);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "a", "test/forged", "project",
		"    report({ path = 'x', spans = { object = { line = 1 } } },\n"
		"      'forged')\n");
	write_project_policy(pdir, "b", "test/bad-related", "project",
		"    report(project.objects[1], 'x', { related = { 'nope' } })\n");
	write_project_policy(pdir, "c", "test/loop", "project",
		"    while true do end\n");
	write_project_policy(pdir, "d", "test/mutates", "project",
		"    project.objects[1].name = 'changed'\n"
		"    project.load = nil\n");
	write_project_policy(pdir, "e", "test/sees", "project",
		"    report(project.objects[1], project.objects[1].name ..\n"
		"      tostring(project.load ~= nil))\n"
		"    local d, err = project.load(project.documents[3])\n"
		"    report(project.documents[1], tostring(d ~= nil))\n");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(pdir, &error);
	assert_non_null(e);
	struct plm_checker *c = NULL;
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	/* The compose file vanishes: its load fails softly. */
	unlink(p.paths[2]);
	struct plm_file_result r;
	assert_int_equal(plm_file_result_init(&r, "project"), 0);
	assert_int_equal(plm_checker_run_project(c, p.index, NULL, &r), 0);
	assert_int_equal(r.note_count, 3);
	for (size_t i = 0; i < r.note_count; i++) {
		assert_int_equal(r.notes[i].kind, PLM_NOTIFY_POLICY_ERROR);
		assert_null(r.notes[i].path);
		assert_non_null(strstr(r.notes[i].message, "the project"));
	}
	/* In id order: bad-related, forged, loop. */
	assert_non_null(strstr(r.notes[0].message, "extra.related[1]"));
	assert_non_null(strstr(r.notes[1].message, "an entry or document"));
	assert_string_equal(r.notes[2].code, "policy/instruction-limit");
	assert_true(r.incomplete);
	assert_int_equal(r.finding_count, 2);
	by_message(&r, "webtrue");
	by_message(&r, "false");
	plm_file_result_finish(&r);

	/* A finding in a file that changed since it was indexed keeps the
	 * index's region and has no snippet. */
	test_write(p.paths[3], "FROM x\n");
	write_project_policy(pdir, "a", "test/forged", "project",
		"    report(project.dockerfiles[1], 'user', 'gone')\n");
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	e = test_engine_for(pdir, &error);
	assert_non_null(e);
	assert_int_equal(plm_checker_create(e, &c, &error), 0);
	assert_int_equal(plm_file_result_init(&r, "project"), 0);
	assert_int_equal(plm_checker_run_project(c, p.index, NULL, &r), 0);
	const struct plm_finding *f = by_message(&r, "gone");
	assert_int_equal(f->region.start_line, 4);
	assert_null(f->snippet);
	assert_string_equal(f->path, p.paths[3]);
	plm_file_result_finish(&r);
	plm_checker_destroy(c);
	plm_engine_destroy(e);
	test_rmrf(pdir);
	project_teardown(&p);
}

/* project.load charges what it reads and builds to the run's instruction
 * budget: a big file loaded under a small budget ends the run. */
static void project_load_is_charged_to_the_budget(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[600];
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	size_t n = 20000;
	char *text = malloc(n * 40 + 64);
	size_t len = (size_t)sprintf(text,
		"apiVersion: v1\nkind: ConfigMap\n"
		"data:\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len, "  key%06zu: value%06zu\n",
			i, i);
	}
	test_write(path, text);
	free(text);
	struct plm_index *ix = NULL;
	assert_int_equal(plm_index_create(&ix), 0);
	struct plm_doc *doc = load_file(path);
	assert_int_equal(plm_index_add_doc(ix, doc, path, "big.yaml"), 0);
	plm_doc_destroy(doc);
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "big", "test/big", "project",
		"    local d = project.load(project.documents[1])\n"
		"    report(project.documents[1], 'loaded ' .. d.path)\n");
	const char *dirs[] = {pdir};
	struct plm_engine_options o = {0};
	o.policy_dirs = dirs;
	o.policy_dir_count = 1;
	o.no_builtin = true;
	for (int pass = 0; pass < 2; pass++) {
		o.instruction_limit = pass == 0 ? 20000 : 2000000;
		char *error = NULL;
		struct plm_engine *e = NULL;
		assert_int_equal(plm_engine_create(&o, &e, &error), 0);
		struct plm_checker *c = NULL;
		assert_int_equal(plm_checker_create(e, &c, &error), 0);
		struct plm_file_result r;
		assert_int_equal(plm_file_result_init(&r, "project"), 0);
		assert_int_equal(plm_checker_run_project(c, ix, NULL, &r), 0);
		if (pass == 0) {
			assert_int_equal(r.note_count, 1);
			assert_string_equal(r.notes[0].code,
				"policy/instruction-limit");
			assert_int_equal(r.finding_count, 0);
		} else {
			assert_int_equal(r.note_count, 0);
			assert_int_equal(r.finding_count, 1);
			assert_string_equal(r.findings[0].message,
				"loaded big.yaml");
			assert_string_equal(r.findings[0].path, "big.yaml");
		}
		plm_file_result_finish(&r);
		plm_checker_destroy(c);
		plm_engine_destroy(e);
	}
	plm_index_destroy(ix);
	test_rmrf(pdir);
	test_rmrf(dir);
}

/* scope is validated with the other metadata. */
static void scope_must_be_file_or_project(void **state)
{
	(void)state;
	char *pdir = test_tmpdir();
	write_project_policy(pdir, "a", "test/scope", "repository",
		"    return\n");
	char *error = NULL;
	struct plm_engine *e = test_engine_for(pdir, &error);
	assert_null(e);
	assert_non_null(error);
	assert_non_null(strstr(error, "'scope' must be \"file\""));
	assert_non_null(strstr(error, "repository"));
	free(error);
	error = NULL;
	write_project_policy(pdir, "a", "test/scope", "file", "    return\n");
	e = test_engine_for(pdir, &error);
	assert_non_null(e);
	assert_false(plm_engine_rule_is_project(e, 0));
	plm_engine_destroy(e);
	test_rmrf(pdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_summarizes_every_kind_of_document),
		cmocka_unit_test(
			index_parts_keep_the_order_they_are_appended_in),
		cmocka_unit_test(
			project_policy_reports_across_files_with_related),
		cmocka_unit_test(entry_fields_read_and_walked_whole),
		cmocka_unit_test(documents_are_the_same_whichever_way_reached),
		cmocka_unit_test(
			lists_made_after_documents_hold_the_same_entries),
		cmocka_unit_test(index_parts_grow_by_the_entry),
		cmocka_unit_test(project_load_gives_the_document_model),
		cmocka_unit_test(project_policy_errors_become_notifications),
		cmocka_unit_test(project_load_is_charged_to_the_budget),
		cmocka_unit_test(scope_must_be_file_or_project),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
