/*
 * util/glob.h - path globs as a configuration file writes them, matched
 * against '/'-separated paths relative to the file's directory.
 *
 * `*` matches any run of characters but '/', `?` one character but '/',
 * `[abc]` / `[!a-z]` one of a set, `\x` the character x, and `**` as a
 * whole segment any number of directories (none included). A pattern
 * with no '/' but a trailing one matches a name in any directory, as in
 * .gitignore; one with a '/' is anchored at the configuration's
 * directory (a leading '/' only says so). A pattern matches a path when
 * it matches the whole path or one of its leading directories, so
 * `vendor` and `deploy` cover everything under them; a trailing '/'
 * matches directories only.
 */
#ifndef PLM_UTIL_GLOB_H
#define PLM_UTIL_GLOB_H

#include <stdbool.h>

/* Longest glob accepted (bytes) and most `**` segments in one. */
#define PLM_GLOB_MAX_LEN 1024
#define PLM_GLOB_MAX_STARS 8

/* NULL when pattern is a glob this matcher accepts, else a static text
 * saying what is wrong with it. */
const char *plm_glob_check(const char *pattern);

/* True when pattern (accepted by plm_glob_check) matches path, a relative
 * path without "." or ".." segments. */
bool plm_glob_match(const char *pattern, const char *path);

#endif
