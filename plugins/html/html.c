/*
 * html - one self-contained page for people: counts by severity, the
 * findings grouped by file, each with the source lines around it and its
 * span marked, its rule, severity, message and fix; the notifications in
 * their file's group; filters by severity and by rule (plain JavaScript
 * that hides rows; `#severity=high,critical&rule=ID` in the address
 * preselects them). The page fetches nothing: styles and script are
 * inline, and its Content-Security-Policy forbids any other source.
 *
 * The page is written as findings arrive, one file at a time. The summary
 * and the filters, known only at end(), come last in the document and are
 * placed first by the style sheet, so nothing is held but the file being
 * shown.
 *
 * Source lines. A finding brings its first line (line_text, windowed as
 * in every format when the line is long, line_text_column saying where
 * the window starts) and its region with byte offsets. The lines around
 * it and the rest of a multi-line span are read here from the file the
 * finding names, once per group of findings in that file; they are used
 * only when the file still holds, at the region's offsets and line, the
 * text the finding quotes (snippet). Otherwise (standard input, a file
 * changed since it was read, a value hidden from the output) the finding
 * shows its first line alone, as the text format does.
 *
 * Everything taken from the input is escaped (plm_output_xml_escape:
 * markup characters as entities, control characters and invalid UTF-8
 * as U+FFFD); none of it reaches the script.
 */
#include <stdlib.h>
#include <string.h>
#include "plimsoll/error.h"
#include "plimsoll/plugin.h"
#include "plimsoll/report.h"

/* Lines shown before and after a finding's span. */
#define CONTEXT_LINES 2
/* A span of more lines shows its first SPAN_HEAD and last SPAN_TAIL. */
#define SPAN_HEAD 6
#define SPAN_TAIL 2
/* Bytes shown of a line read from the file (the first line of a finding
 * is the engine's window, at most as long). */
#define LINE_MAX_BYTES 480
/* Files larger than this are not read again for context. */
#define FILE_MAX_BYTES (64u * 1024 * 1024)

/* The file of the current group, read for context lines. */
struct source {
	char *path; /* the group's path as the findings give it */
	bool tried; /* read attempted (bytes NULL: unreadable) */
	char *bytes;
	size_t len;
	size_t *starts; /* offset of each line's first byte */
	size_t line_count;
};

struct html {
	FILE *out;
	const struct plm_run_info *run;
	size_t *rule_rows; /* rows written per rule of the run */
	size_t severity_rows[PLM_SEVERITY_CRITICAL + 1];
	size_t rows;      /* findings written */
	size_t note_rows; /* notifications written */
	bool group_open;  /* a <section class="file"> is open */
	bool at_open;     /* a <div class="at">: findings at one region */
	struct plm_region at;
	struct source src;
	char *scratch; /* a NUL-terminated copy for the escaper */
	size_t scratch_cap;
	int error;
};

