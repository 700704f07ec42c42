/*
 * cli/rules.c - `plimsoll rules` (the catalogue as a table, JSON or
 * Markdown, or the Markdown rule reference written into a directory) and
 * `plimsoll explain ID`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/policy_options.h"
#include "engine/engine.h"
#include "util/alloc.h"

enum { OPT_FORMAT = 0x2000, OPT_OUTPUT_DIR };

static void rules_usage(FILE *out)
{
	fputs("usage: plimsoll rules [OPTIONS]\n"
	      "\n"
	      "List the rules (policies) a scan would run.\n"
	      "\n"
	      "  --format FORMAT         table (default), json or markdown\n"
	      "  --output-dir DIR        markdown: write DIR/README.md and DIR/<id>.md\n" PLM_POLICY_OPTIONS_HELP
	      "  -h, --help              this help\n",
		out);
}

static void explain_usage(FILE *out)
{
	fputs("usage: plimsoll explain [OPTIONS] ID\n"
	      "\n"
	      "Describe one rule, by id or alias: what it reports, why, how to fix it\n"
	      "and how to suppress it.\n"
	      "\n" PLM_POLICY_OPTIONS_HELP
	      "  -h, --help              this help\n",
		out);
}

static const char *join(char *buf, size_t len, const char *const *list,
	const char *sep)
{
	buf[0] = '\0';
	size_t n = 0;
	for (const char *const *s = list; s != NULL && *s != NULL; s++) {
		int w = snprintf(buf + n, len - n, "%s%s", n ? sep : "", *s);
		if (w < 0 || (size_t)w >= len - n) {
			break;
		}
		n += (size_t)w;
	}
	return buf;
}

/* The policy file as shown in generated docs: relative to the built-in
 * directory ("policies/<id>/policy.lua") so the docs are the same on every
 * machine. */
static const char *shown_source(const struct plm_rule_info *r,
	const char *builtin, char *buf, size_t len)
{
	size_t b = strlen(builtin);
	if (strncmp(r->source_path, builtin, b) == 0 &&
		r->source_path[b] == '/') {
		snprintf(buf, len, "policies%s", r->source_path + b);
		return buf;
	}
	return r->source_path;
}

/* ---- peer codes ------------------------------------------------------------
 * policies/peer-ids.tsv (tool<TAB>id<TAB>where it was read) names the
 * tool each alias belongs to. It sits beside the built-in policies; when it
 * cannot be read, the tool is told from the form of the id. */

struct peer {
	char *tool;
	char *id;
	char *url;
};

struct peers {
	struct peer *list;
	size_t count;
	char *text; /* the file; tool, id and url point into it */
};

static void peers_free(struct peers *p)
{
	plm_free(p->list);
	plm_free(p->text);
	*p = (struct peers){0};
}

/* Splits one line at tabs into at most `n` fields; returns how many. */
static size_t split_tabs(char *line, char **fields, size_t n)
{
	size_t k = 0;
	while (k < n) {
		fields[k++] = line;
		char *tab = strchr(line, '\t');
		if (tab == NULL) {
			break;
		}
		*tab = '\0';
		line = tab + 1;
	}
	return k;
}

/* Reads DIR/peer-ids.tsv; leaves `p` empty when it cannot. */
static void peers_load(struct peers *p, const char *dir)
{
	*p = (struct peers){0};
	char path[4096];
	snprintf(path, sizeof(path), "%s/peer-ids.tsv", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return;
	}
	size_t cap = 0, len = 0;
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + got + 1 > cap) {
			size_t want = (len + got + 1) * 2;
			char *t = plm_realloc(p->text, want);
			if (t == NULL) {
				break;
			}
			p->text = t;
			cap = want;
		}
		memcpy(p->text + len, buf, got);
		len += got;
	}
	fclose(f);
	if (p->text == NULL) {
		return;
	}
	p->text[len] = '\0';
	size_t lines = 1;
	for (size_t i = 0; i < len; i++) {
		lines += p->text[i] == '\n';
	}
	p->list = plm_calloc(lines, sizeof(*p->list));
	if (p->list == NULL) {
		peers_free(p);
		return;
	}
	for (char *line = p->text; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');
		if (nl != NULL) {
			*nl = '\0';
		}
		char *fields[3];
		if (line[0] != '#' && split_tabs(line, fields, 3) == 3) {
			p->list[p->count++] = (struct peer){fields[0],
				fields[1], fields[2]};
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
}

static const struct peer *peers_find(const struct peers *p, const char *id)
{
	for (size_t i = 0; i < p->count; i++) {
		if (strcmp(p->list[i].id, id) == 0) {
			return &p->list[i];
		}
	}
	return NULL;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || strchr(set, s[i]) == NULL) {
			return false;
		}
	}
	return true;
}

