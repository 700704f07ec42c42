/*
 * cli/pipeline.c - worker threads that load and check files, and the
 * in-order hand-over of their results to the caller's sink.
 *
 * Each worker has its own checker (a Lua state with every policy compiled
 * once) and takes the next file from a shared plan (big files first, then
 * discovery order). The calling thread waits on one index at a time
 * (`waiting_for`), which the worker that finishes it signals; it then
 * passes every consecutive ready result to the sink and frees it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pipeline.h"
#include "output/linehash.h"
#include "plimsoll/plimsoll.h"

/* How many results the sink thread waits for before it wakes. */
#define BATCH 32

/* Files below this size are never moved ahead of their turn. */
#define BIG_FILE_FLOOR (64 * 1024)

struct pool {
	const struct plm_pipeline *p;
	struct plm_pipeline_status *st;
	struct plm_file_result *results;
	bool *ready;             /* results[i] is complete */
	size_t *order;           /* the order workers take files in */
	pthread_mutex_t lock;
	pthread_cond_t wake;     /* ready[waiting_for], or a worker left */
	size_t next;             /* the next position in order[] */
	size_t waiting_for;      /* the index the sink thread waits on */
	long alive;              /* workers still running */
};

static void note_problem(struct plm_file_result *r, enum plm_notification_kind kind,
	const char *code, const char *message)
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

/* Builds and checks one file into its result slot with the worker's
 * checker. Returns 0 or PLM_ENOMEM. */
static int scan_one(struct pool *w, struct plm_checker *checker,
	size_t index)
{
	const struct plm_discovered *f = &w->p->files->items[index];
	struct plm_file_result *r = &w->results[index];
	bool is_stdin = strcmp(f->path, "-") == 0;
	const char *shown = is_stdin ? w->p->stdin_name : f->path;
	if (plm_file_result_init(r, shown) != 0) {
		return PLM_ENOMEM;
	}
	if (f->problem != NULL && f->skip_code != NULL) {
		/* passed over on purpose: a note, not an error */
		note_problem(r, PLM_NOTIFY_NOTE, f->skip_code, f->problem);
		return 0;
	}
	if (f->problem != NULL) {
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "io/walk", f->problem);
		return 0;
	}
	enum plm_kind name_kind = f->kind;
	if (is_stdin && name_kind == PLM_KIND_UNKNOWN) {
		bool is_yaml;
		name_kind = plm_discover_kind_by_name(shown, &is_yaml);
	}
	struct plm_doc *doc = NULL;
	struct plm_load_status st;
	int rc = plm_load(f->path, shown, name_kind, f->explicit, w->p->load, &doc,
		&st);
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
		note_problem(r, PLM_NOTIFY_NOTE, st.code, st.message);
		return 0;
	case PLM_LOAD_FAILED:
		note_problem(r, PLM_NOTIFY_PARSE_ERROR, st.code, st.message);
		return 0;
	}
	r->scanned = true;
	r->kind = plm_kind_name(doc->kind);
	if (plm_file_result_add_diagnostics(r, doc) != 0) {
		r->incomplete = true;
	}
	if (plm_checker_run(checker, doc, r) != 0) {
		note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
			"out of memory while checking this file; results are "
			"partial");
	}
	/* GitHub's line hashes need the file's bytes, alive only until the
	 * document is freed. */
	for (size_t i = 0; i < doc->source_count; i++) {
		const struct plm_source *src = doc->sources[i];
		if (plm_line_hashes_fill(r->findings, r->finding_count,
			    src->path, src->bytes, src->len, r->arena) != 0) {
			note_problem(r, PLM_NOTIFY_TOOL_ERROR, "limit/memory",
				"out of memory while fingerprinting this "
				"file's findings");
			break;
		}
	}
	plm_file_result_sort(r);
	plm_doc_destroy(doc);
	return 0;
}

/* Builds this worker's checker, measuring when asked; on failure keeps
 * the first error. */
