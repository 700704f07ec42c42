/*
 * text - the terminal format: findings grouped by file in the compiler
 * style (`path:line:col: severity: message [rule]`), each with its source
 * line and a `^~~~` marker under the span, then a summary. Colour only when
 * the host says the output is a colour terminal (it honours NO_COLOR).
 *
 * Everything printed from the input (messages, source lines) has its
 * control characters replaced, so a hostile file cannot send escape
 * sequences to the terminal.
 */
#include <stdlib.h>
#include <string.h>
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

#define RESET "\033[0m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define GUTTER "\033[34m"

struct text {
	FILE *out;
	bool color;
	char *last_path; /* the file of the previous block */

	size_t blocks;
};

static void *text_create(const struct plm_plugin_options *options)
{
	struct text *t = calloc(1, sizeof(*t));
	if (t != NULL) {
		t->out = options->out;
		t->color = options->color;
	}
	return t;
}

static void text_destroy(void *self)
{
	struct text *t = self;
	if (t != NULL) {
		free(t->last_path);
		free(t);
	}
}

static const char *severity_color(enum plm_severity s)
{
	switch (s) {
	case PLM_SEVERITY_CRITICAL:
		return "\033[1;35m";
	case PLM_SEVERITY_HIGH:
		return "\033[1;31m";
	case PLM_SEVERITY_MEDIUM:
		return "\033[1;33m";
	case PLM_SEVERITY_LOW:
		return "\033[1;36m";
	default:
		return "\033[1;34m";
	}
}

/* Starts a colour when colour is on. */
static void paint(const struct text *t, const char *code)
{
	if (t->color) {
		fputs(code, t->out);
	}
}

/* Does put_safe() write c as it is? */
static bool safe_byte(unsigned char c)
{
	return (c >= 0x20 && c != 0x7F) || c == '\t';
}

/* Writes s[0..len) on one line: line breaks as spaces, other control
 * characters (but tab) as '?'. Runs of bytes written as they are go out
 * in one call: a character at a time, the stream's lock was taken for
 * each byte, a sixth of a scan's time in this format. */
static void put_safe(FILE *out, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && safe_byte((unsigned char)s[run])) {
			run++;
		}
		fwrite(s + i, 1, run - i, out);
		if (run == len) {
			break;
		}
		unsigned char c = (unsigned char)s[run];
		fputc(c == '\n' || c == '\r' ? ' ' : '?', out);
		i = run + 1;
	}
}

/* Writes c n times. */
static void put_repeated(FILE *out, char c, size_t n)
{
	char block[64];
	memset(block, c, sizeof(block));
	for (; n > sizeof(block); n -= sizeof(block)) {
		fwrite(block, 1, sizeof(block), out);
	}
	fwrite(block, 1, n, out);
}

static void put_safe_str(FILE *out, const char *s)
{
	if (s != NULL) {
		put_safe(out, s, strlen(s));
	}
}

/* A blank line between blocks, and the file's name (underlined) over the
 * first block of each file, so each file's findings read as a group. */
static int start_block(struct text *t, const char *path)
{
	if (t->blocks > 0) {
		fputc('\n', t->out);
	}
	t->blocks++;
	const char *p = path != NULL ? path : "plimsoll";
	if (t->last_path != NULL && strcmp(t->last_path, p) == 0) {
		return 0;
	}
	char *copy = strdup(p);
	if (copy == NULL) {
		return PLM_ENOMEM;
	}
	free(t->last_path);
	t->last_path = copy;
	paint(t, "\033[1;4m");
	put_safe_str(t->out, p);
	paint(t, RESET);
	fputc('\n', t->out);
	return 0;
}

static void print_location(struct text *t, const char *path,
	const struct plm_region *r)
{
	paint(t, BOLD);
	put_safe_str(t->out, path);
	if (r->start_line > 0) {
		fprintf(t->out, ":%u:%u", r->start_line, r->start_column);
	}
	fputs(":", t->out);
	paint(t, RESET);
	fputc(' ', t->out);
}