static const char *const page_style =
	":root{--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;"
	"--code:#f6f8fa;--mark:#fff1a8;--critical:#8250df;--high:#cf222e;"
	"--medium:#9a6700;--low:#0969da;--info:#59636e}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;"
	"--muted:#9198a1;--line:#3d444d;--code:#151b23;--mark:#5c4a00;"
	"--critical:#ab7df8;--high:#f85149;--medium:#d29922;--low:#4493f8;"
	"--info:#9198a1}}\n"
	"body{display:flex;flex-direction:column;margin:0 auto;"
	"max-width:1100px;padding:1rem;font:15px/1.45 system-ui,sans-serif;"
	"color:var(--fg);background:var(--bg)}\n"
	"body>header{order:0}#summary{order:1}#filters{order:2}main{order:3}"
	"\n[hidden]{display:none!important}\n"
	"h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.1rem}\n"
	".meta,.muted{color:var(--muted)}\n"
	"code,pre{font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}"
	"\n#summary ul{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;"
	"padding:0}\n#summary li{border:1px solid var(--line);"
	"border-radius:6px;padding:.3rem .7rem}\n"
	"#filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;"
	"border-top:1px solid var(--line);border-bottom:1px solid var(--line);"
	"padding:.5rem 0;margin-bottom:1rem}\n"
	"#filters fieldset{border:0;padding:0;margin:0}\n"
	".file>h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;"
	"word-break:break-all}\n"
	".at{content-visibility:auto;contain-intrinsic-size:auto 200px}\n"
	".at,.note{border:1px solid var(--line);border-radius:6px;"
	"margin:.6rem 0;padding:.5rem .7rem}\n"
	".where{color:var(--muted);font-size:.85rem}\n"
	".finding{border-top:1px solid var(--line);padding:.35rem 0}\n"
	".finding>header{display:flex;flex-wrap:wrap;gap:.5rem;"
	"align-items:baseline}\n.msg{flex:1 1 20rem}\n"
	".sev{font-weight:600;text-transform:uppercase;font-size:.75rem;"
	"letter-spacing:.04em}\n"
	".critical{color:var(--critical)}.high{color:var(--high)}"
	".medium{color:var(--medium)}.low{color:var(--low)}"
	".info{color:var(--info)}\n"
	".error{color:var(--high)}.warning{color:var(--medium)}"
	".note .sev:not(.error):not(.warning){color:var(--low)}\n"
	"pre.src{background:var(--code);border-radius:4px;padding:.4rem 0;"
	"margin:.5rem 0;overflow-x:auto;tab-size:4}\n"
	".l{display:block;padding-right:.7rem;white-space:pre-wrap;"
	"overflow-wrap:anywhere}.l.hit{background:"
	"color-mix(in srgb,var(--mark) 35%,transparent)}\n"
	".n{display:inline-block;min-width:3.5em;padding:0 .7em 0 .4em;"
	"text-align:right;color:var(--muted);user-select:none}\n"
	"mark{background:var(--mark);color:inherit;border-radius:2px;"
	"outline:1px solid color-mix(in srgb,var(--high) 45%,transparent)}\n"
	".cut,.gap{color:var(--muted)}\n"
	".fix{margin:.3rem 0}.related{margin:.3rem 0;padding-left:1.2rem}\n"
	".suppressed{opacity:.65}\n";

/* Reads the hash (#severity=a,b&rule=ID) into the controls, hides the
 * rows the controls leave out, and writes the controls back into the
 * hash, so a filtered view is a link. */
static const char *const page_script =
	"(function(){\n"
	"var form=document.getElementById('filters');\n"
	"if(!form)return;\n"
	"var boxes=form.querySelectorAll('input[name=severity]');\n"
	"var rule=document.getElementById('rule');\n"
	"var shown=document.getElementById('shown');\n"
	"var rows=document.querySelectorAll('article.finding');\n"
	"var files=document.querySelectorAll('section.file');\n"
	"var ats=document.querySelectorAll('div.at');\n"
	"function apply(){\n"
	" var want={},n=0,i;\n"
	" for(i=0;i<boxes.length;i++)want[boxes[i].value]=boxes[i].checked;\n"
	" for(i=0;i<rows.length;i++){var r=rows[i];\n"
	"  var on=want[r.dataset.severity]&&(!rule.value||"
	"rule.value===r.dataset.rule);\n"
	"  r.hidden=!on;if(on)n++;}\n"
	" for(i=0;i<ats.length;i++)"
	"ats[i].hidden=!ats[i].querySelector('article.finding:not([hidden])');\n"
	" for(i=0;i<files.length;i++){var f=files[i];\n"
	"  f.hidden=!f.querySelector('.note,article.finding:not([hidden])');}\n"
	" shown.textContent=n===rows.length?'Showing all '+n+' findings'"
	":'Showing '+n+' of '+rows.length+' findings';}\n"
	"function fromHash(){\n"
	" var q={};location.hash.slice(1).split('&').forEach(function(p){\n"
	"  var k=p.indexOf('=');if(k>0)q[decodeURIComponent(p.slice(0,k))]="
	"decodeURIComponent(p.slice(k+1));});\n"
	" var sev=q.severity?q.severity.split(','):null;\n"
	" for(var i=0;i<boxes.length;i++)"
	"boxes[i].checked=!sev||sev.indexOf(boxes[i].value)>=0;\n"
	" rule.value=q.rule||'';if(rule.selectedIndex<0)rule.value='';\n"
	" apply();}\n"
	"function toHash(){\n"
	" var sev=[],all=true;\n"
	" for(var i=0;i<boxes.length;i++){if(boxes[i].checked)"
	"sev.push(boxes[i].value);else all=false;}\n"
	" var p=[];if(!all)p.push('severity='+sev.join(','));\n"
	" if(rule.value)p.push('rule='+encodeURIComponent(rule.value));\n"
	" try{history.replaceState(null,'',p.length?'#'+p.join('&'):"
	"location.pathname+location.search);}catch(e){}\n"
	" apply();}\n"
	"form.addEventListener('change',toHash);\n"
	"window.addEventListener('hashchange',fromHash);\n"
	"fromHash();\n"
	"})();\n";

