/* The CERTS cell (tor-spec 4.2) and its verification as a client (an
 * initiator that does not authenticate) verifies a responder:
 *   - exactly one each of type 2 (RSA-1024 identity, X.509, self-signed),
 *     4 (Ed25519 identity -> signing key), 5 (signing key -> SHA-256 of the
 *     TLS link certificate) and 7 (RSA -> Ed25519 cross-certificate);
 *   - every certificate correctly signed by the key the chain says, none
 *     expired at `now`;
 *   - the type-5 certified digest equals the SHA-256 of the certificate the
 *     peer used in TLS; the cross-certificate certifies the Ed25519
 *     identity of the type-4 cert and is signed by the type-2 RSA key.
 * On success the peer's identities are known: the SHA-1 of its RSA key's
 * DER (the relay fingerprint) and its Ed25519 identity key. */
#ifndef TOR_CORE_OR_LINK_HANDSHAKE_CERTS_H
#define TOR_CORE_OR_LINK_HANDSHAKE_CERTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/ed25519.h"

/* CERTS cell certificate types (tor-spec 4.2). */
#define CERTS_TYPE_RSA_LINK 1
#define CERTS_TYPE_RSA_ID 2
#define CERTS_TYPE_RSA_AUTH 3
#define CERTS_TYPE_ED_ID_SIGNING 4
#define CERTS_TYPE_ED_SIGNING_LINK 5
#define CERTS_TYPE_ED_SIGNING_AUTH 6
#define CERTS_TYPE_RSA_ED_CROSSCERT 7
#define CERTS_MAX_TYPE 7

/* One certificate of a CERTS cell; body points into the parsed payload. */
typedef struct certs_entry_t {
  uint8_t type;
  uint16_t len;
  const uint8_t *body;
} certs_entry_t;

/* The certificates of a CERTS cell, indexed by type (types we know, 1-7);
 * entries of unknown types are skipped. Pointers into the payload. */
typedef struct certs_cell_t {
  uint8_t n_certs;                       /* as listed */
  certs_entry_t by_type[CERTS_MAX_TYPE + 1];  /* len 0 / body NULL: absent */
} certs_cell_t;

/* Parse a CERTS payload: -1 if truncated or a known type appears twice.
 * Trailing bytes after the last certificate are ignored (tor-spec). */
int certs_cell_parse(certs_cell_t *out, const uint8_t *payload, size_t len,
                     const char **err);

typedef struct link_peer_ids_t {
  uint8_t rsa_id_digest[DIGEST_LEN];       /* SHA-1 of the PKCS#1 DER key */
  uint8_t ed25519_id[ED25519_PUBKEY_LEN];
} link_peer_ids_t;

/* Verify a responder's CERTS payload as above. tls_cert_sha256 is the
 * SHA-256 of the DER certificate the peer presented in TLS. 0 and *out
 * filled on success; -1 and *err (a static string) on failure. */
int certs_cell_verify_responder(const uint8_t *payload, size_t len,
                                const uint8_t tls_cert_sha256[32],
                                time_t now, link_peer_ids_t *out,
                                const char **err);

#endif
