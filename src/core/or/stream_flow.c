/* Stream-level flow control: see stream_flow.h. */
#include "orconfig.h"
#include "core/or/stream_flow.h"
#include "core/crypto/relay_msg.h"
#include "core/crypto/sendme.h"
#include "lib/log/log.h"

void
stream_flow_init(stream_flow_t *f, const circuit_t *circ)
{
  f->cc = circuit_uses_congestion_control(circ);
  f->package_window = STREAMWINDOW_START;
  f->deliver_window = STREAMWINDOW_START;
  f->xoff_sent = f->xoff_received = 0;
}

int
stream_flow_may_package(const stream_flow_t *f)
{
  return f->cc ? !f->xoff_received : f->package_window > 0;
}

void
stream_flow_packaged(stream_flow_t *f)
{
  if (!f->cc)
    f->package_window--;
}

int
stream_flow_data_received(stream_flow_t *f)
{
  if (!f->cc && --f->deliver_window < 0)
    return -1;
  return 0;
}

int
stream_flow_update(stream_flow_t *f, circuit_t *circ, uint16_t stream_id, int consumer_blocked)
{
  if (f->cc) {
    /* XOFF: version 0. XON: version 0, rate 0 ("unlimited"). */
    static const uint8_t xoff[1] = { 0 }, xon[5] = { 0, 0, 0, 0, 0 };
    if (consumer_blocked && !f->xoff_sent) {
      if (circuit_send_relay(circ, -1, RELAY_COMMAND_XOFF, stream_id, xoff, sizeof(xoff)) < 0)
        return -1;
      f->xoff_sent = 1;
      log_info(LD_GENERAL, "Stream %u: the reader is not keeping up; sent XOFF.", stream_id);
    } else if (!consumer_blocked && f->xoff_sent) {
      if (circuit_send_relay(circ, -1, RELAY_COMMAND_XON, stream_id, xon, sizeof(xon)) < 0)
        return -1;
      f->xoff_sent = 0;
      log_info(LD_GENERAL, "Stream %u: the reader caught up; sent XON.", stream_id);
    }
    return 0;
  }
  while (!consumer_blocked && f->deliver_window <= STREAMWINDOW_START - STREAMWINDOW_INCREMENT) {
    if (circuit_send_relay(circ, -1, RELAY_COMMAND_SENDME, stream_id, NULL, 0) < 0)
      return -1;
    f->deliver_window += STREAMWINDOW_INCREMENT;
  }
  return 0;
}

int
stream_flow_control_received(stream_flow_t *f, uint8_t command, const uint8_t *data,
                             size_t len, uint16_t stream_id)
{
  switch (command) {
    case RELAY_COMMAND_XOFF:
    case RELAY_COMMAND_XON:
      if (!f->cc || len < 1 || data[0] != 0 || (command == RELAY_COMMAND_XON && len < 5)) {
        log_protocol_warn(LD_PROTOCOL, "Unexpected or malformed %s on stream %u; closing it.",
                          relay_command_name(command), stream_id);
        return -1;
      }
      /* The advisory rate of an XON is not used: the circuit paces us. */
      f->xoff_received = command == RELAY_COMMAND_XOFF;
      return !f->xoff_received;
    case RELAY_COMMAND_SENDME:
      if (f->cc) {
        log_protocol_warn(LD_PROTOCOL, "Stream SENDME on a congestion-controlled circuit; "
                          "closing stream %u.", stream_id);
        return -1;
      }
      if (f->package_window + STREAMWINDOW_INCREMENT > STREAMWINDOW_START) {
        log_protocol_warn(LD_PROTOCOL, "Stream %u got an unexpected SENDME; closing it.",
                          stream_id);
        return -1;
      }
      f->package_window += STREAMWINDOW_INCREMENT;
      return 1;
    default:
      return -1;
  }
}
