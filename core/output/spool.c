/*
 * output/spool.c - each file's report text kept until the end of a run
 * (plimsoll/collect.h): the pieces' text in one stream, written by the
 * plugin into a memory stream and moved to an unlinked temporary file
 * once SPILL_AT bytes wait there; per piece its place in that stream and
 * the next piece of its list; per file its two lists (findings,
 * notifications) and when it was first named.
 */
#include "plimsoll/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/alloc.h"
#include "util/source.h"

/* Text held in memory before it goes to the temporary file, and how much
 * is read back at a time. */
#define SPILL_AT ((size_t)1 << 20)
#define READ_AT ((size_t)1 << 20)

struct piece {
	uint64_t at; /* in the stream of every piece's text */
	uint32_t len;
	uint32_t next; /* the next piece of its list + 1, or 0 */
};

struct file {
	char *path; /* NULL: no file */
	/* When the file was first named: by the summary (its index there),
	 * by the n-th finding, by the n-th notification; SIZE_MAX: not. */
	size_t in_summary, first_finding, first_note;
	uint32_t head[2], tail[2]; /* piece + 1, or 0 */
	size_t count[2];
};

struct plm_spool {
	struct file *files;
	size_t file_count, file_cap;
	size_t *slots; /* open addressing: file + 1, or 0 */
	size_t slot_count;
	size_t no_file; /* the file of path NULL + 1, or 0 */
	size_t last;    /* the file of the last piece + 1, or 0 */
	struct piece *pieces;
	size_t piece_count, piece_cap;
	size_t findings, notes; /* pieces added so far, of each kind */
	/* The stream: [0, spilled) in the file, the rest in `piece_buf`
	 * (`held` bytes of ended pieces; past them, the piece begun). */
	uint64_t spilled;
	size_t held;
	int fd;
	bool no_spill; /* the file cannot be made or written */
	/* The memory stream the plugin writes pieces to. */
	FILE *piece;
	char *piece_buf;
	size_t piece_size;
	size_t open_file; /* + 1, or 0: no piece begun */
	bool open_note;
	/* What was read back from the file. */
	char *window;
	size_t window_cap, window_len;
	uint64_t window_at;
};

struct plm_spool *plm_spool_create(void)
{
	struct plm_spool *s = plm_calloc(1, sizeof(*s));
	if (s == NULL) {
		return NULL;
	}
	s->fd = -1;
	s->piece = open_memstream(&s->piece_buf, &s->piece_size);
	if (s->piece == NULL) {
		plm_free(s);
		return NULL;
	}
	return s;
}

void plm_spool_destroy(struct plm_spool *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->file_count; i++) {
		plm_free(s->files[i].path);
	}
	plm_free(s->files);
	plm_free(s->slots);
	plm_free(s->pieces);
	plm_free(s->window);
	if (s->fd >= 0) {
		close(s->fd);
	}
	fclose(s->piece);
	free(s->piece_buf); /* open_memstream's, from malloc */
	plm_free(s);
}

static size_t hash_path(const char *p)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *p != '\0'; p++) {
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	}
	return (size_t)h;
}

/* Doubles the slot table and puts every file back in it. */
static int grow_slots(struct plm_spool *s)
{
	size_t n = s->slot_count ? s->slot_count * 2 : 64;
	size_t *slots = plm_calloc(n, sizeof(*slots));
	if (slots == NULL) {
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < s->file_count; i++) {
		if (s->files[i].path == NULL) {
			continue;
		}
		size_t at = hash_path(s->files[i].path) & (n - 1);
		while (slots[at] != 0) {
			at = (at + 1) & (n - 1);
		}
		slots[at] = i + 1;
	}
	plm_free(s->slots);
	s->slots = slots;
	s->slot_count = n;
	return 0;
}

/* The file of path, added when new. Returns its index, or SIZE_MAX when
 * out of memory. */
