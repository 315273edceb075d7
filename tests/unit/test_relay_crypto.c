/* Tests for core/crypto/relay_crypto and relay_digest against an
 * independent Python reference of a 3-hop circuit
 * (tests/vectors/gen/gen_relaycrypto.py: python3-cryptography AES-128-CTR
 * and hashlib SHA-1, written from tor-spec 5.5 / 6.1; output committed as
 * tests/vectors/relaycrypto/circuit3.txt). The client side and the relays'
 * side (three separate hop objects with the same keys) each process every
 * cell and must reproduce the reference bytes. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/relay_crypto.h"
#include "core/crypto/relay_digest.h"

#include <string.h>

#define VEC "tests/vectors/relaycrypto/circuit3.txt"
#define N_HOPS 3

static const uint8_t *
field(const vecfile_t *vf, int rec, const char *name, size_t want_len)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  UT_EQ_INT(len, want_len);
  return p;
}

static void
make_hops(const vecfile_t *vf, relay_crypto_t *hops[N_HOPS])
{
  static const char *const names[N_HOPS] = {
    "hop0_keys", "hop1_keys", "hop2_keys" };
  for (int i = 0; i < N_HOPS; i++) {
    hops[i] = relay_crypto_new(field(vf, 0, names[i], 72), 72);
    UT_ASSERT(hops[i] != NULL);
  }
}

static void
free_hops(relay_crypto_t *hops[N_HOPS])
{
  for (int i = 0; i < N_HOPS; i++)
    relay_crypto_free(hops[i]);
}

/* The client's view: what it sends is byte-exact, and what arrives is
 * attributed to the right hop with the right plaintext and digest. */
UNITTEST(relay_crypto, client_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  relay_crypto_t *hops[N_HOPS];
  uint8_t p[RELAY_PAYLOAD_LEN];
  int n_fwd = 0, n_back = 0;
  make_hops(vf, hops);
  for (int r = 1; r < vecfile_n_records(vf); r++) {
    int dir = field(vf, r, "dir", 1)[0], hop = field(vf, r, "hop", 1)[0];
    if (dir == 0) {
      memcpy(p, field(vf, r, "plain", 509), 509);
      UT_EQ_INT(relay_crypto_client_encrypt(hops, hop, p), 0);
      UT_EQ_MEM(p, field(vf, r, "wire", 509), 509);
      UT_EQ_MEM(relay_crypto_last_forward_digest(hops[hop]),
                field(vf, r, "digest", 20), 20);
      n_fwd++;
    } else {
      memcpy(p, field(vf, r, "wire", 509), 509);
      UT_EQ_INT(relay_crypto_client_decrypt(hops, N_HOPS, p), hop);
      UT_EQ_MEM(p, field(vf, r, "sealed", 509), 509);
      UT_EQ_MEM(relay_crypto_last_backward_digest(hops[hop]),
                field(vf, r, "digest", 20), 20);
      n_back++;
    }
  }
  UT_ASSERT(n_fwd >= 4 && n_back >= 4);
  free_hops(hops);
  vecfile_free(vf);
}

/* The relays' view: each forward cell is peeled hop by hop, passes the hops
 * it is not for (unrecognized), and is recognized by its target; each
 * backward cell is originated by its hop and wrapped by the earlier ones. */
UNITTEST(relay_crypto, relays_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  relay_crypto_t *hops[N_HOPS];
  uint8_t p[RELAY_PAYLOAD_LEN];
  make_hops(vf, hops);
  for (int r = 1; r < vecfile_n_records(vf); r++) {
    int dir = field(vf, r, "dir", 1)[0], hop = field(vf, r, "hop", 1)[0];
    if (dir == 0) {
      memcpy(p, field(vf, r, "wire", 509), 509);
      for (int i = 0; i < hop; i++)
        UT_EQ_INT(relay_crypto_relay_decrypt_forward(hops[i], p), 0);
      UT_EQ_INT(relay_crypto_relay_decrypt_forward(hops[hop], p), 1);
      UT_EQ_MEM(p, field(vf, r, "sealed", 509), 509);
      UT_EQ_MEM(relay_crypto_last_forward_digest(hops[hop]),
                field(vf, r, "digest", 20), 20);
    } else {
      memcpy(p, field(vf, r, "plain", 509), 509);
      UT_EQ_INT(relay_crypto_relay_encrypt_backward(hops[hop], p, 1), 0);
      UT_EQ_MEM(relay_crypto_last_backward_digest(hops[hop]),
                field(vf, r, "digest", 20), 20);
      for (int i = hop - 1; i >= 0; i--)
        UT_EQ_INT(relay_crypto_relay_encrypt_backward(hops[i], p, 0), 0);
      UT_EQ_MEM(p, field(vf, r, "wire", 509), 509);
    }
  }
  free_hops(hops);
  vecfile_free(vf);
}

