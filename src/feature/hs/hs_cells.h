/* The relay cell bodies an onion service sends and receives
 * (rend-spec-v3 3 and 4), with their crypto:
 *
 *   ESTABLISH_INTRO (3.1.1), service -> intro point:
 *     AUTH_KEY_TYPE 1 (02) | AUTH_KEY_LEN 2 (32) | AUTH_KEY 32 |
 *     N_EXTENSIONS 1 | extensions | HANDSHAKE_AUTH 32 | SIG_LEN 2 (64) |
 *     SIG 64
 *     HANDSHAKE_AUTH = MAC(KH, every byte before HANDSHAKE_AUTH), MAC as in
 *       hs_ntor.h and KH the 20 bytes of the intro circuit's last hop that
 *       follow Df|Db|Kf|Kb in its ntor key material;
 *     SIG = Ed25519 by AUTH_KEY over "Tor establish-intro cell v1" | every
 *       byte before SIG_LEN.
 *   INTRO_ESTABLISHED (3.1.3): N_EXTENSIONS | extensions (or empty).
 *   INTRODUCE1 = INTRODUCE2 (3.2.1, 3.3.2):
 *     LEGACY_KEY_ID 20 (zero) | AUTH_KEY_TYPE 1 (02) | AUTH_KEY_LEN 2 (32) |
 *     AUTH_KEY 32 | N_EXTENSIONS 1 | extensions |
 *     ENCRYPTED = CLIENT_PK 32 | ENCRYPTED_DATA | MAC 32
 *     MAC = MAC(MAC_KEY, every byte of the cell before the MAC field),
 *       i.e. from LEGACY_KEY_ID through ENCRYPTED_DATA: this is what tor
 *       computes (the spec text says "from AUTH_KEY"; the running peer
 *       wins). ENCRYPTED_DATA is AES-256-CTR under ENC_KEY, IV zero.
 *     Plaintext (3.3): RENDEZVOUS_COOKIE 20 | N_EXTENSIONS 1 | extensions |
 *       ONION_KEY_TYPE 1 (01) | ONION_KEY_LEN 2 (32) | ONION_KEY 32 |
 *       NSPEC 1 | link specifiers | PAD (zeros).
 *     tor pads the plaintext so that the whole cell is at least
 *     HS_CELL_INTRODUCE1_MIN_LEN bytes.
 *   RENDEZVOUS1 (4.2): RENDEZVOUS_COOKIE 20 | HANDSHAKE_INFO (Y 32 | AUTH 32)
 *   RENDEZVOUS2: HANDSHAKE_INFO.
 *
 * Extensions are EXT_FIELD_TYPE 1 | EXT_FIELD_LEN 1 | EXT_FIELD; unknown
 * types are ignored, and only the first of each type counts. Parsers
 * check every length against the body, keep pointers into the caller's
 * buffer (no copies, no allocation) and return 0, or -1 after a
 * log_protocol_warn(LD_REND, ...). Encoders write into out (cap bytes)
 * and return the length, or -1. */
#ifndef TOR_FEATURE_HS_HS_CELLS_H
#define TOR_FEATURE_HS_HS_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/hs_ntor.h"
#include "core/crypto/onion_cells.h"
#include "core/crypto/relay_msg.h"

#define HS_REND_COOKIE_LEN 20
#define HS_LEGACY_KEY_ID_LEN 20
#define HS_CELL_KH_LEN 20
#define HS_AUTH_KEY_TYPE_ED25519 0x02
#define HS_ONION_KEY_TYPE_NTOR 0x01
/* ESTABLISH_INTRO extension (3.1.1.1) and its parameters. */
#define HS_EST_INTRO_EXT_DOS 0x01
#define HS_DOS_PARAM_INTRO2_RATE_PER_SEC 0x01
#define HS_DOS_PARAM_INTRO2_BURST_PER_SEC 0x02
#define HS_DOS_PARAM_MAX 2147483647
/* Extensions of the INTRODUCE1 plaintext: congestion control request
 * (proposal 324, empty body) and proof of work (proposal 327). */
