/* Tests for core/or/stream_flow: tor-spec §7.4's stream windows (500 cells,
 * SENDME every 50) and proposal 324 §4's XON/XOFF, on the parts that need
 * no circuit (what arrives and whether we may send). */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/crypto/relay_msg.h"
#include "core/or/stream_flow.h"

#include <string.h>

static stream_flow_t
flow(int cc)
{
  stream_flow_t f;
  memset(&f, 0, sizeof(f));
  f.cc = cc;
  f.package_window = f.deliver_window = 500;
  return f;
}

UNITTEST(stream_flow, windows)
{
  stream_flow_t f = flow(0);
  for (int i = 0; i < 500; i++) {
    UT_ASSERT(stream_flow_may_package(&f));
    stream_flow_packaged(&f);
  }
  UT_ASSERT(!stream_flow_may_package(&f));
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_SENDME, NULL, 0, 1), 1);
  UT_EQ_INT(f.package_window, 50);
  /* ten SENDMEs refill it; an eleventh is one too many */
  for (int i = 0; i < 9; i++)
    UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_SENDME, NULL, 0, 1), 1);
  UT_EQ_INT(f.package_window, 500);
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_SENDME, NULL, 0, 1), -1);
  /* 500 cells in without a SENDME back, then one overruns */
  for (int i = 0; i < 500; i++)
    UT_EQ_INT(stream_flow_data_received(&f), 0);
  UT_EQ_INT(stream_flow_data_received(&f), -1);
  /* XON/XOFF have no place without congestion control */
  static const uint8_t xoff[1] = { 0 };
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XOFF, xoff, 1, 1), -1);
}

UNITTEST(stream_flow, xon_xoff)
{
  static const uint8_t xoff[1] = { 0 }, xon[5] = { 0, 0, 0, 0, 0 }, v1[1] = { 1 };
  stream_flow_t f = flow(1);
  for (int i = 0; i < 2000; i++) {   /* no window under congestion control */
    stream_flow_packaged(&f);
    UT_EQ_INT(stream_flow_data_received(&f), 0);
  }
  UT_ASSERT(stream_flow_may_package(&f));
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XOFF, xoff, 1, 1), 0);
  UT_ASSERT(!stream_flow_may_package(&f));
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XON, xon, 5, 1), 1);
  UT_ASSERT(stream_flow_may_package(&f));
  /* malformed: an XON without its rate, an unknown version, empty */
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XON, xon, 1, 1), -1);
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XOFF, v1, 1, 1), -1);
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_XOFF, NULL, 0, 1), -1);
  /* stream SENDMEs have no place with it */
  UT_EQ_INT(stream_flow_control_received(&f, RELAY_COMMAND_SENDME, NULL, 0, 1), -1);
}
