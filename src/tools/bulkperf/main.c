/* tor-bulkperf: entry point; the work is in libbulkperf.a. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
  bp_opts_t o;
  char err[512];
  int rc = bp_opts_parse(&o, argc, argv, err, sizeof(err));
  if (rc == 1) {
    bp_usage(stdout);
    return BP_EXIT_OK;
  }
  if (rc < 0) {
    fprintf(stderr, "tor-bulkperf: %s\n", err);
    return BP_EXIT_USAGE;
  }
  switch (o.mode) {
  case BP_MODE_BULK:
  case BP_MODE_UPLOAD:
    return bp_run_bulk(&o);
  case BP_MODE_TRANSFER:
    return bp_run_transfer(&o);
  case BP_MODE_SERVE:
    return bp_run_serve(&o);
  case BP_MODE_REPORT:
    if (bp_db_report(o.db, o.run_id, stdout, err, sizeof(err)) < 0) {
      fprintf(stderr, "tor-bulkperf: %s\n", err);
      return BP_EXIT_FAIL;
    }
    return BP_EXIT_OK;
  default:
    return BP_EXIT_USAGE;
  }
}
