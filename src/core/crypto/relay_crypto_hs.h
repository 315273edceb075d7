/* The end-to-end "virtual hop" between an onion service client and the
 * service over a joined rendezvous circuit (rend-spec-v3 4.2.1 and 5).
 *
 * It is relay cell crypto as in tor-spec 6.1 (recognized 0, a 4-byte
 * digest field holding the first bytes of a running digest, then a
 * counter-mode layer over the 509-byte payload), but with SHA3-256
 * running digests seeded with Df / Db (32 bytes each) and AES-256-CTR
 * with a zero IV keyed with Kf / Kb (32 bytes each), taken from the 128
 * bytes of hs-ntor key material Df | Db | Kf | Kb (hs_ntor.h).
 *
 * Directions: the client sends with (Df, Kf) and receives with (Db, Kb);
 * the service does the opposite (it sends with (Db, Kb) and receives with
 * (Df, Kf)). On both ends the layer sits beyond the circuit's own hops:
 *   sending:   hs_e2e_crypto_encrypt_outgoing(), then the forward layers
 *              of the circuit's hops, last hop first, WITHOUT sealing for
 *              any of them (the cell is addressed to the virtual hop);
 *   receiving: peel the backward layers of every hop of the circuit; when
 *              none of them recognizes the cell, hand it to
 *              hs_e2e_crypto_decrypt_incoming().
 *
 * Authenticated SENDMEs (proposal 289) on this hop carry the first 20
 * bytes (SENDME_DIGEST_LEN) of the 32-byte SHA3-256 running digest after
 * the acknowledged cell, exactly as tor truncates its running digest to
 * DIGEST_LEN for the SENDME of any hop: pass the pointer from
 * hs_e2e_crypto_last_*_digest() to sendme.h, which reads 20 bytes.
 *
 * The digests are OpenSSL's; reading a running digest copies its EVP
 * context, which OpenSSL 3.0 does with one small allocation per cell. */
#ifndef TOR_CORE_CRYPTO_RELAY_CRYPTO_HS_H
#define TOR_CORE_CRYPTO_RELAY_CRYPTO_HS_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/relay_msg.h"

/* Df 32 | Db 32 | Kf 32 | Kb 32 (= HS_NTOR_E2E_KEY_LEN). */
#define HS_E2E_KEY_MATERIAL_LEN 128
#define HS_E2E_DIGEST_LEN 32

typedef struct hs_e2e_crypto_t hs_e2e_crypto_t;

/* The end-to-end layer for the client (is_service 0) or the service
 * (is_service 1) from keys_len (>= 128) bytes laid out Df | Db | Kf | Kb.
 * NULL on failure. Free with hs_e2e_crypto_free. */
hs_e2e_crypto_t *hs_e2e_crypto_new(const uint8_t *keys, size_t keys_len,
                                   int is_service);
/* Wipes and frees; NULL is fine. */
void hs_e2e_crypto_free(hs_e2e_crypto_t *c);

/* payload is a plaintext relay cell (relay_msg_encode) this end sends:
 * set recognized 0 and the digest field from the outgoing running
 * digest, then encrypt it with the outgoing key. Returns 0 or -1. */
int hs_e2e_crypto_encrypt_outgoing(hs_e2e_crypto_t *c,
                                   uint8_t payload[RELAY_PAYLOAD_LEN]);

/* payload arrived from the other end with every circuit layer removed:
 * decrypt it with the incoming key. Returns 1 if recognized is zero and
 * the digest matches (the incoming digest then includes the cell), 0 if
 * not: the payload is garbage and the keystream has moved on, so the
 * circuit must be closed (log_protocol_warn). -1 on a bad argument or
 * cipher failure. */
int hs_e2e_crypto_decrypt_incoming(hs_e2e_crypto_t *c,
                                   uint8_t payload[RELAY_PAYLOAD_LEN]);

/* The full 32-byte running digest after the last cell sent / recognized;
 * all zero before the first. Points into c. */
const uint8_t *hs_e2e_crypto_last_outgoing_digest(const hs_e2e_crypto_t *c);
const uint8_t *hs_e2e_crypto_last_incoming_digest(const hs_e2e_crypto_t *c);

#endif
