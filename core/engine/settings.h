/*
 * engine/settings.h - policy settings: what a policy declares (name, type,
 * default, description) and the values a user asks for (`--set
 * RULE.KEY=VALUE`), checked against the declarations before any file is
 * read. The configuration file's values (engine/config.h) are checked
 * against the same declarations and applied per file; these win.
 */
#ifndef PLM_ENGINE_SETTINGS_H
#define PLM_ENGINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include "plimsoll/error.h"

/* Longest setting value accepted (bytes) and most entries in a list. */
#define PLM_SETTING_MAX_VALUE 4096
#define PLM_SETTING_MAX_LIST 256

enum plm_setting_type {
	PLM_SETTING_STRING,
	PLM_SETTING_INT,
	PLM_SETTING_BOOL,
	PLM_SETTING_LIST, /* of strings */
};

struct plm_setting_value {
	const char *string;      /* PLM_SETTING_STRING */
	long long integer;       /* PLM_SETTING_INT */
	bool boolean;            /* PLM_SETTING_BOOL */
	const char *const *list; /* PLM_SETTING_LIST, NULL-terminated */
};

/* One setting a policy declares. */
struct plm_setting_decl {
	const char *name;
	enum plm_setting_type type;
	struct plm_setting_value fallback; /* the declared default */
	const char *description;
};

/* One policy's settings as a run sees them: values[i] for decls[i]. */
struct plm_setting_values {
	const struct plm_setting_decl *decls;
	const struct plm_setting_value *values;
	size_t count;
};

/* The values a user asked for, before they are checked: an ordered list
 * of (rule, key, text, origin). A later entry for the same rule and key
 * wins. */
struct plm_settings;

/* Creates an empty table. Returns NULL when out of memory. Free with
 * plm_settings_destroy(), which accepts NULL. */
struct plm_settings *plm_settings_create(void);
void plm_settings_destroy(struct plm_settings *s);

/* Adds "RULE.KEY=VALUE" (the rule may be namespaced: the key follows the
 * last '.' before '='). origin names where it came from in messages
 * ("--set", "plimsoll.yml:12"); copied. Returns 0, PLM_EINVAL with *error
 * a malloc'd message when the text has no RULE.KEY=, or PLM_ENOMEM. */
PLM_NODISCARD int plm_settings_add(struct plm_settings *s, const char *text,
	const char *origin, char **error);

/* Entries, in the order added. */
size_t plm_settings_count(const struct plm_settings *s);
void plm_settings_at(const struct plm_settings *s, size_t i, const char **rule,
	const char **key, const char **value, const char **origin);

/* The name of a setting type as policies spell it. */
const char *plm_setting_type_name(enum plm_setting_type t);

/* A value of type t as text for people ("1", "true", "a,b", "" for the
 * empty list) into buf; returns buf. */
const char *plm_setting_format(enum plm_setting_type t,
	const struct plm_setting_value *v, char *buf, size_t len);

#endif
