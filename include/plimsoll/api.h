/*
 * plimsoll/api.h - how the public API is marked.
 *
 * plimsoll is built with symbols hidden by default: only a declaration
 * marked PLM_API is exported from the plimsoll executable, and so only
 * those functions can be called by a plugin it loads. tests/abi compares
 * the executable's dynamic symbols with the PLM_API declarations of these
 * headers, in both directions.
 *
 * PLM_PLUGIN_EXPORT marks what a plugin exports to the host (its entry
 * point); a plugin built with -fvisibility=hidden needs it there.
 *
 * Every public header wraps its declarations in PLM_BEGIN_DECLS and
 * PLM_END_DECLS so that C++ code can include it.
 */
#ifndef PLIMSOLL_API_H
#define PLIMSOLL_API_H

#if defined(__GNUC__)
#define PLM_API __attribute__((visibility("default")))
#define PLM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PLM_API
#define PLM_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
#define PLM_BEGIN_DECLS extern "C" {
#define PLM_END_DECLS }
#else
#define PLM_BEGIN_DECLS
#define PLM_END_DECLS
#endif

#endif
