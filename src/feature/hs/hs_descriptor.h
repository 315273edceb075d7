/* Onion service v3 descriptors (rend-spec-v3 2.4 - 2.5): building the
 * signed, doubly encrypted document a service uploads, and parsing one.
 *
 * The document as real tor 0.4.9 writes it, and as we write it:
 *   hs-descriptor 3 / descriptor-lifetime / descriptor-signing-key-cert
 *   (type 08, signed by the blinded key, which rides in the extension) /
 *   revision-counter / superencrypted (MESSAGE) / signature (unpadded
 *   base64 of Ed25519 by the descriptor signing key over
 *   "Tor onion service descriptor sig v3" | everything before "signature";
 *   no final newline).
 * The superencrypted plaintext: desc-auth-type x25519, a fresh ephemeral
 * X25519 key, 16 fake auth-client lines (base64 of 8, 16 and 16 bytes, as
 * real tor writes them), encrypted (MESSAGE); no final
 * newline; NUL-padded to 10000 bytes (hs_desc_layer).
 * The encrypted plaintext: create2-formats 2, [intro-auth-required],
 * [single-onion-service], [flow-control], then per intro point:
 * introduction-point (base64 link specifier block), onion-key ntor,
 * auth-key (type 09 cert of the intro auth key, signed by the descriptor
 * signing key), enc-key ntor, enc-key-cert (type 0B cert of the enc key's
 * Ed25519 form, sign bit 0).
 *
 * Client authorization (2.5.1.2, 2.5.2.1): hs_desc_decrypt_auth takes a
 * client's X25519 secret key, finds its auth-client line and decrypts the
 * descriptor cookie that keys the inner layer (crypto in hs_desc_layer.h).
 * Our own descriptors (hs_desc_encode) carry fake auth-client lines only:
 * the service side of client authorization is not implemented. */
#ifndef TOR_FEATURE_HS_HS_DESCRIPTOR_H
#define TOR_FEATURE_HS_HS_DESCRIPTOR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HS_DESC_LIFETIME_DEFAULT 180          /* minutes */
#define HS_DESC_LIFETIME_MIN 30
#define HS_DESC_LIFETIME_MAX 720
#define HS_DESC_CERT_LIFETIME (54 * 3600)    /* seconds, as tor */
#define HS_DESC_N_FAKE_AUTH_CLIENTS 16
#define HS_DESC_MAX_LEN 50000                 /* HSDirs refuse this and more */
#define HS_DESC_MAX_INTRO_POINTS 20
#define HS_DESC_LINK_SPEC_MAX_LEN 1024

typedef struct hs_desc_intro_point_t {
  uint8_t *link_specifiers;     /* the NSPEC block (rend-spec-v3 0.4); owned */
  size_t link_specifiers_len;
  uint8_t onion_key[32];        /* the intro relay's ntor onion key */
  uint8_t auth_key[32];         /* Ed25519 intro point authentication key */
  uint8_t enc_key[32];          /* X25519 key for INTRODUCE2 encryption */
} hs_desc_intro_point_t;

/* One well-formed "auth-client" line of the superencrypted layer. */
typedef struct hs_desc_auth_client_t {
  uint8_t client_id[8];
  uint8_t iv[16];
  uint8_t encrypted_cookie[32];
  size_t encrypted_cookie_len;   /* 16 (real tor) or 32 (the spec) */
} hs_desc_auth_client_t;

typedef struct hs_desc_t {
  /* Outer layer. */
  uint32_t lifetime_minutes;
  uint64_t revision_counter;
  uint8_t blinded_pk[32];               /* signer of the signing-key cert */
  uint8_t signing_pk[32];               /* descriptor signing key */
  uint32_t signing_cert_expiration;     /* hours since the epoch (parse) */
  uint8_t *superencrypted;              /* the blob (parse); owned */
  size_t superencrypted_len;
  /* Middle layer (parse only). */
  uint8_t auth_ephemeral_key[32];
  int n_auth_clients;                   /* auth-client lines */
  size_t n_auth_client_entries;         /* those well formed: */
  hs_desc_auth_client_t *auth_clients;  /* owned */
  /* Inner layer. */
  int create2_ntor;                     /* "create2-formats" lists 2 */
  int intro_auth_ed25519;               /* intro-auth-required ed25519 */
  int single_onion_service;
  char *flow_control;                   /* e.g. "1-2 31"; NULL if absent;
                                           owned */
  size_t n_intro_points;
  hs_desc_intro_point_t *intro_points;  /* owned */
} hs_desc_t;

/* The keys a service signs with for one time period. */
typedef struct hs_desc_signing_keys_t {
  uint8_t identity_pk[32];   /* the onion address key (for the subcred) */
  uint8_t blinded_pk[32];
  uint8_t blinded_esk[64];   /* signs the descriptor-signing-key cert */
  uint8_t signing_pk[32];
  uint8_t signing_esk[64];   /* signs the descriptor and intro certs */
} hs_desc_signing_keys_t;

/* Frees desc and everything it owns; NULL is fine. */
void hs_desc_free(hs_desc_t *desc);

