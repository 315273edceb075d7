/* VERSIONS, AUTH_CHALLENGE and NETINFO payloads; see cell_link.h. */
#include "orconfig.h"

#include "core/or/cell_link.h"

#include <string.h>

int
versions_payload_best(const uint8_t *payload, size_t len, int *best)
{
  size_t i;
  *best = 0;
  if (len % 2)
    return -1;
  for (i = 0; i < len; i += 2) {
    int v = (payload[i] << 8) | payload[i + 1];
    if (v >= LINK_PROTO_MIN && v <= LINK_PROTO_MAX && v > *best)
      *best = v;
  }
  return 0;
}

size_t
versions_cell_encode(uint8_t *dst, size_t cap)
{
  size_t n = 0, plen = 2 * (LINK_PROTO_MAX - LINK_PROTO_MIN + 1);
  int v;
  if (cap < CELL_CIRCID_LEN_NARROW + 3 + plen)
    return 0;
  dst[n++] = 0;
  dst[n++] = 0;
  dst[n++] = CELL_VERSIONS;
  dst[n++] = (uint8_t)(plen >> 8);
  dst[n++] = (uint8_t)plen;
  for (v = LINK_PROTO_MIN; v <= LINK_PROTO_MAX; v++) {
    dst[n++] = (uint8_t)(v >> 8);
    dst[n++] = (uint8_t)v;
  }
  return n;
}

int
auth_challenge_parse(auth_challenge_t *out, const uint8_t *payload,
                     size_t len)
{
  size_t i;
  memset(out, 0, sizeof(*out));
  if (len < AUTH_CHALLENGE_LEN + 2)
    return -1;
  memcpy(out->challenge, payload, AUTH_CHALLENGE_LEN);
  out->n_methods = (uint16_t)((payload[32] << 8) | payload[33]);
  if (len - 34 < 2 * (size_t)out->n_methods)
    return -1;
  for (i = 0; i < out->n_methods; i++) {
    const uint8_t *m = payload + 34 + 2 * i;
    if (m[0] == 0 && m[1] == 3)
      out->has_ed25519_method = 1;
  }
  return 0;
}

/* Parse one ATYPE/ALEN/AVAL at *p; advances *p. -1 if truncated. */
static int
netinfo_parse_addr(netinfo_addr_t *out, const uint8_t *payload, size_t len,
                   size_t *p)
{
  uint8_t type, alen;
  if (len - *p < 2)
    return -1;
  type = payload[*p];
  alen = payload[*p + 1];
  *p += 2;
  if (len - *p < alen)
    return -1;
  memset(out, 0, sizeof(*out));
  if ((type == NETINFO_ADDR_IPV4 && alen == 4) ||
      (type == NETINFO_ADDR_IPV6 && alen == 16)) {
    out->type = type;
    memcpy(out->addr, payload + *p, alen);
  }
  *p += alen;
  return 0;
}

int
netinfo_parse(netinfo_t *out, const uint8_t *payload, size_t len)
{
  size_t p = 4, i;
  netinfo_addr_t scratch;
  memset(out, 0, sizeof(*out));
  if (len < 4)
    return -1;
  out->timestamp = ((uint32_t)payload[0] << 24) |
                   ((uint32_t)payload[1] << 16) |
                   ((uint32_t)payload[2] << 8) | payload[3];
  if (netinfo_parse_addr(&out->other_addr, payload, len, &p) < 0)
    return -1;
  if (len - p < 1)
    return -1;
  out->n_my_addrs = payload[p++];
  for (i = 0; i < out->n_my_addrs; i++) {
    netinfo_addr_t *dst = i < NETINFO_MAX_MY_ADDRS ? &out->my_addrs[i]
                                                    : &scratch;
    if (netinfo_parse_addr(dst, payload, len, &p) < 0)
      return -1;
  }
  return 0;
}

/* Append one address; -1 if it does not fit. */
static int
netinfo_put_addr(uint8_t *payload, size_t *p, const netinfo_addr_t *a)
{
  size_t alen = a->type == NETINFO_ADDR_IPV4 ? 4
              : a->type == NETINFO_ADDR_IPV6 ? 16 : 0;
  if (CELL_PAYLOAD_LEN - *p < 2 + alen)
    return -1;
  payload[(*p)++] = a->type;
  payload[(*p)++] = (uint8_t)alen;
  memcpy(payload + *p, a->addr, alen);
  *p += alen;
  return 0;
}

int
netinfo_encode(uint8_t payload[CELL_PAYLOAD_LEN], uint32_t timestamp,
               const netinfo_addr_t *other, const netinfo_addr_t *mine,
               size_t n_mine)
{
  size_t p = 0, i;
  if (n_mine > 255)
    return -1;
  memset(payload, 0, CELL_PAYLOAD_LEN);
  payload[p++] = (uint8_t)(timestamp >> 24);
  payload[p++] = (uint8_t)(timestamp >> 16);
  payload[p++] = (uint8_t)(timestamp >> 8);
  payload[p++] = (uint8_t)timestamp;
  if (netinfo_put_addr(payload, &p, other) < 0)
    return -1;
  payload[p++] = (uint8_t)n_mine;
  for (i = 0; i < n_mine; i++)
    if (netinfo_put_addr(payload, &p, &mine[i]) < 0)
      return -1;
  return 0;
}
