/*
 * cli/progress.c - the progress line of `plimsoll scan` (see progress.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CI services (GitHub Actions, GitLab CI and most others) set CI,
 * usually to "true": their logs keep every byte written, and a line
 * redrawn ten times a second would fill them. */
static bool in_ci(void)
{
	const char *ci = getenv("CI");
	return ci != NULL && ci[0] != '\0' && strcmp(ci, "false") != 0 &&
		strcmp(ci, "0") != 0;
}

void plm_progress_init(struct plm_progress *p, enum plm_progress_mode mode)
{
	memset(p, 0, sizeof(*p));
	const char *term = getenv("TERM");
	bool show = mode == PLM_PROGRESS_ALWAYS ||
		(mode == PLM_PROGRESS_AUTO && isatty(STDERR_FILENO) &&
			!in_ci() &&
			(term == NULL || strcmp(term, "dumb") != 0));
	p->out = show ? stderr : NULL;
	p->share = show && isatty(STDOUT_FILENO);
	p->start_ms = now_ms();
	/* Forced progress draws from the first update on. */
	p->last_ms = mode == PLM_PROGRESS_ALWAYS
		? p->start_ms - 1000
		: p->start_ms + PLM_PROGRESS_DELAY_MS - 1000 / PLM_PROGRESS_HZ;
}

void plm_progress_update(struct plm_progress *p, size_t done, size_t total)
{
	if (p->out == NULL) {
		return;
	}
	long long now = now_ms();
	if (now - p->last_ms < 1000 / PLM_PROGRESS_HZ) {
		return;
	}
	p->last_ms = now;
	/* What the formats wrote to stdout lands above the line. */
	fflush(stdout);
	fprintf(p->out, "\r\033[Kscanning: %zu of %zu file%s", done, total,
		total == 1 ? "" : "s");
	fflush(p->out);
	p->drawn = true;
}

void plm_progress_clear(struct plm_progress *p)
{
	if (p->out != NULL && p->drawn) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->drawn = false;
	}
}