/* The tool a peer code belongs to, from the table or from its form:
 * CKV_... Checkov, DLnnnn hadolint, KSVnnn/DSnnn/AVD-... Trivy, a UUID
 * KICS; NULL when the form says nothing. */
static const char *peer_tool(const struct peers *p, const char *id)
{
	const struct peer *row = peers_find(p, id);
	const char *tool = row != NULL ? row->tool : NULL;
	static const char hex[] = "0123456789abcdef";
	if (tool == NULL) {
		if (strncmp(id, "CKV", 3) == 0) {
			tool = "checkov";
		} else if (strncmp(id, "DL", 2) == 0 &&
			all_of(id + 2, 4, "0123456789") && id[6] == '\0') {
			tool = "hadolint";
		} else if (strncmp(id, "KSV", 3) == 0 ||
			strncmp(id, "AVD-", 4) == 0 ||
			(strncmp(id, "DS", 2) == 0 &&
				all_of(id + 2, 3, "0123456789"))) {
			tool = "trivy";
		} else if (strlen(id) == 36 && all_of(id, 8, hex) &&
			id[8] == '-' && all_of(id + 9, 4, hex) &&
			id[13] == '-' && all_of(id + 24, 12, hex)) {
			tool = "kics";
		}
	}
	static const char *const names[][2] = {
		{"checkov", "Checkov"},
		{"hadolint", "hadolint"},
		{"kics", "KICS"},
		{"kube-linter", "kube-linter"},
		{"trivy", "Trivy"},
	};
	for (size_t i = 0; tool != NULL && i < sizeof(names) / sizeof(*names);
		i++) {
		if (strcmp(tool, names[i][0]) == 0) {
			return names[i][1];
		}
	}
	return tool;
}

static void print_table(FILE *out, const struct plm_rule_info *rules,
	size_t count)
{
	size_t w = 2;
	for (size_t i = 0; i < count; i++) {
		size_t l = strlen(rules[i].id);
		w = l > w ? l : w;
	}
	fprintf(out, "%-*s  %-8s  %-30s  %s\n", (int)w, "ID", "SEVERITY",
		"APPLIES TO", "TITLE");
	for (size_t i = 0; i < count; i++) {
		char kinds[128];
		fprintf(out, "%-*s  %-8s  %-30s  %s\n", (int)w, rules[i].id,
			plm_severity_name(rules[i].severity),
			join(kinds, sizeof(kinds), rules[i].applies_to, ","),
			rules[i].title);
		if (rules[i].aliases != NULL && rules[i].aliases[0] != NULL) {
			fprintf(out, "%-*s  aliases: ", (int)w, "");
			for (const char *const *a = rules[i].aliases; *a; a++) {
				fprintf(out, "%s%s",
					a == rules[i].aliases ? "" : ", ", *a);
			}
			fputc('\n', out);
		}
	}
}

static json_t *string_array(const char *const *list)
{
	json_t *a = json_array();
	for (const char *const *s = list; a && s && *s; s++) {
		json_array_append_new(a, json_string(*s));
	}
	return a;
}