/* Build and sign the descriptor for desc's lifetime, revision counter,
 * inner-layer fields and intro points (desc's blinded_pk, signing_pk and
 * parse-only fields are ignored; keys says). Certificates expire
 * HS_DESC_CERT_LIFETIME after now. Salts, the ephemeral key and the fake
 * auth-client lines are fresh random bytes. Returns a malloc'd
 * NUL-terminated document (caller frees) and sets *len_out, or NULL on
 * failure (bad fields, too many intro points, or HS_DESC_MAX_LEN bytes or
 * more). */
char *hs_desc_encode(const hs_desc_t *desc, const hs_desc_signing_keys_t *keys,
                     time_t now, size_t *len_out);

/* Parse the outer layer of len bytes as an HSDir does: the items, their
 * order and counts, the signing-key cert (type 08 with its signing key,
 * unexpired at `now`, signature checked) and the descriptor signature.
 * Returns a new descriptor with the outer fields and the superencrypted
 * blob (free with hs_desc_free), or NULL with a reason in *err (if err).
 * Certificates use core/or/torcert.
 *
 * The reasons of all the parse functions here name the item, the
 * introduction point or the line ("introduction point 2: bad auth-key
 * certificate: bad Ed25519 signature"); they may live in a static buffer
 * that the next parse overwrites. What is refused (rend-spec-v3 2.4-2.5,
 * dir-spec 1.2; tests/unit/test_hs_desc_bad.c has a case for each): 50000
 * bytes or more (as tor); NUL bytes (but as the layers' padding), control
 * characters, CR, bytes that are not UTF-8, keywords outside [A-Za-z0-9-];
 * a known item twice, missing, or with too many arguments; values out of
 * range; any certificate that is not of its type, lacks the
 * signed-with-key extension, carries an unknown extension flagged
 * affects-validation, has expired or is not signed by the right key; more
 * than HS_DESC_MAX_INTRO_POINTS intro points; a link specifier block that
 * is empty, longer than HS_DESC_LINK_SPEC_MAX_LEN, or whose NSPEC and
 * lengths do not add up; create2-formats without 2. Unknown items, extra
 * arguments and key types other than ntor are ignored.
 *
 * Where we are stricter than tor 0.4.9: tor skips an intro point that is
 * malformed or whose certificates fail and uses the others; we refuse the
 * descriptor (its inner layer is signed by the service: a service that
 * signs garbage is broken or hostile). Tor does not check the expiry of
 * intro point certificates (its own never expire before the signing-key
 * cert does). Like tor we do not compare enc-key-cert's key with enc-key
 * (stem, hence OnionBalance, certifies the auth key there), and the
 * caller must check that the blinded key is the service's for the period
 * (hs_dirop does). */
hs_desc_t *hs_desc_parse_outer(const char *doc, size_t len, time_t now,
                               const char **err);

/* Decrypt and parse both inner layers of a descriptor from
 * hs_desc_parse_outer, for the service whose onion address key is
 * identity_pk, filling the middle and inner fields and the intro points
 * (their certificates must be unexpired at now and signed by the signing
 * key). Returns 0, or -1 with a reason in *err -- or
 * HS_DESC_DECRYPT_NEED_CLIENT_AUTH when the middle layer decrypted but the
 * inner one did not: the service restricts it to authorized clients. */
#define HS_DESC_DECRYPT_NEED_CLIENT_AUTH (-2)
int hs_desc_decrypt(hs_desc_t *desc, const uint8_t identity_pk[32],
                    time_t now, const char **err);
/* As hs_desc_decrypt, as the client whose X25519 secret key is client_sk
 * (NULL: none, which is hs_desc_decrypt). With a key, the cookie of the
 * auth-client line whose CLIENT-ID is ours keys the inner layer; without
 * such a line the inner layer is tried without a cookie, as tor does (the
 * service may not use client authorization). With a key, an inner layer
 * that still does not decrypt gives HS_DESC_DECRYPT_BAD_CLIENT_AUTH: the
 * key is not one the service knows. */
#define HS_DESC_DECRYPT_BAD_CLIENT_AUTH (-3)
int hs_desc_decrypt_auth(hs_desc_t *desc, const uint8_t identity_pk[32],
                         const uint8_t *client_sk, time_t now,
                         const char **err);

/* The two decrypted layers' parsers that hs_desc_decrypt uses, for the
 * fuzzer and for tools that re-encrypt layers (OnionBalance). text is the
 * decrypted plaintext: it may end in NUL padding, but nothing other than
 * NULs may follow the first NUL. The middle parser fills the auth fields
 * (auth-client lines whose fields are not base64 of 8, 16 and 16 or 32
 * bytes are counted but not kept) and returns the encrypted blob
 * (malloc'd; *blob_len set) or NULL; the inner
 * parser fills the inner fields and intro points (certificates checked
 * against d->signing_pk) of a descriptor that has none yet. */
uint8_t *hs_desc_parse_middle_layer(hs_desc_t *d, const char *text,
                                    size_t len, size_t *blob_len,
                                    const char **err);
int hs_desc_parse_inner_layer(hs_desc_t *d, const char *text, size_t len,
                              time_t now, const char **err);

#endif
