/* The state file: a real tor 0.4.9.11 state file survives a load/save
 * round trip, and a damaged one is moved aside, not lost. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "app/config/statefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
copy_file(const char *from, const char *to)
{
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  UT_ASSERT(in && out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
    fwrite(buf, 1, n, out);
  fclose(in);
  fclose(out);
}

UNITTEST(statefile, real_tor_state_round_trip)
{
  const char *dir = unittest_tmpdir();
  char path[512];
  guard_set_t g;
  snprintf(path, sizeof(path), "%s/state", dir);
  copy_file(unittest_srcpath("tests/vectors/state/real-tor-0.4.9.11-state"), path);
  UT_EQ_INT(statefile_load(dir, &g), 0);
  UT_EQ_INT(g.n, 4);
  UT_EQ_INT(statefile_save(dir, &g, 1794412154), 0);
  static char text[16384];
  UT_ASSERT(unittest_read_file(path, text, sizeof(text)) > 0);
  UT_ASSERT(strstr(text, "# Tor state file last generated on 2026-11-11 15:49:14"));
  UT_ASSERT(strstr(text, "\nCircuitBuildTimeBin 35 1\n"));
  UT_ASSERT(strstr(text, "\nDormant 0\n"));
  UT_ASSERT(strstr(text, "\nGuard in=default rsa_id=40FD64A7B2D75A1BD649D30BF1464B8A45F7240C nickname=relay0 "));
  UT_ASSERT(strstr(text, "\nLastWritten 2026-11-11 15:49:14\nTorVersion Tor " TOR_VERSION "\n"));
  struct stat st;
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0600);
  guard_set_t again;
  UT_EQ_INT(statefile_load(dir, &again), 0);
  UT_EQ_INT(again.n, 4);
  UT_EQ_MEM(again.entries[2].rsa_id, g.entries[2].rsa_id, 20);
  statefile_free_all();
}

UNITTEST(statefile, damaged_state_is_moved_aside)
{
  const char *dir = unittest_tmpdir();
  char path[512], aside[512];
  guard_set_t g;
  snprintf(path, sizeof(path), "%s/state", dir);
  snprintf(aside, sizeof(aside), "%s/state.0", dir);
  FILE *f = fopen(path, "w");
  UT_ASSERT(f);
  fputs("Guard in=default rsa_id=nothex sampled_on=2026-11-11T15:49:14 listed=1\n", f);
  fclose(f);
  UT_EQ_INT(statefile_load(dir, &g), 0);
  UT_EQ_INT(g.n, 0);
  UT_EQ_INT(access(path, F_OK), -1);
  UT_EQ_INT(access(aside, F_OK), 0);
  /* No state file at all is fine too. */
  UT_EQ_INT(statefile_load(dir, &g), 0);
  statefile_free_all();
}
