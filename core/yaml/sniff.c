/*
 * yaml/sniff.c - guessing from its bytes, without parsing, whether a YAML
 * file is a Compose file or a Helm template (the loader's detection step;
 * Kubernetes manifests are found by parsing, in detect.c).
 */
#include "yaml/yaml.h"

#include <string.h>

static bool starts_key(const char *p, size_t len, const char *key)
{
	size_t n = strlen(key);
	size_t i = 0;
	char quote = 0;
	if (len > 0 && (p[0] == '"' || p[0] == '\'')) {
		quote = p[0];
		i = 1;
	}
	if (len < i + n || memcmp(p + i, key, n) != 0) {
		return false;
	}
	i += n;
	if (quote) {
		if (i >= len || p[i] != quote) {
			return false;
		}
		i++;
	}
	while (i < len && p[i] == ' ') {
		i++;
	}
	return i < len && p[i] == ':' &&
		(i + 1 == len || p[i + 1] == ' ' || p[i + 1] == '\t' ||
			p[i + 1] == '\r' || p[i + 1] == '\n');
}

static bool contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	const char *p = s, *end = s + n;
	while (m > 0 && (size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - (m - 1));
		if (p == NULL) {
			return false;
		}
		if (memcmp(p, needle, m) == 0) {
			return true;
		}
		p++;
	}
	return m == 0;
}

/* The length of the line at `line` (rest bytes left), up to its break:
 * LF, CR LF or a lone CR (as YAML counts lines). Adds the length with its
 * break to *pos. */
static size_t line_length(const char *line, size_t rest, size_t *pos)
{
	/* memchr for the LF, then a look for a CR before it: most files
	 * have none, and a byte loop costs twice the whole sniff. */
	const char *nl = memchr(line, '\n', rest);
	size_t n = nl ? (size_t)(nl - line) : rest;
	const char *cr = memchr(line, '\r', n);
	if (cr != NULL) {
		n = (size_t)(cr - line);
	}
	size_t step = n;
	if (step < rest && line[step] == '\r') {
		step++;
	}
	if (step < rest && line[step] == '\n') {
		step++;
	}
	*pos += step > n ? step : n + 1;
	return n;
}

/* A legacy v1 Compose file: every top-level key holds a map with an
 * `image:`, `build:` or `extends:` (strict, so that a Helm values file,
 * which has top-level scalars, is not taken for one). */
static bool looks_like_compose_v1(const char *bytes, size_t len)
{
	size_t i = 0, services = 0, child = 0;
	bool in_key = false, key_ok = false;
	while (i < len) {
		const char *line = bytes + i;
		size_t n = line_length(line, len - i, &i);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ')) {
			n--;
		}
		size_t ind = 0;
		while (ind < n && line[ind] == ' ') {
			ind++;
		}
		if (ind == n || line[ind] == '#') {
			continue;
		}
		if (ind == 0) {
			if (n >= 3 && memcmp(line, "---", 3) == 0) {
				return false;
			}
			if (in_key && !key_ok) {
				return false;
			}
			/* `name:` with nothing after it (a map follows) */
			const char *colon = memchr(line, ':', n);
			if (colon == NULL || colon + 1 != line + n ||
				line[0] == '-' || line[0] == '{' ||
				line[0] == '[') {
				return false;
			}
			in_key = true;
			key_ok = false;
			child = 0;
			services++;
			continue;
		}
		if (!in_key) {
			return false;
		}
		if (child == 0) {
			child = ind; /* the service's own keys are at this indent */
		}
		if (ind != child) {
			continue;
		}
		const char *rest = line + ind;
		size_t rn = n - ind;
		/* CI jobs (GitLab) have an image too, and a script */
		if (starts_key(rest, rn, "script") ||
			starts_key(rest, rn, "stage") ||
			(rn >= 7 && memcmp(rest, "script:", 7) == 0)) {
			return false;
		}
		if (starts_key(rest, rn, "image") ||
			starts_key(rest, rn, "build") ||
			starts_key(rest, rn, "extends") ||
			(rn >= 6 &&
				(memcmp(rest, "image:", 6) == 0 ||
					memcmp(rest, "build:", 6) == 0)) ||
			(rn >= 8 && memcmp(rest, "extends:", 8) == 0)) {
			key_ok = true;
		}
	}
	return services > 0 && (!in_key || key_ok);
}