static struct plm_checker *make_checker(struct pool *w)
{
	struct plm_checker *checker = NULL;
	char *error = NULL;
	if (plm_checker_create(w->p->engine, &checker, &error) == 0) {
		if (w->p->profile != NULL && plm_checker_profile(checker) != 0) {
			pthread_mutex_lock(&w->lock);
			w->st->out_of_memory = true;
			pthread_mutex_unlock(&w->lock);
		}
		return checker;
	}
	pthread_mutex_lock(&w->lock);
	if (w->st->checker_error == NULL) {
		w->st->checker_error =
			error != NULL ? error : strdup("cannot build a checker");
		error = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	free(error);
	return NULL;
}

/* Adds the checker's figures to the run's, then closes it. */
static void close_checker(struct pool *w, struct plm_checker *checker)
{
	if (checker != NULL && w->p->profile != NULL) {
		pthread_mutex_lock(&w->lock);
		plm_checker_add_profile(checker, w->p->profile);
		pthread_mutex_unlock(&w->lock);
	}
	plm_checker_destroy(checker);
}

static void finish_one(struct pool *w, size_t i, int rc)
{
	pthread_mutex_lock(&w->lock);
	if (rc != 0) {
		w->st->out_of_memory = true;
	}
	w->ready[i] = true;
	if (i == w->waiting_for) {
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
}

/* Big files first, largest first; then the rest in discovery order.
 * A file is big when it alone is more than an eighth of one worker's
 * share of the bytes: started last, it would leave the other workers
 * idle while it runs, and the results behind it waiting. Returns false
 * when out of memory. */
static bool plan_order(struct pool *w, long jobs)
{
	const struct plm_discover_list *files = w->p->files;
	w->order = malloc((files->count ? files->count : 1) * sizeof(*w->order));
	if (w->order == NULL) {
		return false;
	}
	long long total = 0;
	for (size_t i = 0; i < files->count; i++) {
		total += files->items[i].size;
	}
	long long big = total / (jobs * 8);
	if (big < BIG_FILE_FLOOR) {
		big = BIG_FILE_FLOOR;
	}
	size_t n = 0;
	for (size_t i = 0; i < files->count; i++) {
		if (files->items[i].size > big) {
			w->order[n++] = i;
		}
	}
	size_t big_count = n;
	for (size_t i = 0; i < files->count; i++) {
		if (files->items[i].size <= big) {
			w->order[n++] = i;
		}
	}
	/* At most jobs * 8 of them: an insertion sort, stable. */
	for (size_t k = 1; k < big_count; k++) {
		size_t v = w->order[k];
		size_t j = k;
		for (; j > 0 && files->items[w->order[j - 1]].size <
			files->items[v].size; j--) {
			w->order[j] = w->order[j - 1];
		}
		w->order[j] = v;
	}
	return true;
}

/* One worker: its checker, then files from the shared counter until none
 * is left. */
static void *worker_main(void *arg)
{
	struct pool *w = arg;
	struct plm_checker *checker = make_checker(w);
	while (checker != NULL) {
		pthread_mutex_lock(&w->lock);
		size_t n = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (n >= w->p->files->count) {
			break;
		}
		size_t i = w->order[n];
		finish_one(w, i, scan_one(w, checker, i));
	}
	close_checker(w, checker);
	pthread_mutex_lock(&w->lock);
	w->alive--;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void deliver(struct pool *w, size_t i)
{
	w->p->sink(w->p->ctx, &w->results[i]);
	plm_file_result_finish(&w->results[i]);
	w->st->delivered++;
}

/* Waits (locked) until results[i] is ready or no worker is left. */
static void wait_for(struct pool *w, size_t i)
{
	w->waiting_for = i;
	while (!w->ready[i] && w->alive > 0) {
		pthread_cond_wait(&w->wake, &w->lock);
	}
}

/* The sink thread's loop: each result in order, once it is ready. It
 * sleeps until the last of the next BATCH results is done, not once per
 * file, then hands on every consecutive ready one. */
static void deliver_in_order(struct pool *w)
{
	size_t count = w->p->files->count;
	for (size_t i = 0; i < count;) {
		pthread_mutex_lock(&w->lock);
		wait_for(w, i + BATCH - 1 < count ? i + BATCH - 1 : count - 1);
		wait_for(w, i);
		size_t end = i;
		while (end < count && w->ready[end]) {
			end++;
		}
		pthread_mutex_unlock(&w->lock);
		if (end == i) {
			return;   /* every worker left without a checker */
		}
		for (; i < end; i++) {
			deliver(w, i);
		}
	}
}

/* One job, or no thread could be started: everything on this thread. */
static void run_here(struct pool *w)
{
	struct plm_checker *checker = make_checker(w);
	if (checker == NULL) {
		return;
	}
	for (size_t i = w->next; i < w->p->files->count; i++) {
		if (scan_one(w, checker, i) != 0) {
			w->st->out_of_memory = true;
		}
		deliver(w, i);
	}
	close_checker(w, checker);
}

static void run_threads(struct pool *w, long jobs)
{
	if (!plan_order(w, jobs)) {
		w->st->out_of_memory = true;
		return;
	}
	pthread_t *threads = calloc((size_t)jobs, sizeof(*threads));
	long started = 0;
	w->alive = jobs;
	for (; threads != NULL && started < jobs; started++) {
		if (pthread_create(&threads[started], NULL, worker_main, w) != 0) {
			break;
		}
	}
	pthread_mutex_lock(&w->lock);
	w->alive = started;
	pthread_mutex_unlock(&w->lock);
	if (started == 0) {
		run_here(w);
	} else {
		deliver_in_order(w);
	}
	for (long i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
	}
	free(threads);
}

void plm_pipeline_run(const struct plm_pipeline *p,
	struct plm_pipeline_status *st)
{
	size_t count = p->files->count;
	struct pool w = {.p = p, .st = st};
	*st = (struct plm_pipeline_status){0};
	w.results = calloc(count ? count : 1, sizeof(*w.results));
	w.ready = calloc(count ? count : 1, sizeof(*w.ready));
	if (w.results == NULL || w.ready == NULL) {
		st->out_of_memory = true;
		free(w.results);
		free(w.ready);
		return;
	}
	long jobs = p->jobs;
	if ((size_t)jobs > count) {
		jobs = count ? (long)count : 1;
	}
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.wake, NULL);
	if (jobs <= 1) {
		run_here(&w);
	} else {
		run_threads(&w, jobs);
	}
	pthread_cond_destroy(&w.wake);
	pthread_mutex_destroy(&w.lock);
	for (size_t i = 0; i < count; i++) {
		plm_file_result_finish(&w.results[i]);   /* undelivered ones */
	}
	free(w.results);
	free(w.ready);
	free(w.order);
}
