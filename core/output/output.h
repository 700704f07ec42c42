/*
 * output/output.h - the output set: every format a run writes, each to its
 * own stream, driven through the plugin ABI of plimsoll/plugin.h.
 *
 * Built-in formats (plugins/NAME/NAME.c, listed in plugins/meson.build)
 * come through the same entry and checks as a third-party plugin, which
 * is a shared object loaded with plm_output_set_load().
 * Ownership: the set owns the plugins' states, the files it opened and the
 * shared objects it loaded; plm_output_set_destroy() releases them all.
 */
#ifndef PLM_OUTPUT_OUTPUT_H
#define PLM_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"

struct plm_output_set;

/* The built-in plugins, NULL-terminated, in the order plugins/meson.build
 * lists them. */
const struct plm_output_plugin *const *plm_output_builtins(void);
/* The built-in plugin of that format name, or NULL. */
const struct plm_output_plugin *plm_output_builtin(const char *name);

/* Returns an empty set, or NULL when out of memory. */
struct plm_output_set *plm_output_set_create(void);
/* Ends nothing: call plm_output_end() first. Destroys plugin states, closes
 * opened files, unloads shared objects. Accepts NULL. */
void plm_output_set_destroy(struct plm_output_set *set);

/* Loads a plugin shared object by path and makes its format name
 * available to plm_output_set_add(). Returns 0, or PLM_EPLUGIN with a
 * message in err (what failed: dlopen, missing entry symbol, ABI version,
 * missing callbacks). */
PLM_NODISCARD int plm_output_set_load(struct plm_output_set *set,
	const char *path, char *err, size_t err_len);
/* True if format is a built-in or loaded format name. */
bool plm_output_set_knows(const struct plm_output_set *set, const char *format);
/* Adds an output: format is a built-in or loaded format name; output_path
 * NULL or "-" means stdout. A report to a file is written to a temporary
 * file beside it (`.NAME.plimsoll-XXXXXX`) and renamed over it by
 * plm_output_end() once complete; a report that fails, or a set destroyed
 * before the end, removes the temporary file and leaves the path as it
 * was. A path naming something other than a regular file (a device, a
 * FIFO) is written in place. color is honoured only on a terminal and when
 * the NO_COLOR environment variable is unset or empty.
 * Returns 0, PLM_EINVAL (unknown format), PLM_EIO (cannot open the file) or
 * PLM_EPLUGIN (create failed), with a message in err. Call on the thread
 * that starts the run, before it starts (the umask is read). */
PLM_NODISCARD int plm_output_set_add(struct plm_output_set *set,
	const char *format, const char *output_path, bool color, char *err,
	size_t err_len);
/* Number of outputs added. */
size_t plm_output_set_count(const struct plm_output_set *set);
/* True if some output writes to stdout. */
bool plm_output_set_uses_stdout(const struct plm_output_set *set);
/* Whether any output of the set writes the findings' line hashes
 * (plm_finding.line_hash): false when every one is a built-in format
 * known to leave them out, true for JSON, SARIF and any loaded plugin. */
bool plm_output_set_needs_line_hashes(const struct plm_output_set *set);

/* Dispatch to every output in the order they were added. Each returns 0 or
 * the first plugin error; a failing plugin does not stop the others.
 * `run` must stay valid until plm_output_end() returns. A suppressed
 * finding is passed on only when the run's include_suppressed is set. */
PLM_NODISCARD int plm_output_begin(struct plm_output_set *set,
	const struct plm_run_info *run);
PLM_NODISCARD int plm_output_finding(struct plm_output_set *set,
	const struct plm_finding *finding);
PLM_NODISCARD int plm_output_notification(struct plm_output_set *set,
	const struct plm_notification *note);
/* Ends every output, then renames each complete report into place. */
PLM_NODISCARD int plm_output_end(struct plm_output_set *set,
	const struct plm_run_summary *summary);

#endif