static void *html_create(const struct plm_plugin_options *options)
{
	struct html *h = calloc(1, sizeof(*h));
	if (h != NULL) {
		h->out = options->out;
	}
	return h;
}

static void source_clear(struct source *s)
{
	free(s->path);
	free(s->bytes);
	free(s->starts);
	memset(s, 0, sizeof(*s));
}

static void html_destroy(void *self)
{
	struct html *h = self;
	if (h != NULL) {
		source_clear(&h->src);
		free(h->rule_rows);
		free(h->scratch);
		free(h);
	}
}

/* Writes s[0..len) escaped. The escaper takes a string, so a piece is
 * copied with its NUL; a NUL byte inside shows as U+FFFD. */
static void put_text(struct html *h, const char *s, size_t len)
{
	while (len > 0) {
		const char *nul = memchr(s, '\0', len);
		size_t n = nul != NULL ? (size_t)(nul - s) : len;
		if (n + 1 > h->scratch_cap) {
			size_t cap = h->scratch_cap ? h->scratch_cap : 256;
			while (cap < n + 1) {
				cap *= 2;
			}
			char *p = realloc(h->scratch, cap);
			if (p == NULL) {
				h->error = PLM_ENOMEM;
				return;
			}
			h->scratch = p;
			h->scratch_cap = cap;
		}
		memcpy(h->scratch, s, n);
		h->scratch[n] = '\0';
		plm_output_xml_escape(h->out, h->scratch);
		if (nul == NULL) {
			return;
		}
		fputs("\xEF\xBF\xBD", h->out);
		s += n + 1;
		len -= n + 1;
	}
}

static void put_str(struct html *h, const char *s)
{
	if (s != NULL) {
		plm_output_xml_escape(h->out, s);
	}
}

static int html_begin(void *self, const struct plm_run_info *run)
{
	struct html *h = self;
	h->run = run;
	h->rule_rows = calloc(run->rule_count ? run->rule_count : 1,
		sizeof(*h->rule_rows));
	if (h->rule_rows == NULL) {
		return PLM_ENOMEM;
	}
	FILE *out = h->out;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" "
	      "content=\"width=device-width,initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"",
		out);
	put_str(h, run->tool_name);
	fputc(' ', out);
	put_str(h, run->tool_version);
	fputs("\">\n<title>plimsoll report</title>\n<style>\n", out);
	fputs(page_style, out);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>plimsoll report</h1>\n"
	      "<p class=\"meta\">",
		out);
	put_str(h, run->tool_name);
	fputc(' ', out);
	put_str(h, run->tool_version);
	if (run->start_time_utc != NULL) {
		fputs(" &middot; ", out);
		put_str(h, run->start_time_utc);
	}
	if (run->command_line != NULL) {
		fputs(" &middot; <code>", out);
		put_str(h, run->command_line);
		fputs("</code>", out);
	}
	fputs("</p>\n</header>\n<main>\n", out);
	return ferror(out) ? PLM_EIO : 0;
}

