#include "util/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <unistd.h>
#include <fcntl.h>
#include "util/alloc.h"

/* Counts the line breaks (LF, CR LF, or a lone CR: old Mac files, which
 * YAML counts too), storing where each next line starts when starts is
 * not NULL. */
/* Appends a line start to s->line_starts (s->line_count used of cap). */
static bool add_line_start(struct plm_source *s, size_t *cap, size_t at)
{
	if (s->line_count == *cap) {
		size_t ncap = *cap * 2;
		uint32_t *grown = plm_realloc(s->line_starts,
			ncap * sizeof(*grown));
		if (grown == NULL) {
			return false;
		}
		s->line_starts = grown;
		*cap = ncap;
	}
	s->line_starts[s->line_count++] = (uint32_t)at;
	return true;
}

/* The offset of each line's first byte: after LF, CRLF or a lone CR. One
 * pass, into an array sized for lines of about 40 bytes and grown as
 * needed. */
static int build_line_map(struct plm_source *s)
{
	const char *b = s->bytes;
	size_t len = s->len;
	size_t cap = len / 40 + 16;
	s->line_starts = plm_malloc(cap * sizeof(*s->line_starts));
	if (s->line_starts == NULL) {
		return PLM_ENOMEM;
	}
	s->line_count = 0;
	bool ok = add_line_start(s, &cap, 0);
	if (memchr(b, '\r', len) == NULL) {
		/* LF only, as most files: memchr from break to break. */
		for (const char *p = memchr(b, '\n', len); p != NULL && ok;
			p = memchr(p + 1, '\n', len - (size_t)(p + 1 - b))) {
			ok = add_line_start(s, &cap, (size_t)(p + 1 - b));
		}
	} else {
		for (size_t i = 0; i < len && ok; i++) {
			if (b[i] == '\r') {
				if (i + 1 < len && b[i + 1] == '\n') {
					i++;
				}
			} else if (b[i] != '\n') {
				continue;
			}
			ok = add_line_start(s, &cap, i + 1);
		}
	}
	if (ok && cap > (size_t)s->line_count + 64) {
		/* The source lives as long as its document: no slack
		 * (shrinking a block does not move it). */
		uint32_t *fit = plm_realloc(s->line_starts,
			s->line_count * sizeof(*fit));
		if (fit != NULL) {
			s->line_starts = fit;
		}
	}
	return ok ? 0 : PLM_ENOMEM;
}

