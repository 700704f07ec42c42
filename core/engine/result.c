#include "engine/result.h"

#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "util/sort.h"

int plm_file_result_init(struct plm_file_result *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->fail_on = -1;
	r->arena = plm_arena_create(0);
	if (r->arena == NULL) {
		return PLM_ENOMEM;
	}
	r->path = plm_arena_strdup(r->arena, path);
	if (r->path == NULL) {
		/* callers give up on a result that failed here */
		plm_arena_destroy(r->arena);
		r->arena = NULL;
		return PLM_ENOMEM;
	}
	return 0;
}

void plm_file_result_finish(struct plm_file_result *r)
{
	if (r == NULL) {
		return;
	}
	plm_free(r->findings);
	plm_free(r->notes);
	plm_free(r->ignores);
	plm_arena_destroy(r->arena);
	memset(r, 0, sizeof(*r));
}

/* A copy of s in the result's arena; NULL stays NULL. Sets *failed when
 * out of memory. */
static const char *copy(struct plm_file_result *r, const char *s, bool *failed)
{
	if (s == NULL) {
		return NULL;
	}
	const char *c = plm_arena_strdup(r->arena, s);
	if (c == NULL) {
		*failed = true;
	}
	return c;
}

int plm_file_result_add_path(struct plm_file_result *r, const char *path)
{
	const char **n = plm_arena_alloc(r->arena,
		(r->also_count + 1) * sizeof(*n));
	const char *c = plm_arena_strdup(r->arena, path);
	if (n == NULL || c == NULL) {
		return PLM_ENOMEM;
	}
	if (r->also_count > 0) {
		memcpy(n, r->also_paths, r->also_count * sizeof(*n));
	}
	n[r->also_count++] = c;
	r->also_paths = n;
	return 0;
}

int plm_file_result_add_finding(struct plm_file_result *r,
	const struct plm_finding *f)
{
	if (plm_array_reserve((void **)&r->findings, &r->finding_cap,
		    r->finding_count, sizeof(*r->findings)) != 0) {
		return PLM_ENOMEM;
	}
	bool failed = false;
	struct plm_finding c = *f;
	c.rule_id = copy(r, f->rule_id, &failed);
	c.message = copy(r, f->message, &failed);
	c.path = copy(r, f->path, &failed);
	c.kind = copy(r, f->kind, &failed);
	c.snippet = copy(r, f->snippet, &failed);
	c.line_text = copy(r, f->line_text, &failed);
	c.fix = copy(r, f->fix, &failed);
	c.fingerprint = copy(r, f->fingerprint, &failed);
	c.suppression_justification = copy(r, f->suppression_justification,
		&failed);
	c.line_hash = copy(r, f->line_hash, &failed);
	c.related = NULL;
	c.related_count = 0;
	if (f->related_count > 0 && f->related != NULL) {
		struct plm_related_location *rel = plm_arena_alloc(r->arena,
			f->related_count * sizeof(*rel));
		if (rel == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < f->related_count; i++) {
			rel[i].path = copy(r, f->related[i].path, &failed);
			rel[i].region = f->related[i].region;
			rel[i].message = copy(r, f->related[i].message,
				&failed);
		}
		c.related = rel;
		c.related_count = f->related_count;
	}
	c.edits = NULL;
	c.edit_count = 0;
	if (f->edit_count > 0 && f->edits != NULL) {
		struct plm_edit *ed = plm_arena_alloc(r->arena,
			f->edit_count * sizeof(*ed));
		if (ed == NULL) {
			return PLM_ENOMEM;
		}
		for (size_t i = 0; i < f->edit_count; i++) {
			ed[i].region = f->edits[i].region;
			ed[i].text = copy(r, f->edits[i].text, &failed);
		}
		c.edits = ed;
		c.edit_count = f->edit_count;
	}
	if (failed) {
		return PLM_ENOMEM;
	}
	r->findings[r->finding_count++] = c;
	return 0;
}

int plm_file_result_add_ignore(struct plm_file_result *r,
	const struct plm_ignore_use *u)
{
	if (plm_array_reserve((void **)&r->ignores, &r->ignore_cap,
		    r->ignore_count, sizeof(*r->ignores)) != 0) {
		return PLM_ENOMEM;
	}
	bool failed = false;
	struct plm_ignore_use c = *u;
	c.path = copy(r, u->path, &failed);
	c.id = copy(r, u->id, &failed);
	c.rule_id = copy(r, u->rule_id, &failed);
	if (failed) {
		return PLM_ENOMEM;
	}
	r->ignores[r->ignore_count++] = c;
	return 0;
}

