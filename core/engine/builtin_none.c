/*
 * engine/builtin_none.c - no build-time metadata: what the tool that
 * writes it (engine/builtin_gen.c) links, so that it reads every policy.
 */
#include "engine/builtin.h"

const struct plm_builtin_metadata *const plm_builtin_metadata[] = {NULL};
