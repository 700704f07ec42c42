/*
 * engine/run.c - the run: worker threads that build and check units, and
 * the in-order hand-over of their results to the caller's sink.
 *
 * Each worker has its own checker (a Lua state with every policy compiled
 * once) and takes the next unit from a shared plan (big files first, then
 * discovery order). The calling thread is one of the workers: after each
 * of its units it passes every consecutive ready result to the sink and
 * frees it; once the plan is taken, it waits on one index at a time
 * (`waiting_for`), which the worker that finishes it signals. Its
 * checker then runs the project rules, on the memory it used already.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/index.h"
#include "engine/run.h"
#include "engine/suppress.h"
#include "model/dump.h"
#include "load/load.h"
#include "output/linehash.h"
#include "plimsoll/plimsoll.h"
#include "util/alloc.h"

/* How many results the calling thread waits for before it wakes. */
#define BATCH 32

/* Files below this size are never moved ahead of their turn. */
#define BIG_FILE_FLOOR (64 * 1024)

struct pool {
	const struct plm_project *project;
	const struct plm_run_options *o;
	/* The checker the files were checked with on the calling thread,
	 * kept for the project rules (building a second one was a third of
	 * what scanning one small file cost), then closed. */
	struct plm_checker *kept;
	const struct plm_sink *sink;
	struct plm_load_options load;
	size_t count; /* units */
	struct plm_run_status *st;
	/* Each unit's configuration, resolved before any is read; NULL: no
	 * configuration. */
	const struct plm_file_config **configs;
	struct plm_file_result *results;
	/* The project view: each unit's part of the index, built on its
	 * worker, appended in unit order by the calling thread. NULL when no
	 * project-scope rule runs. */
	struct plm_index *index;
	struct plm_index_part **parts;
	bool index_failed;
	size_t kept_hashes; /* bytes of line hashes kept in parts (lock) */
	/* Findings already handed on that another unit may report again (a
	 * Compose file included or extended by another project, a file's
	 * findings made while checking another): 64-bit keys, open
	 * addressing. */
	uint64_t *seen;
	size_t seen_count;
	size_t seen_cap;
	/* Values units took from the environment (copies): the project
	 * pass's findings are redacted with all of them. */
	struct plm_secret *secrets;
	size_t secret_count;
	size_t secret_cap;
	bool secrets_failed;
	/* --report-unused-ignores: every result's ignore uses. */
	struct plm_ignore_ledger *ledger;
	bool ledger_failed;
	bool *ready;   /* results[i] is complete */
	size_t *order; /* the order workers take files in */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* ready[waiting_for], or a worker left */
	size_t next;         /* the next position in order[] */
	size_t waiting_for;  /* the index the calling thread waits on */
	long alive;          /* worker threads still running */
	size_t done;         /* units built and checked, in any order */
};

static void note_problem(struct plm_file_result *r,
	enum plm_notification_kind kind, const char *code, const char *message)
{
	struct plm_notification n = {
		.kind = kind,
		.code = code,
		.message = message,
		.path = r->path,
	};
	if (plm_file_result_add_note(r, &n) != 0) {
		r->incomplete = true;
	}
}

static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads and builds a unit's document, or says in r why there is none; a
 * large file's line hashes, worked out while it was parsed, go to
 * *hashes (zeroed otherwise). */
static int build_unit(struct pool *w, const struct plm_unit *u,
	struct plm_file_result *r, struct plm_doc **doc,
	struct plm_line_hashes *hashes)
{
	*doc = NULL;
	if (u->problem != NULL) {
		if (u->skip_code != NULL) {
			r->skipped = true;
			note_problem(r, PLM_NOTIFY_NOTE, u->skip_code,
				u->problem);
		} else {
			note_problem(r, PLM_NOTIFY_TOOL_ERROR, "io/walk",
				u->problem);
		}
		return 0;
	}
	struct plm_load_options lo = w->load;
	lo.compose_overrides = (const char *const *)u->overrides;
	lo.compose_override_count = u->override_count;
	lo.line_hashes = w->o->no_line_hashes ? NULL : hashes;
	if (u->root != NULL) {
		/* the tree it was found in: what it links to stays inside */
		lo.root = u->root;
	}
	struct plm_load_status st;
	int rc = u->path != NULL ? plm_load(u->path, u->shown, u->kind,
					   u->explicit, &lo, doc, &st)
				 : plm_load_bytes(u->shown, u->bytes, u->len,
					   u->kind, true, &lo, doc, &st);
	if (rc != 0) {
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while reading this file; not scanned");
		return 0;
	}
	switch (st.outcome) {
	case PLM_LOAD_OK:
		break;
	case PLM_LOAD_SKIPPED:
		return 0;
	case PLM_LOAD_NOTE:
		r->skipped = true;
		note_problem(r, PLM_NOTIFY_NOTE, st.code, st.message);
		return 0;
	case PLM_LOAD_FAILED:
		note_problem(r, PLM_NOTIFY_PARSE_ERROR, st.code, st.message);
		return 0;
	}
	r->scanned = true;
	r->kind = plm_kind_name((*doc)->kind);
	for (size_t i = 0; i < u->override_count; i++) {
		if (plm_file_result_add_path(r, u->overrides[i]) != 0) {
			r->incomplete = true;
		}
	}
	if (plm_file_result_add_diagnostics(r, *doc) != 0) {
		r->incomplete = true;
	}
	return 0;
}

