/* A relay's keys, in DataDirectory/keys as tor 0.4.9 keeps them (relay
 * part 1; ../shared/notes/relay.md section 1):
 *   secret_id_key                 PEM "RSA PRIVATE KEY", RSA-1024 identity
 *   secret_onion_key              PEM, RSA-1024 TAP onion key (authorities
 *                                 still require its onion-key line)
 *   secret_onion_key_ntor         "c25519v1: onion" | secret (32) | public (32)
 *   ed25519_master_id_secret_key  "ed25519v1-secret: type0" | expanded key
 *   ed25519_master_id_public_key  "ed25519v1-public: type0" | key
 *   ed25519_signing_secret_key    "ed25519v1-secret: type4" | expanded key
 *   ed25519_signing_cert          "ed25519v1-cert: type4" | cert type 04
 *                                 (master -> signing key, 30 days)
 * and DataDirectory/fingerprint ("NICK HEX40\n") and fingerprint-ed25519
 * ("NICK base64-unpadded\n"). Files that exist are always used: a file
 * that does not parse, or whose parts disagree (public key, certificate),
 * is an error naming it and is never replaced; missing ones are made. The
 * signing key and its certificate are renewed when the certificate has
 * less than a day left. (Onion key rotation comes with the descriptor.) */
#ifndef TOR_FEATURE_RELAY_RELAY_KEYS_H
#define TOR_FEATURE_RELAY_RELAY_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/or/torcert.h"
#include "lib/crypt/crypto_rsa.h"

#define RELAY_SIGNING_CERT_LIFETIME (30 * 24 * 3600)
#define RELAY_SIGNING_CERT_RENEW_BEFORE (24 * 3600)

typedef struct relay_keys_t {
  crypto_rsa_key_t *identity;            /* owned */
  crypto_rsa_key_t *onion;               /* owned: the TAP key */
  uint8_t ntor_sk[32], ntor_pk[32];
  uint8_t master_pk[32], master_esk[64];
  uint8_t signing_pk[32], signing_esk[64];
  uint8_t signing_cert[ED25519_CERT_WITH_SIGNER_LEN];
  time_t signing_expires;
  uint8_t fingerprint[DIGEST_LEN];       /* SHA-1 of the identity key's DER */
} relay_keys_t;

/* Loads DataDirectory/keys (made 0700 when missing), making what is
 * missing, at time now. 0, or -1 with "FILE: reason" in err (out cleared). */
int relay_keys_load_or_create(const char *datadir, time_t now, relay_keys_t *out, char *err,
                              size_t errlen);
/* Writes fingerprint and fingerprint-ed25519 for nickname. */
int relay_keys_write_fingerprints(const char *datadir, const char *nickname,
                                  const relay_keys_t *k, char *err, size_t errlen);
/* "9CCD4FA9..." (40 characters), or with spaces "9CCD 4FA9 ... CCBD" as
 * --list-fingerprint prints it; out holds 50 bytes. */
void relay_keys_format_fingerprint(const uint8_t fp[DIGEST_LEN], int spaces, char out[50]);
/* The Ed25519 identity in unpadded base64 (43 characters); out holds 44. */
void relay_keys_format_ed25519(const uint8_t pk[32], char out[44]);
/* Frees the RSA keys and wipes the secrets. */
void relay_keys_clear(relay_keys_t *k);

#endif
