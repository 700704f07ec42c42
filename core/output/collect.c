#include "plimsoll/collect.h"

#include <stdlib.h>
#include <string.h>
#include "engine/result.h"
#include "util/alloc.h"

/* The collector keeps its copies in a file result, whose arena owns every
 * string. */
struct plm_collector {
	struct plm_file_result kept;
};

struct plm_collector *plm_collector_create(void)
{
	struct plm_collector *c = plm_calloc(1, sizeof(*c));
	if (c != NULL && plm_file_result_init(&c->kept, "") != 0) {
		plm_free(c);
		return NULL;
	}
	return c;
}

void plm_collector_destroy(struct plm_collector *c)
{
	if (c != NULL) {
		plm_file_result_finish(&c->kept);
		plm_free(c);
	}
}

int plm_collector_add_finding(struct plm_collector *c,
	const struct plm_finding *f)
{
	return plm_file_result_add_finding(&c->kept, f);
}

int plm_collector_add_notification(struct plm_collector *c,
	const struct plm_notification *n)
{
	return plm_file_result_add_note(&c->kept, n);
}

/* A file's entries as indexes into the collected arrays, pointing into
 * one list shared by every group. */
struct group {
	const char *path;
	size_t *findings;
	size_t finding_count;
	size_t *notes;
	size_t note_count;
};

/* One thing to group: a scanned path, a finding or a notification. */
struct entry {
	const char *path;
	int type;     /* 0 scanned path, 1 finding, 2 notification */
	size_t index; /* within its type's array */
	size_t order; /* position in the output: scanned paths first */
};

static int compare_path(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		return (a != NULL) - (b != NULL);
	}
	return strcmp(a, b);
}

static int compare_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = compare_path(a->path, b->path);
	if (c != 0) {
		return c;
	}
	return a->order < b->order ? -1 : a->order > b->order;
}

struct ranked {
	size_t rank; /* order of the group's first entry */
	struct group group;
};

static int compare_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Groups by path: each run of one path after sorting is a group, the
 * groups ordered by their first entry. Stores the groups and the index
 * lists they point into (both the caller's to free). Returns 0 or
 * PLM_ENOMEM. */
static int group_by_path(const struct plm_run_summary *summary,
	const struct plm_file_result *kept, struct group **out,
	size_t **out_lists, size_t *out_count)
{
	size_t n = summary->path_count + kept->finding_count + kept->note_count;
	struct group *g = plm_malloc((n + 1) * sizeof(*g));
	size_t *lists = plm_malloc((n + 1) * sizeof(*lists));
	struct entry *e = plm_malloc((n + 1) * sizeof(*e));
	struct ranked *r = plm_malloc((n + 1) * sizeof(*r));
	if (g == NULL || lists == NULL || e == NULL || r == NULL) {
		plm_free(g);
		plm_free(lists);
		plm_free(e);
		plm_free(r);
		return PLM_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < summary->path_count; i++, k++) {
		e[k] = (struct entry){summary->paths[i], 0, i, k};
	}
	for (size_t i = 0; i < kept->finding_count; i++, k++) {
		e[k] = (struct entry){kept->findings[i].path, 1, i, k};
	}
	for (size_t i = 0; i < kept->note_count; i++, k++) {
		e[k] = (struct entry){kept->notes[i].path, 2, i, k};
	}
	qsort(e, n, sizeof(*e), compare_entry);
	/* Each run of one path is a group; its lists take the run's slots
	 * in `lists` (scanned-path entries add no item, so they fit). */
	size_t groups_n = 0;
	for (size_t i = 0; i < n;) {
		size_t end = i;
		while (end < n && compare_path(e[end].path, e[i].path) == 0) {
			end++;
		}
		struct ranked *grp = &r[groups_n++];
		grp->rank = e[i].order;
		grp->group = (struct group){.path = e[i].path};
		size_t *slot = &lists[i];
		grp->group.findings = slot;
		for (size_t j = i; j < end; j++) {
			if (e[j].type == 1) {
				*slot++ = e[j].index;
				grp->group.finding_count++;
			}
		}
		grp->group.notes = slot;
		for (size_t j = i; j < end; j++) {
			if (e[j].type == 2) {
				*slot++ = e[j].index;
				grp->group.note_count++;
			}
		}
		i = end;
	}
	qsort(r, groups_n, sizeof(*r), compare_ranked);
	for (size_t i = 0; i < groups_n; i++) {
		g[i] = r[i].group;
	}
	plm_free(e);
	plm_free(r);
	*out = g;
	*out_lists = lists;
	*out_count = groups_n;
	return 0;
}

int plm_collector_files(const struct plm_collector *c,
	const struct plm_run_summary *summary, struct plm_file_report **files,
	size_t *count)
{
	const struct plm_file_result *kept = &c->kept;
	struct group *g;
	size_t *lists;
	size_t n;
	*files = NULL;
	*count = 0;
	int rc = group_by_path(summary, kept, &g, &lists, &n);
	if (rc != 0) {
		return rc;
	}
	/* One block: the reports, then the pointer lists they hand out. */
	size_t items = kept->finding_count + kept->note_count;
	struct plm_file_report *f = plm_malloc(
		(n + 1) * sizeof(*f) + (items + 1) * sizeof(const void *));
	if (f == NULL) {
		plm_free(g);
		plm_free(lists);
		return PLM_ENOMEM;
	}
	const struct plm_finding **fp = (const struct plm_finding **)(f + n +
		1);
	const struct plm_notification **np =
		(const struct plm_notification **)(fp + kept->finding_count);
	for (size_t i = 0; i < n; i++) {
		f[i] = (struct plm_file_report){
			.path = g[i].path,
			.findings = fp,
			.finding_count = g[i].finding_count,
			.notifications = np,
			.notification_count = g[i].note_count,
		};
		for (size_t k = 0; k < g[i].finding_count; k++) {
			*fp++ = &kept->findings[g[i].findings[k]];
		}
		for (size_t k = 0; k < g[i].note_count; k++) {
			*np++ = &kept->notes[g[i].notes[k]];
		}
	}
	plm_free(g);
	plm_free(lists);
	*files = f;
	*count = n;
	return 0;
}

void plm_file_reports_free(struct plm_file_report *files, size_t count)
{
	(void)count;
	plm_free(files);
}
