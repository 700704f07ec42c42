/* plimsoll/plimsoll.h - the public headers in one include. */
#ifndef PLIMSOLL_PLIMSOLL_H
#define PLIMSOLL_PLIMSOLL_H

#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "plimsoll/plugin.h"

/* The version string, e.g. "0.1.0". */
const char *plm_version(void);

#endif