/* The project pass computes a file's line hashes again for its findings
 * there (loading the file again as well): for a file of at least
 * KEEP_HASHES_FROM bytes, the scan's are kept with its part of the index
 * instead, up to KEEP_HASHES_BUDGET bytes of them in a run. */
#define KEEP_HASHES_FROM (1u << 20)
#define KEEP_HASHES_BUDGET ((size_t)32 << 20)

/* check_doc's line hashes for the project pass, when doc is worth it. */
static bool keeps_hashes(const struct pool *w, const struct plm_doc *doc)
{
	return w->index != NULL && !w->o->no_line_hashes &&
		doc->kind == PLM_KIND_KUBERNETES && doc->source_count == 1 &&
		doc->sources[0]->len >= KEEP_HASHES_FROM;
}

/* Runs the policies over doc into r, then (unless the run leaves them
 * out) GitHub's line hashes, which need the file's bytes, alive only
 * until the document is freed; those of its first source go to *keep
 * when keep is not NULL. *early holds the first source's when they were
 * worked out while it was parsed: they are used (and kept, or finished),
 * not computed again. */
static void check_doc(struct pool *w, struct plm_checker *checker,
	const struct plm_doc *doc, const struct plm_file_config *cfg,
	struct plm_file_result *r, struct plm_line_hashes *early,
	struct plm_line_hashes *keep)
{
	int rc = w->o->rule == PLM_RUN_ALL_RULES
		? plm_checker_run_config(checker, doc,
			  cfg != NULL ? cfg->rules : NULL, r)
		: plm_checker_run_rule(checker, doc, w->o->rule, r);
	if (rc != 0) {
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while checking this file; results are "
			"partial");
	}
	for (size_t i = 0; i < doc->source_count && !w->o->no_line_hashes;
		i++) {
		const struct plm_source *src = doc->sources[i];
		int hrc;
		if (i == 0 && early->hash != NULL) {
			hrc = plm_line_hashes_apply(r->findings,
				r->finding_count, src->path, early, r->arena);
			if (keep != NULL) {
				*keep = *early;
				memset(early, 0, sizeof(*early));
			}
		} else {
			hrc = plm_line_hashes_fill_keep(r->findings,
				r->finding_count, src->path, src->bytes,
				src->len, r->arena, i == 0 ? keep : NULL);
		}
		if (hrc != 0) {
			note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
				"out of memory while fingerprinting this "
				"file's findings");
			break;
		}
	}
	plm_file_result_sort(r);
}

/* Rewrites the values doc took from the environment in r, and keeps them
 * for the project pass. A result that cannot be redacted loses its
 * findings rather than show a value. */
static void hide_secrets(struct pool *w, const struct plm_doc *doc,
	struct plm_file_result *r)
{
	if (plm_file_result_redact(r, doc->secrets, doc->secret_count) != 0) {
		r->finding_count = 0;
		r->note_count = 0;
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while hiding values taken from the "
			"environment; this file's results are withheld");
	}
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < doc->secret_count && !w->secrets_failed; i++) {
		if (w->secret_count == w->secret_cap) {
			size_t ncap = w->secret_cap ? w->secret_cap * 2 : 8;
			struct plm_secret *n = plm_realloc(w->secrets,
				ncap * sizeof(*n));
			if (n == NULL) {
				w->secrets_failed = true;
				break;
			}
			w->secrets = n;
			w->secret_cap = ncap;
		}
		char *name = plm_strdup(doc->secrets[i].name);
		char *value = plm_strdup(doc->secrets[i].value);
		if (name == NULL || value == NULL) {
			plm_free(name);
			plm_free(value);
			w->secrets_failed = true;
			break;
		}
		w->secrets[w->secret_count++] = (struct plm_secret){name,
			value};
	}
	pthread_mutex_unlock(&w->lock);
}

