#include "plimsoll/report.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "plimsoll/error.h"
#include "plimsoll/jsonw.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/utf8.h"
#include "util/alloc.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* A growable string; `failed` sticks once an allocation fails. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed) {
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		char *d = plm_realloc(b->data, cap);
		if (d == NULL) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The finished string, or NULL (and nothing to free) on failure. */
static char *buf_finish(struct buf *b)
{
	if (b->failed || b->data == NULL) {
		plm_free(b->data);
		return b->failed ? NULL : plm_strdup("");
	}
	return b->data;
}

/* ASCII letters and digits, whatever the locale. */
static bool ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

struct plm_region plm_output_region(const struct plm_region *r)
{
	struct plm_region d = *r;
	if (d.start_line == 0) {
		d.start_line = 1;
		d.start_column = 1;
		d.end_line = 1;
		d.end_column = 1;
	}
	if (d.start_column == 0) {
		d.start_column = 1;
	}
	if (d.end_line < d.start_line) {
		d.end_line = d.start_line;
		d.end_column = d.start_column;
	}
	if (d.end_line == d.start_line && d.end_column < d.start_column) {
		d.end_column = d.start_column;
	}
	if (d.end_column == 0) {
		d.end_column = 1;
	}
	return d;
}

const char *plm_output_note_level(enum plm_notification_kind kind)
{
	switch (kind) {
	case PLM_NOTIFY_PARSE_WARNING:
		return "warning";
	case PLM_NOTIFY_NOTE:
		return "note";
	default:
		return "error";
	}
}

const struct plm_rule_info *plm_output_rule(const struct plm_run_info *run,
	const char *rule_id, size_t index, size_t *index_out)
{
	if (run == NULL || rule_id == NULL || run->rules == NULL) {
		return NULL;
	}
	size_t found = index;
	if (index >= run->rule_count || run->rules[index].id == NULL ||
		strcmp(run->rules[index].id, rule_id) != 0) {
		for (found = 0; found < run->rule_count; found++) {
			if (run->rules[found].id != NULL &&
				strcmp(run->rules[found].id, rule_id) == 0) {
				break;
			}
		}
		if (found == run->rule_count) {
			return NULL;
		}
	}
	if (index_out != NULL) {
		*index_out = found;
	}
	return &run->rules[found];
}

/* src in PascalCase: each run of ASCII letters and digits starts with a
 * capital; everything else is dropped. */
static void pascal_case(const char *src, char buf[PLM_RULE_NAME_SIZE])
{
	size_t n = 0;
	bool word_start = true;
	for (const char *p = src; p != NULL && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (!ascii_alnum(c)) {
			word_start = true;
			continue;
		}
		if (n + 1 >= PLM_RULE_NAME_SIZE) {
			break;
		}
		buf[n++] = (char)(word_start && c >= 'a' && c <= 'z'
				? c - 'a' + 'A'
				: c);
		word_start = false;
	}
	buf[n] = '\0';
}

void plm_output_rule_name(const struct plm_rule_info *rule,
	char buf[PLM_RULE_NAME_SIZE])
{
	if (rule->name != NULL) {
		snprintf(buf, PLM_RULE_NAME_SIZE, "%s", rule->name);
		return;
	}
	/* SARIF consumers want a name that is not the id again, ignoring
	 * case (the multitool's SARIF1001): "privileged" names itself from
	 * its title instead. */
	pascal_case(rule->id, buf);
	if (rule->id != NULL && strcasecmp(buf, rule->id) == 0) {
		pascal_case(rule->title, buf);
		if (strcasecmp(buf, rule->id) == 0) {
			buf[0] = '\0';
		}
	}
}

const char *plm_output_security_severity(const struct plm_rule_info *rule)
{
	if (rule->security_severity != NULL) {
		return rule->security_severity;
	}
	switch (rule->severity) {
	case PLM_SEVERITY_CRITICAL:
		return "9.5";
	case PLM_SEVERITY_HIGH:
		return "8.0";
	case PLM_SEVERITY_MEDIUM:
		return "5.5";
	case PLM_SEVERITY_LOW:
		return "3.0";
	default:
		return NULL;
	}
}

/* Each field ends with its NUL so "ab"+"c" differs from "a"+"bc". */
static uint64_t hash_field(uint64_t h, const char *s)
{
	s = s != NULL ? s : "";
	return plm_fnv1a(h, s, strlen(s) + 1);
}

const char *plm_output_fingerprint(const struct plm_finding *f,
	char buf[PLM_FINGERPRINT_SIZE])
{
	if (f->fingerprint != NULL && f->fingerprint[0] != '\0') {
		return f->fingerprint;
	}
	uint64_t h = PLM_FNV1A_INIT;
	h = hash_field(h, f->rule_id);
	h = hash_field(h, f->path);
	h = hash_field(h, f->message);
	plm_hex64(h, buf);
	buf[16] = '\0';
	return buf;
}

