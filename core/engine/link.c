/*
 * engine/link.c - the links front ends ask for, made here so that no front
 * end reaches into another: a Compose service's build to its Dockerfile.
 */
#include "engine/link.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockerfile/dockerfile.h"
#include "util/path.h"
#include "util/source.h"
#include "model/record.h"
#include "util/alloc.h"

/* Maps offsets of the inline Dockerfile (source `inline`) to the compose
 * file: line by line when the value is a literal block whose lines are the
 * Dockerfile's own, indented; else to the whole value. */
struct inline_map {
	const struct plm_source *in, *out;
	uint32_t first_line; /* the compose line of the Dockerfile's line 0 */
	uint32_t indent;
	bool exact;
	struct plm_span whole;
};

static uint32_t map_offset(const struct inline_map *m, uint32_t offset)
{
	uint32_t line = plm_source_line_of(m->in, offset);
	uint32_t column = offset - m->in->line_starts[line];
	uint32_t target = m->first_line + line;
	if (target >= m->out->line_count) {
		return m->whole.end;
	}
	size_t len;
	(void)plm_source_line(m->out, target, &len);
	uint32_t col = m->indent + column;
	/* a blank line of the block may be shorter than the indentation */
	return m->out->line_starts[target] + (col < len ? col : (uint32_t)len);
}

static void remap(struct plm_node *n, uint32_t source,
	const struct inline_map *m, int depth)
{
	if (n == NULL || depth > 64) {
		return;
	}
	if (n->span.source == source) {
		if (m->exact) {
			n->span.start = map_offset(m, n->span.start);
			n->span.end = map_offset(m, n->span.end);
			n->span.source = m->whole.source;
		} else {
			n->span = m->whole;
		}
	}
	if (n->kind == PLM_NODE_SEQ) {
		for (size_t i = 0; i < n->as.seq.count; i++) {
			remap(n->as.seq.items[i], source, m, depth + 1);
		}
	} else if (n->kind == PLM_NODE_MAP) {
		for (size_t i = 0; i < n->as.map.count; i++) {
			struct plm_entry *e = &n->as.map.entries[i];
			if (e->key_span.source == source) {
				e->key_span = m->whole;
			}
			remap(e->value, source, m, depth + 1);
		}
	}
}

static void inline_spans(struct plm_doc *doc, struct plm_node *record,
	uint32_t source, struct plm_span value, bool literal)
{
	if (value.source >= doc->source_count) {
		return;
	}
	struct inline_map m = {doc->sources[source], doc->sources[value.source],
		0, 0, false, value};
	/* a literal block: `|` then the lines, each indented alike */
	const struct plm_source *out = m.out;
	if (literal) {
		uint32_t first = plm_source_line_of(out, value.start) + 1;
		if (first < out->line_count) {
			size_t len;
			const char *line = plm_source_line(out, first, &len);
			uint32_t indent = 0;
			while (indent < len && line[indent] == ' ') {
				indent++;
			}
			bool same = true;
			for (uint32_t k = 0; same && k < m.in->line_count;
				k++) {
				size_t in_len, out_len;
				const char *a = plm_source_line(m.in, k,
					&in_len);
				if (first + k >= out->line_count) {
					same = in_len == 0;
					break;
				}
				const char *b = plm_source_line(out, first + k,
					&out_len);
				same = in_len == 0 ||
					(out_len == indent + in_len &&
						memcmp(b + indent, a, in_len) ==
							0);
			}
			m.exact = same;
			m.first_line = first;
			m.indent = indent;
		}
	}
	remap(record, source, &m, 0);
}

/* Reads the Dockerfile of a link when it resolves inside root. *out NULL
 * after a note when it is not read. Returns 0 or PLM_ENOMEM. */
