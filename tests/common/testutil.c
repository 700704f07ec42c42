#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

void test_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		abort();
	}
}

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/plm-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	if (d == NULL) {
		abort();
	}
	return strdup(d);
}

void test_rmrf(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		abort();
	}
	free(dir);
}

struct plm_engine *test_engine_for(const char *dir, char **error)
{
	const char *dirs[] = {dir};
	struct plm_engine_options o = {0};
	o.policy_dirs = dirs;
	o.policy_dir_count = 1;
	o.no_builtin = true;
	o.instruction_limit = 2000000;
	struct plm_engine *e = NULL;
	int rc = plm_engine_create(&o, &e, error);
	return rc == 0 ? e : NULL;
}