/* Reads the group's file and the start of each of its lines (LF, CR LF
 * and a lone CR each end one, as the engine counts). Leaves bytes NULL
 * when it cannot. */
static void source_load(struct source *s)
{
	s->tried = true;
	if (s->path == NULL || s->path[0] == '\0' ||
		strcmp(s->path, "-") == 0) {
		return;
	}
	FILE *f = fopen(s->path, "rb");
	if (f == NULL) {
		return;
	}
	size_t cap = 0, len = 0;
	char *bytes = NULL;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 64 * 1024;
			char *n = ncap <= 2 * (size_t)FILE_MAX_BYTES
				? realloc(bytes, ncap)
				: NULL;
			if (n == NULL) {
				goto fail;
			}
			bytes = n;
			cap = ncap;
		}
		size_t got = fread(bytes + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			break;
		}
		if (len > FILE_MAX_BYTES) {
			goto fail;
		}
	}
	if (ferror(f)) {
		goto fail;
	}
	size_t lines = 1;
	for (size_t i = 0; i < len; i++) {
		lines += bytes[i] == '\n' ||
			(bytes[i] == '\r' &&
				(i + 1 == len || bytes[i + 1] != '\n'));
	}
	size_t *starts = malloc(lines * sizeof(*starts));
	if (starts == NULL) {
		goto fail;
	}
	size_t n = 0;
	starts[n++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (bytes[i] == '\n' ||
			(bytes[i] == '\r' &&
				(i + 1 == len || bytes[i + 1] != '\n'))) {
			starts[n++] = i + 1;
		}
	}
	fclose(f);
	s->bytes = bytes;
	s->len = len;
	s->starts = starts;
	s->line_count = n;
	return;
fail:
	fclose(f);
	free(bytes);
}

/* The 0-based line that holds byte offset `at`. */
static size_t source_line_of(const struct source *s, size_t at)
{
	size_t lo = 0, hi = s->line_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->starts[mid] <= at) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* Line k's text without its line break: [*from, *to). */
static void source_line(const struct source *s, size_t k, size_t *from,
	size_t *to)
{
	*from = s->starts[k];
	size_t end = k + 1 < s->line_count ? s->starts[k + 1] : s->len;
	if (end > *from && s->bytes[end - 1] == '\n') {
		end--;
	}
	if (end > *from && s->bytes[end - 1] == '\r') {
		end--;
	}
	*to = end;
}

/* True when the file read for the group still holds what the finding
 * quotes: its snippet at its offsets, on its line. */
static bool source_matches(const struct source *s, const struct plm_finding *f)
{
	const struct plm_region *r = &f->region;
	if (s->bytes == NULL || r->start_line == 0 ||
		r->end_offset < r->start_offset || r->end_offset > s->len ||
		source_line_of(s, r->start_offset) + 1 != r->start_line) {
		return false;
	}
	if (f->snippet != NULL) {
		size_t n = strlen(f->snippet);
		if (n > r->end_offset - r->start_offset ||
			memcmp(s->bytes + r->start_offset, f->snippet, n) !=
				0) {
			return false;
		}
	}
	return true;
}

/* The byte index in s[0..len) after `points` code points (counted as
 * plm_output_code_points counts them). */
static size_t byte_at(const char *s, size_t len, size_t points)
{
	size_t i = 0;
	while (i < len && points > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) {
			i++;
		}
		points--;
	}
	return i;
}

/* One line of source: its number, the column its text starts at, and the
 * text with [mark_from, mark_to) marked (no mark when they are equal). */
struct shown_line {
	uint32_t number;
	uint32_t column;
	const char *text;
	size_t len;
	size_t mark_from, mark_to;
	bool cut_before, cut_after;
	bool hit; /* a line of the span */
};

