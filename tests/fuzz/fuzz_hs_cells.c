/* libFuzzer target: the onion service cell parsers on arbitrary input —
 * ESTABLISH_INTRO (parse, then verify under a fixed KH), INTRO_ESTABLISHED,
 * INTRODUCE2 (the whole service path with fixed intro point keys: parse,
 * auth key, replay cache, MAC, decrypt, plaintext), the INTRODUCE2
 * plaintext parser directly (a fuzzer cannot forge the MAC to reach it),
 * RENDEZVOUS2, and the client's INTRODUCE_ACK and link specifier blocks
 * (descriptor intro points). Whatever a parser accepts must point inside
 * its input.
 * FUZZ_EXTRA_SOURCES: src/feature/hs/hs_cells.c src/core/crypto/hs_ntor.c
 */
#include "orconfig.h"
#include "feature/hs/hs_cells.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t size)
{
  if (!p || p < buf || n > size || p + n > buf + size)
    abort();
}

static void
check_exts(const hs_cell_exts_t *e, const uint8_t *buf, size_t size)
{
  const uint8_t *f;
  uint8_t flen;
  if (e->n == 0 && e->body_len == 0)
    return;
  check_inside(e->body, e->body_len, buf, size);
  for (unsigned t = 0; t < 256; t += 51)
    if (hs_cell_exts_find(e, (uint8_t)t, &f, &flen))
      check_inside(f, flen, e->body, e->body_len);
}

static void
fuzz_establish_intro(const uint8_t *data, size_t size)
{
  static const uint8_t kh[HS_CELL_KH_LEN] = { 1, 2, 3 };
  hs_establish_intro_t cell;
  if (hs_cell_establish_intro_parse(data, size, &cell) < 0)
    return;
  check_inside(cell.auth_key, 32, data, size);
  check_inside(cell.handshake_auth, 32, data, size);
  check_inside(cell.sig, 64, data, size);
  check_exts(&cell.exts, data, size);
  (void)hs_cell_establish_intro_verify(&cell, data, kh);
}

static void
fuzz_intro_established(const uint8_t *data, size_t size)
{
  hs_cell_exts_t e;
  if (hs_cell_intro_established_parse(data, size, &e) == 0)
    check_exts(&e, data, size);
}

static void
check_plaintext(const hs_intro2_plaintext_t *pt, const uint8_t *buf,
                size_t size)
{
  check_inside(pt->rend_cookie, HS_REND_COOKIE_LEN, buf, size);
  check_inside(pt->onion_key, 32, buf, size);
  check_inside(pt->link_specifiers, pt->link_specifiers_len, buf, size);
  check_exts(&pt->exts, buf, size);
  if (!pt->rend_point.has_legacy_id)
    abort();
}

static void
fuzz_introduce2(const uint8_t *data, size_t size)
{
  /* Fixed intro point keys (B only enters the KDF, so it need not be b's
   * public key); the auth key is taken from the input so that cells get
   * past the auth key check to the MAC. */
  static const uint8_t auth_pk[32] = { 0 };
  static const uint8_t b[32] = { 0x11, 0x22, 0x33 };
  static const uint8_t B[32] = { 9 };
  static const uint8_t subcreds[2][HS_NTOR_SUBCRED_LEN] = { { 5 }, { 6 } };
  static hs_replay_cache_t *rc;
  hs_intro_point_keys_t ipk;
  hs_introduce2_t cell;
  hs_intro2_plaintext_t pt;
  uint8_t plain[RELAY_PAYLOAD_LEN], X[32];
  if (!rc)
    rc = hs_replay_cache_new(1024);
  if (hs_cell_introduce2_parse(data, size, &cell) == 0) {
    check_inside(cell.auth_key, 32, data, size);
    check_inside(cell.encrypted, cell.encrypted_len, data, size);
    check_exts(&cell.exts, data, size);
    if (cell.header_len + cell.encrypted_len != size)
      abort();
  }
  ipk.auth_pk = size > 55 ? data + 23 : auth_pk;
  ipk.enc_sk = b;
  ipk.enc_pk = B;
  ipk.subcreds = subcreds;
  ipk.n_subcreds = 2;
  if (hs_cell_introduce2_process(data, size, &ipk, rc, plain, &pt, X,
                                 NULL) == 0)
    check_plaintext(&pt, plain, sizeof(plain));
}

static void
fuzz_plaintext(const uint8_t *data, size_t size)
{
  hs_intro2_plaintext_t pt;
  if (hs_cell_intro2_plaintext_parse(data, size, &pt) == 0) {
    check_plaintext(&pt, data, size);
    if (pt.pad_len > size)
      abort();
  }
}

static void
fuzz_rendezvous2(const uint8_t *data, size_t size)
{
  const uint8_t *reply;
  if (hs_cell_rendezvous2_parse(data, size, &reply) == 0)
    check_inside(reply, HS_NTOR_REPLY_LEN, data, size);
}

static void
fuzz_introduce_ack(const uint8_t *data, size_t size)
{
  hs_cell_exts_t e;
  uint16_t status;
  if (hs_cell_introduce_ack_parse(data, size, &status, &e) == 0)
    check_exts(&e, data, size);
}

static void
fuzz_link_specifiers(const uint8_t *data, size_t size)
{
  extend2_request_t r;
  memset(&r, 0, sizeof(r));
  long n = hs_cell_link_specifiers_parse(data, size, "fuzz", &r);
  if (n >= 0 && (n < 1 || (size_t)n > size))
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* Copy into an exact-size heap buffer so ASan sees any overread. */
  uint8_t *buf = malloc(size ? size : 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  fuzz_establish_intro(buf, size);
  fuzz_intro_established(buf, size);
  fuzz_introduce2(buf, size);
  fuzz_plaintext(buf, size);
  fuzz_rendezvous2(buf, size);
  fuzz_introduce_ack(buf, size);
  fuzz_link_specifiers(buf, size);
  free(buf);
  return 0;
}
