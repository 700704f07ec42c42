/*
 * cli/policy_options.c - parsing the shared policy selection options.
 */
#include "cli/policy_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"

int plm_policy_option(struct plm_policy_options *p, int code, const char *arg,
	const char *command)
{
	int oom = 0;
	switch (code) {
	case PLM_OPT_POLICY_DIR:
		oom = plm_strvec_push(&p->dirs, arg);
		break;
	case PLM_OPT_POLICY:
		oom = plm_strvec_push(&p->files, arg);
		break;
	case PLM_OPT_ONLY:
		oom = plm_strvec_split(&p->only, &p->owned, arg);
		break;
	case PLM_OPT_SKIP:
		oom = plm_strvec_split(&p->skip, &p->owned, arg);
		break;
	case PLM_OPT_TAG:
		oom = plm_strvec_split(&p->tags, &p->owned, arg);
		break;
	case PLM_OPT_NO_BUILTIN:
		p->no_builtin = true;
		break;
	case PLM_OPT_POLICY_MEMORY:
		if (plm_parse_size(arg, &p->memory) != 0 ||
			p->memory < 1024 * 1024) {
			fprintf(stderr,
				"plimsoll %s: --policy-memory takes a size of "
				"at least 1M, not '%s'\n",
				command, arg);
			return -1;
		}
		break;
	case PLM_OPT_POLICY_INSTRUCTIONS: {
		unsigned long long n = 0;
		if (plm_parse_count(arg, &n) != 0 || n == 0) {
			fprintf(stderr,
				"plimsoll %s: --policy-instructions takes a "
				"positive number, not '%s'\n",
				command, arg);
			return -1;
		}
		p->instructions = n;
		break;
	}
	case PLM_OPT_POLICY_TIMEOUT:
		if (plm_parse_seconds(arg, &p->seconds) != 0) {
			fprintf(stderr,
				"plimsoll %s: --policy-timeout takes seconds "
				"(above 0, at most 86400), not '%s'\n",
				command, arg);
			return -1;
		}
		break;
	case PLM_OPT_SET: {
		if (p->settings == NULL &&
			(p->settings = plm_settings_create()) == NULL) {
			oom = 1;
			break;
		}
		char *error = NULL;
		int rc = plm_settings_add(p->settings, arg, "--set", &error);
		if (rc == PLM_EINVAL) {
			fprintf(stderr, "plimsoll %s: %s\n", command, error);
			plm_free(error);
			return -1;
		}
		oom = rc != 0;
		break;
	}
	default:
		return 0;
	}
	if (oom != 0) {
		fprintf(stderr, "plimsoll %s: out of memory\n", command);
		return -1;
	}
	return 1;
}

struct plm_engine_options plm_policy_engine_options(
	const struct plm_policy_options *p)
{
	struct plm_engine_options o = {0};
	o.policy_dirs = p->dirs.items;
	o.policy_dir_count = p->dirs.count;
	o.policy_files = p->files.items;
	o.policy_file_count = p->files.count;
	o.only = p->only.items;
	o.only_count = p->only.count;
	o.skip = p->skip.items;
	o.skip_count = p->skip.count;
	o.tags = p->tags.items;
	o.tag_count = p->tags.count;
	o.no_builtin = p->no_builtin;
	o.memory_limit = p->memory;
	o.instruction_limit = p->instructions;
	o.time_limit = p->seconds;
	o.settings = p->settings;
	return o;
}

void plm_policy_options_free(struct plm_policy_options *p)
{
	plm_strvec_free(&p->dirs, 0);
	plm_strvec_free(&p->files, 0);
	plm_strvec_free(&p->only, 0);
	plm_strvec_free(&p->skip, 0);
	plm_strvec_free(&p->tags, 0);
	plm_strvec_free(&p->owned, 1);
	plm_settings_destroy(p->settings);
	p->settings = NULL;
}
