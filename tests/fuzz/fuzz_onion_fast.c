/* libFuzzer target: the CREATED_FAST parser (onion_fast_client_finish) on
 * arbitrary input, as the reply to a fixed X (record 0 of
 * tests/vectors/fast/fast.txt; the seeds in corpus/onion_fast are its valid
 * reply, that reply padded to a full cell, and near misses, from
 * tests/vectors/gen/gen_fast.py --seeds). An accepted reply must be at
 * least 40 bytes whose KH matches what the relay side computes for its Y,
 * with the same keys; a refused one must leave the keys zeroed. The input
 * is also answered as a CREATE_FAST payload, and the client holding that X
 * must accept the answer with the same keys.
 * FUZZ_EXTRA_SOURCES: src/core/crypto/onion_fast.c
 */
#include "orconfig.h"
#include "core/crypto/onion_fast.h"
#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t X0[ONION_FAST_HASH_LEN] = {
  0x96, 0xbd, 0xff, 0x65, 0x42, 0xb5, 0xc3, 0x10, 0x37, 0xa1,
  0x08, 0xeb, 0xbd, 0xce, 0x61, 0x97, 0xbf, 0xe4, 0x30, 0x59,
};

static void
fuzz_reply(const uint8_t *data, size_t size)
{
  onion_fast_client_state_t st;
  uint8_t skin[ONION_FAST_ONIONSKIN_LEN], keys[ONION_FAST_KEY_WITH_KH_LEN];
  uint8_t reply[ONION_FAST_REPLY_LEN], skeys[ONION_FAST_KEY_WITH_KH_LEN];
  if (onion_fast_client_create_with_x(&st, X0, skin) < 0)
    abort();
  memset(keys, 0xee, sizeof(keys));
  if (onion_fast_client_finish(&st, data, size, keys, sizeof(keys)) < 0) {
    if (!crypto_mem_is_zero(keys, sizeof(keys)))
      abort();
    return;
  }
  if (size < ONION_FAST_REPLY_LEN ||
      onion_fast_server_respond_with_y(X0, sizeof(X0), data, reply, skeys, sizeof(skeys)) < 0 ||
      memcmp(reply, data, sizeof(reply)) || memcmp(keys, skeys, sizeof(keys)))
    abort();
}

static void
fuzz_onionskin(const uint8_t *data, size_t size)
{
  static const uint8_t y[ONION_FAST_HASH_LEN] = { 1, 2, 3, 4, 5 };
  onion_fast_client_state_t st;
  uint8_t skin[ONION_FAST_ONIONSKIN_LEN], reply[ONION_FAST_REPLY_LEN];
  uint8_t keys[ONION_FAST_KEY_WITH_KH_LEN], ckeys[ONION_FAST_KEY_WITH_KH_LEN];
  memset(keys, 0xee, sizeof(keys));
  if (onion_fast_server_respond_with_y(data, size, y, reply, keys, sizeof(keys)) < 0) {
    if (size >= ONION_FAST_ONIONSKIN_LEN || !crypto_mem_is_zero(keys, sizeof(keys)))
      abort();
    return;
  }
  if (size < ONION_FAST_ONIONSKIN_LEN ||
      onion_fast_client_create_with_x(&st, data, skin) < 0 ||
      onion_fast_client_finish(&st, reply, sizeof(reply), ckeys, sizeof(ckeys)) < 0 ||
      memcmp(keys, ckeys, sizeof(keys)))
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_reply(data, size);
  fuzz_onionskin(data, size);
  return 0;
}