#define HS_INTRO_EXT_CC_REQUEST 0x01
#define HS_INTRO_EXT_POW 0x02
#define HS_CELL_INTRODUCE1_MIN_LEN 246
/* An ESTABLISH_INTRO without extensions. */
#define HS_CELL_ESTABLISH_INTRO_LEN (1 + 2 + 32 + 1 + 32 + 2 + 64)  /* 134 */
#define HS_CELL_RENDEZVOUS1_LEN (HS_REND_COOKIE_LEN + HS_NTOR_REPLY_LEN)

/* A validated list of extensions inside a cell (points into it). */
typedef struct hs_cell_exts_t {
  uint8_t n;            /* N_EXTENSIONS */
  const uint8_t *body;  /* the n encoded fields, body_len bytes */
  size_t body_len;
} hs_cell_exts_t;

/* The first extension of type in exts: points *field at its EXT_FIELD and
 * sets *field_len; returns 1, or 0 if there is none. */
int hs_cell_exts_find(const hs_cell_exts_t *exts, uint8_t type,
                      const uint8_t **field, uint8_t *field_len);

/* ---- ESTABLISH_INTRO ---- */

/* DoS parameters for the intro point (3.1.1.1); has_dos 0: no extension. */
typedef struct hs_establish_intro_dos_t {
  int has_dos;
  uint64_t rate_per_sec;   /* <= HS_DOS_PARAM_MAX */
  uint64_t burst_per_sec;  /* <= HS_DOS_PARAM_MAX */
} hs_establish_intro_dos_t;

/* Build an ESTABLISH_INTRO for the introduction point authentication key
 * (auth_pk, expanded secret key auth_esk) on the circuit whose last hop
 * gave kh. dos may be NULL (no extension). */
int hs_cell_establish_intro_encode(uint8_t *out, size_t cap,
                                   const uint8_t auth_pk[32],
                                   const uint8_t auth_esk[64],
                                   const uint8_t kh[HS_CELL_KH_LEN],
                                   const hs_establish_intro_dos_t *dos);

/* A parsed ESTABLISH_INTRO (what an introduction point checks). */
typedef struct hs_establish_intro_t {
  const uint8_t *auth_key;        /* 32 */
  hs_cell_exts_t exts;
  const uint8_t *handshake_auth;  /* 32 */
  const uint8_t *sig;             /* 64 */
  size_t mac_offset;              /* bytes covered by HANDSHAKE_AUTH */
  size_t sig_offset;              /* bytes covered by SIG (before SIG_LEN) */
} hs_establish_intro_t;

/* Parse: key type 02 with a 32-byte key and a 64-byte signature. Bytes
 * after SIG are ignored. */
int hs_cell_establish_intro_parse(const uint8_t *body, size_t len,
                                  hs_establish_intro_t *out);
/* Check HANDSHAKE_AUTH under kh and SIG under the cell's AUTH_KEY. body is
 * the buffer cell was parsed from. Returns 0 if both are good. */
int hs_cell_establish_intro_verify(const hs_establish_intro_t *cell,
                                   const uint8_t *body,
                                   const uint8_t kh[HS_CELL_KH_LEN]);

/* ---- INTRO_ESTABLISHED ---- */

/* An empty body is accepted (no extensions); trailing bytes are ignored. */
int hs_cell_intro_established_parse(const uint8_t *body, size_t len,
                                    hs_cell_exts_t *exts_out);

/* ---- INTRODUCE2 (service side) ---- */

/* The unencrypted part of an INTRODUCE1/INTRODUCE2. */
typedef struct hs_introduce2_t {
  const uint8_t *auth_key;   /* 32 */
  hs_cell_exts_t exts;
  const uint8_t *encrypted;  /* CLIENT_PK | ENCRYPTED_DATA | MAC */
  size_t encrypted_len;      /* >= 64 */
  size_t header_len;         /* offset of ENCRYPTED in the body */
} hs_introduce2_t;

/* Parse the outer cell: LEGACY_KEY_ID all zero (legacy cells are not
 * supported), key type 02 with 32 bytes, and room for CLIENT_PK and MAC. */