/* Builds and checks one unit into its result slot with the worker's
 * checker (NULL with no_policies). Returns 0 or PLM_ENOMEM. */
static int scan_one(struct pool *w, struct plm_checker *checker, size_t index)
{
	const struct plm_unit *u = plm_project_unit(w->project, index);
	struct plm_file_result *r = &w->results[index];
	if (plm_file_result_init(r, u->shown) != 0) {
		return PLM_ENOMEM;
	}
	const struct plm_file_config *cfg = w->configs != NULL
		? w->configs[index]
		: NULL;
	if (cfg != NULL) {
		r->fail_on = cfg->fail_on;
		if (cfg->excluded) {
			r->excluded = true;
			return 0;
		}
	}
	uint64_t t0 = w->o->measure ? thread_ns() : 0;
	struct plm_doc *doc = NULL;
	struct plm_line_hashes early = {0};
	int rc = build_unit(w, u, r, &doc, &early);
	uint64_t t1 = w->o->measure ? thread_ns() : 0;
	if (rc == 0 && doc != NULL) {
		if (w->sink->document != NULL) {
			w->sink->document(w->sink->ctx, u, doc);
		}
		struct plm_line_hashes kept = {0};
		if (checker != NULL) {
			check_doc(w, checker, doc, cfg, r, &early,
				keeps_hashes(w, doc) ? &kept : NULL);
		}
		if (w->index != NULL &&
			plm_index_part_build(doc, u->path ? u->path : u->shown,
				u->shown, &w->parts[index]) != 0) {
			note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
				"out of memory while indexing this file for the "
				"project policies");
		}
		if (kept.hash != NULL && w->parts[index] != NULL) {
			size_t size = plm_line_hashes_size(&kept);
			pthread_mutex_lock(&w->lock);
			bool room = w->kept_hashes + size <= KEEP_HASHES_BUDGET;
			if (room) {
				w->kept_hashes += size;
			}
			pthread_mutex_unlock(&w->lock);
			if (room) {
				plm_index_part_keep_line_hashes(w->parts[index],
					&kept);
			}
		}
		plm_line_hashes_finish(&kept);
	}
	plm_line_hashes_finish(&early);
	if (doc != NULL && doc->secret_count > 0) {
		hide_secrets(w, doc, r);
	}
	plm_doc_destroy(doc);
	if (w->o->measure) {
		uint64_t t2 = thread_ns();
		pthread_mutex_lock(&w->lock);
		w->st->build_nanoseconds += t1 - t0;
		w->st->check_nanoseconds += t2 - t1;
		pthread_mutex_unlock(&w->lock);
	}
	return rc;
}

/* Builds this worker's checker, measuring when asked; on failure keeps
 * the first error. */