static int read_dockerfile(struct plm_doc *doc, const struct plm_link *link,
	const char *root, size_t max_size, struct plm_source **out)
{
	*out = NULL;
	bool inside = false;
	char *real = NULL;
	int rc = plm_path_resolve_inside(root, link->path, &inside, &real);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc == 0 && !inside) {
		struct stat st;
		bool symlink = lstat(link->path, &st) == 0 &&
			S_ISLNK(st.st_mode);
		plm_doc_diag(doc, PLM_DIAG_NOTE, "compose/build-outside-tree",
			link->span,
			"%s %s outside the scanned tree (%s): it is "
			"not read, so the service's build is not linked to its "
			"Dockerfile",
			link->path,
			symlink ? "is a symbolic link to a file" : "is", root);
		plm_free(real);
		return 0;
	}
	if (rc == 0) {
		rc = plm_source_read(real, link->path, max_size, out);
	}
	plm_free(real);
	if (rc == PLM_ENOMEM) {
		return rc;
	}
	if (rc != 0) {
		*out = NULL;
		plm_doc_diag(doc, PLM_DIAG_NOTE, "compose/missing-dockerfile",
			link->span,
			"cannot read %s%s: the service's build is not "
			"linked to its Dockerfile",
			link->path,
			rc == PLM_ELIMIT ? " (larger than the file size limit)"
					 : "");
	}
	return 0;
}

static int link_build(struct plm_doc *doc, struct plm_link *link,
	const char *root, size_t max_size)
{
	struct plm_source *src = NULL;
	if (link->inline_text != NULL) {
		const char *service = plm_node_str(
			plm_node_get(link->record, "name"));
		const char *name = plm_arena_printf(doc->arena,
			"%s (dockerfile_inline)",
			service ? service : "service");
		src = name ? plm_source_create(name, link->inline_text,
				     strlen(link->inline_text))
			   : NULL;
		if (src == NULL) {
			return PLM_ENOMEM;
		}
	} else if (link->path == NULL) {
		plm_doc_diag(doc, PLM_DIAG_NOTE, "compose/remote-build",
			link->span,
			"the build context %s is remote: its Dockerfile is not "
			"read",
			link->context ? link->context : "");
		return 0;
	} else {
		int rc = read_dockerfile(doc, link, root, max_size, &src);
		if (rc != 0 || src == NULL) {
			return rc;
		}
	}
	int index = plm_doc_add_source_take(doc, src);
	if (index < 0) {
		return PLM_ENOMEM;
	}
	link->source = (uint32_t)index;
	struct plm_node *built = NULL;
	int rc = plm_dockerfile_container(doc, (uint32_t)index, link->target,
		&built);
	if (rc != 0 || built == NULL) {
		return rc == PLM_EINVAL ? 0 : rc;
	}
	if (link->inline_text != NULL) {
		/* the inline Dockerfile is no file of its own: findings on it
		 * must land in the compose file */
		inline_spans(doc, built, (uint32_t)index, link->inline_span,
			link->inline_literal);
	}
	rc = plm_record_set(doc->arena, link->record, "build", built);
	struct plm_node *own = plm_node_get(link->record, "user");
	if (rc == 0 && (own == NULL || (own->flags & PLM_NODE_IMPLICIT))) {
		/* the service runs as the image's USER */
		struct plm_node *image_user = plm_node_get(built, "user");
		if (image_user != NULL) {
			struct plm_node *u = plm_record_flagged(doc->arena,
				image_user, PLM_NODE_INHERITED);
			rc = plm_record_set(doc->arena, link->record, "user",
				u);
		}
	}
	return rc;
}

int plm_link_resolve(struct plm_doc *doc,
	const struct plm_link_options *options)
{
	static const struct plm_link_options defaults = {0};
	if (options == NULL) {
		options = &defaults;
	}
	const char *root = options->root;
	for (size_t i = 0; i < doc->link_count; i++) {
		struct plm_link *link = &doc->links[i];
		if (link->resolved) {
			continue;
		}
		link->resolved = true;
		if (root == NULL &&
			(root = plm_path_dir(doc->arena,
				 doc->sources[0]->path)) == NULL) {
			return PLM_ENOMEM;
		}
		int rc = 0;
		switch (link->kind) {
		case PLM_LINK_BUILD:
			rc = link_build(doc, link, root,
				options->max_file_size);
			break;
		}
		if (rc != 0) {
			return rc;
		}
	}
	return plm_arena_exhausted(doc->arena) ? PLM_ENOMEM : 0;
}
