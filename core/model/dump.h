/*
 * model/dump.h - the model as JSON, for `plimsoll dump` and golden tests.
 */
#ifndef PLM_MODEL_DUMP_H
#define PLM_MODEL_DUMP_H

#include <stdbool.h>
#include <stdio.h>
#include "plimsoll/error.h"
#include "model/document.h"

struct plm_dump_options {
	bool spans;      /* wrap each node as {"value":..., "span":"L:C-L:C"} */
	bool tree;       /* include the format's tree */
	bool containers; /* include the containers view */
};

/* Writes {"path","kind","diagnostics","tree","containers"} as indented JSON
 * with a stable key order (the model's own). Returns 0 or PLM_EIO/PLM_ENOMEM. */
PLM_NODISCARD int plm_dump_doc(FILE *out, const struct plm_doc *doc,
	const struct plm_dump_options *options);

#endif