bool plm_yaml_looks_like_compose(const char *bytes, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
		i = 3;
	}
	while (i < len) {
		const char *line = bytes + i;
		size_t n = line_length(line, len - i, &i);
		if (starts_key(line, n, "services") ||
			starts_key(line, n, "include")) {
			return true;
		}
	}
	return looks_like_compose_v1(bytes, len);
}

/* Leading spaces of a line, or -1 for a blank or comment line. */
static long indent_of(const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && line[i] == ' ') {
		i++;
	}
	if (i == n || line[i] == '#' || line[i] == '\r') {
		return -1;
	}
	return (long)i;
}

/* True if the line ends with a block scalar header (`|`, `>-`, `|2+`...). */
static bool opens_block_scalar(const char *line, size_t n)
{
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r')) {
		n--;
	}
	size_t i = n;
	while (i > 0 &&
		(line[i - 1] == '-' || line[i - 1] == '+' ||
			(line[i - 1] >= '1' && line[i - 1] <= '9'))) {
		i--;
	}
	return i > 0 && (line[i - 1] == '|' || line[i - 1] == '>') &&
		(i == 1 || line[i - 2] == ' ');
}

/* True if line[k] starts a value: after the indentation, `- `, `: `. */
static bool starts_value(const char *line, size_t ind, size_t k)
{
	size_t j = k;
	while (j > ind && line[j - 1] == ' ') {
		j--;
	}
	if (j == ind || line[j - 1] == '[' || line[j - 1] == ',') {
		return true;
	}
	/* `key: {{` and `- {{`, but not `name-{{` */
	return j < k && (line[j - 1] == ':' || line[j - 1] == '-');
}

/* A template action naming Helm's objects or functions. */
static bool helm_words(const char *line, size_t n)
{
	static const char *const words[] = {".Values", ".Release.", ".Chart.",
		"include \"", "toYaml", "nindent", ".Capabilities.", NULL};
	if (!contains(line, n, "{{")) {
		return false;
	}
	for (size_t i = 0; words[i] != NULL; i++) {
		if (contains(line, n, words[i])) {
			return true;
		}
	}
	return false;
}

bool plm_yaml_is_helm_template(const char *bytes, size_t len)
{
	/* every sign of a template below is a `{{`: most files have none */
	if (!contains(bytes, len, "{{")) {
		return false;
	}
	size_t i = 0;
	long block = -1; /* indentation of the key owning a block scalar */
	char quote = 0;  /* a quoted scalar may span lines */
	while (i < len) {
		const char *line = bytes + i;
		size_t n = line_length(line, len - i, &i);
		long ind = quote ? 0 : indent_of(line, n);
		if (ind < 0) {
			continue;
		}
		if (!quote && block >= 0 && ind > block) {
			/* inside a block scalar: text, not YAML, where Go
			 * templates are common (alert rules): only Helm's own
			 * objects and functions give a chart away */
			if (helm_words(line, n)) {
				return true;
			}
			continue;
		}
		if (!quote && (size_t)ind + 2 <= n && line[ind] == '{' &&
			line[ind + 1] == '{') {
			return true; /* a template action on its own line */
		}
		block = -1;
		for (size_t k = (size_t)ind; k < n; k++) {
			char c = line[k];
			if (quote) {
				if (quote == '"' && c == '\\') {
					k++;
				} else if (c == quote) {
					quote = 0;
				}
				continue;
			}
			if ((c == '"' || c == '\'') &&
				(k == 0 || line[k - 1] == ' ' ||
					line[k - 1] == '[' ||
					line[k - 1] == ',' ||
					line[k - 1] == '{')) {
				quote = c;
			} else if (c == '#' && (k == 0 || line[k - 1] == ' ')) {
				break;
			} else if (c == '{' && k + 1 < n &&
				line[k + 1] == '{' &&
				starts_value(line, ind, k)) {
				/* `{{` inside a plain scalar is valid YAML (Argo
				 * uses it); where a value starts it is not */
				return true;
			}
		}
		if (opens_block_scalar(line, n)) {
			block = ind;
		}
	}
	return false;
}