static size_t file_of(struct plm_spool *s, const char *path)
{
	if (path == NULL && s->no_file != 0) {
		return s->no_file - 1;
	}
	size_t at = 0;
	if (path != NULL) {
		if (s->last != 0 && s->files[s->last - 1].path != NULL &&
			strcmp(s->files[s->last - 1].path, path) == 0) {
			return s->last - 1;
		}
		if ((s->file_count + 1) * 2 > s->slot_count &&
			grow_slots(s) != 0) {
			return SIZE_MAX;
		}
		at = hash_path(path) & (s->slot_count - 1);
		for (; s->slots[at] != 0; at = (at + 1) & (s->slot_count - 1)) {
			if (strcmp(s->files[s->slots[at] - 1].path, path) ==
				0) {
				return s->slots[at] - 1;
			}
		}
	}
	void *files = s->files;
	if (plm_array_reserve(&files, &s->file_cap, s->file_count,
		    sizeof(*s->files)) != 0) {
		return SIZE_MAX;
	}
	s->files = files;
	struct file *f = &s->files[s->file_count];
	*f = (struct file){
		.in_summary = SIZE_MAX,
		.first_finding = SIZE_MAX,
		.first_note = SIZE_MAX,
	};
	if (path != NULL) {
		f->path = plm_strdup(path);
		if (f->path == NULL) {
			return SIZE_MAX;
		}
		s->slots[at] = s->file_count + 1;
	} else {
		s->no_file = s->file_count + 1;
	}
	return s->file_count++;
}

/* An unlinked file in $TMPDIR (or /tmp), or -1. */
static int spill_file(void)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0') {
		dir = "/tmp";
	}
	static const char name[] = "/plimsoll-spool-XXXXXX";
	size_t n = strlen(dir);
	char *path = plm_malloc(n + sizeof(name));
	if (path == NULL) {
		return -1;
	}
	memcpy(path, dir, n);
	memcpy(path + n, name, sizeof(name));
	int fd = mkstemp(path);
	if (fd >= 0) {
		unlink(path);
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	plm_free(path);
	return fd;
}

/* Moves the text in memory to the file once SPILL_AT bytes wait there;
 * when the file cannot be made or written, the text stays in memory. */
static void maybe_spill(struct plm_spool *s)
{
	if (s->no_spill || s->held < SPILL_AT) {
		return;
	}
	if (s->fd < 0 && (s->fd = spill_file()) < 0) {
		s->no_spill = true;
		return;
	}
	if (plm_write_all(s->fd, s->piece_buf, s->held) != 0 ||
		fseek(s->piece, 0, SEEK_SET) != 0) {
		/* What reached the file past `spilled` is never read. */
		s->no_spill = true;
		return;
	}
	s->spilled += s->held;
	s->held = 0;
}

size_t plm_spool_number(struct plm_spool *s, const char *path)
{
	return file_of(s, path);
}

FILE *plm_spool_begin(struct plm_spool *s, const char *path, bool notification)
{
	if (s->open_file != 0) {
		return NULL;
	}
	/* (At `held`: what a piece that failed to end wrote is dropped.) */
	size_t f = file_of(s, path);
	if (f == SIZE_MAX || fseek(s->piece, (long)s->held, SEEK_SET) != 0) {
		return NULL;
	}
	s->open_file = f + 1;
	s->open_note = notification;
	return s->piece;
}

int plm_spool_end(struct plm_spool *s)
{
	if (s->open_file == 0) {
		return PLM_EINVAL;
	}
	size_t fi = s->open_file - 1;
	int part = s->open_note ? 1 : 0;
	s->open_file = 0;
	if (fflush(s->piece) != 0 || ferror(s->piece)) {
		return PLM_ENOMEM;
	}
	size_t len = s->piece_size - s->held;
	if (len > UINT32_MAX || s->piece_count >= UINT32_MAX) {
		return PLM_ELIMIT;
	}
	void *pieces = s->pieces;
	if (plm_array_reserve(&pieces, &s->piece_cap, s->piece_count,
		    sizeof(*s->pieces)) != 0) {
		return PLM_ENOMEM;
	}
	s->pieces = pieces;
	uint32_t p = (uint32_t)s->piece_count;
	s->pieces[p] = (struct piece){
		.at = s->spilled + s->held,
		.len = (uint32_t)len,
	};
	s->held += len;
	s->piece_count++;
	struct file *f = &s->files[fi];
	if (f->tail[part] != 0) {
		s->pieces[f->tail[part] - 1].next = p + 1;
	} else {
		f->head[part] = p + 1;
	}
	f->tail[part] = p + 1;
	f->count[part]++;
	size_t *first = part ? &f->first_note : &f->first_finding;
	size_t *seq = part ? &s->notes : &s->findings;
	if (*first == SIZE_MAX) {
		*first = *seq;
	}
	(*seq)++;
	s->last = fi + 1;
	maybe_spill(s);
	return 0;
}