static void put_line(struct html *h, const struct shown_line *l)
{
	FILE *out = h->out;
	fprintf(out, "<span class=\"l%s\" data-line=\"%u\"",
		l->hit ? " hit" : "", l->number);
	if (l->column > 1) {
		fprintf(out, " data-col=\"%u\"", l->column);
	}
	fprintf(out, "><span class=\"n\">%u</span>", l->number);
	if (l->cut_before) {
		fputs("<span class=\"cut\">\xE2\x80\xA6</span>", out);
	}
	if (l->mark_to > l->mark_from) {
		put_text(h, l->text, l->mark_from);
		fputs("<mark>", out);
		put_text(h, l->text + l->mark_from, l->mark_to - l->mark_from);
		fputs("</mark>", out);
		put_text(h, l->text + l->mark_to, l->len - l->mark_to);
	} else {
		put_text(h, l->text, l->len);
	}
	if (l->cut_after) {
		fputs("<span class=\"cut\">\xE2\x80\xA6</span>", out);
	}
	fputs("</span>", out);
}

/* The finding's first line as the engine quotes it, with the region's
 * part marked by columns (to the end of the text when the span runs on
 * to later lines). */
static void first_line(const struct plm_finding *f, struct shown_line *l)
{
	const struct plm_region *r = &f->region;
	uint32_t base = f->line_text_column > 1 ? f->line_text_column : 1;
	*l = (struct shown_line){0};
	l->number = r->start_line;
	l->column = base;
	l->text = f->line_text;
	l->len = strcspn(f->line_text, "\r\n");
	l->cut_before = base > 1;
	l->hit = true;
	size_t start = r->start_column > base ? r->start_column - base : 0;
	l->mark_from = byte_at(l->text, l->len, start);
	l->mark_to = l->len;
	if (r->end_line == r->start_line) {
		size_t end = r->end_column > base ? r->end_column - base : 0;
		l->mark_to = byte_at(l->text, l->len, end);
	}
	if (l->mark_to < l->mark_from) {
		l->mark_to = l->mark_from;
	}
}

/* Line k of the file (not the first line of the span), cut to
 * LINE_MAX_BYTES at a character boundary, with the part of the region it
 * holds marked. */
static void file_line(const struct source *s, const struct plm_region *r,
	size_t k, struct shown_line *l)
{
	size_t from, to;
	source_line(s, k, &from, &to);
	size_t shown_to = to;
	if (to - from > LINE_MAX_BYTES) {
		shown_to = from + LINE_MAX_BYTES;
		while (shown_to > from &&
			((unsigned char)s->bytes[shown_to] & 0xC0) == 0x80) {
			shown_to--;
		}
	}
	*l = (struct shown_line){
		.number = (uint32_t)k + 1,
		.column = 1,
		.text = s->bytes + from,
		.len = shown_to - from,
		.cut_after = shown_to < to,
	};
	size_t a = r->start_offset > from ? r->start_offset : from;
	size_t b = r->end_offset < shown_to ? r->end_offset : shown_to;
	if (b > a) {
		l->mark_from = a - from;
		l->mark_to = b - from;
	}
	l->hit = k + 1 >= r->start_line && k + 1 <= r->end_line;
}

/* The source block: the lines before, the span's lines (the first as
 * the engine quotes it), the lines after; or the first line alone when
 * the file could not be read again. */