static struct plm_checker *make_checker(struct pool *w, bool *ok)
{
	struct plm_checker *checker = NULL;
	char *error = NULL;
	*ok = true;
	if (w->o->no_policies) {
		return NULL;
	}
	if (w->o->checker != NULL) {
		return w->o->checker;
	}
	if (plm_checker_create(w->o->engine, &checker, &error) == 0) {
		plm_checker_skip_line_hashes(checker, w->o->no_line_hashes);
		if (w->o->profile != NULL &&
			plm_checker_profile(checker) != 0) {
			pthread_mutex_lock(&w->lock);
			w->st->out_of_memory = true;
			pthread_mutex_unlock(&w->lock);
		}
		return checker;
	}
	*ok = false;
	pthread_mutex_lock(&w->lock);
	if (w->st->checker_error == NULL) {
		w->st->checker_error = error != NULL
			? error
			: plm_strdup("cannot build a checker");
		error = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	plm_free(error);
	return NULL;
}

/* Adds the checker's figures to the run's, then closes it. */
static void close_checker(struct pool *w, struct plm_checker *checker)
{
	if (checker != NULL && w->o->profile != NULL) {
		pthread_mutex_lock(&w->lock);
		plm_checker_add_profile(checker, w->o->profile);
		pthread_mutex_unlock(&w->lock);
	}
	if (checker != w->o->checker) {
		plm_checker_destroy(checker);
	}
}

static void finish_one(struct pool *w, size_t i, int rc)
{
	pthread_mutex_lock(&w->lock);
	if (rc != 0) {
		w->st->out_of_memory = true;
	}
	w->ready[i] = true;
	w->done++;
	if (i == w->waiting_for) {
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
}

static long long unit_size(const struct pool *w, size_t i)
{
	return plm_project_unit(w->project, i)->size;
}

/* The workers the units are worth, at most jobs: one, and one more for
 * each PLM_RUN_WORK_PER_JOB of work (two small files checked on two
 * threads took a fifth longer than on one). */
static long jobs_worth(const struct pool *w, long jobs)
{
	long long work = 0;
	for (size_t i = 0; i < w->count; i++) {
		long long size = unit_size(w, i);
		work += (size > 0 ? size : 0) + PLM_RUN_UNIT_WORK;
		if (work / PLM_RUN_WORK_PER_JOB >= jobs) {
			return jobs;
		}
	}
	return 1 + (long)(work / PLM_RUN_WORK_PER_JOB);
}

/* Big files first, largest first; then the rest in discovery order.
 * A file is big when it alone is more than an eighth of one worker's
 * share of the bytes: started last, it would leave the other workers
 * idle while it runs, and the results behind it waiting. Returns false
 * when out of memory. */
static bool plan_order(struct pool *w, long jobs)
{
	size_t count = w->count;
	w->order = plm_malloc((count ? count : 1) * sizeof(*w->order));
	if (w->order == NULL) {
		return false;
	}
	long long total = 0;
	for (size_t i = 0; i < count; i++) {
		total += unit_size(w, i);
	}
	long long big = total / (jobs * 8);
	if (big < BIG_FILE_FLOOR) {
		big = BIG_FILE_FLOOR;
	}
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (unit_size(w, i) > big) {
			w->order[n++] = i;
		}
	}
	size_t big_count = n;
	for (size_t i = 0; i < count; i++) {
		if (unit_size(w, i) <= big) {
			w->order[n++] = i;
		}
	}
	/* At most jobs * 8 of them: an insertion sort, stable. */
	for (size_t k = 1; k < big_count; k++) {
		size_t v = w->order[k];
		size_t j = k;
		for (; j > 0 && unit_size(w, w->order[j - 1]) < unit_size(w, v);
			j--) {
			w->order[j] = w->order[j - 1];
		}
		w->order[j] = v;
	}
	return true;
}

/* Takes the next unit of the shared plan into *i; false when none is
 * left. */
static bool take_unit(struct pool *w, size_t *i)
{
	pthread_mutex_lock(&w->lock);
	size_t n = w->next++;
	pthread_mutex_unlock(&w->lock);
	if (n >= w->count) {
		return false;
	}
	*i = w->order[n];
	return true;
}

/* One worker: its checker, then files from the shared counter until none
 * is left. */
static void *worker_main(void *arg)
{
	struct pool *w = arg;
	plm_alloc_tune_thread();
	bool ok;
	struct plm_checker *checker = make_checker(w, &ok);
	size_t i;
	while (ok && take_unit(w, &i)) {
		finish_one(w, i, scan_one(w, checker, i));
	}
	close_checker(w, checker);
	pthread_mutex_lock(&w->lock);
	w->alive--;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static uint64_t mix(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ p[i]) * 1099511628211u;
	}
	return (h ^ 0xff) * 1099511628211u; /* a field separator */
}

static uint64_t finding_key(const struct plm_finding *f)
{
	uint64_t h = 14695981039346656037u;
	h = mix(h, f->rule_id, strlen(f->rule_id));
	h = mix(h, f->path, strlen(f->path));
	h = mix(h, &f->region.start_offset, sizeof(f->region.start_offset));
	h = mix(h, &f->region.end_offset, sizeof(f->region.end_offset));
	h = mix(h, f->message, strlen(f->message));
	return h ? h : 1;
}

static uint64_t note_key(const struct plm_notification *n)
{
	uint64_t h = 14695981039346656037u ^ 0x5bd1e995u;
	h = mix(h, n->code ? n->code : "", n->code ? strlen(n->code) : 0);
	h = mix(h, n->path, strlen(n->path));
	h = mix(h, &n->region.start_offset, sizeof(n->region.start_offset));
	h = mix(h, n->message, strlen(n->message));
	return h ? h : 1;
}

