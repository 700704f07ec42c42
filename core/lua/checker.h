/*
 * lua/checker.h - what the engine asks of Lua, in C types only: read a
 * policy's metadata, compile a set of policies, and run one of them over a
 * document or a project, with each report() handed back through a hook.
 *
 * Every call into Lua goes through this header; the engine includes no Lua
 * header. Strings handed to hooks are borrowed for the call.
 */
#ifndef PLM_LUA_CHECKER_H
#define PLM_LUA_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "plimsoll/error.h"
#include "plimsoll/finding.h"
#include "engine/index.h"
#include "engine/settings.h"
#include "load/load.h"
#include "model/document.h"
#include "util/arena.h"

/* Defaults for one policy run. */
#define PLM_LUA_DEFAULT_MEMORY ((size_t)64 * 1024 * 1024)
#define PLM_LUA_DEFAULT_INSTRUCTIONS ((uint64_t)20 * 1000 * 1000)
#define PLM_LUA_DEFAULT_SECONDS 10.0
/* Longest error message kept from a failed run. */
#define PLM_LUA_MESSAGE_MAX 1024
/* Related locations one finding may carry. */
#define PLM_LUA_MAX_RELATED 32
/* Edits one report may carry (extra.edits), and the bytes of one edit's
 * text. */
#define PLM_LUA_MAX_EDITS 8
#define PLM_LUA_MAX_EDIT_TEXT 4096

struct plm_lua;
struct plm_lua_checker;

struct plm_lua_limits {
	size_t memory;         /* bytes a run may add to the state; 0: none */
	uint64_t instructions; /* VM instructions per run; 0: none */
	/* Trusted code (the built-in policies): the VM's instructions are not
	 * counted, only what library calls and allocations charge. Counting
	 * takes a count hook, and with any count hook set the VM calls into
	 * its hook machinery before every instruction (a sixth of a scan).
	 * The wall-clock limit still ends a run that loops. */
	bool uncounted;
	/* Wall-clock seconds per run; 0: none. The backstop for single
	 * instructions that are slow in C (comparing two 30 MB strings): a
	 * watchdog thread ends the run at the first instruction or charge
	 * past it. */
	double seconds;
};

enum plm_lua_status {
	PLM_LUA_OK = 0,
	PLM_LUA_ERROR,        /* the code raised an error */
	PLM_LUA_INSTRUCTIONS, /* the instruction budget ran out */
	PLM_LUA_MEMORY,       /* the memory cap was hit */
	PLM_LUA_TIME,         /* the run took longer than its seconds */
};

/* What a failed run left behind: a status and one message that starts with
 * the Lua location (chunk:line) when one is known. */
struct plm_lua_failure {
	enum plm_lua_status status;
	char message[PLM_LUA_MESSAGE_MAX];
};

/* A policy's source as the engine read it. All borrowed. */
struct plm_precompiled;

struct plm_lua_chunk {
	const char *chunkname; /* "@" + source path */
	const char *text;      /* NULL when precompiled: read again from the
	                        * path if the dump is refused */
	size_t text_len;
	const char *lib_dir; /* the directory `require` reads, or NULL */
	/* The policy's check keeps no state from one file to the next (the
	 * built-in policies): its chunk is run once per checker and the
	 * check function it returned is called for every file. Otherwise the
	 * chunk runs again for every file, for a fresh table and closures. */
	bool reuse;
	/* The chunk compiled already, loaded instead of parsing the text:
	 * the build-time dump of a built-in policy whose text is the one
	 * compiled (lua/precompiled.h), or NULL; the dump made when the
	 * engine read the metadata (lua_dump, with line information), or
	 * NULL. Only ever dumps of text plimsoll compiled. */
	const struct plm_precompiled *precompiled;
	const void *bytecode;
	size_t bytecode_len;
};

/* What a document must hold for a rule to find anything in it (the
 * policy's `needs`): the engine does not start the rule's check on a
 * document without it. Every part given must hold; an empty part holds. */
struct plm_rule_needs {
	bool containers; /* a container record (docs/model.md) */
	/* A Dockerfile: an instruction (or an ONBUILD trigger) with one of
	 * these keywords, bits 1u << enum plm_dockerfile_keyword; 0: any.
	 * Documents of other kinds are not asked. */
	uint32_t instructions;
	/* NULL-terminated: the document's text (its files, comments
	 * included) holds one of these, as p.mentions finds them; NULL or
	 * empty: any. */
	const char *const *mentions;
};

/* What a policy's table declares. Strings and arrays in the arena given
 * to plm_lua_read_metadata(). */
struct plm_lua_metadata {
	struct plm_rule_info info; /* all but source_path */
	bool project;              /* scope = "project" */
	struct plm_rule_needs needs;
	struct plm_setting_decl *settings;
	size_t setting_count;
	/* The chunk as compiled for reading this (in the arena), for
	 * plm_lua_chunk.bytecode; NULL when it could not be kept. */
	void *bytecode;
	size_t bytecode_len;
};