/* A cell that no hop recognizes is reported, not attributed. */
UNITTEST(relay_crypto, unrecognized_at_client)
{
  vecfile_t *vf = vecfile_load(VEC);
  relay_crypto_t *hops[N_HOPS];
  uint8_t p[RELAY_PAYLOAD_LEN];
  make_hops(vf, hops);
  /* The first backward cell with one data bit flipped on the wire: the
   * cipher is a stream cipher, so the plaintext bit flips and the digest
   * no longer matches at hop 2 (nor anywhere else). */
  for (int r = 1; r < vecfile_n_records(vf); r++) {
    if (field(vf, r, "dir", 1)[0] != 1)
      continue;
    memcpy(p, field(vf, r, "wire", 509), 509);
    p[100] ^= 0x01;
    UT_EQ_INT(relay_crypto_client_decrypt(hops, N_HOPS, p), -1);
    break;
  }
  free_hops(hops);
  vecfile_free(vf);
}

/* A wrong digest with recognized == 0 is refused and leaves the running
 * digest untouched, so the next genuine cell still verifies. */
UNITTEST(relay_crypto, wrong_digest_keeps_state)
{
  static const uint8_t seed[20] = "0123456789abcdefghij";
  relay_digest_t *sender = relay_digest_new(seed, 20);
  relay_digest_t *receiver = relay_digest_new(seed, 20);
  uint8_t cell[RELAY_PAYLOAD_LEN], fake[RELAY_PAYLOAD_LEN];
  uint8_t d1[20], d2[20];
  UT_ASSERT(sender && receiver);
  memset(cell, 0x5c, sizeof(cell));
  cell[1] = cell[2] = 0;
  relay_digest_add_cell(sender, cell, d1);
  memcpy(cell + 5, d1, 4);
  memcpy(fake, cell, sizeof(fake));
  fake[6] ^= 0x80;                       /* wrong digest field */
  UT_EQ_INT(relay_digest_check_cell(receiver, fake, d2), 0);
  fake[6] ^= 0x80;
  fake[300] ^= 1;                        /* wrong body */
  UT_EQ_INT(relay_digest_check_cell(receiver, fake, d2), 0);
  UT_EQ_INT(relay_digest_check_cell(receiver, cell, d2), 1);
  UT_EQ_MEM(d2, d1, 20);
  /* Replaying the same cell fails: the digest has moved on. */
  UT_EQ_INT(relay_digest_check_cell(receiver, cell, d2), 0);
  relay_digest_free(sender);
  relay_digest_free(receiver);
}

/* The running digest is SHA-1(seed | cell with digest field zeroed):
 * checked against hashlib's value for an all-0x5c cell and seed
 * "0123456789abcdefghij" (computed with /usr/bin/python3 -c "import
 * hashlib; c=bytearray(b'\\x5c'*509); c[1:3]=b'\\0\\0'; c[5:9]=bytes(4);
 * print(hashlib.sha1(b'0123456789abcdefghij'+c).hexdigest())"). */
UNITTEST(relay_crypto, digest_definition)
{
  static const uint8_t seed[20] = "0123456789abcdefghij";
  relay_digest_t *d = relay_digest_new(seed, 20);
  uint8_t cell[RELAY_PAYLOAD_LEN], out[20];
  memset(cell, 0x5c, sizeof(cell));
  cell[1] = cell[2] = 0;
  relay_digest_add_cell(d, cell, out);  /* digest field 5c.. is ignored */
  UT_EQ_HEX(out, 20, "eb38fa25f50d1831ba251c4c4b59a535f13ef77c");
  relay_digest_free(d);
}

UNITTEST(relay_crypto, bad_keys)
{
  uint8_t keys[72] = { 0 };
  UT_ASSERT(relay_crypto_new(keys, 71) == NULL);
  UT_ASSERT(relay_crypto_new(NULL, 72) == NULL);
  relay_crypto_free(NULL);
}
