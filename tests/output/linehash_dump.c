/* linehash_dump FILE: prints "LINE HASH" for every line, the same shape as
 * linehash-reference.js, so a test can compare the two. */
#include <stdio.h>
#include <stdlib.h>
#include "output/linehash.h"
#include "util/source.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: linehash_dump FILE\n");
		return 2;
	}
	struct plm_source *s = NULL;
	if (plm_source_read(argv[1], argv[1], 0, &s) != 0) {
		perror(argv[1]);
		return 2;
	}
	struct plm_line_hashes h;
	int rc = plm_line_hashes_compute(s->bytes, s->len, &h);
	if (rc != 0) {
		plm_source_destroy(s);
		return 2;
	}
	char buf[PLM_LINE_HASH_SIZE];
	for (uint32_t line = 1; line <= h.count; line++) {
		if (plm_line_hashes_format(&h, line, buf)) {
			printf("%u %s\n", line, buf);
		}
	}
	plm_line_hashes_finish(&h);
	plm_source_destroy(s);
	return 0;
}
