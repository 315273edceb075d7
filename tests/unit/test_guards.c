/* Guard state lines (guard-spec "Guard" entries), read from a real tor
 * 0.4.9.11 client's state file, and guard choice. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/client/guards.h"
#include "lib/conf/confline.h"

#include <string.h>

static void
load_real_state(guard_set_t *set)
{
  config_line_t *lines = NULL;
  char err[512];
  guards_init(set);
  UT_EQ_INT(config_lines_parse_file(unittest_srcpath("tests/vectors/state/real-tor-0.4.9.11-state"),
                                    &lines, err, sizeof(err)), 0);
  for (const config_line_t *l = lines; l; l = l->next)
    if (!strcmp(l->key, "Guard"))
      UT_EQ_INT(guards_parse_state_line(set, l->value, err, sizeof(err)), 0);
  config_lines_free(lines);
}

UNITTEST(guards, reads_real_tor_state)
{
  guard_set_t set;
  load_real_state(&set);
  UT_EQ_INT(set.n, 4);
  UT_EQ_HEX(set.entries[0].rsa_id, 20, "71e42f68a6818531faec200c627269fd532f3024");
  UT_EQ_STR(set.entries[0].nickname, "relay2");
  UT_EQ_INT(set.entries[0].sampled_on, 1794412154);   /* 2026-11-11T15:49:14Z (Python's calendar.timegm) */
  UT_EQ_INT(set.entries[0].confirmed_on, 1794483907); /* 2026-11-12T11:45:07Z */
  UT_EQ_INT(set.entries[0].listed, 1);
  UT_EQ_STR(set.entries[0].extra, "pb_circ_attempts=1.000000 pb_circ_successes=1.000000 "
            "pb_successful_circuits_closed=1.000000");
  UT_EQ_STR(set.entries[3].nickname, "relay0");
  UT_EQ_INT(set.entries[3].confirmed_on, 0);

  char line[1024];
  guards_format_state_line(&set, 0, line, sizeof(line));
  UT_EQ_STR(line, "in=default rsa_id=71E42F68A6818531FAEC200C627269FD532F3024 nickname=relay2 "
            "sampled_on=2026-11-11T15:49:14 sampled_idx=0 sampled_by=" TOR_VERSION " listed=1 "
            "confirmed_on=2026-11-12T11:45:07 confirmed_idx=0 pb_circ_attempts=1.000000 "
            "pb_circ_successes=1.000000 pb_successful_circuits_closed=1.000000");
}

UNITTEST(guards, bad_lines_are_refused)
{
  guard_set_t set;
  char err[256];
  guards_init(&set);
  UT_EQ_INT(guards_parse_state_line(&set, "in=default rsa_id=XYZ sampled_on=2026-11-11T15:49:14 listed=1",
                                    err, sizeof(err)), -1);
  UT_EQ_INT(guards_parse_state_line(&set, "in=default rsa_id=71E42F68A6818531FAEC200C627269FD532F3024 "
                                    "sampled_on=yesterday listed=1", err, sizeof(err)), -1);
  UT_EQ_INT(guards_parse_state_line(&set, "in=default rsa_id=71E42F68A6818531FAEC200C627269FD532F3024 "
                                    "listed=1", err, sizeof(err)), -1);
  /* Another instance's guards are not ours. */
  UT_EQ_INT(guards_parse_state_line(&set, "in=bridges rsa_id=71E42F68A6818531FAEC200C627269FD532F3024 "
                                    "sampled_on=2026-11-11T15:49:14 listed=1", err, sizeof(err)), 0);
  UT_EQ_INT(set.n, 0);
}

static uint64_t
first_rng(uint64_t limit)
{
  (void)limit;
  return 0;
}

UNITTEST(guards, sampling_and_choice)
{
  guard_set_t set;
  bw_weights_t w;
  node_t nodes[4];
  memset(nodes, 0, sizeof(nodes));
  for (int i = 0; i < 4; i++) {
    nodes[i].rsa_id[0] = (uint8_t)(i + 1);
    nodes[i].flags = NODE_FLAG_RUNNING | NODE_FLAG_VALID | (i < 3 ? NODE_FLAG_GUARD : 0);
    nodes[i].bandwidth = 100;
    nodes[i].has_microdesc = 1;
  }
  guards_init(&set);
  bw_weights_init(&w);
  UT_EQ_INT(guards_update(&set, nodes, 4, &w, 1000, first_rng), 1);
  UT_EQ_INT(set.n, 3);   /* the three Guard-flagged nodes, never node 4 */
  UT_ASSERT(guards_choose(&set, nodes, 4, 1000) == &nodes[0]);
  guards_note_failure(&set, nodes[0].rsa_id, 1000);
  UT_ASSERT(guards_choose(&set, nodes, 4, 1001) == &nodes[1]);
  UT_ASSERT(guards_choose(&set, nodes, 4, 1000 + GUARDS_RETRY_AFTER) == &nodes[0]);
  UT_EQ_INT(guards_note_success(&set, nodes[0].rsa_id, 1050), 1);
  UT_EQ_INT(guards_note_success(&set, nodes[0].rsa_id, 1060), 0);
  /* A guard that leaves the consensus is passed over. */
  UT_EQ_INT(guards_update(&set, nodes + 1, 3, &w, 2000, first_rng), 1);
  UT_EQ_INT(set.entries[0].listed, 0);
  UT_ASSERT(guards_choose(&set, nodes + 1, 3, 2000) == &nodes[1]);
}
