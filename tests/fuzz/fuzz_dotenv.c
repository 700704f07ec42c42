/*
 * tests/fuzz/fuzz_dotenv.c - the `.env` file beside a Compose file (read
 * for interpolation, as untrusted as the Compose file itself): line
 * splitting, quotes, escapes and interpolation inside values; then the
 * variables it defines drive interpolation of a fixed set of expressions.
 */
#include "fuzz.h"

#include "compose/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const environ_fixed[] = {
		"HOME=/home/fuzz",
		"TAG=1.2",
		"EMPTY=",
		NULL,
	};
	static const char *const expressions[] = {
		"${A}",
		"$A$B",
		"${B:-default}",
		"${C-x}",
		"${D:+alt}",
		"${E:?required}",
		"${F?required}",
		"$$A",
		"${A:-${B:-${C}}}",
		"${TAG}-${A}",
		"${",
		"$",
		"${A:-",
		"${:-x}",
		"${A-${B",
	};
	struct plm_doc *doc = fuzz_doc("/nonexistent-plimsoll-fuzz/.env", data,
		size, PLM_KIND_COMPOSE);
	if (doc == NULL) {
		return 0;
	}
	struct plm_compose_options options = {
		.environ = environ_fixed,
		.no_env_file = true,
	};
	struct compose_ctx *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		goto cleanup;
	}
	ctx->doc = doc;
	ctx->arena = doc->arena;
	ctx->options = &options;
	ctx->dir = "/nonexistent-plimsoll-fuzz";
	ctx->env.environ = environ_fixed;
	if (plm_compose_env_parse(ctx, doc->sources[0]) != 0) {
		goto cleanup;
	}
	for (size_t i = 0; i < ctx->env.dotenv_count; i++) {
		/* Values are sanitized; names are looked up, never shown. */
		const char *eq = strchr(ctx->env.dotenv[i], '=');
		fuzz_invariant(eq != NULL, "a dotenv variable is NAME=value");
		fuzz_check_utf8(eq + 1, strlen(eq + 1),
			"a dotenv value is valid UTF-8");
	}
	struct plm_node *seq = plm_node_seq(ctx->arena, plm_span_make(0, 0));
	if (seq == NULL) {
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof(expressions) / sizeof(expressions[0]);
		i++) {
		struct plm_node *s = plm_node_string(ctx->arena,
			plm_span_make(0, 0), expressions[i],
			strlen(expressions[i]));
		if (s == NULL || plm_node_push(ctx->arena, seq, s) != 0) {
			goto cleanup;
		}
	}
	doc->tree = plm_compose_interpolate(ctx, seq);
	if (doc->tree != NULL) {
		(void)fuzz_walk_doc(doc);
	}
cleanup:
	free(ctx);
	plm_doc_destroy(doc);
	return 0;
}