int hs_cell_introduce2_parse(const uint8_t *body, size_t len,
                             hs_introduce2_t *out);

/* The decrypted plaintext (3.3). Pointers go into the plaintext buffer. */
typedef struct hs_intro2_plaintext_t {
  const uint8_t *rend_cookie;  /* 20 */
  hs_cell_exts_t exts;
  const uint8_t *onion_key;    /* 32: the rendezvous point's ntor key */
  /* The link specifiers, NSPEC byte included, as received: send them on
   * verbatim (rend-spec-v3 3.3). */
  const uint8_t *link_specifiers;
  size_t link_specifiers_len;
  /* The same, decoded (first IPv4 / IPv6 used, unknown types skipped);
   * handshake is unset. */
  extend2_request_t rend_point;
  size_t pad_len;
} hs_intro2_plaintext_t;

/* Parse a plaintext: onion key type 01 with 32 bytes, and a link
 * specifier list with a legacy identity and an IPv4 or IPv6 address (the
 * service could not extend otherwise); known specifiers must have their
 * exact length, and a second legacy or Ed25519 identity is an error. */
int hs_cell_intro2_plaintext_parse(const uint8_t *plain, size_t len,
                                   hs_intro2_plaintext_t *out);

/* What the service knows about the introduction point the cell came
 * through. subcreds lists the subcredentials the service accepts (its own
 * for the period; an OnionBalance instance adds the master's); all are
 * tried, in time independent of which one matches. */
typedef struct hs_intro_point_keys_t {
  const uint8_t *auth_pk;   /* 32, KP_hs_ipt_sid */
  const uint8_t *enc_sk;    /* 32, b */
  const uint8_t *enc_pk;    /* 32, B */
  const uint8_t (*subcreds)[HS_NTOR_SUBCRED_LEN];
  size_t n_subcreds;
} hs_intro_point_keys_t;

typedef struct hs_replay_cache_t hs_replay_cache_t;

/* The whole of an INTRODUCE2 at the service: parse, check the auth key
 * against ipk->auth_pk, reject replays (if rc is not NULL; checked before
 * and recorded after the MAC, so cells with a bad MAC cannot fill the
 * cache), verify the MAC, decrypt into plain_buf (RELAY_PAYLOAD_LEN
 * bytes) and parse the plaintext into *out. client_pk_out gets X (32
 * bytes, for hs_ntor_service_rendezvous); *subcred_index (may be NULL)
 * the index of the subcredential that matched. */
int hs_cell_introduce2_process(const uint8_t *body, size_t len,
                               const hs_intro_point_keys_t *ipk,
                               hs_replay_cache_t *rc,
                               uint8_t plain_buf[RELAY_PAYLOAD_LEN],
                               hs_intro2_plaintext_t *out,
                               uint8_t client_pk_out[HS_NTOR_KEY_LEN],
                               size_t *subcred_index);

/* ---- INTRODUCE1 (client side) ---- */

typedef struct hs_introduce1_params_t {
  const uint8_t *auth_pk;     /* 32, the intro point's auth key */
  const uint8_t *enc_pk;      /* 32, the intro point's B */
  const uint8_t *subcred;     /* 32 */
  const uint8_t *rend_cookie; /* 20 */
  const uint8_t *onion_key;   /* 32, the rendezvous point's ntor key */
  const uint8_t *link_specifiers;  /* NSPEC | specifiers */
  size_t link_specifiers_len;
  /* Plaintext extensions (e.g. HS_INTRO_EXT_CC_REQUEST), encoded, n_exts
   * of them in exts_len bytes. */
  uint8_t n_exts;
  const uint8_t *exts;
  size_t exts_len;
} hs_introduce1_params_t;

/* Build an INTRODUCE1 with a fresh client key; x_out/X_out (32 bytes
 * each) get the ephemeral key pair the client keeps for
 * hs_ntor_client_rendezvous. The plaintext is zero-padded so that the
 * cell is at least HS_CELL_INTRODUCE1_MIN_LEN bytes. */