static void put_source(struct html *h, const struct plm_finding *f)
{
	const struct plm_region *r = &f->region;
	if (f->line_text == NULL || r->start_line == 0) {
		return;
	}
	const struct source *s = &h->src;
	bool file = source_matches(s, f);
	struct shown_line l;
	fputs("<pre class=\"src\">", h->out);
	size_t first = r->start_line - 1;
	size_t last = first;
	if (file) {
		last = source_line_of(s,
			r->end_offset > r->start_offset ? r->end_offset - 1
							: r->end_offset);
		size_t k = first > CONTEXT_LINES ? first - CONTEXT_LINES : 0;
		for (; k < first; k++) {
			file_line(s, r, k, &l);
			put_line(h, &l);
		}
	}
	first_line(f, &l);
	if (file) {
		/* The window ends before the line does: say so. */
		size_t from, to;
		source_line(s, first, &from, &to);
		l.cut_after = r->start_offset + (l.len - l.mark_from) < to;
	}
	put_line(h, &l);
	if (file) {
		size_t k = first + 1;
		if (last - first + 1 > SPAN_HEAD + SPAN_TAIL + 1) {
			for (; k < first + SPAN_HEAD; k++) {
				file_line(s, r, k, &l);
				put_line(h, &l);
			}
			size_t skip = last + 1 - SPAN_TAIL - k;
			fprintf(h->out,
				"<span class=\"l gap hit\">"
				"<span class=\"n\">\xE2\x8B\xAE</span>"
				"%zu more lines</span>",
				skip);
			k += skip;
		}
		size_t end = last + CONTEXT_LINES;
		if (end >= s->line_count) {
			end = s->line_count - 1;
		}
		/* A final line break does not start a line worth showing. */
		if (end > last && s->starts[end] == s->len) {
			end--;
		}
		for (; k <= end; k++) {
			file_line(s, r, k, &l);
			put_line(h, &l);
		}
	}
	fputs("</pre>\n", h->out);
}

static void close_at(struct html *h)
{
	if (h->at_open) {
		fputs("</div>\n", h->out);
		h->at_open = false;
	}
}

static void close_group(struct html *h)
{
	close_at(h);
	if (h->group_open) {
		fputs("</section>\n", h->out);
		h->group_open = false;
	}
}

/* Opens the group of path unless it is the one open; a new group forgets
 * the previous file. */
static int open_group(struct html *h, const char *path)
{
	const char *p = path != NULL && path[0] != '\0' ? path : NULL;
	if (h->group_open &&
		(p == NULL ? h->src.path == NULL
			   : h->src.path != NULL &&
					strcmp(h->src.path, p) == 0)) {
		return 0;
	}
	close_group(h);
	source_clear(&h->src);
	if (p != NULL && (h->src.path = strdup(p)) == NULL) {
		return PLM_ENOMEM;
	}
	fputs("<section class=\"file\" data-path=\"", h->out);
	put_str(h, p != NULL ? p : "");
	fputs("\">\n<h2 class=\"path\">", h->out);
	if (p != NULL) {
		put_str(h, p);
	} else {
		fputs("plimsoll", h->out);
	}
	fputs("</h2>\n", h->out);
	h->group_open = true;
	return 0;
}

static void put_location(struct html *h, const char *path,
	const struct plm_region *r)
{
	fputs("<span class=\"loc\">", h->out);
	put_str(h, path);
	if (r->start_line > 0) {
		fprintf(h->out, path != NULL ? ":%u:%u" : "line %u, column %u",
			r->start_line, r->start_column);
	}
	fputs("</span>", h->out);
}

static void put_related(struct html *h, const struct plm_finding *f)
{
	if (f->related == NULL || f->related_count == 0) {
		return;
	}
	fputs("<ul class=\"related\">", h->out);
	for (size_t i = 0; i < f->related_count; i++) {
		const struct plm_related_location *r = &f->related[i];
		fputs("<li>related: ", h->out);
		put_location(h, r->path, &r->region);
		if (r->message != NULL) {
			fputs(" ", h->out);
			put_str(h, r->message);
		}
		fputs("</li>", h->out);
	}
	fputs("</ul>\n", h->out);
}

static bool same_region(const struct plm_region *a, const struct plm_region *b)
{
	return a->start_line == b->start_line &&
		a->start_column == b->start_column &&
		a->end_line == b->end_line && a->end_column == b->end_column &&
		a->start_offset == b->start_offset &&
		a->end_offset == b->end_offset;
}

/* Findings at one region share a box: where it is and its source once,
 * then a row for each (output order puts them together). A big scan's
 * page is then a fraction of the size. */
