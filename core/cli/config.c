/*
 * cli/config.c - `plimsoll config [PATH]`: the configuration that applies
 * to a path, every value with where it came from.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/policy_options.h"
#include "engine/config.h"
#include "engine/engine.h"
#include "plimsoll/plimsoll.h"
#include "util/alloc.h"

static void usage(FILE *out)
{
	fputs("usage: plimsoll config [OPTIONS] [PATH]\n"
	      "\n"
	      "Prints the configuration that applies to PATH (a file, or a directory\n"
	      "as a file in it would see it; default: .): the .plimsoll.yaml found,\n"
	      "whether the file is scanned, fail-on, and for each rule whether it\n"
	      "runs, its severity and its settings, each with the file:line:column\n"
	      "it came from (\"default\" when no file sets it, \"--set\").\n"
	      "\n"
	      "  --format FORMAT         yaml (default) or json\n"
	      "  --config FILE           use FILE (no lookup)\n"
	      "  --no-config             use no configuration file\n" PLM_POLICY_OPTIONS_HELP
	      "  -h, --help              show this help\n"
	      "\n"
	      "Exit status: 0, or 2 when a configuration is wrong (each problem\n"
	      "printed as FILE:LINE:COLUMN: message).\n",
		out);
}

enum {
	OPT_FORMAT = 256,
	OPT_CONFIG,
	OPT_NO_CONFIG,
};

static const struct option long_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	PLM_POLICY_LONG_OPTIONS,
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct config_options {
	const char *path;
	bool json;
	struct plm_config_options config;
	struct plm_policy_options policy;
};

static const char *from(const char *origin)
{
	return origin != NULL ? origin : "default";
}

static json_t *setting_json(const struct plm_setting_decl *d,
	const struct plm_setting_value *v)
{
	switch (d->type) {
	case PLM_SETTING_STRING:
		return json_string(v->string);
	case PLM_SETTING_INT:
		return json_integer(v->integer);
	case PLM_SETTING_BOOL:
		return json_boolean(v->boolean);
	case PLM_SETTING_LIST: {
		json_t *a = json_array();
		for (const char *const *p = v->list; a && p && *p; p++) {
			json_array_append_new(a, json_string(*p));
		}
		return a;
	}
	}
	return json_null();
}

static json_t *valued(json_t *value, const char *origin)
{
	return json_pack("{s:o, s:s}", "value", value ? value : json_null(),
		"from", from(origin));
}

static json_t *rule_json(const struct plm_rule_info *info,
	const struct plm_rule_config *rc)
{
	json_t *settings = json_object();
	for (size_t k = 0; settings && k < rc->settings.count; k++) {
		json_object_set_new(settings, rc->settings.decls[k].name,
			valued(setting_json(&rc->settings.decls[k],
				       &rc->settings.values[k]),
				rc->setting_origins ? rc->setting_origins[k]
						    : NULL));
	}
	int severity = rc->severity >= 0 ? rc->severity : (int)info->severity;
	return json_pack("{s:o, s:o, s:o}", "enabled",
		valued(json_boolean(rc->enabled), rc->enabled_origin),
		"severity",
		valued(json_string(
			       plm_severity_name((enum plm_severity)severity)),
			rc->severity_origin),
		"settings", settings);
}

static const char *fail_on_name(int fail_on)
{
	return fail_on == PLM_CONFIG_FAIL_ON_NONE
		? "none"
		: plm_severity_name((enum plm_severity)(
			  fail_on >= 0 ? fail_on : PLM_SEVERITY_INFO));
}

static json_t *to_json(const char *path, const struct plm_file_config *fc,
	const struct plm_engine *engine)
{
	size_t count = 0;
	const struct plm_rule_info *rules = plm_engine_rules(engine, &count);
	json_t *r = json_object();
	for (size_t i = 0; r && i < count; i++) {
		json_object_set_new(r, rules[i].id,
			rule_json(&rules[i], &fc->rules[i]));
	}
	return json_pack("{s:s, s:s?, s:b, s:o, s:o}", "path", path,
		"configuration", fc->file, "excluded", fc->excluded, "fail-on",
		valued(json_string(fail_on_name(fc->fail_on)),
			fc->fail_on_origin),
		"rules", r);
}

/* A scalar as YAML: JSON's quoting is valid YAML. */
static void put_yaml(FILE *out, json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	fputs(s != NULL ? s : "null", out);
	free(s);
}

static void print_valued(FILE *out, int indent, const char *key, json_t *o)
{
	fprintf(out, "%*s%s: ", indent, "", key);
	put_yaml(out, json_object_get(o, "value"));
	fprintf(out, "  # %s\n", json_string_value(json_object_get(o, "from")));
}