/* Is b a UTF-8 continuation byte? */
static inline int is_continuation(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

static int build_checkpoints(struct plm_source *s)
{
	size_t count = s->len / PLM_SOURCE_CHECKPOINT + 1;
	s->chars_before = plm_malloc(count * sizeof(*s->chars_before));
	s->astral_before = plm_malloc(count * sizeof(*s->astral_before));
	if (s->chars_before == NULL || s->astral_before == NULL) {
		return PLM_ENOMEM;
	}
	uint32_t chars = 0, astral = 0;
	const unsigned char *b = (const unsigned char *)s->bytes;
	for (size_t k = 0; k < count; k++) {
		s->chars_before[k] = chars;
		s->astral_before[k] = astral;
		size_t from = k * PLM_SOURCE_CHECKPOINT;
		size_t to = from + PLM_SOURCE_CHECKPOINT;
		if (to > s->len) {
			to = s->len;
		}
		size_t i = from;
		/* Eight bytes at a time while they are ASCII: each one a
		 * character, none astral. */
		for (; i + 8 <= to; i += 8) {
			uint64_t w;
			memcpy(&w, b + i, 8);
			if ((w & 0x8080808080808080ULL) != 0) {
				break;
			}
			chars += 8;
		}
		for (; i < to; i++) {
			chars += !is_continuation(b[i]);
			astral += b[i] >= 0xF0;
		}
	}
	s->checkpoint_count = (uint32_t)count;
	return 0;
}

static struct plm_source *source_take(const char *path, char *bytes, size_t len)
{
	struct plm_source *s = plm_calloc(1, sizeof(*s));
	if (s == NULL) {
		goto fail;
	}
	s->path = plm_strdup(path);
	if (s->path == NULL) {
		goto fail;
	}
	s->bytes = bytes;
	s->len = len;
	if (build_line_map(s) != 0 || build_checkpoints(s) != 0) {
		goto fail;
	}
	return s;
fail:
	if (s != NULL) {
		plm_free(s->path);
		plm_free(s->line_starts);
		plm_free(s->chars_before);
		plm_free(s->astral_before);
		plm_free(s);
	}
	plm_free(bytes);
	return NULL;
}

struct plm_source *plm_source_create(const char *path, const char *bytes,
	size_t len)
{
	if (len > PLM_MAX_FILE_SIZE) {
		return NULL;
	}
	char *copy = plm_malloc(len + 1);
	if (copy == NULL) {
		return NULL;
	}
	if (len > 0) {
		memcpy(copy, bytes, len);
	}
	copy[len] = '\0';
	return source_take(path, copy, len);
}

/* True for a file of a kernel pseudo file system (/proc, /sys and the
 * like): regular files by their mode, but what they hold is the state of
 * the machine or the process (/proc/self/environ is the environment), so
 * they are never read, however they were reached. A device number names
 * one mounted file system, so the last device found to be an ordinary one
 * is remembered (per thread): a scan asks the kernel once per file system,
 * not once per file. */
static bool pseudo_file(int fd, dev_t dev)
{
#ifdef __linux__
	static const unsigned long magics[] = {
		0x9fa0,     /* proc */
		0x62656572, /* sysfs */
		0x64626720, /* debugfs */
		0x74726163, /* tracefs */
		0x73636673, /* securityfs */
		0x27e0eb,   /* cgroup */
		0x63677270, /* cgroup2 */
		0x62656570, /* configfs */
		0xde5e81e4, /* efivarfs */
		0xcafe4a11, /* bpf */
	};
	static _Thread_local bool known;
	static _Thread_local dev_t ordinary;
	if (known && dev == ordinary) {
		return false;
	}
	struct statfs fs;
	if (fstatfs(fd, &fs) != 0) {
		return false;
	}
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if ((unsigned long)fs.f_type == magics[i]) {
			return true;
		}
	}
	known = true;
	ordinary = dev;
#else
	(void)fd;
	(void)dev;
#endif
	return false;
}

