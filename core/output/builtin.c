#include "output/output.h"
#include "plugins/builtins.h"

static const struct plm_output_plugin *const builtins[] = {
	&plm_plugin_gnu,
	NULL,
};

const struct plm_output_plugin *const *plm_output_builtins(void)
{
	return builtins;
}
