/* Relay cell header, commands and END reasons: see relay_msg.h. */
#include "orconfig.h"
#include "core/crypto/relay_msg.h"

#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <string.h>

/* Zero bytes that start the padding (tor-spec 6.1); the rest is random. */
#define PADDING_ZERO_PREFIX 4

static void
put_u16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static uint16_t
get_u16(const uint8_t *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

void
relay_header_pack(uint8_t payload[RELAY_PAYLOAD_LEN],
                  const relay_header_t *hdr)
{
  payload[RELAY_OFF_COMMAND] = hdr->command;
  put_u16(payload + RELAY_OFF_RECOGNIZED, hdr->recognized);
  put_u16(payload + RELAY_OFF_STREAM_ID, hdr->stream_id);
  memcpy(payload + RELAY_OFF_DIGEST, hdr->digest, RELAY_DIGEST_FIELD_LEN);
  put_u16(payload + RELAY_OFF_LENGTH, hdr->length);
}

void
relay_header_unpack(const uint8_t payload[RELAY_PAYLOAD_LEN],
                    relay_header_t *hdr)
{
  hdr->command = payload[RELAY_OFF_COMMAND];
  hdr->recognized = get_u16(payload + RELAY_OFF_RECOGNIZED);
  hdr->stream_id = get_u16(payload + RELAY_OFF_STREAM_ID);
  memcpy(hdr->digest, payload + RELAY_OFF_DIGEST, RELAY_DIGEST_FIELD_LEN);
  hdr->length = get_u16(payload + RELAY_OFF_LENGTH);
}

int
relay_msg_encode(uint8_t payload[RELAY_PAYLOAD_LEN], uint8_t command,
                 uint16_t stream_id, const uint8_t *data, size_t len)
{
  relay_header_t hdr;
  size_t pad_at, zeros;
  if (len > RELAY_DATA_MAX || (!data && len))
    return -1;
  memset(&hdr, 0, sizeof(hdr));
  hdr.command = command;
  hdr.stream_id = stream_id;
  hdr.length = (uint16_t)len;
  relay_header_pack(payload, &hdr);
  if (len)
    memmove(payload + RELAY_HEADER_LEN, data, len);
  pad_at = RELAY_HEADER_LEN + len;
  zeros = RELAY_PAYLOAD_LEN - pad_at;
  if (zeros > PADDING_ZERO_PREFIX)
    zeros = PADDING_ZERO_PREFIX;
  memset(payload + pad_at, 0, zeros);
  pad_at += zeros;
  /* Unpredictable padding is what makes authenticated SENDMEs prove
   * receipt (prop289 3.3); on RNG failure fall back to zeros. */
  if (pad_at < RELAY_PAYLOAD_LEN &&
      crypto_rand_bytes(payload + pad_at, RELAY_PAYLOAD_LEN - pad_at) < 0)
    memset(payload + pad_at, 0, RELAY_PAYLOAD_LEN - pad_at);
  return 0;
}

int
relay_msg_decode(const uint8_t *payload, size_t payload_len,
                 relay_header_t *hdr, const uint8_t **data_out)
{
  if (!payload || payload_len < RELAY_PAYLOAD_LEN) {
    log_protocol_warn(LD_PROTOCOL, "Relay cell payload too short (%zu bytes)",
                      payload_len);
    return -1;
  }
  relay_header_unpack(payload, hdr);
  if (hdr->length > RELAY_DATA_MAX) {
    log_protocol_warn(LD_PROTOCOL, "Relay cell (command %u) claims %u data "
                      "bytes; at most %d fit", hdr->command, hdr->length,
                      RELAY_DATA_MAX);
    return -1;
  }
  if (data_out)
    *data_out = payload + RELAY_HEADER_LEN;
  return 0;
}

const char *
relay_command_name(uint8_t command)
{
  static const char *const names[] = {
    [RELAY_COMMAND_BEGIN] = "BEGIN",
    [RELAY_COMMAND_DATA] = "DATA",
    [RELAY_COMMAND_END] = "END",
    [RELAY_COMMAND_CONNECTED] = "CONNECTED",
    [RELAY_COMMAND_SENDME] = "SENDME",
    [RELAY_COMMAND_EXTEND] = "EXTEND",
    [RELAY_COMMAND_EXTENDED] = "EXTENDED",
    [RELAY_COMMAND_TRUNCATE] = "TRUNCATE",
    [RELAY_COMMAND_TRUNCATED] = "TRUNCATED",
    [RELAY_COMMAND_DROP] = "DROP",
    [RELAY_COMMAND_RESOLVE] = "RESOLVE",
    [RELAY_COMMAND_RESOLVED] = "RESOLVED",
    [RELAY_COMMAND_BEGIN_DIR] = "BEGIN_DIR",
    [RELAY_COMMAND_EXTEND2] = "EXTEND2",
    [RELAY_COMMAND_EXTENDED2] = "EXTENDED2",
    [RELAY_COMMAND_CONFLUX_LINK] = "CONFLUX_LINK",
    [RELAY_COMMAND_CONFLUX_LINKED] = "CONFLUX_LINKED",
    [RELAY_COMMAND_CONFLUX_LINKED_ACK] = "CONFLUX_LINKED_ACK",
    [RELAY_COMMAND_CONFLUX_SWITCH] = "CONFLUX_SWITCH",
    [RELAY_COMMAND_ESTABLISH_INTRO] = "ESTABLISH_INTRO",
    [RELAY_COMMAND_ESTABLISH_RENDEZVOUS] = "ESTABLISH_RENDEZVOUS",
    [RELAY_COMMAND_INTRODUCE1] = "INTRODUCE1",
    [RELAY_COMMAND_INTRODUCE2] = "INTRODUCE2",
    [RELAY_COMMAND_RENDEZVOUS1] = "RENDEZVOUS1",
    [RELAY_COMMAND_RENDEZVOUS2] = "RENDEZVOUS2",
    [RELAY_COMMAND_INTRO_ESTABLISHED] = "INTRO_ESTABLISHED",
    [RELAY_COMMAND_RENDEZVOUS_ESTABLISHED] = "RENDEZVOUS_ESTABLISHED",
    [RELAY_COMMAND_INTRODUCE_ACK] = "INTRODUCE_ACK",
    [RELAY_COMMAND_PADDING_NEGOTIATE] = "PADDING_NEGOTIATE",
    [RELAY_COMMAND_PADDING_NEGOTIATED] = "PADDING_NEGOTIATED",
    [RELAY_COMMAND_XON] = "XON",
    [RELAY_COMMAND_XOFF] = "XOFF",
  };
  if (command < sizeof(names) / sizeof(names[0]) && names[command])
    return names[command];
  return "UNKNOWN";
}

const char *
end_reason_name(uint8_t reason)
{
  static const char *const names[] = {
    [END_REASON_MISC] = "MISC",
    [END_REASON_RESOLVEFAILED] = "RESOLVEFAILED",
    [END_REASON_CONNECTREFUSED] = "CONNECTREFUSED",
    [END_REASON_EXITPOLICY] = "EXITPOLICY",
    [END_REASON_DESTROY] = "DESTROY",
    [END_REASON_DONE] = "DONE",
    [END_REASON_TIMEOUT] = "TIMEOUT",
    [END_REASON_NOROUTE] = "NOROUTE",
    [END_REASON_HIBERNATING] = "HIBERNATING",
    [END_REASON_INTERNAL] = "INTERNAL",
    [END_REASON_RESOURCELIMIT] = "RESOURCELIMIT",
    [END_REASON_CONNRESET] = "CONNRESET",
    [END_REASON_TORPROTOCOL] = "TORPROTOCOL",
    [END_REASON_NOTDIRECTORY] = "NOTDIRECTORY",
  };
  if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
    return names[reason];
  return "UNKNOWN";
}

uint8_t
relay_end_reason(const uint8_t *body, size_t len)
{
  return (body && len) ? body[0] : END_REASON_MISC;
}
