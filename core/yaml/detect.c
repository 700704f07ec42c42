/*
 * yaml/detect.c - is this YAML or JSON stream a Kubernetes manifest? Decided
 * by parsing (libyaml events, no tree), so that every YAML style counts: a
 * document whose top level is a mapping with both an `apiVersion` and a
 * `kind` key.
 */
#include "yaml/yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "util/alloc.h"

/* True if needle (a short ASCII word) occurs in bytes. */
static bool has_word(const char *bytes, size_t len, const char *needle)
{
	size_t m = strlen(needle);
	const char *p = bytes;
	const char *end = bytes + len;
	while ((size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (p == NULL) {
			return false;
		}
		if (memcmp(p, needle, m) == 0) {
			return true;
		}
		p++;
	}
	return false;
}

/* The offset where line (0-based) starts, or len. */
static size_t line_start(const char *bytes, size_t len, size_t line)
{
	size_t at = 0;
	while (line > 0 && at < len) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		if (nl == NULL) {
			return len;
		}
		at = (size_t)(nl - bytes) + 1;
		line--;
	}
	return at;
}

/* True if the line starting at offset at is a document marker (`---`). */
static bool is_marker(const char *bytes, size_t len, size_t at)
{
	size_t rest = len - at;
	return rest >= 3 && memcmp(bytes + at, "---", 3) == 0 &&
		(rest == 3 || bytes[at + 3] == ' ' || bytes[at + 3] == '\t' ||
			bytes[at + 3] == '\r' || bytes[at + 3] == '\n');
}

/* The offset of the next line starting a document (`---` at column 0)
 * after the line starting at offset from, or len when there is none. */
static size_t next_document(const char *bytes, size_t len, size_t from)
{
	const char *nl = from < len ? memchr(bytes + from, '\n', len - from)
				    : NULL;
	while (nl != NULL) {
		size_t at = (size_t)(nl - bytes) + 1;
		if (is_marker(bytes, len, at)) {
			return at;
		}
		nl = memchr(bytes + at, '\n', len - at);
	}
	return len;
}

enum scan_result {
	SCAN_FOUND,     /* a document has both keys */
	SCAN_END,       /* the stream ended without one */
	SCAN_ERROR,     /* a syntax error on line *error_line (0-based) */
	SCAN_BAD_BYTES, /* not UTF-8 text (libyaml's reader gave up) */
	SCAN_NO_MEMORY,
};

static bool scalar_is(const yaml_event_t *ev, const char *word)
{
	size_t n = strlen(word);
	return ev->data.scalar.length == n &&
		memcmp(ev->data.scalar.value, word, n) == 0;
}

/* libyaml decodes all the input it has been given before it scans: feed it
 * in small pieces, so that a file whose keys come first is not decoded to
 * its end (most manifests). */
#define DETECT_CHUNK 256

struct chunked_input {
	const char *bytes;
	size_t len;
	size_t at;
};

static int read_chunk(void *data, unsigned char *buffer, size_t size,
	size_t *size_read)
{
	struct chunked_input *in = data;
	size_t n = in->len - in->at;
	if (n > size) {
		n = size;
	}
	if (n > DETECT_CHUNK) {
		n = DETECT_CHUNK;
	}
	memcpy(buffer, in->bytes + in->at, n);
	in->at += n;
	*size_read = n;
	return 1;
}

/* Parses bytes[0..len) as a YAML stream until a document's top-level
 * mapping shows both keys or the stream ends or breaks. */
