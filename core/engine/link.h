/*
 * engine/link.h - links between files, made by the engine: a front end
 * only asks for them (struct plm_link on the document) and never reads the
 * files of another format itself.
 *
 * Today: a Compose service's `build:` to the Dockerfile it builds, read
 * only inside the scanned tree.
 */
#ifndef PLM_ENGINE_LINK_H
#define PLM_ENGINE_LINK_H

#include <stddef.h>
#include "plimsoll/error.h"
#include "model/document.h"

struct plm_link_options {
	/* The scanned tree's root directory, absolute or relative (to the
	 * working directory) as given. A file that resolves outside it, by
	 * `..` or through a symbolic link, is not read. NULL: the directory
	 * of the document's main file. */
	const char *root;
	/* Largest file read; 0: PLM_MAX_FILE_SIZE. */
	size_t max_file_size;
};

/* Makes every link of doc not made yet, in order. PLM_LINK_BUILD: reads
 * the Dockerfile (or takes the inline text) as another source of doc,
 * builds its container record (the `target` stage, else the final one)
 * with plm_dockerfile_container(), sets it as the record's `build`, and,
 * when the service set no `user:`, sets `user` to the image's, flagged
 * PLM_NODE_INHERITED. An inline Dockerfile's spans are mapped into the
 * compose file. A remote context, a missing file or one outside the root
 * is a note on the link's span (compose/remote-build,
 * compose/missing-dockerfile, compose/build-outside-tree) and leaves
 * `build` null. options may be NULL (defaults). Returns 0 or PLM_ENOMEM. */
PLM_NODISCARD int plm_link_resolve(struct plm_doc *doc,
	const struct plm_link_options *options);

#endif