int hs_cell_introduce1_encode(uint8_t *out, size_t cap,
                              const hs_introduce1_params_t *p,
                              uint8_t x_out[HS_NTOR_KEY_LEN],
                              uint8_t X_out[HS_NTOR_KEY_LEN]);
/* The same with a given client secret x (known-answer tests). */
int hs_cell_introduce1_encode_with_secret(uint8_t *out, size_t cap,
                                          const hs_introduce1_params_t *p,
                                          const uint8_t x[HS_NTOR_KEY_LEN]);

/* ---- RENDEZVOUS1 / RENDEZVOUS2 ---- */

/* cookie | reply (Y | AUTH from hs_ntor_service_rendezvous). */
int hs_cell_rendezvous1_encode(uint8_t *out, size_t cap,
                               const uint8_t cookie[HS_REND_COOKIE_LEN],
                               const uint8_t reply[HS_NTOR_REPLY_LEN]);
/* RENDEZVOUS2 (client): the first 64 bytes are HANDSHAKE_INFO. */
int hs_cell_rendezvous2_parse(const uint8_t *body, size_t len,
                              const uint8_t **reply_out);

/* ---- INTRODUCE_ACK (3.2.2), intro point -> client ---- */

#define HS_INTRO_ACK_SUCCESS 0x0000
#define HS_INTRO_ACK_FAILURE 0x0001    /* service ID not recognized */
#define HS_INTRO_ACK_BADFMT 0x0002
#define HS_INTRO_ACK_NORELAY 0x0003    /* can't relay cell to service */

/* STATUS 2 | N_EXTENSIONS 1 | extensions. A body of only the status is
 * accepted (no extensions); exts_out may be NULL. */
int hs_cell_introduce_ack_parse(const uint8_t *body, size_t len,
                                uint16_t *status_out, hs_cell_exts_t *exts_out);

/* ---- link specifiers (tor-spec 5.1.2) ---- */

/* NSPEC | legacy id | IPv4 | Ed25519 id: the most we write. */
#define HS_CELL_LINK_SPECIFIERS_MAX_LEN (1 + 22 + 8 + 34)

/* The NSPEC block naming a relay: legacy id, IPv4 (address in network
 * order, port) and, if ed_id is not NULL, its Ed25519 id -- what a
 * service puts in its descriptor for an intro point and a client in
 * INTRODUCE1 for its rendezvous point. Returns the length, or 0 when cap
 * is under HS_CELL_LINK_SPECIFIERS_MAX_LEN. */
size_t hs_cell_link_specifiers_encode(const uint8_t ipv4[4], uint16_t or_port,
                                      const uint8_t rsa_id[LS_LEGACY_ID_LEN],
                                      const uint8_t *ed_id, uint8_t *out,
                                      size_t cap);

/* Walk an NSPEC block of at most avail bytes, checking it as tor-spec
 * 5.1.2 and rend-spec-v3 3.3 ask, into *ri (which the caller zeroed): the
 * first IPv4 and IPv6 count, unknown types are skipped, a known type of
 * the wrong length or a second identity is an error (logged as a protocol
 * warning naming what). Returns the bytes used, or -1. */
long hs_cell_link_specifiers_parse(const uint8_t *p, size_t avail,
                                   const char *what, extend2_request_t *ri);

/* ---- replay cache for INTRODUCE2 ---- */

/* A fixed-size set of keyed SHA-256 tags of ENCRYPTED sections, made once
 * per introduction point for at most max_entries cells (size it to the
 * number of introductions after which the service rotates the intro
 * point). Nothing expires; the cache goes with its introduction point. */
hs_replay_cache_t *hs_replay_cache_new(size_t max_entries);
void hs_replay_cache_free(hs_replay_cache_t *rc);
/* 1 if data was recorded before, 0 if not. */
int hs_replay_cache_contains(const hs_replay_cache_t *rc,
                             const uint8_t *data, size_t len);
/* Record data: 0 if new, 1 if it was already there (a replay), -1 if the
 * cache is full (treat the cell as refused and rotate the intro point). */
int hs_replay_cache_add(hs_replay_cache_t *rc, const uint8_t *data,
                        size_t len);

#endif