/* Adds key; false when it was there already (or memory ran out: then
 * nothing is dropped). */
static bool remember(struct pool *w, uint64_t key)
{
	if (2 * (w->seen_count + 1) > w->seen_cap) {
		size_t ncap = w->seen_cap ? w->seen_cap * 2 : 1024;
		uint64_t *n = plm_calloc(ncap, sizeof(*n));
		if (n == NULL) {
			return true;
		}
		for (size_t i = 0; i < w->seen_cap; i++) {
			uint64_t k = w->seen[i];
			size_t j = k & (ncap - 1);
			while (k != 0 && n[j] != 0) {
				j = (j + 1) & (ncap - 1);
			}
			n[j] = k;
		}
		plm_free(w->seen);
		w->seen = n;
		w->seen_cap = ncap;
	}
	size_t j = key & (w->seen_cap - 1);
	while (w->seen[j] != 0) {
		if (w->seen[j] == key) {
			return false;
		}
		j = (j + 1) & (w->seen_cap - 1);
	}
	w->seen[j] = key;
	w->seen_count++;
	return true;
}

/* Drops the findings of r already handed on with another result: the
 * same rule, file, span and message. Only findings that two units can
 * both make are remembered: those of Compose projects (which include
 * and extend each other) and those landing in a file other than the
 * result's own. */
static void drop_repeated_findings(struct pool *w, struct plm_file_result *r)
{
	bool compose = r->kind != NULL && strcmp(r->kind, "compose") == 0;
	size_t n = 0;
	for (size_t k = 0; k < r->finding_count; k++) {
		const struct plm_finding *f = &r->findings[k];
		bool shared = compose || strcmp(f->path, r->path) != 0;
		if (!shared || remember(w, finding_key(f))) {
			r->findings[n++] = *f;
		}
	}
	r->finding_count = n;
	/* The same for notes about a file, which the next unit reading it
	 * may make again (an ignore comment naming no rule in a Dockerfile
	 * that a Compose file builds): they are few, so all are kept. */
	n = 0;
	for (size_t k = 0; k < r->note_count; k++) {
		const struct plm_notification *t = &r->notes[k];
		if (t->path == NULL || remember(w, note_key(t))) {
			r->notes[n++] = *t;
		}
	}
	r->note_count = n;
}

static void deliver(struct pool *w, size_t i)
{
	drop_repeated_findings(w, &w->results[i]);
	if (w->ledger != NULL &&
		plm_ignore_ledger_add(w->ledger, &w->results[i]) != 0) {
		w->ledger_failed = true;
	}
	if (w->index != NULL && w->parts[i] != NULL) {
		if (plm_index_append_take(w->index, w->parts[i]) != 0) {
			w->index_failed = true;
		}
		w->parts[i] = NULL;
	}
	w->sink->result(w->sink->ctx, &w->results[i]);
	plm_file_result_finish(&w->results[i]);
	w->st->delivered++;
}

/* Tells the sink how many units are done; called unlocked. */
static void report_progress(struct pool *w, size_t done)
{
	if (w->sink->progress != NULL) {
		w->sink->progress(w->sink->ctx, done, w->count);
	}
}

/* Waits (locked) until results[i] is ready or no worker is left. With a
 * progress callback it wakes every PLM_RUN_PROGRESS_MS to call it
 * (unlocked: the callback writes to a terminal). */
static void wait_for(struct pool *w, size_t i)
{
	w->waiting_for = i;
	while (!w->ready[i] && w->alive > 0) {
		if (w->sink->progress == NULL) {
			pthread_cond_wait(&w->wake, &w->lock);
			continue;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PLM_RUN_PROGRESS_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->wake, &w->lock, &until);
		size_t done = w->done;
		pthread_mutex_unlock(&w->lock);
		report_progress(w, done);
		pthread_mutex_lock(&w->lock);
		w->waiting_for = i;
	}
}

/* Hands on the consecutive ready results from position `from`, without
 * waiting; returns the first not handed on. Progress is told whenever
 * more units are done, handed on or not (an earlier one may be a big
 * file still in a worker's hands). */
static size_t deliver_ready(struct pool *w, size_t from, size_t *told)
{
	pthread_mutex_lock(&w->lock);
	size_t end = from;
	while (end < w->count && w->ready[end]) {
		end++;
	}
	size_t done = w->done;
	pthread_mutex_unlock(&w->lock);
	for (size_t i = from; i < end; i++) {
		deliver(w, i);
	}
	if (done != *told) {
		report_progress(w, done);
		*told = done;
	}
	return end;
}