int plm_file_read(const char *path, size_t max_size, char **bytes,
	size_t *length)
{
	*bytes = NULL;
	*length = 0;
	if (max_size == 0 || max_size > PLM_MAX_FILE_SIZE) {
		max_size = PLM_MAX_FILE_SIZE;
	}
	bool is_stdin = strcmp(path, "-") == 0;
	size_t cap = 64 * 1024, len = 0;
	size_t expect = 0; /* a regular file's size at open, when known */
	/* O_NONBLOCK so a FIFO without a writer cannot hang the scan. */
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		return PLM_EIO;
	}
	if (!is_stdin) {
		struct stat st;
		if (fstat(fd, &st) != 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return PLM_EIO;
		}
		if (!S_ISREG(st.st_mode) || pseudo_file(fd, st.st_dev)) {
			close(fd);
			errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
			return PLM_EIO;
		}
		if ((size_t)st.st_size > max_size) {
			close(fd);
			return PLM_ELIMIT;
		}
		/* O_NONBLOCK is left on: reads of a regular file ignore it.
		 * The buffer is the file's size and one byte, so that the
		 * read that finds the end needs no larger one. */
		if ((size_t)st.st_size < max_size) {
			cap = (size_t)st.st_size + 1;
		}
		expect = (size_t)st.st_size;
	}
	char *buf = plm_malloc(cap + 1);
	if (buf == NULL) {
		goto nomem;
	}
	plm_alloc_mark_huge(buf, cap + 1);
	for (;;) {
		if (len == cap) {
			if (cap >= max_size + 1) {
				plm_free(buf);
				if (!is_stdin) {
					close(fd);
				}
				return PLM_ELIMIT;
			}
			size_t ncap = cap * 2;
			if (ncap > max_size + 1) {
				ncap = max_size + 1;
			}
			char *nbuf = plm_realloc(buf, ncap + 1);
			if (nbuf == NULL) {
				goto nomem;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			int saved = errno;
			plm_free(buf);
			if (!is_stdin) {
				close(fd);
			}
			errno = saved;
			return PLM_EIO;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
		/* The size fstat gave is read: no read to find the end (a
		 * system call per file; a file that grows meanwhile is read
		 * as it was when opened). A size of 0 (some file systems give
		 * it for files they generate) is read to the end. */
		if (len == expect) {
			break;
		}
	}
	if (!is_stdin) {
		close(fd);
	}
	if (len > max_size) {
		plm_free(buf);
		return PLM_ELIMIT;
	}
	buf[len] = '\0';
	*bytes = buf;
	*length = len;
	return 0;
nomem:
	plm_free(buf);
	if (!is_stdin) {
		close(fd);
	}
	return PLM_ENOMEM;
}

int plm_source_read(const char *path, const char *display_path, size_t max_size,
	struct plm_source **out)
{
	*out = NULL;
	char *bytes;
	size_t len;
	int rc = plm_file_read(path, max_size, &bytes, &len);
	if (rc != 0) {
		return rc;
	}
	*out = source_take(display_path, bytes, len);
	return *out ? 0 : PLM_ENOMEM;
}

void plm_source_destroy(struct plm_source *source)
{
	if (source == NULL) {
		return;
	}
	plm_free(source->path);
	plm_free(source->bytes);
	plm_free(source->line_starts);
	plm_free(source->chars_before);
	plm_free(source->astral_before);
	plm_free(source);
}

uint32_t plm_source_line_of(const struct plm_source *s, uint32_t offset)
{
	uint32_t lo = 0, hi = s->line_count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->line_starts[mid] <= offset) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

const char *plm_source_line(const struct plm_source *s, uint32_t line,
	size_t *len)
{
	if (line >= s->line_count) {
		*len = 0;
		return s->bytes + s->len;
	}
	size_t start = s->line_starts[line];
	size_t end = line + 1 < s->line_count ? s->line_starts[line + 1]
					      : s->len;
	if (end > start && s->bytes[end - 1] == '\n') {
		end--;
	}
	if (end > start && s->bytes[end - 1] == '\r') {
		end--;
	}
	*len = end - start;
	return s->bytes + start;
}

/* The characters (with utf16, UTF-16 units: a four-byte sequence counts
 * two) of the bytes from..to, eight bytes at a time: each byte counts
 * one, except a continuation byte (10xxxxxx: bit 7 set, bit 6 clear),
 * which counts none; with utf16, a byte from 0xF0 up (in UTF-8 the lead
 * byte of a four-byte sequence, 11110xxx) counts two. */
static uint32_t units_between(const unsigned char *b, uint32_t from,
	uint32_t to, bool utf16)
{
	const uint64_t tops = 0x8080808080808080ULL;
	uint32_t n = 0;
	uint32_t i = from;
	for (; i + 8 <= to; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		uint64_t high = w & tops;
		if (high == 0) {
			n += 8;
			continue;
		}
		/* w << k moves each byte's bit 7 - k to its bit 7 (what
		 * crosses into the next byte lands below its bit 7). */
		uint64_t continuation = high & ~(w << 1);
		n += 8 - (uint32_t)__builtin_popcountll(continuation);
		if (utf16) {
			uint64_t four = high & (w << 1) & (w << 2) & (w << 3);
			n += (uint32_t)__builtin_popcountll(four & tops);
		}
	}
	for (; i < to; i++) {
		n += !is_continuation(b[i]) + (utf16 && b[i] >= 0xF0);
	}
	return n;
}

/* Characters (or, for utf16, UTF-16 units) in bytes [0, offset). */
static uint32_t units_before(const struct plm_source *s, uint32_t offset,
	bool utf16)
{
	uint32_t k = offset / PLM_SOURCE_CHECKPOINT;
	uint32_t n = s->chars_before[k] + (utf16 ? s->astral_before[k] : 0);
	return n +
		units_between((const unsigned char *)s->bytes,
			k * PLM_SOURCE_CHECKPOINT, offset, utf16);
}

/* Columns between two offsets of one line: a short distance is walked,
 * a long one read off the checkpoints. */
static uint32_t count_columns(const struct plm_source *s, uint32_t from,
	uint32_t to, bool utf16)
{
	if (to - from <= PLM_SOURCE_CHECKPOINT) {
		return units_between((const unsigned char *)s->bytes, from, to,
			utf16);
	}
	return units_before(s, to, utf16) - units_before(s, from, utf16);
}

uint32_t plm_source_offset_at(const struct plm_source *s, uint32_t line,
	uint32_t column)
{
	size_t len;
	const char *p = plm_source_line(s, line, &len);
	uint32_t start = (uint32_t)(p - s->bytes);
	uint32_t end = start + (uint32_t)len;
	const unsigned char *b = (const unsigned char *)s->bytes;
	if (column == 0 || len == 0) {
		return start;
	}
	/* Characters start at the line's first byte, then at every byte that
	 * is not a continuation byte: column c starts at the c-th such byte
	 * after the first (stray continuation bytes at the start belong to
	 * the first character). Find the byte whose rank among all such
	 * bytes of the source is `target`. */
	uint32_t target = units_before(s, start + 1, false) + column - 1;
	uint32_t from = start + 1;
	if (end - from > PLM_SOURCE_CHECKPOINT) {
		/* The last checkpoint at or before the target, not before the
		 * line. */
		uint32_t lo = from / PLM_SOURCE_CHECKPOINT;
		uint32_t hi = end / PLM_SOURCE_CHECKPOINT + 1;
		if (hi > s->checkpoint_count) {
			hi = s->checkpoint_count;
		}
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (s->chars_before[mid] <= target) {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		uint32_t at = lo * PLM_SOURCE_CHECKPOINT;
		if (at > from) {
			from = at;
		}
	}
	uint32_t rank = units_before(s, from, false);
	for (uint32_t i = from; i < end; i++) {
		if (!is_continuation(b[i])) {
			if (rank == target) {
				return i;
			}
			rank++;
		}
	}
	return end;
}

static struct plm_region region(const struct plm_source *s, uint32_t start,
	uint32_t end, bool utf16)
{
	struct plm_region r = {0};
	if (start > s->len) {
		start = (uint32_t)s->len;
	}
	if (end > s->len) {
		end = (uint32_t)s->len;
	}
	if (end < start) {
		end = start;
	}
	uint32_t sl = plm_source_line_of(s, start);
	uint32_t el = plm_source_line_of(s, end);
	/* An end right after a newline belongs to the line it ends. */
	if (el > sl && s->line_starts[el] == end) {
		el--;
		size_t len;
		const char *line = plm_source_line(s, el, &len);
		end = (uint32_t)((line - s->bytes) + len);
	}
	r.start_line = sl + 1;
	r.end_line = el + 1;
	r.start_column = 1 + count_columns(s, s->line_starts[sl], start, utf16);
	r.end_column = 1 + count_columns(s, s->line_starts[el], end, utf16);
	if (r.end_line == r.start_line && r.end_column <= r.start_column) {
		r.end_column = r.start_column + 1;
	}
	r.start_offset = start;
	r.end_offset = end;
	return r;
}

struct plm_region plm_source_region(const struct plm_source *s, uint32_t start,
	uint32_t end)
{
	return region(s, start, end, false);
}

struct plm_region plm_source_region_utf16(const struct plm_source *s,
	uint32_t start, uint32_t end)
{
	return region(s, start, end, true);
}

int plm_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, p, n);
		if (put < 0 && errno == EINTR) {
			continue;
		}
		if (put <= 0) {
			return PLM_EIO;
		}
		p += put;
		n -= (size_t)put;
	}
	return 0;
}