static void print_yaml(FILE *out, json_t *doc)
{
	fprintf(out, "path: ");
	put_yaml(out, json_object_get(doc, "path"));
	fprintf(out, "\nconfiguration: ");
	put_yaml(out, json_object_get(doc, "configuration"));
	fprintf(out, "\nexcluded: ");
	put_yaml(out, json_object_get(doc, "excluded"));
	fputc('\n', out);
	print_valued(out, 0, "fail-on", json_object_get(doc, "fail-on"));
	fputs("rules:\n", out);
	const char *id;
	json_t *rule;
	json_object_foreach(json_object_get(doc, "rules"), id, rule) {
		fprintf(out, "  %s:\n", id);
		print_valued(out, 4, "enabled",
			json_object_get(rule, "enabled"));
		print_valued(out, 4, "severity",
			json_object_get(rule, "severity"));
		json_t *settings = json_object_get(rule, "settings");
		if (json_object_size(settings) == 0) {
			continue;
		}
		fputs("    settings:\n", out);
		const char *name;
		json_t *s;
		json_object_foreach(settings, name, s) {
			print_valued(out, 6, name, s);
		}
	}
}

/* Returns -1 to go on, else the exit status to end with. */
static int parse_options(int argc, char **argv, struct config_options *o)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		int policy = plm_policy_option(&o->policy, c, optarg, "config");
		if (policy < 0) {
			return PLM_EXIT_ERROR;
		}
		if (policy > 0) {
			continue;
		}
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(optarg, "json") != 0 &&
				strcmp(optarg, "yaml") != 0) {
				fprintf(stderr,
					"plimsoll config: --format takes yaml or "
					"json, not '%s'\n",
					optarg);
				return PLM_EXIT_ERROR;
			}
			o->json = strcmp(optarg, "json") == 0;
			break;
		case OPT_CONFIG:
			o->config.file = optarg;
			break;
		case OPT_NO_CONFIG:
			o->config.disabled = true;
			break;
		case 'h':
			usage(stdout);
			return PLM_EXIT_CLEAN;
		default:
			fputs("(see plimsoll config --help)\n", stderr);
			return PLM_EXIT_ERROR;
		}
	}
	if (argc - optind > 1) {
		fputs("plimsoll config: one PATH at most\n"
		      "(see plimsoll config --help)\n",
			stderr);
		return PLM_EXIT_ERROR;
	}
	o->path = optind < argc ? argv[optind] : ".";
	return -1;
}

/* The engine with the policy options and the configuration's
 * policy-dirs. Returns 0 or prints why not. */
static int make_engine(struct config_options *o, struct plm_config_set *cs,
	struct plm_engine **engine)
{
	struct plm_strvec dirs = {0};
	size_t n = 0;
	const char *const *extra = plm_config_policy_dirs(cs, &n);
	int oom = plm_strvec_push_all(&dirs, &o->policy.dirs);
	for (size_t i = 0; oom == 0 && i < n; i++) {
		oom = plm_strvec_push(&dirs, extra[i]);
	}
	if (oom != 0) {
		plm_strvec_free(&dirs, 0);
		fputs("plimsoll config: out of memory\n", stderr);
		return -1;
	}
	struct plm_engine_options eo = plm_policy_engine_options(&o->policy);
	eo.policy_dirs = dirs.items;
	eo.policy_dir_count = dirs.count;
	char *error = NULL;
	int rc = plm_engine_create(&eo, engine, &error);
	plm_strvec_free(&dirs, 0);
	if (rc != 0) {
		fprintf(stderr, "plimsoll config: %s\n",
			error ? error : "cannot load the policies");
		plm_free(error);
		return -1;
	}
	return 0;
}

int plm_cli_config(int argc, char **argv)
{
	struct config_options o = {0};
	struct plm_config_set *cs = NULL;
	struct plm_engine *engine = NULL;
	char *error = NULL;
	int status = parse_options(argc, argv, &o);
	if (status >= 0) {
		goto out;
	}
	status = PLM_EXIT_ERROR;
	o.config.cli_settings = o.policy.settings;
	if (plm_config_set_create(&o.config, &cs) != 0) {
		fputs("plimsoll config: out of memory\n", stderr);
		goto out;
	}
	struct stat st;
	bool directory = stat(o.path, &st) == 0 && S_ISDIR(st.st_mode);
	const struct plm_file_config *fc = NULL;
	int rc = plm_config_discover_path(cs, o.path, &error);
	if (rc == 0 && make_engine(&o, cs, &engine) != 0) {
		goto out;
	}
	if (rc == 0) {
		rc = plm_config_bind(cs, engine, &error);
	}
	if (rc == 0) {
		rc = plm_config_resolve(cs, o.path, directory, &fc, &error);
	}
	if (rc != 0) {
		fprintf(stderr, "%s\n",
			error != NULL ? error : plm_error_string(rc));
		goto out;
	}
	json_t *doc = to_json(o.path, fc, engine);
	if (doc == NULL) {
		fputs("plimsoll config: out of memory\n", stderr);
		goto out;
	}
	if (o.json) {
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		print_yaml(stdout, doc);
	}
	json_decref(doc);
	status = PLM_EXIT_CLEAN;
out:
	plm_free(error);
	plm_engine_destroy(engine);
	plm_config_set_destroy(cs);
	plm_policy_options_free(&o.policy);
	return status;
}