static void open_at(struct html *h, const struct plm_finding *f)
{
	if (h->at_open && same_region(&h->at, &f->region)) {
		return;
	}
	close_at(h);
	if (!h->src.tried) {
		source_load(&h->src);
	}
	fputs("<div class=\"at\"><div class=\"where\">", h->out);
	if (f->region.start_line > 0) {
		put_location(h, NULL, &f->region);
	} else {
		fputs("the whole file", h->out);
	}
	fputs("</div>\n", h->out);
	put_source(h, f);
	h->at_open = true;
	h->at = f->region;
}

static int html_finding(void *self, const struct plm_finding *f)
{
	struct html *h = self;
	int rc = open_group(h, f->path);
	if (rc != 0) {
		return rc;
	}
	open_at(h, f);
	const char *sev = plm_severity_name(f->severity);
	sev = sev != NULL ? sev : "info";
	size_t index = 0;
	if (h->rule_rows != NULL &&
		plm_output_rule(h->run, f->rule_id, f->rule_index, &index) !=
			NULL) {
		h->rule_rows[index]++;
	}
	if ((unsigned)f->severity <= PLM_SEVERITY_CRITICAL) {
		h->severity_rows[f->severity]++;
	}
	h->rows++;
	FILE *out = h->out;
	fprintf(out,
		"<article class=\"finding%s\" data-severity=\"%s\" "
		"data-rule=\"",
		f->suppression != PLM_SUPPRESSION_NONE ? " suppressed" : "",
		sev);
	put_str(h, f->rule_id);
	fprintf(out, "\"><header><span class=\"sev %s\">%s</span>", sev, sev);
	fputs("<span class=\"msg\">", out);
	put_str(h, f->message);
	fputs("</span><code class=\"rule\">", out);
	put_str(h, f->rule_id);
	fputs("</code>", out);
	if (f->suppression != PLM_SUPPRESSION_NONE) {
		fputs(f->suppression == PLM_SUPPRESSION_IN_SOURCE
				? "<span class=\"muted\">suppressed in source"
				: "<span class=\"muted\">suppressed",
			out);
		if (f->suppression_justification != NULL) {
			fputs(": ", out);
			put_str(h, f->suppression_justification);
		}
		fputs("</span>", out);
	}
	fputs("</header>", out);
	if (f->fix != NULL) {
		fputs("<p class=\"fix\"><b>Fix:</b> ", out);
		put_str(h, f->fix);
		fputs("</p>", out);
	}
	put_related(h, f);
	fputs("</article>\n", out);
	if (h->error != 0) {
		return h->error;
	}
	return ferror(out) ? PLM_EIO : 0;
}

static int html_notification(void *self, const struct plm_notification *n)
{
	struct html *h = self;
	int rc = open_group(h, n->path);
	if (rc != 0) {
		return rc;
	}
	close_at(h);
	h->note_rows++;
	const char *level = plm_output_note_level(n->kind);
	FILE *out = h->out;
	fprintf(out,
		"<div class=\"note\" data-level=\"%s\">"
		"<span class=\"sev %s\">%s</span> ",
		level, level, level);
	put_location(h, NULL, &n->region);
	fputs(" ", out);
	put_str(h, n->message);
	if (n->code != NULL) {
		fputs(" <code>", out);
		put_str(h, n->code);
		fputs("</code>", out);
	}
	fputs("</div>\n", out);
	if (h->error != 0) {
		return h->error;
	}
	return ferror(out) ? PLM_EIO : 0;
}