static json_t *setting_value(const struct plm_setting_decl *d,
	const struct plm_setting_value *v)
{
	switch (d->type) {
	case PLM_SETTING_STRING:
		return json_string(v->string);
	case PLM_SETTING_INT:
		return json_integer((json_int_t)v->integer);
	case PLM_SETTING_BOOL:
		return json_boolean(v->boolean);
	case PLM_SETTING_LIST:
		return string_array(v->list);
	}
	return json_null();
}

/* [{name, type, default, description}] of a rule's settings. */
static json_t *settings_json(const struct plm_setting_values *s)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < s->count; i++) {
		const struct plm_setting_decl *d = &s->decls[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(d->name));
		json_object_set_new(o, "type",
			json_string(plm_setting_type_name(d->type)));
		json_object_set_new(o, "default",
			setting_value(d, &d->fallback));
		json_object_set_new(o, "description",
			json_string(d->description));
		json_array_append_new(a, o);
	}
	return a;
}

static int print_json(FILE *out, const struct plm_engine *e,
	const struct plm_rule_info *rules, size_t count, const char *builtin)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr != NULL && i < count; i++) {
		const struct plm_rule_info *r = &rules[i];
		char src[4096];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "title", json_string(r->title));
		json_object_set_new(o, "severity",
			json_string(plm_severity_name(r->severity)));
		json_object_set_new(o, "applies_to",
			string_array(r->applies_to));
		json_object_set_new(o, "tags", string_array(r->tags));
		json_object_set_new(o, "aliases", string_array(r->aliases));
		json_object_set_new(o, "precision", json_string(r->precision));
		json_object_set_new(o, "help_uri",
			r->help_uri ? json_string(r->help_uri) : json_null());
		json_object_set_new(o, "description",
			json_string(r->description));
		json_object_set_new(o, "source",
			json_string(
				shown_source(r, builtin, src, sizeof(src))));
		struct plm_setting_values sv = plm_engine_rule_settings(e, i);
		json_object_set_new(o, "settings", settings_json(&sv));
		json_array_append_new(arr, o);
	}
	if (arr == NULL || json_dumpf(arr, out, JSON_INDENT(2)) != 0) {
		json_decref(arr);
		return -1;
	}
	fputc('\n', out);
	json_decref(arr);
	return 0;
}

/* One rule's Markdown page; `level` is the heading depth of its title. */
/* A Markdown table cell: '|' and newlines would end it. */
static void print_cell(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|') {
			fputs("\\|", out);
		} else {
			fputc(*s == '\n' ? ' ' : *s, out);
		}
	}
}