/* Creates a sandboxed state with the helper library loaded. Returns 0 or
 * PLM_ENOMEM. Free with plm_lua_destroy(). */
PLM_NODISCARD int plm_lua_create(struct plm_lua **out);
/* Closes the state. Accepts NULL. */
void plm_lua_destroy(struct plm_lua *h);

/* A built-in policy compiled at build time (lua/precompiled.h): the dump
 * of the policy in folder when text (len bytes) is the text it was
 * compiled from, else NULL. */
const struct plm_precompiled *plm_lua_precompiled_find(const char *folder,
	const char *text, size_t len);
/* The dump of the built-in policy in folder when st (a stat of its
 * policy.lua) says the file is, by its size and modification time, the
 * one the build compiled, else NULL (lua/precompiled.h). */
const struct plm_precompiled *plm_lua_precompiled_unchanged(const char *folder,
	const struct stat *st);
/* The hash of the text e was compiled from (as the build-time metadata
 * of engine/builtin.h records it). */
uint64_t plm_lua_precompiled_hash(const struct plm_precompiled *e);
/* Runs the chunk of one policy in host h under lim and validates the
 * table it returns into *meta (strings into arena). Returns PLM_LUA_OK,
 * or a failure in *fail whose message says what is wrong. */
enum plm_lua_status plm_lua_read_metadata(struct plm_lua *h,
	const struct plm_lua_chunk *chunk, const struct plm_lua_limits *lim,
	struct plm_arena *arena, struct plm_lua_metadata *meta,
	struct plm_lua_failure *fail);

/* Where a report (or one of its related locations) lands. In a file run
 * doc is 0; in a project run it is the index document. */
struct plm_lua_target {
	struct plm_span span;
	size_t doc;
	struct plm_region region;
	const char *path;
};

struct plm_lua_related {
	struct plm_lua_target target;
	const char *message; /* may be NULL */
	size_t message_len;
};

/* One edit of a fix: the span of the finding's source it replaces (empty:
 * an insertion at span.start) and the text put there. */
struct plm_lua_edit {
	struct plm_span span;
	const char *text;
	size_t text_len;
};

/* One report() call. */
struct plm_lua_report {
	struct plm_lua_target target;
	const char *message;
	size_t message_len;
	const char *fix; /* may be NULL */
	size_t fix_len;
	int severity; /* enum plm_severity, or -1: the rule's */
	const struct plm_lua_related *related;
	size_t related_count;
	const struct plm_lua_edit *edits; /* extra.edits, in file runs */
	size_t edit_count;
};

/* How a run hands its work back to the engine. */
struct plm_lua_hooks {
	void *context;
	/* Records one finding. Returns NULL, or a message (alive until the
	 * next call) that report() raises in the policy. Sets *kept to the
	 * bytes it holds for the finding (0 when it dropped it): they count
	 * against the run's memory limit, so a policy cannot hold gigabytes
	 * outside the state through report(). */
	const char *(*report)(void *context, const struct plm_lua_report *r,
		size_t *kept);
	/* project.load: loads index document d again. Returns 0 (st says
	 * how it went; *doc owned by the caller when set) or PLM_ENOMEM. */
	int (*load)(void *context, size_t d, struct plm_doc **doc,
		struct plm_load_status *st);
};

/* Compiles count policies into a new checker (its own state). Returns 0
 * or an error with *error malloc'd. Free with plm_lua_checker_destroy(). */
PLM_NODISCARD int plm_lua_checker_create(const struct plm_lua_chunk *chunks,
	size_t count, struct plm_lua_checker **out, char **error);
/* Accepts NULL. */
void plm_lua_checker_destroy(struct plm_lua_checker *c);

/* Binds doc (borrowed) for the file runs that follow, with the settings
 * table each run sees (borrowed; may be NULL), until
 * plm_lua_checker_unbind(). */
void plm_lua_checker_bind(struct plm_lua_checker *c, const struct plm_doc *doc,
	const struct plm_lua_hooks *hooks);
/* Binds a project index for the project runs that follow. */
void plm_lua_checker_bind_project(struct plm_lua_checker *c,
	const struct plm_index *index, const struct plm_lua_hooks *hooks);
/* Ends the file or project runs; frees what project.load() kept. */
void plm_lua_checker_unbind(struct plm_lua_checker *c);
/* A full collection of the checker's state: what the runs so far left
 * is freed now, not when the incremental collector comes to it. */
void plm_lua_checker_collect(struct plm_lua_checker *c);

/* Runs policy `rule` (its index in the chunks) on what is bound:
 * check(doc, report) or check(project, report), with `settings` (its
 * values, borrowed; may be NULL) as the policy's settings. Returns
 * PLM_LUA_OK or a failure in *fail. */
enum plm_lua_status plm_lua_checker_run(struct plm_lua_checker *c, size_t rule,
	const struct plm_setting_values *settings,
	const struct plm_lua_limits *limits, struct plm_lua_failure *fail);

/* The instructions the last run was charged. */
uint64_t plm_lua_checker_last_executed(const struct plm_lua_checker *c);

#endif
