/* Fuzz the v3 descriptor parsers with each input: the outer layer as an
 * HSDir parses it, then (for inputs that pass, e.g. the seed corpus) both
 * decryption layers with a fixed identity key, without and with a client
 * authorization key (hs_desc_decrypt_auth); the middle and inner layer
 * parsers directly on the input as plaintext; the tokenizer and the layer
 * decryptor on raw bytes. (torcert's parser has its own target.) Every
 * refusal must come with a reason: one printable line. The seeds include
 * the malicious descriptors of tests/vectors/hs_bad_desc (bad-*.txt), made
 * for the same identity key and time.
 * FUZZ_EXTRA_SOURCES: src/core/or/torcert.c src/feature/hs/hs_cert.c src/feature/hs/hs_desc_layer.c src/feature/hs/hs_desc_build.c src/feature/hs/hs_desc_parse.c src/feature/hs/hs_docparse.c src/feature/hs/hs_keys.c
 */
#include "orconfig.h"

#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_docparse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_reason(const char *err)
{
  size_t n = 0;
  if (!err || !*err)
    abort();
  for (; err[n]; n++)
    if (err[n] < 0x20 || err[n] > 0x7e)
      abort();
  if (n > 255)
    abort();
}

/* The identity key of the seed descriptors (seed 0x07 * 32, as in
 * tests/unit/test_hs_desc.c build_then_parse). */
static const uint8_t IDENTITY_PK[32] = {
  0xea, 0x4a, 0x6c, 0x63, 0xe2, 0x9c, 0x52, 0x0a, 0xbe, 0xf5, 0x50, 0x7b,
  0x13, 0x2e, 0xc5, 0xf9, 0x95, 0x47, 0x76, 0xae, 0xbe, 0xbe, 0x7b, 0x92,
  0x42, 0x1e, 0xea, 0x69, 0x14, 0x46, 0xd2, 0x2c,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *err = NULL;
  /* a time when the seed descriptors' certificates are valid */
  const time_t now = 1763700000;
  hs_desc_t *d = hs_desc_parse_outer((const char *)data, size, now, &err);
  hs_doc_item_t item;
  hs_desc_layer_keys_t lk;
  size_t pos = 0, len;
  uint8_t *plain;

  if (d) {
    err = NULL;
    if (hs_desc_decrypt(d, IDENTITY_PK, now, &err) != 0)
      check_reason(err);
    hs_desc_free(d);
    static const uint8_t client_sk[32] = { 0x42, 0x42, 0x42, 0x42 };
    d = hs_desc_parse_outer((const char *)data, size, now, &err);
    if (d) {
      err = NULL;
      if (hs_desc_decrypt_auth(d, IDENTITY_PK, client_sk, now, &err) != 0)
        check_reason(err);
    }
    hs_desc_free(d);
  } else {
    check_reason(err);
  }
  while (hs_doc_next((const char *)data, size, &pos, &item) == 1)
    ;
  d = calloc(1, sizeof(*d));
  if (d) {
    err = NULL;
    uint8_t *blob = hs_desc_parse_middle_layer(d, (const char *)data, size,
                                               &len, &err);
    if (!blob)
      check_reason(err);
    free(blob);
    memset(d->signing_pk, 0x42, 32);
    err = NULL;
    if (hs_desc_parse_inner_layer(d, (const char *)data, size, now, &err) < 0)
      check_reason(err);
    hs_desc_free(d);
  }
  memset(&lk, 0, sizeof(lk));
  plain = hs_desc_layer_decrypt(HS_DESC_LAYER_ENCRYPTED, &lk, data, size,
                                &len);
  free(plain);
  return 0;
}