/* The calling thread's wait for the rest, from position i: each result
 * in order, once it is ready. It sleeps until the last of the next BATCH
 * results is done, not once per file, then hands on every consecutive
 * ready one. */
static void deliver_in_order(struct pool *w, size_t i)
{
	size_t count = w->count;
	while (i < count) {
		pthread_mutex_lock(&w->lock);
		wait_for(w, i + BATCH - 1 < count ? i + BATCH - 1 : count - 1);
		wait_for(w, i);
		size_t end = i;
		while (end < count && w->ready[end]) {
			end++;
		}
		pthread_mutex_unlock(&w->lock);
		if (end == i) {
			return; /* every worker left without a checker */
		}
		for (; i < end; i++) {
			deliver(w, i);
		}
		pthread_mutex_lock(&w->lock);
		size_t done = w->done;
		pthread_mutex_unlock(&w->lock);
		report_progress(w, done);
	}
}

/* One job, or no thread could be started: everything on this thread. */
static void run_here(struct pool *w)
{
	bool ok;
	struct plm_checker *checker = make_checker(w, &ok);
	if (!ok) {
		return;
	}
	/* Big files first here too (the plan for one job: a file of more
	 * than an eighth of all the bytes), their results held until their
	 * turn: the memory a big file's model took is then used again by
	 * the files after it, not added to what they left behind. When
	 * threads could not start, the plan made for them; without one (out
	 * of memory), the units in order. */
	if (w->order == NULL && w->next == 0) {
		(void)plan_order(w, 1);
	}
	size_t delivered = w->next;
	for (size_t n = w->next; n < w->count; n++) {
		size_t i = w->order != NULL ? w->order[n] : n;
		if (scan_one(w, checker, i) != 0) {
			w->st->out_of_memory = true;
		}
		w->ready[i] = true;
		for (; delivered < w->count && w->ready[delivered];
			delivered++) {
			deliver(w, delivered);
		}
		report_progress(w, n + 1);
	}
	w->kept = checker;
}

/* The calling thread's share beside the worker threads: units from the
 * shared plan, each followed by the results ready in order; then the
 * rest as the workers finish them. Its checker is kept for the project
 * rules (the files' garbage it freed is where the project's view goes:
 * a fresh checker on this thread's untouched heap paid a page fault for
 * every 4 KiB of it). */
static void work_and_deliver(struct pool *w)
{
	bool ok;
	struct plm_checker *checker = make_checker(w, &ok);
	size_t delivered = 0, told = 0, i;
	while (ok && take_unit(w, &i)) {
		finish_one(w, i, scan_one(w, checker, i));
		delivered = deliver_ready(w, delivered, &told);
	}
	w->kept = checker;
	deliver_in_order(w, delivered);
}

static void run_threads(struct pool *w, long jobs)
{
	if (!plan_order(w, jobs)) {
		w->st->out_of_memory = true;
		return;
	}
	/* This thread is the last of the jobs. */
	pthread_t *threads = plm_calloc((size_t)jobs, sizeof(*threads));
	long started = 0;
	w->alive = jobs - 1;
	for (; threads != NULL && started < jobs - 1; started++) {
		if (pthread_create(&threads[started], NULL, worker_main, w) !=
			0) {
			break;
		}
	}
	pthread_mutex_lock(&w->lock);
	w->alive = started;
	pthread_mutex_unlock(&w->lock);
	if (started == 0) {
		run_here(w);
	} else {
		work_and_deliver(w);
	}
	for (long i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
	}
	plm_free(threads);
}

/* True when the run has a project-scope rule to run. */
static bool wants_project(const struct plm_run_options *o)
{
	if (o->no_policies || o->no_project_rules || o->engine == NULL) {
		return false;
	}
	if (o->rule != PLM_RUN_ALL_RULES) {
		return plm_engine_rule_is_project(o->engine, o->rule);
	}
	size_t count = 0;
	plm_engine_rules(o->engine, &count);
	for (size_t i = 0; i < count; i++) {
		if (plm_engine_rule_is_project(o->engine, i)) {
			return true;
		}
	}
	return false;
}

/* --report-unused-ignores: the ignore ids no unit used, appended to r,
 * the run's last result. Project-scope rules count as run when the pass
 * ran and none failed (r is then complete). */