char *plm_output_sentence(const char *message)
{
	const char *m = message != NULL ? message : "";
	size_t len = strlen(m);
	while (len > 0 && isspace((unsigned char)m[len - 1])) {
		len--;
	}
	bool period = len > 0 && m[len - 1] == '.';
	char *s = plm_malloc(len + 2);
	if (s == NULL) {
		return NULL;
	}
	memcpy(s, m, len);
	if (!period) {
		s[len++] = '.';
	}
	s[len] = '\0';
	return s;
}

/* RFC 3986 unreserved characters, and '/' between segments. */
static bool unreserved(unsigned char c)
{
	return ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
		c == '/';
}

static void percent_encode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c)) {
			buf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_add(b, e, 3);
		}
	}
}

/* Appends the segments of path to the stack of segments in *b, resolving
 * "." and ".." and dropping empty ones. Returns false when ".." would
 * climb above the start of *b (at `floor`). */
static bool push_segments(struct buf *b, size_t floor, const char *path)
{
	const char *p = path;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (b->len <= floor) {
				return false;
			}
			while (b->len > floor && b->data[b->len - 1] != '/') {
				b->len--;
			}
			if (b->len > floor) {
				b->len--; /* the '/' before the dropped segment */
			}
			if (b->data != NULL) {
				b->data[b->len] = '\0';
			}
		} else {
			if (b->len > floor) {
				buf_add(b, "/", 1);
			}
			buf_add(b, p, n);
		}
		p += n;
		if (*p == '/') {
			p++;
		}
	}
	return true;
}

const char *plm_output_source_root(const struct plm_run_info *run)
{
	if (run == NULL) {
		return NULL;
	}
	return run->source_root != NULL ? run->source_root
					: run->working_directory;
}

char *plm_output_path(const char *path, const char *root, bool *relative)
{
	size_t root_len = root != NULL ? strlen(root) : 0;
	const char *rest = path;
	bool absolute = path[0] == '/';
	if (absolute && root_len > 1 && strncmp(path, root, root_len) == 0) {
		rest = path + root_len;
		absolute = false;
	}
	struct buf norm = {0};
	*relative = false;
	if (absolute) {
		buf_add(&norm, "/", 1);
		(void)push_segments(&norm, 1, path);
	} else if (push_segments(&norm, 0, rest)) {
		*relative = true;
	} else if (root != NULL) {
		/* It climbs out of the root: resolve it to an absolute path,
		 * which may still land under the root ("../repo/x"). */
		norm.len = 0;
		buf_add(&norm, "/", 1);
		(void)push_segments(&norm, 1, root);
		(void)push_segments(&norm, 1, rest);
		char *resolved = buf_finish(&norm);
		if (resolved == NULL) {
			return NULL;
		}
		char *again = plm_output_path(resolved, root, relative);
		plm_free(resolved);
		return again;
	} else {
		/* No root to resolve against: keep the climb as written. */
		norm.len = 0;
		buf_str(&norm, path);
		*relative = true;
	}
	return buf_finish(&norm);
}

/* A normalized path (consumed) as a URI reference. */
static char *uri_of(char *norm, bool relative)
{
	if (norm == NULL) {
		return NULL;
	}
	struct buf out = {0};
	if (!relative) {
		buf_str(&out, "file://");
	}
	percent_encode(&out, norm, strlen(norm));
	plm_free(norm);
	return buf_finish(&out);
}

char *plm_output_uri(const char *path, const char *root, bool *relative)
{
	char *norm = plm_output_path(path, root, relative);
	return uri_of(norm, *relative);
}

/* path anchored at the working directory when the run's root is another
 * directory; NULL when that is not needed (or out of memory: *failed). */
static char *anchor(const struct plm_run_info *run, const char *path,
	bool *failed)
{
	*failed = false;
	if (run == NULL || path[0] == '/' || run->source_root == NULL ||
		run->working_directory == NULL ||
		strcmp(run->source_root, run->working_directory) == 0) {
		return NULL;
	}
	struct buf b = {0};
	buf_str(&b, run->working_directory);
	buf_str(&b, path);
	char *joined = buf_finish(&b);
	*failed = joined == NULL;
	return joined;
}

char *plm_output_run_path(const struct plm_run_info *run, const char *path,
	bool *relative)
{
	bool failed;
	char *joined = anchor(run, path, &failed);
	char *shown = failed ? NULL
			     : plm_output_path(joined ? joined : path,
				       plm_output_source_root(run), relative);
	plm_free(joined);
	return shown;
}

