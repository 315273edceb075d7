/* Our unit-test framework: tests register themselves at load time with
 * UNITTEST(suite, name); the one test binary runs them all (or those whose
 * "suite/name" starts with a prefix given on the command line) and ends with
 * the line "N passed, N failed". A failed check ends its test at once
 * (longjmp) and prints the file, line and what differed. */
#ifndef TESTS_UNIT_UNITTEST_H
#define TESTS_UNIT_UNITTEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*unittest_fn)(void);

struct unittest_case {
  const char *suite;
  const char *name;
  unittest_fn fn;
  struct unittest_case *next;
};

void unittest_register(struct unittest_case *tc);
void unittest_fail(const char *file, int line, const char *fmt, ...)
  __attribute__((format(printf, 3, 4), noreturn));
void unittest_check_mem(const char *file, int line, const char *what,
                        const void *got, const void *want, size_t len);
void unittest_check_hex(const char *file, int line, const char *what,
                        const void *got, size_t len, const char *want_hex);
/* Path of a file under the source tree (tests/vectors/...); static buffer. */
const char *unittest_srcpath(const char *relpath);
/* Reads up to cap - 1 bytes of the file at path into buf and NUL-terminates
 * them; returns the byte count (0 if the file cannot be read). */
size_t unittest_read_file(const char *path, void *buf, size_t cap);
/* A fresh empty directory for this test; removed when the run ends. */
const char *unittest_tmpdir(void);

#define UNITTEST(suite, name)                                             \
  static void ut_fn_##suite##_##name(void);                               \
  static struct unittest_case ut_case_##suite##_##name = {                \
    #suite, #name, ut_fn_##suite##_##name, NULL };                        \
  __attribute__((constructor)) static void ut_reg_##suite##_##name(void)  \
  { unittest_register(&ut_case_##suite##_##name); }                       \
  static void ut_fn_##suite##_##name(void)

#define UT_ASSERT(cond)                                                   \
  do { if (!(cond)) unittest_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); } while (0)

#define UT_EQ_INT(got, want)                                              \
  do { long long ut_g_ = (long long)(got), ut_w_ = (long long)(want);     \
    if (ut_g_ != ut_w_)                                                   \
      unittest_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                    #got, ut_g_, #want, ut_w_); } while (0)

#define UT_EQ_STR(got, want)                                              \
  do { const char *ut_g_ = (got), *ut_w_ = (want);                        \
    if (!ut_g_ || !ut_w_ || strcmp(ut_g_, ut_w_))                         \
      unittest_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"",  \
                    #got, ut_g_ ? ut_g_ : "(null)", ut_w_ ? ut_w_ : "(null)"); \
  } while (0)

#define UT_EQ_MEM(got, want, len) \
  unittest_check_mem(__FILE__, __LINE__, #got, (got), (want), (len))
#define UT_EQ_HEX(got, len, hex) \
  unittest_check_hex(__FILE__, __LINE__, #got, (got), (len), (hex))

#endif
