/* CREATE2 / CREATED2 / EXTEND2 / EXTENDED2 bodies: see onion_cells.h. */
#include "orconfig.h"
#include "core/crypto/onion_cells.h"

#include "lib/log/log.h"

#include <string.h>

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

/* HTYPE | HLEN | HDATA at out; bytes written or -1. */
static int
handshake_encode(uint8_t *out, size_t cap, const onion_handshake_t *hs)
{
  if (!out || !hs || (!hs->hdata && hs->hlen) || cap < 4u + hs->hlen)
    return -1;
  put_u16(out, hs->htype);
  put_u16(out + 2, hs->hlen);
  if (hs->hlen)
    memcpy(out + 4, hs->hdata, hs->hlen);
  return 4 + hs->hlen;
}

/* HTYPE | HLEN | HDATA from body; bytes consumed or -1. */
static int
handshake_parse(const uint8_t *body, size_t len, onion_handshake_t *hs,
                const char *what)
{
  if (len < 4) {
    log_protocol_warn(LD_PROTOCOL, "%s: truncated handshake header", what);
    return -1;
  }
  hs->htype = get_u16(body);
  hs->hlen = get_u16(body + 2);
  if (hs->hlen > len - 4) {
    log_protocol_warn(LD_PROTOCOL, "%s: handshake length %u exceeds the "
                      "%zu bytes left", what, hs->hlen, len - 4);
    return -1;
  }
  hs->hdata = body + 4;
  return 4 + hs->hlen;
}

int
create2_body_encode(uint8_t *out, size_t cap, const onion_handshake_t *hs)
{
  return handshake_encode(out, cap, hs);
}

int
create2_body_parse(const uint8_t *body, size_t len, onion_handshake_t *hs_out)
{
  if (!body || !hs_out)
    return -1;
  return handshake_parse(body, len, hs_out, "CREATE2") < 0 ? -1 : 0;
}

int
created2_body_encode(uint8_t *out, size_t cap, const uint8_t *hdata,
                     uint16_t hlen)
{
  if (!out || (!hdata && hlen) || cap < 2u + hlen)
    return -1;
  put_u16(out, hlen);
  if (hlen)
    memcpy(out + 2, hdata, hlen);
  return 2 + hlen;
}

int
created2_body_parse(const uint8_t *body, size_t len,
                    const uint8_t **hdata_out, uint16_t *hlen_out)
{
  uint16_t hlen;
  if (!body || !hdata_out || !hlen_out)
    return -1;
  if (len < 2) {
    log_protocol_warn(LD_PROTOCOL, "CREATED2/EXTENDED2 body too short "
                      "(%zu bytes)", len);
    return -1;
  }
  hlen = get_u16(body);
  if (hlen > len - 2) {
    log_protocol_warn(LD_PROTOCOL, "CREATED2/EXTENDED2 handshake length %u "
                      "exceeds the %zu bytes of the body", hlen, len - 2);
    return -1;
  }
  *hlen_out = hlen;
  *hdata_out = body + 2;
  return 0;
}

/* Append one link specifier at out + *pos (cap bytes in all). */
static int
put_spec(uint8_t *out, size_t cap, size_t *pos, uint8_t type,
         const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
  if (cap - *pos < 2 + alen + blen)
    return -1;
  out[(*pos)++] = type;
  out[(*pos)++] = (uint8_t)(alen + blen);
  memcpy(out + *pos, a, alen);
  *pos += alen;
  if (blen) {
    memcpy(out + *pos, b, blen);
    *pos += blen;
  }
  return 0;
}

int
extend2_body_encode(uint8_t *out, size_t cap, const extend2_request_t *req)
{
  size_t pos = 1;
  uint8_t nspec = 0, port[2];
  int n;
  if (!out || !req || cap < 1)
    return -1;
  if (req->has_ipv4) {
    put_u16(port, req->ipv4_port);
    if (put_spec(out, cap, &pos, LS_IPV4, req->ipv4_addr, 4, port, 2) < 0)
      return -1;
    nspec++;
  }
  if (req->has_legacy_id) {
    if (put_spec(out, cap, &pos, LS_LEGACY_ID, req->legacy_id,
                 LS_LEGACY_ID_LEN, NULL, 0) < 0)
      return -1;
    nspec++;
  }
  if (req->has_ed25519_id) {
    if (put_spec(out, cap, &pos, LS_ED25519_ID, req->ed25519_id,
                 LS_ED25519_ID_LEN, NULL, 0) < 0)
      return -1;
    nspec++;
  }
  if (req->has_ipv6) {
    put_u16(port, req->ipv6_port);
    if (put_spec(out, cap, &pos, LS_IPV6, req->ipv6_addr, 16, port, 2) < 0)
      return -1;
    nspec++;
  }
  out[0] = nspec;
  n = handshake_encode(out + pos, cap - pos, &req->handshake);
  if (n < 0)
    return -1;
  return (int)pos + n;
}

/* Take one known link specifier into req; 0, or -1 if it is malformed. */
static int
take_spec(extend2_request_t *req, uint8_t type, const uint8_t *v,
          uint8_t vlen)
{
  switch (type) {
    case LS_IPV4:
      if (vlen != LS_IPV4_LEN)
        break;
      if (!req->has_ipv4) {
        req->has_ipv4 = 1;
        memcpy(req->ipv4_addr, v, 4);
        req->ipv4_port = get_u16(v + 4);
      }
      return 0;
    case LS_IPV6:
      if (vlen != LS_IPV6_LEN)
        break;
      if (!req->has_ipv6) {
        req->has_ipv6 = 1;
        memcpy(req->ipv6_addr, v, 16);
        req->ipv6_port = get_u16(v + 16);
      }
      return 0;
    case LS_LEGACY_ID:
      if (vlen != LS_LEGACY_ID_LEN || req->has_legacy_id)
        break;
      req->has_legacy_id = 1;
      memcpy(req->legacy_id, v, LS_LEGACY_ID_LEN);
      return 0;
    case LS_ED25519_ID:
      if (vlen != LS_ED25519_ID_LEN || req->has_ed25519_id)
        break;
      req->has_ed25519_id = 1;
      memcpy(req->ed25519_id, v, LS_ED25519_ID_LEN);
      return 0;
    default:
      return 0;  /* unknown specifiers are ignored */
  }
  log_protocol_warn(LD_PROTOCOL, "EXTEND2: bad or repeated link specifier "
                    "of type %u (length %u)", type, vlen);
  return -1;
}

int
extend2_body_parse(const uint8_t *body, size_t len,
                   extend2_request_t *req_out)
{
  size_t pos = 1;
  if (!body || !req_out)
    return -1;
  memset(req_out, 0, sizeof(*req_out));
  if (len < 1) {
    log_protocol_warn(LD_PROTOCOL, "EXTEND2: empty body");
    return -1;
  }
  for (unsigned i = 0; i < body[0]; i++) {
    uint8_t type, vlen;
    if (len - pos < 2) {
      log_protocol_warn(LD_PROTOCOL, "EXTEND2: truncated link specifier");
      return -1;
    }
    type = body[pos];
    vlen = body[pos + 1];
    pos += 2;
    if (len - pos < vlen) {
      log_protocol_warn(LD_PROTOCOL, "EXTEND2: link specifier of type %u "
                        "runs past the body", type);
      return -1;
    }
    if (take_spec(req_out, type, body + pos, vlen) < 0)
      return -1;
    pos += vlen;
  }
  return handshake_parse(body + pos, len - pos, &req_out->handshake,
                         "EXTEND2") < 0 ? -1 : 0;
}