char *plm_output_run_uri(const struct plm_run_info *run, const char *path,
	bool *relative)
{
	char *norm = plm_output_run_path(run, path, relative);
	return uri_of(norm, *relative);
}

char *plm_output_directory_uri(const char *directory)
{
	struct buf norm = {0};
	struct buf out = {0};
	(void)push_segments(&norm, 0, directory);
	buf_str(&out, "file:///");
	percent_encode(&out, norm.data ? norm.data : "", norm.len);
	if (norm.len > 0) {
		buf_add(&out, "/", 1);
	}
	plm_free(norm.data);
	if (norm.failed) {
		plm_free(out.data);
		return NULL;
	}
	return buf_finish(&out);
}

/* Does plm_output_xml_escape() write c (of valid UTF-8) as it is, in
 * every context? 0xEF may start U+FFFE or U+FFFF: looked at alone. */
static bool xml_plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7F && c != '&' && c != '<' && c != '>' &&
		c != '"' && c != '\'' && c != 0xEF;
}

void plm_output_xml_escape(FILE *out, const char *s)
{
	if (s == NULL) {
		return;
	}
	size_t len = strlen(s);
	size_t i = 0;
	while (i < len) {
		size_t valid = i + plm_utf8_check(s + i, len - i);
		for (; i < valid; i++) {
			/* A run of bytes written as they are, in one call. */
			size_t run = i;
			while (run < valid &&
				xml_plain((unsigned char)s[run])) {
				run++;
			}
			if (run > i) {
				fwrite(s + i, 1, run - i, out);
				i = run;
				if (i == valid) {
					break;
				}
			}
			unsigned char c = (unsigned char)s[i];
			switch (c) {
			case '&':
				fputs("&amp;", out);
				break;
			case '<':
				fputs("&lt;", out);
				break;
			case '>':
				fputs("&gt;", out);
				break;
			case '"':
				fputs("&quot;", out);
				break;
			case '\'':
				fputs("&apos;", out);
				break;
			case '\t':
				fputs("&#9;", out);
				break;
			case '\n':
				fputs("&#10;", out);
				break;
			case '\r':
				fputs("&#13;", out);
				break;
			default:
				if (c < 0x20 || c == 0x7F) {
					fputs(replacement, out);
				} else if (c == 0xEF && i + 2 < len &&
					(unsigned char)s[i + 1] == 0xBF &&
					(unsigned char)s[i + 2] >= 0xBE) {
					/* U+FFFE and U+FFFF are not XML
					 * characters. */
					fputs(replacement, out);
					i += 2;
				} else {
					fputc(c, out);
				}
			}
		}
		if (i < len) {
			fputs(replacement, out);
			i++;
		}
	}
}

void plm_output_workflow_escape(FILE *out, const char *s, bool property)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p != '\0'; p++) {
		/* A run of bytes written as they are, in one call. */
		const unsigned char *run = p;
		while (*run >= 0x20 && *run != '%' && *run != 0x7f &&
			*run != 0xc2 &&
			!(property && (*run == ':' || *run == ','))) {
			run++;
		}
		if (run > p) {
			fwrite(p, 1, (size_t)(run - p), out);
			p = run;
			if (*p == '\0') {
				break;
			}
		}
		unsigned char c = *p;
		if (c == '%' || c < 0x20 || c == 0x7f ||
			(property && (c == ':' || c == ','))) {
			fprintf(out, "%%%02X", c);
		} else if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* A C1 control (CSI is U+009B): both bytes. */
			fprintf(out, "%%C2%%%02X", p[1]);
			p++;
		} else {
			fputc(c, out);
		}
	}
}

json_t *plm_output_json_string(const char *s)
{
	if (s == NULL) {
		return json_null();
	}
	size_t len = strlen(s);
	/* Checked here, so not again by jansson (a byte at a time: a fifth
	 * of a SARIF scan of one small file, the rules' help texts). */
	if (plm_utf8_check(s, len) == len) {
		return json_stringn_nocheck(s, len);
	}
	/* Rare (model strings are valid UTF-8): a scratch arena for the
	 * sanitized copy. */
	struct plm_arena *scratch = plm_arena_create(0);
	size_t clean_len = 0;
	char *clean = scratch != NULL
		? plm_utf8_sanitize(scratch, s, len, &clean_len)
		: NULL;
	json_t *j = clean != NULL ? json_stringn_nocheck(clean, clean_len)
				  : NULL;
	plm_arena_destroy(scratch);
	return j;
}

size_t plm_output_code_points(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			n++;
		}
	}
	return n;
}
