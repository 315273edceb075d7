/* Authenticated SENDMEs and circuit windows: see sendme.h. */
#include "orconfig.h"
#include "core/crypto/sendme.h"

#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <string.h>

int
sendme_v1_encode(uint8_t *out, size_t cap,
                 const uint8_t digest[SENDME_DIGEST_LEN])
{
  if (!out || !digest || cap < SENDME_V1_BODY_LEN)
    return -1;
  out[0] = 1;
  out[1] = 0;
  out[2] = SENDME_DIGEST_LEN;
  memcpy(out + 3, digest, SENDME_DIGEST_LEN);
  return SENDME_V1_BODY_LEN;
}

int
sendme_parse(const uint8_t *body, size_t len, uint8_t *version,
             const uint8_t **digest_out)
{
  size_t data_len;
  if (!version || !digest_out || (!body && len))
    return -1;
  *digest_out = NULL;
  *version = len ? body[0] : 0;
  if (*version == 0)
    return 0;
  if (*version != 1) {
    log_protocol_warn(LD_PROTOCOL, "SENDME with unknown version %u",
                      *version);
    return -1;
  }
  if (len < 3) {
    log_protocol_warn(LD_PROTOCOL, "SENDME v1 truncated (%zu bytes)", len);
    return -1;
  }
  data_len = ((size_t)body[1] << 8) | body[2];
  if (data_len < SENDME_DIGEST_LEN || data_len > len - 3) {
    log_protocol_warn(LD_PROTOCOL, "SENDME v1 with data length %zu in a "
                      "%zu-byte body", data_len, len);
    return -1;
  }
  *digest_out = body + 3;
  return 0;
}

int
sendme_ring_push(sendme_digest_ring_t *ring,
                 const uint8_t digest[SENDME_DIGEST_LEN])
{
  if (ring->count >= SENDME_MAX_OUTSTANDING)
    return -1;
  memcpy(ring->digests[(ring->first + ring->count) % SENDME_MAX_OUTSTANDING],
         digest, SENDME_DIGEST_LEN);
  ring->count++;
  return 0;
}

int
sendme_ring_pop(sendme_digest_ring_t *ring, uint8_t out[SENDME_DIGEST_LEN])
{
  if (ring->count == 0)
    return -1;
  memcpy(out, ring->digests[ring->first], SENDME_DIGEST_LEN);
  memwipe(ring->digests[ring->first], SENDME_DIGEST_LEN);
  ring->first = (ring->first + 1) % SENDME_MAX_OUTSTANDING;
  ring->count--;
  return 0;
}

void
sendme_circ_init(sendme_circ_t *sc)
{
  memset(sc, 0, sizeof(*sc));
  sc->package_window = CIRCWINDOW_START;
  sc->deliver_window = CIRCWINDOW_START;
}

int
sendme_circ_can_package(const sendme_circ_t *sc)
{
  return sc->package_window > 0;
}

int
sendme_circ_data_sent(sendme_circ_t *sc,
                      const uint8_t digest[SENDME_DIGEST_LEN])
{
  if (sc->package_window <= 0)
    return -1;
  sc->package_window--;
  /* The peer answers the 100th, 200th, ... DATA cell with a SENDME. */
  if (sc->package_window % CIRCWINDOW_INCREMENT == 0)
    return sendme_ring_push(&sc->expected, digest);
  return 0;
}

int
sendme_parse_accepted(const uint8_t *body, size_t len, uint8_t min_version,
                      const uint8_t **digest_out)
{
  uint8_t version;
  if (sendme_parse(body, len, &version, digest_out) < 0)
    return -1;
  if (version < min_version) {
    log_protocol_warn(LD_PROTOCOL, "SENDME version %u below the accepted "
                      "minimum %u", version, min_version);
    return -1;
  }
  return 0;
}

void
sendme_circ_receive_with_cc(sendme_circ_t *sc, int sendme_inc)
{
  sc->cc_sendme_inc = sendme_inc;
  sc->deliver_window = sendme_inc;
}

int
sendme_circ_data_received(sendme_circ_t *sc,
                          const uint8_t digest[SENDME_DIGEST_LEN],
                          uint8_t body_out[SENDME_V1_BODY_LEN])
{
  if (sc->cc_sendme_inc > 0) {
    /* Counts down to the next SENDME; the peer's cwnd is the bound. */
    if (--sc->deliver_window > 0)
      return 0;
    sendme_v1_encode(body_out, SENDME_V1_BODY_LEN, digest);
    sc->deliver_window = sc->cc_sendme_inc;
    return 1;
  }
  if (sc->deliver_window <= 0) {
    log_protocol_warn(LD_PROTOCOL, "DATA cell beyond the circuit's deliver "
                      "window");
    return -1;
  }
  sc->deliver_window--;
  if (sc->deliver_window > CIRCWINDOW_START - CIRCWINDOW_INCREMENT)
    return 0;
  sendme_v1_encode(body_out, SENDME_V1_BODY_LEN, digest);
  sc->deliver_window += CIRCWINDOW_INCREMENT;
  return 1;
}

int
sendme_circ_sendme_received(sendme_circ_t *sc, const uint8_t *body,
                            size_t len, uint8_t min_version)
{
  uint8_t want[SENDME_DIGEST_LEN];
  const uint8_t *digest;
  if (sendme_parse_accepted(body, len, min_version, &digest) < 0)
    return -1;
  if (sc->package_window + CIRCWINDOW_INCREMENT > CIRCWINDOW_START ||
      sendme_ring_pop(&sc->expected, want) < 0) {
    log_protocol_warn(LD_PROTOCOL, "Unexpected circuit SENDME: nothing "
                      "awaits acknowledgement");
    return -1;
  }
  if (digest && !crypto_memeq(digest, want, SENDME_DIGEST_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "Circuit SENDME digest does not match "
                      "the cell it should acknowledge");
    return -1;
  }
  sc->package_window += CIRCWINDOW_INCREMENT;
  return 0;
}