static int digits(uint32_t n)
{
	int d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* The source line, then a marker under the region's part of it: '^' at
 * the start column and '~' to the end column (or the line's end when the
 * region runs on). Tabs in the line are repeated in the indent so the
 * marker lines up. */
static void print_source(struct text *t, const struct plm_finding *f)
{
	const struct plm_region *r = &f->region;
	if (f->line_text == NULL || r->start_line == 0) {
		return;
	}
	const char *line = f->line_text;
	size_t len = strcspn(line, "\r\n");
	int width = digits(r->start_line);
	paint(t, GUTTER);
	fprintf(t->out, " %*u | ", width, r->start_line);
	paint(t, RESET);
	put_safe(t->out, line, len);
	fputc('\n', t->out);

	/* Columns counted from where line_text starts (a window of a long
	 * line). */
	size_t points = plm_output_code_points(line, len);
	size_t base = f->line_text_column > 1 ? f->line_text_column - 1 : 0;
	size_t start = r->start_column > base + 1 ? r->start_column - 1 - base
						  : 0;
	size_t end = r->end_line == r->start_line && r->end_column > base + 1
		? r->end_column - 1 - base
		: points;
	if (start > points) {
		start = points;
	}
	if (end > points) {
		end = points;
	}
	paint(t, GUTTER);
	fprintf(t->out, " %*s | ", width, "");
	paint(t, RESET);
	/* The indent: a tab under a tab, a space under any other
	 * character, written a block at a time. */
	char indent[256];
	size_t used = 0, cp = 0;
	for (size_t i = 0; i < len && cp < start; i++) {
		if (((unsigned char)line[i] & 0xC0) == 0x80) {
			continue;
		}
		if (used == sizeof(indent)) {
			fwrite(indent, 1, used, t->out);
			used = 0;
		}
		indent[used++] = line[i] == '\t' ? '\t' : ' ';
		cp++;
	}
	fwrite(indent, 1, used, t->out);
	paint(t, severity_color(f->severity));
	fputc('^', t->out);
	if (end > start + 1) {
		put_repeated(t->out, '~', end - start - 1);
	}
	paint(t, RESET);
	fputc('\n', t->out);
}

static int text_finding(void *self, const struct plm_finding *f)
{
	struct text *t = self;
	if (start_block(t, f->path) != 0) {
		return PLM_ENOMEM;
	}
	print_location(t, f->path, &f->region);
	paint(t, severity_color(f->severity));
	fputs(plm_severity_name(f->severity), t->out);
	paint(t, RESET);
	fputs(": ", t->out);
	put_safe_str(t->out, f->message);
	fputc(' ', t->out);
	paint(t, DIM);
	fputc('[', t->out);
	put_safe_str(t->out, f->rule_id);
	fputc(']', t->out);
	paint(t, RESET);
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		paint(t, DIM);
		fputs(f->suppression == PLM_SUPPRESSION_IN_SOURCE
				? " (suppressed in source"
				: " (suppressed",
			t->out);
		if (f->suppression_justification != NULL) {
			fputs(": ", t->out);
			put_safe_str(t->out, f->suppression_justification);
		}
		fputc(')', t->out);
		paint(t, RESET);
	}
	fputc('\n', t->out);
	print_source(t, f);
	if (f->fix != NULL) {
		int width = digits(f->region.start_line);
		paint(t, GUTTER);
		fprintf(t->out, " %*s = ", width, "");
		paint(t, RESET);
		paint(t, BOLD);
		fputs("fix:", t->out);
		paint(t, RESET);
		fputc(' ', t->out);
		put_safe_str(t->out, f->fix);
		fputc('\n', t->out);
	}
	/* Related locations, indented under the finding:
	 *     = related: path:line:col: message */
	for (size_t i = 0; f->related != NULL && i < f->related_count; i++) {
		const struct plm_related_location *r = &f->related[i];
		int width = digits(f->region.start_line);
		paint(t, GUTTER);
		fprintf(t->out, " %*s = ", width, "");
		paint(t, RESET);
		fputs("related: ", t->out);
		put_safe_str(t->out, r->path);
		if (r->region.start_line > 0) {
			fprintf(t->out, ":%u:%u", r->region.start_line,
				r->region.start_column);
		}
		if (r->message != NULL) {
			fputs(": ", t->out);
			put_safe_str(t->out, r->message);
		}
		fputc('\n', t->out);
	}
	return ferror(t->out) ? PLM_EIO : 0;
}