static void report_unused_ignores(struct pool *w, struct plm_file_result *r,
	bool project_pass)
{
	if (w->ledger == NULL) {
		return;
	}
	bool project_ran = project_pass && !r->incomplete;
	if (w->ledger_failed || plm_ignore_ledger_add(w->ledger, r) != 0 ||
		plm_ignore_ledger_report(w->ledger, project_ran, r) != 0) {
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while gathering ignore comments; "
			"unused ones are not all reported");
	}
}

/* Without a project pass: the unused ignores as one last result (path
 * "", not scanned), when there are any. */
static void deliver_unused_ignores(struct pool *w)
{
	struct plm_file_result r;
	if (w->ledger == NULL || plm_file_result_init(&r, "") != 0) {
		w->st->out_of_memory |= w->ledger != NULL;
		return;
	}
	report_unused_ignores(w, &r, false);
	if (r.note_count > 0) {
		w->sink->result(w->sink->ctx, &r);
		w->st->delivered++;
	}
	plm_file_result_finish(&r);
}

/* Each unit's configuration, on this thread and before any unit is read,
 * so that a wrong file stops the run before it starts. Returns false on
 * an error (st->config_error or out_of_memory set). */
static bool resolve_configs(struct pool *w)
{
	struct plm_config_set *cs = w->o->configs;
	if (cs == NULL || w->o->rule != PLM_RUN_ALL_RULES) {
		return true;
	}
	w->configs = plm_calloc(w->count ? w->count : 1, sizeof(*w->configs));
	if (w->configs == NULL) {
		w->st->out_of_memory = true;
		return false;
	}
	for (size_t i = 0; i < w->count; i++) {
		const struct plm_unit *u = plm_project_unit(w->project, i);
		const char *path = u->path != NULL && strcmp(u->path, "-") != 0
			? u->path
			: u->shown;
		char *error = NULL;
		int rc = plm_config_resolve(cs, path, false, &w->configs[i],
			&error);
		if (rc == PLM_EINVAL) {
			w->st->config_error = error;
			return false;
		}
		if (rc != 0) {
			plm_free(error);
			w->st->out_of_memory = true;
			return false;
		}
	}
	return true;
}

/* The project rules' findings land in any file: each takes what the
 * configuration of its own file says of its rule (off, or another
 * severity). Their settings are the run's (defaults and --set). */
static void configure_project_findings(struct pool *w,
	struct plm_file_result *r)
{
	if (w->configs == NULL) {
		return;
	}
	size_t n = 0;
	for (size_t k = 0; k < r->finding_count; k++) {
		struct plm_finding f = r->findings[k];
		const struct plm_file_config *cfg = NULL;
		char *error = NULL;
		if (plm_config_resolve(w->o->configs, f.path, false, &cfg,
			    &error) != 0) {
			plm_free(error); /* as the run saw it: unchanged */
			cfg = NULL;
		}
		const struct plm_rule_config *rc = cfg != NULL
			? &cfg->rules[f.rule_index]
			: NULL;
		if (cfg != NULL && (cfg->excluded || !rc->enabled)) {
			continue;
		}
		if (rc != NULL && rc->severity >= 0) {
			f.severity = (enum plm_severity)rc->severity;
		}
		r->findings[n++] = f;
	}
	r->finding_count = n;
	r->fail_on = w->count > 0 && w->configs[0] != NULL
		? w->configs[0]->fail_on
		: -1;
}

/* After every unit: the project-scope rules, once, over the index, on
 * this thread; their findings (each in its own file) and failures reach
 * the sink as one more result, not counted as a file. */
