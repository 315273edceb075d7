/* Conflux relay message bodies: see conflux_cell.h. */
#include "orconfig.h"
#include "core/or/conflux_cell.h"
#include "core/crypto/relay_msg.h"

#include <string.h>

static void
put_u64(uint8_t *p, uint64_t v)
{
  for (int i = 7; i >= 0; i--) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

static uint64_t
get_u64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

int
conflux_link_encode(uint8_t *out, size_t out_len, const conflux_link_t *link)
{
  if (!out || !link || out_len < CONFLUX_LINK_BODY_LEN)
    return -1;
  out[0] = CONFLUX_LINK_VERSION;
  memcpy(out + 1, link->nonce, CONFLUX_NONCE_LEN);
  put_u64(out + 1 + CONFLUX_NONCE_LEN, link->last_seq_sent);
  put_u64(out + 1 + CONFLUX_NONCE_LEN + 8, link->last_seq_recv);
  out[1 + CONFLUX_NONCE_LEN + 16] = link->desired_ux;
  return CONFLUX_LINK_BODY_LEN;
}

int
conflux_link_parse(const uint8_t *body, size_t len, conflux_link_t *out)
{
  if (!body || !out || len < CONFLUX_LINK_BODY_LEN || body[0] != CONFLUX_LINK_VERSION)
    return -1;
  uint8_t ux = body[1 + CONFLUX_NONCE_LEN + 16];
  if (ux > CONFLUX_UX_LOW_MEM_THROUGHPUT)
    return -1;
  memcpy(out->nonce, body + 1, CONFLUX_NONCE_LEN);
  out->last_seq_sent = get_u64(body + 1 + CONFLUX_NONCE_LEN);
  out->last_seq_recv = get_u64(body + 1 + CONFLUX_NONCE_LEN + 8);
  out->desired_ux = ux;
  return 0;
}

int
conflux_switch_encode(uint8_t *out, size_t out_len, uint32_t relative_seq)
{
  if (!out || out_len < CONFLUX_SWITCH_BODY_LEN)
    return -1;
  out[0] = (uint8_t)(relative_seq >> 24);
  out[1] = (uint8_t)(relative_seq >> 16);
  out[2] = (uint8_t)(relative_seq >> 8);
  out[3] = (uint8_t)relative_seq;
  return CONFLUX_SWITCH_BODY_LEN;
}

int
conflux_switch_parse(const uint8_t *body, size_t len, uint32_t *relative_seq)
{
  if (!body || !relative_seq || len < CONFLUX_SWITCH_BODY_LEN)
    return -1;
  *relative_seq = ((uint32_t)body[0] << 24) | ((uint32_t)body[1] << 16) |
                  ((uint32_t)body[2] << 8) | body[3];
  return 0;
}

int
conflux_command_is_multiplexed(uint8_t relay_command)
{
  switch (relay_command) {
    case RELAY_COMMAND_BEGIN:
    case RELAY_COMMAND_DATA:
    case RELAY_COMMAND_END:
    case RELAY_COMMAND_CONNECTED:
    case RELAY_COMMAND_RESOLVE:
    case RELAY_COMMAND_RESOLVED:
    case RELAY_COMMAND_XOFF:
    case RELAY_COMMAND_XON:
      return 1;
    default:
      return 0;
  }
}

int
conflux_ux_from_name(const char *name)
{
  static const struct { const char *name; int ux; } names[] = {
    { "throughput", CONFLUX_UX_HIGH_THROUGHPUT },
    { "latency", CONFLUX_UX_MIN_LATENCY },
    { "throughput_lowmem", CONFLUX_UX_LOW_MEM_THROUGHPUT },
    { "latency_lowmem", CONFLUX_UX_LOW_MEM_LATENCY },
  };
  if (!name)
    return -1;
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (!strcmp(name, names[i].name))
      return names[i].ux;
  return -1;
}
