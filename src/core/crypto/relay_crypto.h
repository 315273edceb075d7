/* Relay cell crypto for one circuit hop (tor-spec 5.5, 6.1): AES-128-CTR
 * with a zero IV in each direction (Kf forward, Kb backward) and running
 * SHA-1 digests seeded with Df and Db. Works in place on 509-byte relay
 * payloads; after relay_crypto_new nothing allocates.
 *
 * Client (origin) side, over the circuit's hops in order (hops[0] is the
 * first hop):
 *   relay_crypto_client_encrypt()  seal a plaintext cell for hops[target]
 *       (recognized 0, digest from target's forward digest) and add the
 *       layers target..0.
 *   relay_crypto_client_decrypt()  peel layers 0..n-1 until one hop
 *       recognizes the cell; returns that hop's index.
 * Relay side (one hop; also the peer's view in tests):
 *   relay_crypto_relay_decrypt_forward(), relay_crypto_relay_encrypt_backward().
 *
 * Authenticated SENDMEs need the full digest after particular cells: each
 * hop remembers the 20-byte digest after the last cell it sealed or
 * recognized in each direction (relay_crypto_last_*_digest). */
#ifndef TOR_CORE_CRYPTO_RELAY_CRYPTO_H
#define TOR_CORE_CRYPTO_RELAY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/relay_digest.h"
#include "core/crypto/relay_msg.h"

/* Df 20 | Db 20 | Kf 16 | Kb 16: the first ONION_NTOR_CIRCUIT_KEY_LEN
 * bytes of the ntor key material. */
#define RELAY_CRYPTO_KEY_MATERIAL_LEN 72

typedef struct relay_crypto_t relay_crypto_t;

/* The crypto state of one hop from keys_len (>= 72) bytes of key material
 * laid out Df | Db | Kf | Kb (extra bytes, e.g. KH, are ignored). NULL on
 * failure. The caller owns it; free with relay_crypto_free. */
relay_crypto_t *relay_crypto_new(const uint8_t *keys, size_t keys_len);
/* Wipes and frees; NULL is fine. */
void relay_crypto_free(relay_crypto_t *rc);

/* Client: payload is a plaintext relay cell (relay_msg_encode) for
 * hops[target]. Sets recognized to 0 and the digest field, then encrypts
 * with the forward keys of hops target, target-1, ..., 0. Returns 0, or -1
 * on a bad argument or cipher failure. */
int relay_crypto_client_encrypt(relay_crypto_t *const *hops, int target,
                                uint8_t payload[RELAY_PAYLOAD_LEN]);

/* Client: encrypt an already sealed payload (for a hop beyond these, such
 * as an onion service's end-to-end hop) with the forward keys of hops
 * n_hops-1, ..., 0, sealing nothing. Returns 0 or -1. */
int relay_crypto_client_add_layers(relay_crypto_t *const *hops, int n_hops,
                                   uint8_t payload[RELAY_PAYLOAD_LEN]);

/* Client: payload arrived from hops[0]. Decrypt with the backward keys of
 * hops 0, 1, ... and stop at the first hop for which recognized is zero and
 * the digest matches (that hop's backward digest then includes the cell).
 * Returns the hop index, or -1 if no hop recognizes it: every hop's layer
 * is then removed and every hop's backward keystream has moved on. On an
 * onion service's rendezvous circuit that is the cell for the end-to-end
 * hop; on any other circuit the caller closes it (as tor does). */
int relay_crypto_client_decrypt(relay_crypto_t *const *hops, int n_hops,
                                uint8_t payload[RELAY_PAYLOAD_LEN]);

/* Relay: decrypt a cell coming from the client with Kf. Returns 1 if it is
 * for this hop (recognized and digest match; the forward digest then
 * includes it), 0 if it should be passed on, -1 on cipher failure. */
int relay_crypto_relay_decrypt_forward(relay_crypto_t *rc,
                                       uint8_t payload[RELAY_PAYLOAD_LEN]);

/* Relay: encrypt a cell going toward the client with Kb. If originate is
 * set, the cell is a plaintext this hop sends: first set recognized 0 and
 * the digest from the backward digest. Returns 0 or -1. */
int relay_crypto_relay_encrypt_backward(relay_crypto_t *rc,
                                        uint8_t payload[RELAY_PAYLOAD_LEN],
                                        int originate);

/* The full running forward (client-to-hop) / backward (hop-to-client)
 * digest after the last cell sealed or recognized at this hop in that
 * direction; all zero before the first. A pointer into rc. */
const uint8_t *relay_crypto_last_forward_digest(const relay_crypto_t *rc);
const uint8_t *relay_crypto_last_backward_digest(const relay_crypto_t *rc);

#endif
