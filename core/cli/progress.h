/*
 * cli/progress.h - the progress line a long scan shows on a terminal:
 * "scanning: 120 of 4711 files", redrawn in place on stderr at most
 * PLM_PROGRESS_HZ times a second and cleared when the scan ends.
 *
 * Shown only where a person watches: stderr is a terminal that can move
 * its cursor (TERM is not "dumb") and no CI variable says the output is a
 * build log. --progress and --no-progress decide instead.
 */
#ifndef PLM_CLI_PROGRESS_H
#define PLM_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define PLM_PROGRESS_HZ 10
/* A scan shorter than this shows nothing (unless forced). */
#define PLM_PROGRESS_DELAY_MS 250

enum plm_progress_mode {
	PLM_PROGRESS_AUTO = 0,
	PLM_PROGRESS_ALWAYS,
	PLM_PROGRESS_NEVER,
};

struct plm_progress {
	FILE *out;  /* stderr, or NULL: nothing is shown */
	bool drawn; /* a line is on the screen */
	bool share; /* stdout is a terminal too: clear before output */
	long long start_ms, last_ms;
};

/* Decides whether progress is shown (mode, then stderr, TERM and CI) and
 * starts the clock. */
void plm_progress_init(struct plm_progress *p, enum plm_progress_mode mode);

/* Draws "done of total", unless drawn less than 1/PLM_PROGRESS_HZ s ago
 * (or, in AUTO mode, the scan is younger than PLM_PROGRESS_DELAY_MS). */
void plm_progress_update(struct plm_progress *p, size_t done, size_t total);

/* Takes the line off the screen before something else is written to the
 * same terminal; the next update draws it again. */
void plm_progress_clear(struct plm_progress *p);

#endif