static void print_markdown_settings(FILE *out, const char *id,
	const struct plm_setting_values *s, int level)
{
	if (s->count == 0) {
		return;
	}
	char buf[4096];
	fprintf(out, "%.*s Settings\n\n", level + 1, "######");
	fprintf(out,
		"Set with `--set %s.NAME=VALUE` (a list is "
		"comma-separated).\n\n",
		id);
	fprintf(out,
		"| Name | Type | Default | Description |\n"
		"|---|---|---|---|\n");
	for (size_t i = 0; i < s->count; i++) {
		const struct plm_setting_decl *d = &s->decls[i];
		fprintf(out, "| `%s` | %s | ", d->name,
			plm_setting_type_name(d->type));
		const char *v = plm_setting_format(d->type, &d->fallback, buf,
			sizeof(buf));
		if (v[0] != '\0') {
			fputc('`', out);
			print_cell(out, v);
			fputc('`', out);
		} else {
			fputs("(empty)", out);
		}
		fputs(" | ", out);
		print_cell(out, d->description);
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

/* ---- the sections of a rule's page ----------------------------------------
 * A description is Markdown prose; the built-in policies start paragraphs
 * with these labels, and the page turns each into a section. Text before
 * the first label says why the rule matters. */

enum part { PART_WHY, PART_WHAT, PART_FIX, PART_REFS, PART_COUNT };

/* A label is followed by ':' ("How to fix: ...") or by ',' and a
 * qualifier that stays in the section ("How to fix, when pinning: ..."). */
static const char *const part_labels[PART_COUNT] = {NULL, "What is reported",
	"How to fix", "References"};

static const char *const part_titles[PART_COUNT] = {"Why it matters",
	"What is reported", "How to fix", "References"};

struct text_range {
	const char *start;
	size_t len;
};

/* Which label the paragraph at p starts with, or PART_WHY for none;
 * *len is how much of p the label takes. */
static enum part label_at(const char *p, size_t *len)
{
	for (int i = PART_WHAT; i < PART_COUNT; i++) {
		size_t n = strlen(part_labels[i]);
		if (strncmp(p, part_labels[i], n) == 0 &&
			(p[n] == ':' || p[n] == ',')) {
			*len = n + 1;
			return (enum part)i;
		}
	}
	return PART_WHY;
}

/* Splits d into its parts: each labelled part runs to the next label (a
 * label inside a fenced code block does not count); a label written twice
 * keeps its first part. */
static void split_description(const char *d, struct text_range *parts)
{
	for (int i = 0; i < PART_COUNT; i++) {
		parts[i] = (struct text_range){NULL, 0};
	}
	enum part current = PART_WHY;
	const char *start = d;
	bool fenced = false, paragraph = true;
	for (const char *p = d;; p++) {
		bool at_end = *p == '\0';
		enum part label = PART_WHY;
		size_t label_len = 0;
		if (!at_end && paragraph && !fenced) {
			label = label_at(p, &label_len);
		}
		if (at_end || label != PART_WHY) {
			if (parts[current].start == NULL) {
				parts[current] = (struct text_range){start,
					(size_t)(p - start)};
			}
			if (at_end) {
				break;
			}
			current = label;
			start = p + label_len;
		}
		if ((p == d || p[-1] == '\n') && strncmp(p, "```", 3) == 0) {
			fenced = !fenced;
		}
		/* The next character starts a paragraph after a blank line,
		 * or after the newlines a description may start with. */
		paragraph = *p == '\n' && (p == d || p[-1] == '\n');
	}
}

/* A part without its surrounding blank space, its first letter capital. */
static void print_part(FILE *out, struct text_range r)
{
	const char *s = r.start, *e = r.start + r.len;
	while (s < e && (*s == ' ' || *s == '\n')) {
		s++;
	}
	while (e > s && (e[-1] == ' ' || e[-1] == '\n')) {
		e--;
	}
	if (s < e && *s >= 'a' && *s <= 'z') {
		fputc(*s - 'a' + 'A', out);
		s++;
	}
	fprintf(out, "%.*s\n\n", (int)(e - s), s);
}

static bool part_empty(struct text_range r)
{
	for (size_t i = 0; r.start != NULL && i < r.len; i++) {
		if (r.start[i] != ' ' && r.start[i] != '\n') {
			return false;
		}
	}
	return true;
}

static void print_peer_codes(FILE *out, const struct plm_rule_info *r,
	const struct peers *peers, int level)
{
	fprintf(out, "%.*s Peer codes covered\n\n", level + 1, "######");
	if (r->aliases == NULL || r->aliases[0] == NULL) {
		fputs("No other tool's check is known to match this one.\n\n",
			out);
		return;
	}
	fputs("Their ignore comments, and `--only`/`--skip` with these "
	      "codes, apply to this rule.\n\n"
	      "| Tool | Code |\n|---|---|\n",
		out);
	for (const char *const *a = r->aliases; *a; a++) {
		const char *tool = peer_tool(peers, *a);
		const struct peer *row = peers_find(peers, *a);
		fprintf(out, "| %s | ", tool != NULL ? tool : "");
		if (row != NULL) {
			fprintf(out, "[`%s`](%s) |\n", *a, row->url);
		} else {
			fprintf(out, "`%s` |\n", *a);
		}
	}
	fputc('\n', out);
}

static void print_markdown_rule(FILE *out, const struct plm_rule_info *r,
	const char *builtin, int level, bool project,
	const struct plm_setting_values *settings, const struct peers *peers)
{
	char buf[1024], src[4096];
	fprintf(out, "%.*s %s\n\n", level, "######", r->id);
	fprintf(out, "**%s**\n\n", r->title);
	fprintf(out, "| | |\n|---|---|\n");
	fprintf(out, "| Severity | %s |\n", plm_severity_name(r->severity));
	fprintf(out, "| Applies to | %s |\n",
		join(buf, sizeof(buf), r->applies_to, ", "));
	if (project) {
		fprintf(out,
			"| Scope | project: checks every file together |\n");
	}
	if (r->tags != NULL && r->tags[0] != NULL) {
		fprintf(out, "| Tags | %s |\n",
			join(buf, sizeof(buf), r->tags, ", "));
	}
	if (r->aliases != NULL && r->aliases[0] != NULL) {
		fprintf(out, "| Aliases | %s |\n",
			join(buf, sizeof(buf), r->aliases, ", "));
	}
	fprintf(out, "| Precision | %s |\n", r->precision);
	fprintf(out, "| Policy | `%s` |\n\n",
		shown_source(r, builtin, src, sizeof(src)));
	struct text_range parts[PART_COUNT];
	split_description(r->description, parts);
	for (int i = 0; i < PART_COUNT; i++) {
		if (i == PART_REFS) {
			print_peer_codes(out, r, peers, level);
		}
		if (i == PART_FIX && part_empty(parts[i])) {
			fprintf(out, "%.*s %s\n\n%s\n\n", level + 1, "######",
				part_titles[i],
				"The description above says what to change.");
			continue;
		}
		if (part_empty(parts[i])) {
			continue;
		}
		fprintf(out, "%.*s %s\n\n", level + 1, "######",
			part_titles[i]);
		print_part(out, parts[i]);
	}
	print_markdown_settings(out, r->id, settings, level);
	fprintf(out, "%.*s Suppressing\n\n", level + 1, "######");
	fprintf(out,
		"On the line before the finding (or at its end):\n\n"
		"```\n# plimsoll ignore=%s -- why this is acceptable\n```\n\n"
		"For the whole file: `# plimsoll ignore-file=%s`.\n",
		r->id, r->id);
}

static void print_markdown_index(FILE *out, const struct plm_rule_info *rules,
	size_t count, bool links)
{
	fputs("# Rules\n\n"
	      "Generated from the policies' metadata by `plimsoll rules --format "
	      "markdown`; do not edit.\n\n"
	      "| Rule | Severity | Applies to | Title |\n"
	      "|---|---|---|---|\n",
		out);
	for (size_t i = 0; i < count; i++) {
		char kinds[128], page[512];
		plm_rule_page_name(rules[i].id, page, sizeof(page));
		if (links) {
			fprintf(out, "| [%s](%s.md) | %s | %s | %s |\n",
				rules[i].id, page,
				plm_severity_name(rules[i].severity),
				join(kinds, sizeof(kinds), rules[i].applies_to,
					", "),
				rules[i].title);
		} else {
			fprintf(out, "| %s | %s | %s | %s |\n", rules[i].id,
				plm_severity_name(rules[i].severity),
				join(kinds, sizeof(kinds), rules[i].applies_to,
					", "),
				rules[i].title);
		}
	}
}

static int write_markdown_dir(const struct plm_engine *e, const char *dir,
	const struct plm_rule_info *rules, size_t count, const char *builtin,
	const struct peers *peers)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "plimsoll rules: %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/README.md", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "plimsoll rules: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	print_markdown_index(f, rules, count, true);
	if (fclose(f) != 0) {
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		char page[512];
		plm_rule_page_name(rules[i].id, page, sizeof(page));
		snprintf(path, sizeof(path), "%s/%s.md", dir, page);
		f = fopen(path, "w");
		if (f == NULL) {
			fprintf(stderr, "plimsoll rules: %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		fputs("<!-- Generated by `plimsoll rules --format markdown "
		      "--output-dir docs/rules`; do not edit. -->\n\n",
			f);
		struct plm_setting_values sv = plm_engine_rule_settings(e, i);
		print_markdown_rule(f, &rules[i], builtin, 1,
			plm_engine_rule_is_project(e, i), &sv, peers);
		if (fclose(f) != 0) {
			return -1;
		}
	}
	return 0;
}

/* Parses the shared options; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, const char *command,
	struct plm_policy_options *p, const char **format,
	const char **output_dir, void (*usage)(FILE *))
{
	static const struct option longs[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output-dir", required_argument, NULL, OPT_OUTPUT_DIR},
		{"help", no_argument, NULL, 'h'},
		PLM_POLICY_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		int r = plm_policy_option(p, c, optarg, command);
		if (r < 0) {
			return PLM_EXIT_ERROR;
		}
		if (r > 0) {
			continue;
		}
		switch (c) {
		case OPT_FORMAT:
			if (format == NULL) {
				goto bad;
			}
			*format = optarg;
			break;
		case OPT_OUTPUT_DIR:
			if (output_dir == NULL) {
				goto bad;
			}
			*output_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return PLM_EXIT_CLEAN;
		default:
			goto bad;
		}
	}
	return -1;
bad:
	fprintf(stderr, "(see plimsoll %s --help)\n", command);
	return PLM_EXIT_ERROR;
}

static int make_engine(const struct plm_policy_options *p, const char *command,
	struct plm_engine **e)
{
	struct plm_engine_options eo = plm_policy_engine_options(p);
	char *error = NULL;
	if (plm_engine_create(&eo, e, &error) != 0) {
		fprintf(stderr, "plimsoll %s: %s\n", command, error);
		plm_free(error);
		return PLM_EXIT_ERROR;
	}
	return 0;
}

int plm_cli_rules(int argc, char **argv)
{
	struct plm_policy_options p = {0};
	const char *format = "table", *output_dir = NULL;
	struct plm_engine *e = NULL;
	struct peers peers = {0};
	int status = parse(argc, argv, "rules", &p, &format, &output_dir,
		rules_usage);
	if (status >= 0) {
		goto cleanup;
	}
	if (optind < argc) {
		fprintf(stderr, "plimsoll rules: unexpected argument '%s'\n",
			argv[optind]);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
		strcmp(format, "markdown") != 0) {
		fprintf(stderr,
			"plimsoll rules: unknown format '%s' (expected "
			"table, json or markdown)\n",
			format);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	if (output_dir != NULL && strcmp(format, "markdown") != 0) {
		fprintf(stderr,
			"plimsoll rules: --output-dir needs --format "
			"markdown\n");
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	status = make_engine(&p, "rules", &e);
	if (status != 0) {
		goto cleanup;
	}
	struct plm_engine_options eo = plm_policy_engine_options(&p);
	const char *builtin = plm_engine_builtin_dir(&eo);
	size_t count = 0;
	const struct plm_rule_info *rules = plm_engine_rules(e, &count);
	peers_load(&peers, builtin);
	status = PLM_EXIT_CLEAN;
	if (strcmp(format, "table") == 0) {
		print_table(stdout, rules, count);
	} else if (strcmp(format, "json") == 0) {
		if (print_json(stdout, e, rules, count, builtin) != 0) {
			status = PLM_EXIT_ERROR;
		}
	} else if (output_dir != NULL) {
		if (write_markdown_dir(e, output_dir, rules, count, builtin,
			    &peers) != 0) {
			status = PLM_EXIT_ERROR;
		}
	} else {
		print_markdown_index(stdout, rules, count, false);
		for (size_t i = 0; i < count; i++) {
			fputc('\n', stdout);
			struct plm_setting_values sv =
				plm_engine_rule_settings(e, i);
			print_markdown_rule(stdout, &rules[i], builtin, 2,
				plm_engine_rule_is_project(e, i), &sv, &peers);
		}
	}
	if (fflush(stdout) != 0) {
		status = PLM_EXIT_ERROR;
	}
cleanup:
	peers_free(&peers);
	plm_engine_destroy(e);
	plm_policy_options_free(&p);
	return status;
}

int plm_cli_explain(int argc, char **argv)
{
	struct plm_policy_options p = {0};
	struct plm_engine *e = NULL;
	int status = parse(argc, argv, "explain", &p, NULL, NULL,
		explain_usage);
	if (status >= 0) {
		goto cleanup;
	}
	if (optind != argc - 1) {
		fputs("plimsoll explain: give one rule id (see plimsoll rules)\n",
			stderr);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	status = make_engine(&p, "explain", &e);
	if (status != 0) {
		goto cleanup;
	}
	const char *name = argv[optind];
	size_t index = 0;
	const struct plm_rule_info *r = plm_engine_find(e, name, &index);
	if (r == NULL) {
		fprintf(stderr,
			"plimsoll explain: unknown rule '%s' (see "
			"plimsoll rules)\n",
			name);
		status = PLM_EXIT_ERROR;
		goto cleanup;
	}
	char buf[1024];
	printf("%s: %s\n\n", r->id, r->title);
	printf("  severity:   %s\n", plm_severity_name(r->severity));
	printf("  applies to: %s\n",
		join(buf, sizeof(buf), r->applies_to, ", "));
	if (plm_engine_rule_is_project(e, index)) {
		printf("  scope:      project (checks every file together)\n");
	}
	char needs[512];
	if (plm_engine_rule_needs_text(e, index, needs, sizeof(needs))) {
		printf("  needs:      %s\n", needs);
	}
	if (r->tags[0] != NULL) {
		printf("  tags:       %s\n",
			join(buf, sizeof(buf), r->tags, ", "));
	}
	if (r->aliases[0] != NULL) {
		/* Each peer code with its tool: "CKV_K8S_14 (Checkov)". */
		struct plm_engine_options eo = plm_policy_engine_options(&p);
		struct peers peers;
		peers_load(&peers, plm_engine_builtin_dir(&eo));
		printf("  aliases:   ");
		for (const char *const *a = r->aliases; *a; a++) {
			const char *tool = peer_tool(&peers, *a);
			printf("%s %s", a == r->aliases ? "" : ",", *a);
			if (tool != NULL) {
				printf(" (%s)", tool);
			}
		}
		putchar('\n');
		peers_free(&peers);
	}
	printf("  precision:  %s\n", r->precision);
	printf("  policy:     %s\n", r->source_path);
	if (r->help_uri != NULL) {
		printf("  help:       %s\n", r->help_uri);
	}
	const char *d = r->description;
	while (*d == '\n') {
		d++;
	}
	printf("\n%s", d);
	if (d[0] != '\0' && d[strlen(d) - 1] != '\n') {
		putchar('\n');
	}
	struct plm_setting_values sv = plm_engine_rule_settings(e, index);
	if (sv.count > 0) {
		printf("\nSettings (--set %s.NAME=VALUE; a list is "
		       "comma-separated):\n",
			r->id);
	}
	for (size_t i = 0; i < sv.count; i++) {
		const struct plm_setting_decl *decl = &sv.decls[i];
		char def[4096], now[4096];
		plm_setting_format(decl->type, &decl->fallback, def,
			sizeof(def));
		plm_setting_format(decl->type, &sv.values[i], now, sizeof(now));
		printf("  %s (%s, default: %s", decl->name,
			plm_setting_type_name(decl->type),
			def[0] ? def : "(empty)");
		if (strcmp(def, now) != 0) {
			printf("; set to: %s", now[0] ? now : "(empty)");
		}
		printf(")\n      %s\n", decl->description);
	}
	printf("\nSuppress one finding with a comment on the line before it:\n"
	       "  # plimsoll ignore=%s -- reason\n"
	       "or every finding of this rule in a file:\n"
	       "  # plimsoll ignore-file=%s\n",
		r->id, r->id);
	status = fflush(stdout) == 0 ? PLM_EXIT_CLEAN : PLM_EXIT_ERROR;
cleanup:
	plm_engine_destroy(e);
	plm_policy_options_free(&p);
	return status;
}
