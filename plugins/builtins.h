/*
 * plugins/builtins.h - the output plugins compiled into plimsoll. Each is
 * the same struct a third-party plugin's entry point returns; adding a
 * format means one line here and one in core/output/builtin.c.
 */
#ifndef PLM_PLUGINS_BUILTINS_H
#define PLM_PLUGINS_BUILTINS_H

#include "plimsoll/plugin.h"

extern const struct plm_output_plugin plm_plugin_text;
extern const struct plm_output_plugin plm_plugin_json;
extern const struct plm_output_plugin plm_plugin_sarif;
extern const struct plm_output_plugin plm_plugin_gnu;
extern const struct plm_output_plugin plm_plugin_github;
extern const struct plm_output_plugin plm_plugin_checkstyle;
extern const struct plm_output_plugin plm_plugin_junit;
extern const struct plm_output_plugin plm_plugin_codeclimate;

#endif
