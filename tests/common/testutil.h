/*
 * tests/common/testutil.h - setup the cmocka tests share: temporary
 * folders and files, and an engine over one folder of policies. Every
 * helper aborts the test program when the machine refuses (no temporary
 * folder, a full disk): that is not what the tests test.
 */
#ifndef PLM_TESTS_COMMON_TESTUTIL_H
#define PLM_TESTS_COMMON_TESTUTIL_H

struct plm_engine;

/* Writes text to path, replacing what was there. */
void test_write(const char *path, const char *text);

/* A fresh temporary folder; the caller removes it with test_rmrf. */
char *test_tmpdir(void);

/* Removes dir and everything under it, then frees dir. */
void test_rmrf(char *dir);

/* An engine with the policies of dir only (no built-in ones) and a
 * 2,000,000 instruction budget; NULL with *error set (caller frees) when
 * a policy does not load. */
struct plm_engine *test_engine_for(const char *dir, char **error);

#endif
