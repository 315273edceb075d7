/* Directory authority key certificates (dir-spec 3.1): a document binding
 * an authority's long-term identity key to its medium-term signing key.
 *
 * Parsing verifies everything that can be checked without a clock:
 *  - the version is 3, the keys are RSA of at least 1024 bits, e = 65537;
 *  - "fingerprint" equals SHA-1 of the identity key's DER;
 *  - dir-key-crosscert: the signing key's signature over SHA-1 of the
 *    identity key's DER;
 *  - dir-key-certification: the identity key's signature over SHA-1 of the
 *    document from "dir-key-certificate-version" through the newline after
 *    "dir-key-certification".
 * A certificate that fails any check is never returned. Validity times are
 * checked separately against "now" (authcert_check_time).
 *
 * Ownership: authcert_parse / authcert_list_parse return new objects; free
 * them with authcert_free / authcert_list_free. */
#ifndef TOR_FEATURE_DIRPARSE_AUTHCERT_H
#define TOR_FEATURE_DIRPARSE_AUTHCERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/crypt/crypto_rsa.h"

/* A certificate published further in the future than this is not used. */
#define AUTHCERT_MAX_FUTURE_SKEW (24 * 60 * 60)

typedef struct authcert_t {
  uint8_t identity_digest[DIGEST_LEN];    /* the v3ident: SHA-1(id key DER) */
  uint8_t signing_key_digest[DIGEST_LEN]; /* SHA-1(signing key DER) */
  crypto_rsa_key_t *identity_key;         /* owned */
  crypto_rsa_key_t *signing_key;          /* owned */
  time_t published, expires;
  char dir_address[64];                   /* "IP:port", or "" if absent */
  /* Where this certificate's text was in the parsed input. */
  size_t text_offset, text_len;
} authcert_t;

/* Parses and verifies one certificate filling exactly len bytes (blank
 * lines aside). NULL on failure, with a reason in err. */
authcert_t *authcert_parse(const char *s, size_t len, char *err,
                           size_t errlen);
void authcert_free(authcert_t *cert);

typedef struct authcert_list_t {
  authcert_t **certs;
  size_t n;
  size_t n_rejected;   /* well-formed items that failed verification */
} authcert_list_t;

/* Parses a concatenation of certificates (cached-certs, /tor/keys/...).
 * Certificates that fail verification are logged and counted in
 * n_rejected; the rest are returned. NULL if the text as a whole is not a
 * sequence of certificates (reason in err). */
authcert_list_t *authcert_list_parse(const char *s, size_t len, char *err,
                                     size_t errlen);
void authcert_list_free(authcert_list_t *list);

/* The certificate in list with this identity and signing-key digest, or
 * NULL. */
const authcert_t *authcert_list_find(const authcert_list_t *list,
                                     const uint8_t identity[DIGEST_LEN],
                                     const uint8_t signing_key[DIGEST_LEN]);

typedef enum {
  AUTHCERT_TIME_OK = 0,
  AUTHCERT_TIME_NOT_YET,   /* published more than AUTHCERT_MAX_FUTURE_SKEW
                            * after now */
  AUTHCERT_TIME_EXPIRED,   /* now is after dir-key-expires */
} authcert_time_t;
authcert_time_t authcert_check_time(const authcert_t *cert, time_t now);

#endif
