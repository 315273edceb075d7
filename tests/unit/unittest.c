/* The unit-test runner: see unittest.h. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct unittest_case *first_case, *last_case;
static jmp_buf current_test_exit;
static char tmpdir_root[256];
static unsigned tmpdir_counter;

void
unittest_register(struct unittest_case *tc)
{
  /* Constructors run in link order; keep that order for readable output. */
  if (last_case)
    last_case->next = tc;
  else
    first_case = tc;
  last_case = tc;
}

void
unittest_fail(const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fprintf(stdout, "    %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  longjmp(current_test_exit, 1);
}

static void
hex_of(char *out, const uint8_t *p, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

void
unittest_check_mem(const char *file, int line, const char *what,
                   const void *got, const void *want, size_t len)
{
  if (memcmp(got, want, len) == 0)
    return;
  size_t shown = len > 64 ? 64 : len;
  char g[129], w[129];
  hex_of(g, got, shown);
  hex_of(w, want, shown);
  unittest_fail(file, line, "%s differs (%zu bytes)\n      got  %s\n      want %s",
                what, len, g, w);
}

static int
hexval(int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void
unittest_check_hex(const char *file, int line, const char *what,
                   const void *got, size_t len, const char *want_hex)
{
  size_t hexlen = strlen(want_hex);
  if (hexlen != 2 * len)
    unittest_fail(file, line, "%s: expected hex has %zu digits for %zu bytes",
                  what, hexlen, len);
  uint8_t *want = malloc(len ? len : 1);
  if (!want)
    unittest_fail(file, line, "out of memory");
  for (size_t i = 0; i < len; i++) {
    int hi = hexval(want_hex[2 * i]), lo = hexval(want_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(want);
      unittest_fail(file, line, "%s: bad hex digit in expected value", what);
    }
    want[i] = (uint8_t)(hi << 4 | lo);
  }
  int same = memcmp(got, want, len) == 0;
  free(want);
  if (!same) {
    size_t shown = len > 64 ? 64 : len;
    char g[129];
    hex_of(g, got, shown);
    unittest_fail(file, line, "%s differs\n      got  %s\n      want %.128s",
                  what, g, want_hex);
  }
}

const char *
unittest_srcpath(const char *relpath)
{
  static char buf[4096];
  const char *top = getenv("TOP_SRCDIR");
  if (!top)
    top = TESTS_TOP_SRCDIR;
  snprintf(buf, sizeof(buf), "%s/%s", top, relpath);
  return buf;
}

size_t
unittest_read_file(const char *path, void *buf, size_t cap)
{
  FILE *f = fopen(path, "rb");
  size_t n = 0;
  if (f && cap > 0) {
    n = fread(buf, 1, cap - 1, f);
    ((char *)buf)[n] = '\0';
  }
  if (f)
    fclose(f);
  return n;
}

const char *
unittest_tmpdir(void)
{
  static char buf[300];
  snprintf(buf, sizeof(buf), "%s/t%u", tmpdir_root, ++tmpdir_counter);
  if (mkdir(buf, 0700) < 0) {
    fprintf(stderr, "cannot create %s: %s\n", buf, strerror(errno));
    exit(2);
  }
  return buf;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st; (void)flag; (void)ftw;
  chmod(path, 0700);
  return remove(path);
}

static int
selected(const struct unittest_case *tc, int argc, char **argv)
{
  if (argc < 2)
    return 1;
  char full[256];
  snprintf(full, sizeof(full), "%s/%s", tc->suite, tc->name);
  for (int i = 1; i < argc; i++)
    if (!strncmp(full, argv[i], strlen(argv[i])))
      return 1;
  return 0;
}

int
main(int argc, char **argv)
{
  volatile unsigned passed = 0, failed = 0;
  const char *tmp = getenv("TMPDIR");
  snprintf(tmpdir_root, sizeof(tmpdir_root), "%s/tor-unit-XXXXXX", tmp ? tmp : "/tmp");
  if (!mkdtemp(tmpdir_root)) {
    perror("mkdtemp");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (struct unittest_case *volatile tc = first_case; tc; tc = tc->next) {
    if (!selected(tc, argc, argv))
      continue;
    if (setjmp(current_test_exit) == 0) {
      tc->fn();
      passed++;
      if (getenv("UNITTEST_VERBOSE"))
        printf("ok   %s/%s\n", tc->suite, tc->name);
    } else {
      failed++;
      printf("FAIL %s/%s\n", tc->suite, tc->name);
    }
  }
  nftw(tmpdir_root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