int plm_file_result_add_note(struct plm_file_result *r,
	const struct plm_notification *n)
{
	if (plm_array_reserve((void **)&r->notes, &r->note_cap, r->note_count,
		    sizeof(*r->notes)) != 0) {
		return PLM_ENOMEM;
	}
	bool failed = false;
	struct plm_notification c = *n;
	c.code = copy(r, n->code, &failed);
	c.message = copy(r, n->message, &failed);
	c.path = copy(r, n->path, &failed);
	c.rule_id = copy(r, n->rule_id, &failed);
	if (failed) {
		return PLM_ENOMEM;
	}
	r->notes[r->note_count++] = c;
	if (n->kind == PLM_NOTIFY_PARSE_ERROR ||
		n->kind == PLM_NOTIFY_POLICY_ERROR ||
		n->kind == PLM_NOTIFY_TOOL_ERROR) {
		r->incomplete = true;
	}
	return 0;
}

int plm_file_result_add_diagnostics(struct plm_file_result *r,
	const struct plm_doc *doc)
{
	for (size_t i = 0; i < doc->diag_count; i++) {
		const struct plm_diag *d = &doc->diags[i];
		struct plm_notification n = {0};
		switch (d->level) {
		case PLM_DIAG_ERROR:
			n.kind = PLM_NOTIFY_PARSE_ERROR;
			break;
		case PLM_DIAG_WARNING:
			n.kind = PLM_NOTIFY_PARSE_WARNING;
			break;
		default:
			n.kind = PLM_NOTIFY_NOTE;
			break;
		}
		n.code = d->code;
		n.message = d->message;
		n.path = d->span.source < doc->source_count
			? doc->sources[d->span.source]->path
			: r->path;
		n.region = plm_doc_region(doc, d->span);
		int rc = plm_file_result_add_note(r, &n);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int cmp_str(const char *a, const char *b)
{
	if (a == b) { /* the findings of a file share its path */
		return 0;
	}
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct plm_finding *a = pa, *b = pb;
	int c = cmp_str(a->path, b->path);
	if (c != 0) {
		return c;
	}
	if (a->region.start_line != b->region.start_line) {
		return a->region.start_line < b->region.start_line ? -1 : 1;
	}
	if (a->region.start_column != b->region.start_column) {
		return a->region.start_column < b->region.start_column ? -1 : 1;
	}
	c = cmp_str(a->rule_id, b->rule_id);
	if (c != 0) {
		return c;
	}
	if (a->region.end_line != b->region.end_line) {
		return a->region.end_line < b->region.end_line ? -1 : 1;
	}
	if (a->region.end_column != b->region.end_column) {
		return a->region.end_column < b->region.end_column ? -1 : 1;
	}
	return cmp_str(a->message, b->message);
}

void plm_file_result_sort(struct plm_file_result *r)
{
	if (r->finding_count < 2) {
		return;
	}
	plm_sort(r->findings, r->finding_count, sizeof(*r->findings),
		cmp_finding);
	size_t out = 1;
	for (size_t i = 1; i < r->finding_count; i++) {
		if (cmp_finding(&r->findings[out - 1], &r->findings[i]) != 0) {
			r->findings[out++] = r->findings[i];
		}
	}
	r->finding_count = out;
}

/* *field redacted into the result's arena, if it holds a secret. */
static void redact(struct plm_file_result *r, const char **field,
	const struct plm_secret *secrets, size_t count, bool *failed)
{
	bool oom = false;
	char *red = plm_redact(*field, secrets, count, &oom);
	if (red != NULL) {
		const char *c = plm_arena_strdup(r->arena, red);
		plm_free(red);
		if (c == NULL) {
			*failed = true;
			return;
		}
		*field = c;
	}
	if (oom) {
		*failed = true;
	}
}

int plm_file_result_redact(struct plm_file_result *r,
	const struct plm_secret *secrets, size_t count)
{
	if (count == 0) {
		return 0;
	}
	bool failed = false;
	for (size_t i = 0; i < r->finding_count; i++) {
		struct plm_finding *f = &r->findings[i];
		redact(r, &f->message, secrets, count, &failed);
		redact(r, &f->snippet, secrets, count, &failed);
		redact(r, &f->line_text, secrets, count, &failed);
		redact(r, &f->fix, secrets, count, &failed);
		redact(r, &f->suppression_justification, secrets, count,
			&failed);
		for (size_t k = 0; k < f->related_count; k++) {
			/* related is in the arena, written by this result */
			struct plm_related_location *rel =
				(struct plm_related_location *)&f->related[k];
			redact(r, &rel->message, secrets, count, &failed);
		}
		for (size_t k = 0; k < f->edit_count; k++) {
			struct plm_edit *ed = (struct plm_edit *)&f->edits[k];
			redact(r, &ed->text, secrets, count, &failed);
		}
	}
	for (size_t i = 0; i < r->note_count; i++) {
		redact(r, &r->notes[i].message, secrets, count, &failed);
	}
	return failed ? PLM_ENOMEM : 0;
}
