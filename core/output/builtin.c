#include "output/output.h"
#include "plugins/builtins.h"

static const struct plm_output_plugin *const builtins[] = {
	&plm_plugin_text,
	&plm_plugin_json,
	&plm_plugin_sarif,
	&plm_plugin_gnu,
	&plm_plugin_github,
	&plm_plugin_checkstyle,
	&plm_plugin_junit,
	&plm_plugin_codeclimate,
	NULL,
};

const struct plm_output_plugin *const *plm_output_builtins(void)
{
	return builtins;
}