struct ranked {
	size_t rank;
	size_t file;
};

static int compare_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

int plm_spool_files(struct plm_spool *s, const struct plm_run_summary *summary,
	struct plm_spool_file **files, size_t *count)
{
	*files = NULL;
	*count = 0;
	size_t paths = summary != NULL ? summary->path_count : 0;
	for (size_t i = 0; i < paths; i++) {
		size_t f = file_of(s, summary->paths[i]);
		if (f == SIZE_MAX) {
			return PLM_ENOMEM;
		}
		if (s->files[f].in_summary == SIZE_MAX) {
			s->files[f].in_summary = i;
		}
	}
	/* The order plm_collector_files() gives: the summary's paths, then
	 * files first named by a finding, in order, then those first named
	 * by a notification. */
	size_t n = s->file_count;
	struct ranked *r = plm_malloc((n + 1) * sizeof(*r));
	struct plm_spool_file *out = plm_malloc((n + 1) * sizeof(*out));
	if (r == NULL || out == NULL) {
		plm_free(r);
		plm_free(out);
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct file *f = &s->files[i];
		size_t rank = f->in_summary != SIZE_MAX ? f->in_summary
			: f->first_finding != SIZE_MAX
			? paths + f->first_finding
			: f->first_note != SIZE_MAX
			? paths + s->findings + f->first_note
			: SIZE_MAX; /* begun, never ended */
		r[i] = (struct ranked){rank, i};
	}
	qsort(r, n, sizeof(*r), compare_ranked);
	for (size_t i = 0; i < n; i++) {
		const struct file *f = &s->files[r[i].file];
		out[i] = (struct plm_spool_file){
			.path = f->path,
			.number = r[i].file,
			.finding_count = f->count[0],
			.notification_count = f->count[1],
		};
	}
	plm_free(r);
	*files = out;
	*count = n;
	return 0;
}

void plm_spool_files_free(struct plm_spool_file *files)
{
	plm_free(files);
}

/* The text of a piece: in memory, or read back from the file, a READ_AT
 * window at a time (the pieces of the files are mostly read in the
 * order they were written). NULL when it cannot be read. */
static const char *piece_text(struct plm_spool *s, const struct piece *p)
{
	if (p->at >= s->spilled) {
		/* piece_buf as of the last flush: every ended piece is in. */
		return s->piece_buf + (p->at - s->spilled);
	}
	if (p->at >= s->window_at &&
		p->at + p->len <= s->window_at + s->window_len) {
		return s->window + (p->at - s->window_at);
	}
	size_t want = p->len > READ_AT ? p->len : READ_AT;
	if (want > s->spilled - p->at) {
		want = (size_t)(s->spilled - p->at);
	}
	if (want > s->window_cap) {
		char *grown = plm_realloc(s->window, want);
		if (grown == NULL) {
			return NULL;
		}
		s->window = grown;
		s->window_cap = want;
	}
	s->window_len = 0;
	size_t got = 0;
	while (got < want) {
		ssize_t n = pread(s->fd, s->window + got, want - got,
			(off_t)(p->at + got));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	if (got < p->len) {
		return NULL;
	}
	s->window_at = p->at;
	s->window_len = got;
	return s->window;
}

const char *plm_spool_piece(struct plm_spool *s, size_t piece, size_t *len)
{
	*len = 0;
	if (piece >= s->piece_count) {
		return NULL;
	}
	const char *text = piece_text(s, &s->pieces[piece]);
	if (text != NULL) {
		*len = s->pieces[piece].len;
	}
	return text;
}

int plm_spool_write(struct plm_spool *s, const struct plm_spool_file *file,
	bool notifications, FILE *out)
{
	if (file->number >= s->file_count) {
		return PLM_EINVAL;
	}
	const struct file *f = &s->files[file->number];
	for (uint32_t p = f->head[notifications ? 1 : 0]; p != 0;
		p = s->pieces[p - 1].next) {
		const struct piece *piece = &s->pieces[p - 1];
		const char *text = piece_text(s, piece);
		if (text == NULL) {
			return PLM_EIO;
		}
		if (fwrite(text, 1, piece->len, out) != piece->len) {
			return PLM_EIO;
		}
	}
	return 0;
}
