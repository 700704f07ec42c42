/* plimsoll/plimsoll.h - the public headers in one include. */
#ifndef PLIMSOLL_PLIMSOLL_H
#define PLIMSOLL_PLIMSOLL_H

#include "plimsoll/api.h"
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "plimsoll/plugin.h"

PLM_BEGIN_DECLS

/* The version string, e.g. "0.1.0". */
PLM_API const char *plm_version(void);

PLM_END_DECLS

#endif
