/*
 * dockerfile/expand.h - variable substitution and word processing, as
 * BuildKit's shell lexer does it for ADD, COPY, ENV, EXPOSE, FROM, LABEL,
 * STOPSIGNAL, USER, VOLUME, WORKDIR (and ARG defaults, flags).
 *
 * Supported: $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word},
 * ${VAR+word}, ${VAR:?word}, ${VAR?word}, ${VAR#pattern}, ${VAR##pattern},
 * ${VAR%pattern}, ${VAR%%pattern}, ${VAR/pattern/word} and the // form (replace all);
 * single and double quotes; the escape character of the file.
 */
#ifndef PLM_DOCKERFILE_EXPAND_H
#define PLM_DOCKERFILE_EXPAND_H

#include "dockerfile/text.h"

/* What a lookup knows of a variable. */
enum plm_dockerfile_var_state {
	/* Not declared: BuildKit substitutes the empty string. */
	PLM_DOCKERFILE_VAR_UNSET = 0,
	/* Set to a value the file gives (*value, *len). */
	PLM_DOCKERFILE_VAR_SET,
	/* Declared, but its value comes from the build (an ARG without a
	 * default, whose --build-arg is not known; a platform ARG). */
	PLM_DOCKERFILE_VAR_UNKNOWN,
};

/* Looks a variable up; sets *value and *len when it returns
 * PLM_DOCKERFILE_VAR_SET. */
typedef enum plm_dockerfile_var_state (*plm_dockerfile_lookup_fn)(void *user,
	const char *name, size_t len, const char **value, size_t *value_len);

struct plm_dockerfile_expansion {
	bool substituted; /* a variable reference was replaced */
	bool unresolved;  /* ... by a variable that is unset or unknown */
	/* The result depends on a variable whose value is unknown (or on a
	 * ${V?word} that would stop the build): the text is a guess. */
	bool unknown;
	const char *error; /* static: what was expected, or NULL */
	size_t error_at;   /* offset into the input of the problem */
};

enum plm_dockerfile_expand_mode {
	/* Quotes removed, escapes applied, variables substituted: the word as
	 * the builder uses it. */
	PLM_DOCKERFILE_EXPAND_WORD = 0,
	/* Variables substituted, quotes and escapes kept as written. */
	PLM_DOCKERFILE_EXPAND_KEEP_QUOTES,
};

/* Processes s[0..len) into ctx->expanded (reset first). lookup may be NULL
 * (no variable is set). */
void plm_dockerfile_expand(struct plm_dockerfile_ctx *ctx, const char *s,
	size_t len, enum plm_dockerfile_expand_mode mode,
	plm_dockerfile_lookup_fn lookup, void *user,
	struct plm_dockerfile_expansion *result);

/* True if s[0..len) contains a variable reference ($ followed by a name or
 * '{') outside single quotes. */
bool plm_dockerfile_has_variable(const struct plm_dockerfile_ctx *ctx,
	const char *s, size_t len);

#endif
