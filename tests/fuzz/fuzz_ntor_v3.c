/* libFuzzer target: the ntor v3 parsers on arbitrary input — the input as
 * the server's reply to a fixed client handshake (proposal 332's X.2
 * vector: the seeds are valid replies to it, so mutations reach the
 * decrypt and extension paths), as an onionskin for a relay holding the
 * vector's keys, and as an extension list. An accepted reply or onionskin
 * must yield a message of the implied length, an accepted extension list
 * must point inside its input and re-encode to the same bytes, and a
 * refusal must leave every output zeroed. The seeds (corpus/ntor_v3) come
 * from tests/vectors/gen/gen_ntor_v3_seeds.py.
 * FUZZ_EXTRA_SOURCES: src/core/crypto/onion_ntor_v3.c src/core/crypto/onion_ntor_v3_ext.c
 */
#include "orconfig.h"
#include "core/crypto/onion_ntor_v3.h"
#include "core/crypto/onion_ntor_v3_ext.h"
#include "lib/crypt/crypto_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Proposal 332, X.2. */
static const char V_b[] =
  "4051daa5921cfa2a1c27b08451324919538e79e788a81b38cbed097a5dff454a";
static const char V_B[] =
  "f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa8b6cdd1d";
static const char V_ID[] =
  "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2";
static const char V_x[] =
  "b825a3719147bcbe5fb1d0b0fcb9c09e51948048e2e3283d2ab7b45b5ef38b49";
static const char V_y[] =
  "4865a5b7689dafd978f529291c7171bc159be076b92186405d13220b80e2a053";

static onion_ntor3_client_state_t client;
static onion_ntor3_server_key_t server_key;
static uint8_t relay_id[NTOR3_ID_LEN], server_y[NTOR3_KEY_LEN];
static const uint8_t ver[] = "xyzzy";

static void
unhex32(uint8_t out[32], const char *hex)
{
  for (int i = 0; i < 32; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1)
      abort();
    out[i] = (uint8_t)v;
  }
}

static void
setup(void)
{
  static int done;
  uint8_t x[32], skin[NTOR3_ONIONSKIN_OVERHEAD + 11];
  size_t n;
  if (done)
    return;
  done = 1;
  unhex32(server_key.b, V_b);
  unhex32(server_key.B, V_B);
  unhex32(relay_id, V_ID);
  unhex32(x, V_x);
  unhex32(server_y, V_y);
  if (onion_ntor3_client_create_with_secret(
          &client, relay_id, server_key.B, x, ver, 5,
          (const uint8_t *)"hello world", 11, skin, sizeof(skin), &n) < 0)
    abort();
}

static void
check_inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t size)
{
  if (n == 0)
    return;
  if (!p || p < buf || n > size || p + n > buf + size)
    abort();
}

static void
fuzz_exts(const uint8_t *data, size_t size)
{
  onion_ntor3_exts_t e;
  onion_ntor3_ext_t fields[255];
  const uint8_t *f;
  uint8_t flen, *again;
  size_t off = 0;
  int requested, present, n;
  uint8_t inc;

  (void)onion_ntor3_cc_request_parse(data, size, &requested);
  if (onion_ntor3_cc_response_parse(data, size, &present, &inc) < 0 &&
      (present || inc))
    abort();
  if (onion_ntor3_exts_parse(data, size, &e) < 0) {
    if (e.n || e.body || e.body_len)
      abort();
    return;
  }
  if (size == 0)
    return;
  check_inside(e.body, e.body_len, data, size);
  for (unsigned t = 0; t < 256; t += 17)
    if (onion_ntor3_exts_find(&e, (uint8_t)t, &f, &flen))
      check_inside(f, flen, e.body, e.body_len);
  /* The encoding is canonical: take the fields apart and put them back. */
  for (unsigned i = 0; i < e.n; i++) {
    fields[i].type = e.body[off];
    fields[i].len = e.body[off + 1];
    fields[i].field = fields[i].len ? e.body + off + 2 : NULL;
    off += 2 + (size_t)fields[i].len;
  }
  if (off != e.body_len)
    abort();
  again = malloc(size);
  if (!again)
    abort();
  n = onion_ntor3_exts_encode(again, size, fields, e.n);
  if (n < 0 || (size_t)n != size || memcmp(again, data, size))
    abort();
  free(again);
}

/* The input as CREATED2 HDATA for the fixed client. */
static void
fuzz_reply(const uint8_t *data, size_t size)
{
  uint8_t sm[512], keys[ONION_NTOR3_CIRCUIT_KEY_LEN];
  size_t sm_len = 1;
  if (onion_ntor3_client_finish(&client, data, size, sm, sizeof(sm),
                                &sm_len, keys, sizeof(keys)) < 0) {
    if (sm_len || !crypto_mem_is_zero(sm, sizeof(sm)) ||
        !crypto_mem_is_zero(keys, sizeof(keys)))
      abort();
    return;
  }
  if (sm_len != size - NTOR3_REPLY_OVERHEAD)
    abort();
  fuzz_exts(sm, sm_len);
}

/* The input as CREATE2 HDATA for the vector's relay, answered with a
 * congestion control response when asked. */
static void
fuzz_onionskin(const uint8_t *data, size_t size)
{
  onion_ntor3_server_state_t st;
  uint8_t cm[512], sm[8], reply[NTOR3_REPLY_OVERHEAD + sizeof(sm)];
  uint8_t keys[ONION_NTOR3_CIRCUIT_KEY_LEN];
  size_t cm_len = 1, reply_len;
  int requested = 0, sm_n = 0;
  if (onion_ntor3_server_parse(&st, relay_id, &server_key, 1, ver, 5, data,
                               size, cm, sizeof(cm), &cm_len) < 0) {
    if (cm_len || !crypto_mem_is_zero(cm, sizeof(cm)) ||
        !crypto_mem_is_zero(&st, sizeof(st)))
      abort();
    return;
  }
  if (cm_len != size - NTOR3_ONIONSKIN_OVERHEAD)
    abort();
  fuzz_exts(cm, cm_len);
  if (onion_ntor3_cc_request_parse(cm, cm_len, &requested) == 0 && requested)
    sm_n = onion_ntor3_cc_response_encode(sm, sizeof(sm), 31);
  if (sm_n < 0 ||
      onion_ntor3_server_reply_with_secret(&st, server_y, sm, (size_t)sm_n,
                                           reply, sizeof(reply), &reply_len,
                                           keys, sizeof(keys)) < 0 ||
      reply_len != NTOR3_REPLY_OVERHEAD + (size_t)sm_n)
    abort();
  onion_ntor3_server_clear(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  setup();
  fuzz_reply(data, size);
  fuzz_onionskin(data, size);
  fuzz_exts(data, size);
  return 0;
}
