#include <strings.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "plimsoll/plimsoll.h"
#include "plm_config.h"

const char *plm_error_string(int code)
{
	switch (code) {
	case PLM_OK:
		return "success";
	case PLM_ENOMEM:
		return "out of memory or over a memory limit";
	case PLM_EIO:
		return "input/output error";
	case PLM_EINVAL:
		return "invalid argument";
	case PLM_ELIMIT:
		return "an input limit was exceeded";
	case PLM_EPARSE:
		return "the input could not be parsed";
	case PLM_EPOLICY:
		return "a policy failed";
	case PLM_EPLUGIN:
		return "an output plugin failed";
	default:
		return "unknown error";
	}
}

static const char *const severity_names[] = {
	"info",
	"low",
	"medium",
	"high",
	"critical",
};

const char *plm_severity_name(enum plm_severity severity)
{
	if ((unsigned)severity > PLM_SEVERITY_CRITICAL) {
		return NULL;
	}
	return severity_names[severity];
}

int plm_severity_parse(const char *name)
{
	for (int i = 0; i <= PLM_SEVERITY_CRITICAL; i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

const char *plm_severity_level(enum plm_severity severity, const char *lowest)
{
	switch (severity) {
	case PLM_SEVERITY_CRITICAL:
	case PLM_SEVERITY_HIGH:
		return "error";
	case PLM_SEVERITY_MEDIUM:
		return "warning";
	default:
		return lowest;
	}
}

const char *plm_version(void)
{
	return PLM_VERSION;
}
