/* Bootstrap lines, against a real tor 0.4.9.11 client's notice.log. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "core/mainloop/bootstrap.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

UNITTEST(bootstrap, lines_match_real_tor)
{
  char path[512], spec[600], err[256];
  log_sink_spec_t s;
  snprintf(path, sizeof(path), "%s/notice.log", unittest_tmpdir());
  snprintf(spec, sizeof(spec), "notice file %s", path);
  UT_EQ_INT(log_sink_spec_parse(spec, &s, err, sizeof(err)), 0);
  UT_EQ_INT(log_configure_sinks(&s, 1, err, sizeof(err)), 0);
  free(s.path);

  bootstrap_reset();
  /* The phases real tor went through, in its order; repeats and steps
   * backwards must not log. */
  static const bootstrap_phase_t seen[] = {
    BOOTSTRAP_STARTING, BOOTSTRAP_CONN, BOOTSTRAP_CONN_DONE, BOOTSTRAP_HANDSHAKE,
    BOOTSTRAP_HANDSHAKE_DONE, BOOTSTRAP_ONEHOP_CREATE, BOOTSTRAP_REQUESTING_STATUS,
    BOOTSTRAP_LOADING_STATUS, BOOTSTRAP_CONN, BOOTSTRAP_LOADING_KEYS,
    BOOTSTRAP_REQUESTING_DESCRIPTORS, BOOTSTRAP_LOADING_DESCRIPTORS,
    BOOTSTRAP_LOADING_DESCRIPTORS, BOOTSTRAP_ENOUGH_DIRINFO,
    BOOTSTRAP_AP_HANDSHAKE_DONE, BOOTSTRAP_CIRCUIT_CREATE, BOOTSTRAP_DONE,
  };
  for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
    bootstrap_note_phase(seen[i]);
  UT_EQ_INT(bootstrap_percent(), 100);
  log_shutdown();
  log_set_startup_severity(LOG_NOTICE);

  FILE *ours = fopen(path, "r");
  FILE *real = fopen(unittest_srcpath("tests/vectors/bootstrap/real-tor-0.4.9.11-client.txt"), "r");
  UT_ASSERT(ours && real);
  char a[512], b[512];
  int n = 0;
  while (fgets(b, sizeof(b), real)) {
    UT_ASSERT(fgets(a, sizeof(a), ours) != NULL);
    const char *msg = strstr(a, "] ");
    UT_ASSERT(msg != NULL);
    UT_EQ_STR(msg + 2, b);
    n++;
  }
  UT_ASSERT(fgets(a, sizeof(a), ours) == NULL);
  UT_EQ_INT(n, 15);
  fclose(ours);
  fclose(real);
  bootstrap_reset();
}
