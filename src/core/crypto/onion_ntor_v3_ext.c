/* ntor v3 extension lists: see onion_ntor_v3_ext.h. */
#include "orconfig.h"
#include "core/crypto/onion_ntor_v3_ext.h"

#include "lib/log/log.h"

#include <string.h>

int
onion_ntor3_exts_encode(uint8_t *out, size_t cap,
                        const onion_ntor3_ext_t *exts, size_t n)
{
  size_t need = 1;
  uint8_t *p;
  if (!out || (!exts && n) || n > 255)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (!exts[i].field && exts[i].len)
      return -1;
    need += 2 + (size_t)exts[i].len;
  }
  if (need > cap)
    return -1;
  p = out;
  *p++ = (uint8_t)n;
  for (size_t i = 0; i < n; i++) {
    *p++ = exts[i].type;
    *p++ = exts[i].len;
    if (exts[i].len)
      memcpy(p, exts[i].field, exts[i].len);
    p += exts[i].len;
  }
  return (int)need;
}

int
onion_ntor3_exts_parse(const uint8_t *msg, size_t len,
                       onion_ntor3_exts_t *out)
{
  size_t off = 1;
  if (!out)
    return -1;
  memset(out, 0, sizeof(*out));
  if (!msg && len)
    return -1;
  if (len == 0)
    return 0;
  for (unsigned i = 0; i < msg[0]; i++) {
    /* Each field needs its two header bytes, then its body. */
    if (len - off < 2 || len - off - 2 < msg[off + 1]) {
      log_protocol_warn(LD_PROTOCOL, "ntor3: extension %u of %u is "
                        "truncated", i + 1, (unsigned)msg[0]);
      return -1;
    }
    off += 2 + (size_t)msg[off + 1];
  }
  if (off != len) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: %zu bytes after the last "
                      "extension", len - off);
    return -1;
  }
  out->n = msg[0];
  out->body = msg + 1;
  out->body_len = len - 1;
  return 0;
}

int
onion_ntor3_exts_find(const onion_ntor3_exts_t *exts, uint8_t type,
                      const uint8_t **field, uint8_t *field_len)
{
  size_t off = 0;
  if (field)
    *field = NULL;
  if (field_len)
    *field_len = 0;
  if (!exts || !field || !field_len)
    return 0;
  /* exts came from onion_ntor3_exts_parse, but stay inside body_len even
   * if it did not. */
  for (unsigned i = 0; i < exts->n; i++) {
    uint8_t flen;
    if (exts->body_len - off < 2)
      return 0;
    flen = exts->body[off + 1];
    if (exts->body_len - off - 2 < flen)
      return 0;
    if (exts->body[off] == type) {
      *field = exts->body + off + 2;
      *field_len = flen;
      return 1;
    }
    off += 2 + (size_t)flen;
  }
  return 0;
}

int
onion_ntor3_cc_request_encode(uint8_t *out, size_t cap)
{
  const onion_ntor3_ext_t req = { NTOR3_EXT_CC_REQUEST, 0, NULL };
  return onion_ntor3_exts_encode(out, cap, &req, 1);
}

int
onion_ntor3_cc_request_parse(const uint8_t *msg, size_t len, int *requested)
{
  onion_ntor3_exts_t exts;
  const uint8_t *field;
  uint8_t flen;
  if (!requested)
    return -1;
  *requested = 0;
  if (onion_ntor3_exts_parse(msg, len, &exts) < 0)
    return -1;
  *requested = onion_ntor3_exts_find(&exts, NTOR3_EXT_CC_REQUEST, &field,
                                     &flen);
  return 0;
}

int
onion_ntor3_cc_response_encode(uint8_t *out, size_t cap, uint8_t sendme_inc)
{
  const onion_ntor3_ext_t resp = { NTOR3_EXT_CC_RESPONSE, 1, &sendme_inc };
  return onion_ntor3_exts_encode(out, cap, &resp, 1);
}

int
onion_ntor3_cc_response_parse(const uint8_t *msg, size_t len, int *present,
                              uint8_t *sendme_inc)
{
  onion_ntor3_exts_t exts;
  const uint8_t *field;
  uint8_t flen;
  if (!present || !sendme_inc)
    return -1;
  *present = 0;
  *sendme_inc = 0;
  if (onion_ntor3_exts_parse(msg, len, &exts) < 0)
    return -1;
  if (!onion_ntor3_exts_find(&exts, NTOR3_EXT_CC_RESPONSE, &field, &flen))
    return 0;
  if (flen != 1) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: congestion control response of "
                      "%u bytes, not 1", (unsigned)flen);
    return -1;
  }
  *present = 1;
  *sendme_inc = field[0];
  return 0;
}
