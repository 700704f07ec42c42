/*
 * plimsoll/error.h - error codes shared by every layer.
 *
 * Fallible functions return 0 on success or one of these negative codes.
 * Problems in the *input* are not errors in this sense: they reach the
 * output as notifications (struct plm_notification in plimsoll/finding.h)
 * and parsing goes on.
 */
#ifndef PLIMSOLL_ERROR_H
#define PLIMSOLL_ERROR_H

#include "plimsoll/api.h"

PLM_BEGIN_DECLS

#define PLM_OK 0
#define PLM_ENOMEM (-1)  /* an allocation failed or a memory limit was hit */
#define PLM_EIO (-2)     /* a file could not be read or written */
#define PLM_EINVAL (-3)  /* an argument or a configuration value is wrong */
#define PLM_ELIMIT (-4)  /* an input limit was hit (size, depth, ...) */
#define PLM_EPARSE (-5)  /* the input could not be parsed at all */
#define PLM_EPOLICY (-6) /* a policy failed to load or to run */
#define PLM_EPLUGIN (-7) /* an output plugin failed */

#if defined(__GNUC__)
#define PLM_NODISCARD __attribute__((warn_unused_result))
#define PLM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PLM_NODISCARD
#define PLM_PRINTF(fmt, args)
#endif

/* A static, human-readable description of a PLM_E* code. */
PLM_API const char *plm_error_string(int code);

PLM_END_DECLS

#endif