static void run_project_rules(struct pool *w)
{
	struct plm_file_result r;
	if (plm_file_result_init(&r, "") != 0) {
		w->st->out_of_memory = true;
		return;
	}
	if (w->index_failed) {
		note_problem(&r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while building the project index; the "
			"project policies did not run");
	} else {
		bool ok = true;
		struct plm_checker *checker = w->kept != NULL
			? w->kept
			: make_checker(w, &ok);
		w->kept = NULL;
		if (ok && checker != NULL) {
			/* Files are read again as they were found, each with
			 * the override beside it. */
			struct plm_load_options lo = w->load;
			lo.compose_no_default_override = false;
			int rc = w->o->rule == PLM_RUN_ALL_RULES
				? plm_checker_run_project(checker, w->index,
					  &lo, &r)
				: plm_checker_run_project_rule(checker,
					  w->index, &lo, w->o->rule, &r);
			if (rc != 0) {
				note_problem(&r, PLM_NOTIFY_TOOL_ERROR,
					"limit/memory",
					"out of memory while "
					"running the project policies");
			}
			configure_project_findings(w, &r);
			plm_file_result_sort(&r);
		}
		close_checker(w, checker);
	}
	if (w->secrets_failed ||
		plm_file_result_redact(&r, w->secrets, w->secret_count) != 0) {
		r.finding_count = 0;
		r.note_count = 0;
		note_problem(&r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while hiding values taken from the "
			"environment; the project policies' results are "
			"withheld");
	}
	drop_repeated_findings(w, &r);
	report_unused_ignores(w, &r, true);
	w->sink->result(w->sink->ctx, &r);
	plm_file_result_finish(&r);
	w->st->delivered++;
}

void plm_run(struct plm_project *project, const struct plm_run_options *o,
	const struct plm_sink *sink, struct plm_run_status *st)
{
	*st = (struct plm_run_status){0};
	if (plm_project_plan(project) != 0) {
		st->out_of_memory = true;
		return;
	}
	const struct plm_project_options *po = plm_project_options(project);
	size_t count = plm_project_unit_count(project);
	struct pool w = {
		.project = project,
		.o = o,
		.sink = sink,
		.count = count,
		.st = st,
		.load =
			{
				.kind = po->kind,
				.max_file_size = po->max_file_size,
				.compose_no_default_override = true,
				.environment = po->environment,
			},
	};
	w.results = plm_calloc(count ? count : 1, sizeof(*w.results));
	w.ready = plm_calloc(count ? count : 1, sizeof(*w.ready));
	if (w.results == NULL || w.ready == NULL) {
		st->out_of_memory = true;
		plm_free(w.results);
		plm_free(w.ready);
		return;
	}
	long jobs = o->jobs;
	if (jobs < 1 || (size_t)jobs > count) {
		jobs = count && jobs >= 1 ? (long)count : 1;
	}
	if (o->fit_jobs && !o->no_policies) {
		jobs = jobs_worth(&w, jobs);
	}
	if (wants_project(o)) {
		w.parts = plm_calloc(count ? count : 1, sizeof(*w.parts));
		if (w.parts == NULL || plm_index_create(&w.index) != 0) {
			st->out_of_memory = true;
			plm_free(w.parts);
			plm_free(w.results);
			plm_free(w.ready);
			return;
		}
	}
	if (o->engine != NULL && !o->no_policies &&
		plm_engine_reports_unused(o->engine) &&
		plm_ignore_ledger_create(&w.ledger) != 0) {
		st->out_of_memory = true;
	}
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.wake, NULL);
	if (!resolve_configs(&w)) {
		/* nothing read, nothing delivered */
	} else if (jobs <= 1 || o->checker != NULL) {
		run_here(&w);
	} else {
		run_threads(&w, jobs);
	}
	bool whole = st->delivered == count && st->checker_error == NULL;
	if (w.index != NULL && whole) {
		run_project_rules(&w);
	} else if (whole) {
		deliver_unused_ignores(&w);
	}
	close_checker(&w, w.kept); /* the project rules did not run */
	plm_ignore_ledger_destroy(w.ledger);
	for (size_t i = 0; w.parts != NULL && i < count; i++) {
		plm_index_part_destroy(w.parts[i]); /* undelivered ones */
	}
	plm_free(w.parts);
	plm_free(w.seen);
	for (size_t i = 0; i < w.secret_count; i++) {
		plm_free((char *)w.secrets[i].name);
		plm_free((char *)w.secrets[i].value);
	}
	plm_free(w.secrets);
	plm_index_destroy(w.index);
	pthread_cond_destroy(&w.wake);
	pthread_mutex_destroy(&w.lock);
	for (size_t i = 0; i < count; i++) {
		plm_file_result_finish(&w.results[i]); /* undelivered ones */
	}
	plm_free(w.results);
	plm_free(w.ready);
	plm_free(w.order);
	plm_free(w.configs);
}

int plm_run_dump_doc(FILE *out, const struct plm_doc *doc,
	const struct plm_run_dump *how)
{
	struct plm_dump_options o = {
		.spans = how->spans,
		.tree = how->tree,
		.containers = how->containers,
	};
	return plm_dump_doc(out, doc, &o);
}