static enum scan_result scan_stream(const char *bytes, size_t len,
	size_t *error_line)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		return SCAN_NO_MEMORY;
	}
	struct chunked_input in = {bytes, len, 0};
	yaml_parser_set_input(&parser, read_chunk, &in);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	/* depth: collections open in the current document; at depth 1 inside
	 * a top-level mapping, the nodes alternate key, value. */
	size_t depth = 0;
	bool top_is_map = false;
	size_t item = 0;
	bool api = false, kind = false;
	enum scan_result result = SCAN_END;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				result = SCAN_NO_MEMORY;
			} else if (parser.error == YAML_READER_ERROR) {
				result = SCAN_BAD_BYTES;
			} else {
				result = SCAN_ERROR;
				*error_line = parser.problem_mark.line;
			}
			break;
		}
		bool stop = false;
		bool starts_node = false;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			stop = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			depth = 0;
			top_is_map = false;
			item = 0;
			api = kind = false;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == 0) {
				top_is_map = ev.type ==
					YAML_MAPPING_START_EVENT;
			} else {
				starts_node = true;
			}
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0) {
				depth--;
			}
			break;
		case YAML_SCALAR_EVENT:
			if (depth == 1 && top_is_map && item % 2 == 0) {
				api = api || scalar_is(&ev, "apiVersion");
				kind = kind || scalar_is(&ev, "kind");
			}
			starts_node = depth > 0;
			break;
		case YAML_ALIAS_EVENT:
			starts_node = depth > 0;
			break;
		default:
			break;
		}
		/* A node that starts at depth 1 (a collection has just
		 * raised depth to 2) is the next key or value of the top
		 * level. */
		size_t level = ev.type == YAML_MAPPING_START_EVENT ||
				ev.type == YAML_SEQUENCE_START_EVENT
			? depth - 1
			: depth;
		if (starts_node && level == 1) {
			item++;
		}
		yaml_event_delete(&ev);
		if (api && kind) {
			result = SCAN_FOUND;
			break;
		}
		if (stop) {
			break;
		}
	}
	yaml_parser_delete(&parser);
	return result;
}

/* A copy of bytes where every byte libyaml's reader would refuse (not
 * ASCII, or a control character other than tab and line breaks) is an
 * `x`, so that the structure and the ASCII keys survive. A leading UTF-8
 * byte order mark is dropped. NULL when out of memory. */
static char *ascii_copy(const char *bytes, size_t len, size_t *out_len)
{
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
		bytes += 3;
		len -= 3;
	}
	char *copy = plm_malloc(len ? len : 1);
	if (copy == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		bool ok = (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' ||
			c == '\r';
		copy[i] = ok ? (char)c : 'x';
	}
	*out_len = len;
	return copy;
}

bool plm_yaml_may_be_kubernetes(const char *bytes, size_t len)
{
	return has_word(bytes, len, "apiVersion") &&
		has_word(bytes, len, "kind");
}

int plm_yaml_detect_kubernetes(const char *bytes, size_t len, bool *found)
{
	*found = false;
	/* Most YAML and JSON files are not manifests: do not parse those
	 * that cannot be. */
	if (!plm_yaml_may_be_kubernetes(bytes, len)) {
		return 0;
	}
	char *copy = NULL;
	size_t at = 0;
	int rc = 0;
	while (at < len) {
		size_t error_line = 0;
		enum scan_result r = scan_stream(bytes + at, len - at,
			&error_line);
		if (r == SCAN_FOUND) {
			*found = true;
			break;
		}
		if (r == SCAN_NO_MEMORY) {
			rc = PLM_ENOMEM;
			break;
		}
		if (r == SCAN_BAD_BYTES && copy == NULL) {
			/* Invalid UTF-8 or a stray control character: the
			 * loader will say so; the keys are ASCII, so look for
			 * them in a copy with those bytes replaced. */
			size_t n = 0;
			copy = ascii_copy(bytes, len, &n);
			if (copy == NULL) {
				rc = PLM_ENOMEM;
				break;
			}
			bytes = copy;
			len = n;
			at = 0;
			continue;
		}
		if (r != SCAN_ERROR) {
			break;
		}
		/* A broken document does not hide the next ones (the loader
		 * restarts the same way). */
		size_t error_at = at +
			line_start(bytes + at, len - at, error_line);
		/* An unterminated quote ends at the marker that follows:
		 * the error is on the marker's own line. */
		at = error_at > at && is_marker(bytes, len, error_at)
			? error_at
			: next_document(bytes, len, error_at);
	}
	plm_free(copy);
	return rc;
}

int plm_yaml_detect(const char *bytes, size_t len, enum plm_kind *kind)
{
	bool k8s = false;
	*kind = PLM_KIND_UNKNOWN;
	int rc = plm_yaml_detect_kubernetes(bytes, len, &k8s);
	if (rc != 0) {
		return rc;
	}
	if (k8s) {
		*kind = PLM_KIND_KUBERNETES;
	} else if (plm_yaml_looks_like_compose(bytes, len)) {
		*kind = PLM_KIND_COMPOSE;
	}
	return 0;
}