static int text_notification(void *self, const struct plm_notification *n)
{
	struct text *t = self;
	if (start_block(t, n->path) != 0) {
		return PLM_ENOMEM;
	}
	print_location(t, n->path != NULL ? n->path : "plimsoll", &n->region);
	const char *level = plm_output_note_level(n->kind);
	paint(t,
		n->kind == PLM_NOTIFY_NOTE                    ? "\033[1;34m"
			: n->kind == PLM_NOTIFY_PARSE_WARNING ? "\033[1;33m"
							      : "\033[1;31m");
	fputs(level, t->out);
	paint(t, RESET);
	fputs(": ", t->out);
	put_safe_str(t->out, n->message);
	if (n->code != NULL) {
		fputc(' ', t->out);
		paint(t, DIM);
		fputc('[', t->out);
		put_safe_str(t->out, n->code);
		fputc(']', t->out);
		paint(t, RESET);
	}
	fputc('\n', t->out);
	return ferror(t->out) ? PLM_EIO : 0;
}

static void print_count(size_t n, const char *one, const char *many, FILE *out)
{
	fprintf(out, "%zu %s", n, n == 1 ? one : many);
}

static int text_end(void *self, const struct plm_run_summary *s)
{
	struct text *t = self;
	size_t total = 0;
	for (int i = 0; i <= PLM_SEVERITY_CRITICAL; i++) {
		total += s->findings_by_severity[i];
	}
	if (t->blocks > 0) {
		fputc('\n', t->out);
	}
	paint(t, BOLD);
	if (total == 0) {
		fputs("No findings", t->out);
	} else {
		print_count(total, "finding", "findings", t->out);
	}
	paint(t, RESET);
	if (total > 0) {
		fputs(" (", t->out);
		bool first = true;
		for (int i = PLM_SEVERITY_CRITICAL; i >= PLM_SEVERITY_INFO;
			i--) {
			size_t n = s->findings_by_severity[i];
			if (n == 0) {
				continue;
			}
			fputs(first ? "" : ", ", t->out);
			paint(t, severity_color((enum plm_severity)i));
			fprintf(t->out, "%zu %s", n,
				plm_severity_name((enum plm_severity)i));
			paint(t, RESET);
			first = false;
		}
		fputc(')', t->out);
	}
	fputs(" in ", t->out);
	print_count(s->files_scanned, "file", "files", t->out);
	fputs(" scanned", t->out);
	if (s->findings_suppressed > 0) {
		fprintf(t->out, ", %zu suppressed", s->findings_suppressed);
	}
	if (s->findings_baselined > 0) {
		fprintf(t->out, ", %zu baselined", s->findings_baselined);
	}
	if (s->notifications > 0) {
		fputs(", ", t->out);
		print_count(s->notifications, "notification", "notifications",
			t->out);
	}
	if (s->seconds >= 0) {
		fprintf(t->out, " in %.2fs", s->seconds);
	}
	fputs(".\n", t->out);
	if (!s->successful) {
		paint(t, "\033[1;31m");
		fputs("The run is incomplete: see the errors above.", t->out);
		paint(t, RESET);
		fputc('\n', t->out);
	}
	return ferror(t->out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin text_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "text",
	.description = "findings by file with source lines and a summary, "
		       "for terminals",
	.create = text_create,
	.finding = text_finding,
	.notification = text_notification,
	.end = text_end,
	.destroy = text_destroy,
};

const struct plm_output_plugin *plm_plugin_text_entry(void);

const struct plm_output_plugin *plm_plugin_text_entry(void)
{
	return &text_plugin;
}
