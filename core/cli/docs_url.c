/*
 * cli/docs_url.c - where a rule's documentation page is: its file name in
 * the generated reference (`rules --format markdown --output-dir`), and
 * its address under a documentation base URL (`scan --docs-url`).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/alloc.h"

void plm_rule_page_name(const char *id, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = id; *p != '\0' && n + 3 < len; p++) {
		if (*p == '/') {
			buf[n++] = '-';
			buf[n++] = '-';
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
}

bool plm_docs_url_valid(const char *base)
{
	size_t scheme = 0;
	if (strncmp(base, "https://", 8) == 0) {
		scheme = 8;
	} else if (strncmp(base, "http://", 7) == 0) {
		scheme = 7;
	}
	return scheme > 0 && base[scheme] != '\0' && base[scheme] != '/' &&
		strpbrk(base, " \t\r\n\"<>?#") == NULL;
}

int plm_rules_docs_fill(struct plm_rules_docs *d,
	const struct plm_rule_info *rules, size_t count, const char *base)
{
	memset(d, 0, sizeof(*d));
	d->rules = plm_calloc(count ? count : 1, sizeof(*d->rules));
	d->uris = plm_calloc(count ? count : 1, sizeof(*d->uris));
	if (d->rules == NULL || d->uris == NULL) {
		plm_rules_docs_free(d);
		return -1;
	}
	d->count = count;
	size_t blen = strlen(base);
	const char *sep = blen > 0 && base[blen - 1] == '/' ? "" : "/";
	for (size_t i = 0; i < count; i++) {
		d->rules[i] = rules[i];
		/* A page the policy names itself is kept. */
		if (rules[i].help_uri != NULL) {
			continue;
		}
		char page[256];
		plm_rule_page_name(rules[i].id, page, sizeof(page));
		size_t len = blen + strlen(sep) + strlen(page) + 4;
		d->uris[i] = plm_malloc(len);
		if (d->uris[i] == NULL) {
			plm_rules_docs_free(d);
			return -1;
		}
		snprintf(d->uris[i], len, "%s%s%s.md", base, sep, page);
		d->rules[i].help_uri = d->uris[i];
	}
	return 0;
}

void plm_rules_docs_free(struct plm_rules_docs *d)
{
	for (size_t i = 0; d->uris != NULL && i < d->count; i++) {
		plm_free(d->uris[i]);
	}
	plm_free(d->uris);
	plm_free(d->rules);
	memset(d, 0, sizeof(*d));
}