static void put_summary(struct html *h, const struct plm_run_summary *s)
{
	FILE *out = h->out;
	size_t total = 0;
	for (int i = 0; i <= PLM_SEVERITY_CRITICAL; i++) {
		total += s->findings_by_severity[i];
	}
	fputs("<section id=\"summary\">\n<p><strong>", out);
	if (total == 0) {
		fputs("No findings", out);
	} else {
		fprintf(out, "%zu finding%s", total, total == 1 ? "" : "s");
	}
	fprintf(out, "</strong> in %zu file%s scanned", s->files_scanned,
		s->files_scanned == 1 ? "" : "s");
	if (s->files_skipped > 0) {
		fprintf(out, ", %zu skipped", s->files_skipped);
	}
	if (s->findings_suppressed > 0) {
		fprintf(out, ", %zu suppressed", s->findings_suppressed);
	}
	if (s->findings_baselined > 0) {
		fprintf(out, ", %zu baselined", s->findings_baselined);
	}
	if (s->notifications > 0) {
		fprintf(out, ", %zu notification%s", s->notifications,
			s->notifications == 1 ? "" : "s");
	}
	if (s->seconds >= 0) {
		fprintf(out, " in %.2fs", s->seconds);
	}
	fputs(".</p>\n<ul class=\"counts\">", out);
	for (int i = PLM_SEVERITY_CRITICAL; i >= PLM_SEVERITY_INFO; i--) {
		const char *name = plm_severity_name((enum plm_severity)i);
		fprintf(out,
			"<li class=\"%s\" data-severity=\"%s\"><b>%zu</b> "
			"%s</li>",
			name, name, s->findings_by_severity[i], name);
	}
	fputs("</ul>\n", out);
	if (!s->successful) {
		fputs("<p class=\"error\"><strong>The run is incomplete:</strong> "
		      "see the errors below.</p>\n",
			out);
	}
	fputs("</section>\n", out);
}

/* The filters: a box per severity and a list of the rules that have
 * rows, each with its count. */
static void put_filters(struct html *h)
{
	FILE *out = h->out;
	fputs("<form id=\"filters\">\n<fieldset><legend>Severity</legend>",
		out);
	for (int i = PLM_SEVERITY_CRITICAL; i >= PLM_SEVERITY_INFO; i--) {
		const char *name = plm_severity_name((enum plm_severity)i);
		fprintf(out,
			"<label class=\"%s\"><input type=\"checkbox\" "
			"name=\"severity\" value=\"%s\" checked> %s (%zu)"
			"</label> ",
			name, name, name, h->severity_rows[i]);
	}
	fputs("</fieldset>\n<label>Rule <select id=\"rule\">"
	      "<option value=\"\">all rules</option>",
		out);
	for (size_t i = 0; h->rule_rows != NULL && i < h->run->rule_count;
		i++) {
		if (h->rule_rows[i] == 0) {
			continue;
		}
		fputs("<option value=\"", out);
		put_str(h, h->run->rules[i].id);
		fputs("\">", out);
		put_str(h, h->run->rules[i].id);
		fprintf(out, " (%zu)</option>", h->rule_rows[i]);
	}
	fprintf(out,
		"</select></label>\n<output id=\"shown\">%zu finding%s"
		"</output>\n</form>\n",
		h->rows, h->rows == 1 ? "" : "s");
}

static int html_end(void *self, const struct plm_run_summary *s)
{
	struct html *h = self;
	FILE *out = h->out;
	close_group(h);
	source_clear(&h->src);
	if (h->rows == 0 && h->note_rows == 0) {
		fputs("<p class=\"muted\" id=\"clean\">Nothing to report.</p>\n",
			out);
	}
	fputs("</main>\n", out);
	put_summary(h, s);
	put_filters(h);
	fputs("<script>\n", out);
	fputs(page_script, out);
	fputs("</script>\n</body>\n</html>\n", out);
	if (h->error != 0) {
		return h->error;
	}
	return ferror(out) ? PLM_EIO : 0;
}

static const struct plm_output_plugin html_plugin = {
	.abi_version = PLM_PLUGIN_ABI_VERSION,
	.name = "html",
	.description = "one self-contained page: findings by file with their "
		       "source, filters",
	.create = html_create,
	.begin = html_begin,
	.finding = html_finding,
	.notification = html_notification,
	.end = html_end,
	.destroy = html_destroy,
};

const struct plm_output_plugin *plm_plugin_html_entry(void);

const struct plm_output_plugin *plm_plugin_html_entry(void)
{
	return &html_plugin;
}
