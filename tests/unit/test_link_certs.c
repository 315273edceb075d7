/* Tests for the link certificates (core/or/torcert*, link_handshake_certs)
 * and the handshake state machine (core/or/link_handshake), against a
 * CERTS cell captured from a real tor 0.4.9.11 relay with
 * tests/tools/linkprobe --capture (tests/vectors/link/README.md). The
 * expected identities are the relay's own fingerprint files. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/or/cell_link.h"
#include "core/or/link_handshake.h"
#include "core/or/link_handshake_certs.h"
#include "core/or/torcert.h"
#include "core/or/torcert_x509.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/fs/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* When the fixture was captured (2026-11-22 03:31:31 UTC): everything in
 * it is valid then. The signing->link cert (type 5) expires at
 * 2026-11-24 04:00 UTC. */
#define CAPTURE_TIME ((time_t)1795318291)
#define LINK_CERT_EXPIRY ((time_t)498748 * 3600)

typedef struct fixture_t {
  uint8_t *certs;
  size_t certs_len;
  uint8_t tls_digest[32];
  uint8_t rsa_id[DIGEST_LEN];
  uint8_t ed_id[32];
} fixture_t;

static uint8_t *
read_vector(const char *name, size_t *len)
{
  char path[512], err[256];
  char *data;
  snprintf(path, sizeof(path), "tests/vectors/link/%s", name);
  data = fs_read_file(unittest_srcpath(path), 1 << 20, len, NULL, err,
                      sizeof(err));
  if (!data)
    unittest_fail(__FILE__, __LINE__, "%s: %s", path, err);
  return (uint8_t *)data;
}

/* The identities from the fingerprint files: "nickname HEX" and
 * "nickname BASE64". */
static void
fixture_load(fixture_t *f)
{
  size_t len;
  char *fp = (char *)read_vector("fingerprint", &len);
  char *fp_ed = (char *)read_vector("fingerprint-ed25519", &len);
  const char *hex = strchr(fp, ' ') + 1, *b64 = strchr(fp_ed, ' ') + 1;
  uint8_t *tls;
  UT_EQ_INT(base16_decode(f->rsa_id, DIGEST_LEN, hex, 40), DIGEST_LEN);
  UT_EQ_INT(base64_decode(f->ed_id, 32, b64, 43), 32);
  free(fp);
  free(fp_ed);
  tls = read_vector("tls_cert.der", &len);
  UT_EQ_INT(crypto_digest_sha256(f->tls_digest, tls, len), 0);
  free(tls);
  f->certs = read_vector("certs.bin", &f->certs_len);
}

/* Offset in the CERTS payload of the body of the certificate of type t. */
static size_t
cert_offset(const fixture_t *f, int t, size_t *len)
{
  certs_cell_t cc;
  UT_EQ_INT(certs_cell_parse(&cc, f->certs, f->certs_len, NULL), 0);
  UT_ASSERT(cc.by_type[t].body != NULL);
  *len = cc.by_type[t].len;
  return (size_t)(cc.by_type[t].body - f->certs);
}

static int
verify(const fixture_t *f, const uint8_t *certs, size_t len, time_t now,
       const char **err)
{
  link_peer_ids_t ids;
  return certs_cell_verify_responder(certs, len, f->tls_digest, now, &ids,
                                     err);
}

UNITTEST(link_certs, real_relay_verifies)
{
  fixture_t f;
  link_peer_ids_t ids;
  const char *err = NULL;
  fixture_load(&f);
  UT_EQ_INT(certs_cell_verify_responder(f.certs, f.certs_len, f.tls_digest,
                                        CAPTURE_TIME, &ids, &err), 0);
  UT_EQ_MEM(ids.rsa_id_digest, f.rsa_id, DIGEST_LEN);
  UT_EQ_MEM(ids.ed25519_id, f.ed_id, 32);
  /* Still fine just before the link cert's hour ends. */
  UT_EQ_INT(verify(&f, f.certs, f.certs_len, LINK_CERT_EXPIRY, &err), 0);
  free(f.certs);
}

UNITTEST(link_certs, parse_fields)
{
  fixture_t f;
  size_t off, len;
  ed25519_cert_t *c;
  certs_cell_t cc;
  fixture_load(&f);
  UT_EQ_INT(certs_cell_parse(&cc, f.certs, f.certs_len, NULL), 0);
  UT_EQ_INT(cc.n_certs, 5);                 /* types 1, 2, 4, 5, 7 */
  off = cert_offset(&f, CERTS_TYPE_ED_ID_SIGNING, &len);
  c = ed25519_cert_parse(f.certs + off, len, NULL);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(c->cert_type, CERTTYPE_ED_ID_SIGNING);
  UT_EQ_INT(c->key_type, CERT_KEYTYPE_ED25519);
  UT_EQ_INT(c->has_signing_key, 1);
  UT_EQ_MEM(c->signing_key, f.ed_id, 32);
  ed25519_cert_free(c);
  off = cert_offset(&f, CERTS_TYPE_ED_SIGNING_LINK, &len);
  c = ed25519_cert_parse(f.certs + off, len, NULL);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(c->cert_type, CERTTYPE_ED_SIGNING_LINK);
  UT_EQ_INT(c->key_type, CERT_KEYTYPE_SHA256_X509);
  UT_EQ_INT((time_t)c->expiration_hours * 3600, LINK_CERT_EXPIRY);
  UT_EQ_MEM(c->certified_key, f.tls_digest, 32);
  /* Trailing byte, truncation. */
  UT_ASSERT(ed25519_cert_parse(f.certs + off, len - 1, NULL) == NULL);
  ed25519_cert_free(c);
  free(f.certs);
}

/* Flip one byte at offset off of a copy and expect rejection. */
static void
expect_reject_flip(const fixture_t *f, size_t off, time_t now)
{
  uint8_t *copy = malloc(f->certs_len);
  const char *err = NULL;
  memcpy(copy, f->certs, f->certs_len);
  copy[off] ^= 0x01;
  if (verify(f, copy, f->certs_len, now, &err) == 0)
    unittest_fail(__FILE__, __LINE__, "flip at %zu accepted", off);
  UT_ASSERT(err != NULL);
  free(copy);
}

UNITTEST(link_certs, flipped_signatures_rejected)
{
  fixture_t f;
  size_t off, len;
  fixture_load(&f);
  /* Last byte of each Ed25519 signature and of the RSA cross-cert sig. */
  off = cert_offset(&f, CERTS_TYPE_ED_ID_SIGNING, &len);
  expect_reject_flip(&f, off + len - 1, CAPTURE_TIME);
  expect_reject_flip(&f, off + 20, CAPTURE_TIME);    /* signed key bytes */
  off = cert_offset(&f, CERTS_TYPE_ED_SIGNING_LINK, &len);
  expect_reject_flip(&f, off + len - 1, CAPTURE_TIME);
  off = cert_offset(&f, CERTS_TYPE_RSA_ED_CROSSCERT, &len);
  expect_reject_flip(&f, off + len - 1, CAPTURE_TIME);
  expect_reject_flip(&f, off + 3, CAPTURE_TIME);     /* certified ed key */
  off = cert_offset(&f, CERTS_TYPE_RSA_ID, &len);
  expect_reject_flip(&f, off + len - 1, CAPTURE_TIME); /* X.509 signature */
  free(f.certs);
}

UNITTEST(link_certs, expired_and_wrong_link_cert_rejected)
{
  fixture_t f;
  const char *err = NULL;
  fixture_load(&f);
  UT_EQ_INT(verify(&f, f.certs, f.certs_len, LINK_CERT_EXPIRY + 1, &err),
            -1);
  UT_EQ_STR(err, "certificate expired");
  /* Far in the future, the RSA identity certificate has expired too. */
  UT_EQ_INT(verify(&f, f.certs, f.certs_len, (time_t)1900000000, &err), -1);
  /* A TLS certificate other than the one the link cert certifies. */
  f.tls_digest[31] ^= 0x80;
  UT_EQ_INT(verify(&f, f.certs, f.certs_len, CAPTURE_TIME, &err), -1);
  UT_EQ_STR(err,
            "signing->link certificate does not match the TLS certificate");
  free(f.certs);
}

UNITTEST(link_certs, structure_rejected)
{
  fixture_t f;
  uint8_t *copy;
  size_t off, len;
  const char *err = NULL;
  fixture_load(&f);
  copy = malloc(f.certs_len);
  /* Truncated anywhere inside the list. */
  UT_EQ_INT(verify(&f, f.certs, f.certs_len - 1, CAPTURE_TIME, &err), -1);
  UT_EQ_INT(verify(&f, f.certs, 1, CAPTURE_TIME, &err), -1);
  UT_EQ_INT(verify(&f, f.certs, 0, CAPTURE_TIME, &err), -1);
  /* The cross-cert relabelled as type 6: type 7 missing. */
  memcpy(copy, f.certs, f.certs_len);
  off = cert_offset(&f, CERTS_TYPE_RSA_ED_CROSSCERT, &len);
  copy[off - 3] = 6;
  UT_EQ_INT(verify(&f, copy, f.certs_len, CAPTURE_TIME, &err), -1);
  /* The type-1 cert relabelled as type 2: a duplicate. */
  memcpy(copy, f.certs, f.certs_len);
  off = cert_offset(&f, CERTS_TYPE_RSA_LINK, &len);
  copy[off - 3] = 2;
  UT_EQ_INT(verify(&f, copy, f.certs_len, CAPTURE_TIME, &err), -1);
  UT_EQ_STR(err, "two certificates of one type");
  /* The type-1 (2048-bit link key) cert as the identity cert. */
  memcpy(copy, f.certs, f.certs_len);
  copy[off - 3] = 9;                   /* unknown type: skipped */
  off = cert_offset(&f, CERTS_TYPE_RSA_ID, &len);
  copy[off - 3] = 9;
  UT_EQ_INT(verify(&f, copy, f.certs_len, CAPTURE_TIME, &err), -1);
  /* An unknown extension flagged "affects validation". */
  memcpy(copy, f.certs, f.certs_len);
  off = cert_offset(&f, CERTS_TYPE_ED_ID_SIGNING, &len);
  UT_EQ_INT(copy[off + 39], 1);        /* one extension: signed-with-key */
  copy[off + 42] = 0x77;               /* its type, */
  copy[off + 43] = CERTEXT_FLAG_AFFECTS_VALIDATION;  /* its flags */
  UT_ASSERT(ed25519_cert_parse(copy + off, len, &err) == NULL);
  UT_EQ_STR(err, "unknown extension that affects validation");
  copy[off + 43] = 0;                  /* not flagged: parses, but then
                                        * nothing names the signer */
  UT_EQ_INT(verify(&f, copy, f.certs_len, CAPTURE_TIME, &err), -1);
  free(copy);
  free(f.certs);
}

UNITTEST(link_certs, x509_identity_cert)
{
  fixture_t f;
  size_t off, len;
  tor_x509_cert_t *c;
  crypto_rsa_key_t *k;
  uint8_t fp[DIGEST_LEN];
  fixture_load(&f);
  off = cert_offset(&f, CERTS_TYPE_RSA_ID, &len);
  UT_ASSERT(tor_x509_cert_decode(f.certs + off, len - 1) == NULL);
  c = tor_x509_cert_decode(f.certs + off, len);
  UT_ASSERT(c != NULL);
  k = tor_x509_cert_get_rsa_key(c);
  UT_ASSERT(k != NULL);
  UT_EQ_INT(crypto_rsa_key_bits(k), 1024);
  UT_EQ_INT(crypto_rsa_get_fingerprint(k, fp), 0);
  UT_EQ_MEM(fp, f.rsa_id, DIGEST_LEN);
  UT_EQ_INT(tor_x509_cert_check_signed_by(c, k), 0);
  UT_EQ_INT(tor_x509_cert_check_lifetime(c, CAPTURE_TIME), 0);
  UT_EQ_INT(tor_x509_cert_check_lifetime(c, (time_t)1900000000), -1);
  UT_EQ_INT(tor_x509_cert_check_lifetime(c, (time_t)1000000000), -1);
  crypto_rsa_key_free(k);
  tor_x509_cert_free(c);
  free(f.certs);
}

/* ---- the handshake state machine, fed the captured CERTS */

static var_cell_t *
make_var(uint8_t command, const char *hex)
{
  size_t n = strlen(hex) / 2;
  var_cell_t *c = var_cell_new((uint16_t)n);
  c->command = command;
  UT_EQ_INT(base16_decode(c->payload, n, hex, strlen(hex)), (int)n);
  return c;
}

static link_hs_result_t
feed_var(link_handshake_t *hs, var_cell_t *c, buf_t *out, const char **err)
{
  link_hs_result_t r = link_handshake_handle_var_cell(hs, c, CAPTURE_TIME,
                                                      out, err);
  var_cell_free(c);
  return r;
}

static var_cell_t *
certs_var(const fixture_t *f)
{
  var_cell_t *c = var_cell_new((uint16_t)f->certs_len);
  c->command = CELL_CERTS;
  memcpy(c->payload, f->certs, f->certs_len);
  return c;
}

UNITTEST(link_handshake, full_exchange)
{
  fixture_t f;
  netinfo_addr_t peer;
  link_handshake_t *hs;
  buf_t *out = buf_new(1 << 16);
  cell_t netinfo;
  const char *err = NULL;
  const uint8_t *p;
  size_t len;
  fixture_load(&f);
  memset(&peer, 0, sizeof(peer));
  peer.type = NETINFO_ADDR_IPV4;
  memcpy(peer.addr, "\x7f\x00\x00\x01", 4);
  hs = link_handshake_new(&peer, f.rsa_id, f.ed_id);
  link_handshake_set_peer_tls_cert_digest(hs, f.tls_digest);
  UT_EQ_INT(link_handshake_start(hs, out), 0);
  p = buf_peek(out, &len);
  UT_EQ_INT(len, 9);
  UT_EQ_HEX(p, 9, "000007000400040005");
  buf_clear(out);

  UT_EQ_INT(feed_var(hs, make_var(CELL_VPADDING, "0000"), out, &err),
            LINK_HS_CONTINUE);
  UT_EQ_INT(feed_var(hs, make_var(CELL_VERSIONS, "000300040005"), out, &err),
            LINK_HS_CONTINUE);
  UT_EQ_INT(link_handshake_link_proto(hs), 5);
  UT_EQ_INT(feed_var(hs, certs_var(&f), out, &err), LINK_HS_CONTINUE);
  UT_EQ_INT(link_handshake_peer_verified(hs), 1);
  UT_EQ_MEM(link_handshake_peer_ids(hs)->rsa_id_digest, f.rsa_id, 20);
  UT_EQ_INT(buf_datalen(out), 0);
  UT_EQ_INT(feed_var(hs, make_var(CELL_AUTH_CHALLENGE,
              "00112233445566778899aabbccddeeff"
              "00112233445566778899aabbccddeeff" "000200010003"),
              out, &err), LINK_HS_CONTINUE);
  /* Our NETINFO: circ id 0 (4 bytes), command 8, time 0, 127.0.0.1, 0. */
  p = buf_peek(out, &len);
  UT_EQ_INT(len, 514);
  UT_EQ_HEX(p, 16, "0000000008" "00000000" "04047f000001" "00");
  buf_clear(out);
  memset(&netinfo, 0, sizeof(netinfo));
  netinfo.command = CELL_NETINFO;
  memcpy(netinfo.payload, "\x69\x1f\x00\x00\x04\x04\x7f\x00\x00\x02\x01"
         "\x04\x04\x7f\x00\x00\x01", 17);
  UT_EQ_INT(link_handshake_handle_cell(hs, &netinfo, out, &err),
            LINK_HS_OPEN);
  UT_EQ_INT(buf_datalen(out), 0);      /* NETINFO was sent only once */
  UT_EQ_INT(link_handshake_peer_netinfo(hs)->timestamp, 0x691f0000u);
  UT_EQ_INT(link_handshake_peer_netinfo(hs)->n_my_addrs, 1);
  link_handshake_free(hs);
  buf_free(out);
  free(f.certs);
}

UNITTEST(link_handshake, failures)
{
  fixture_t f;
  netinfo_addr_t peer;
  link_handshake_t *hs;
  buf_t *out = buf_new(1 << 16);
  uint8_t other_id[DIGEST_LEN];
  const char *err = NULL;
  fixture_load(&f);
  memset(&peer, 0, sizeof(peer));
  /* No version in common. */
  hs = link_handshake_new(&peer, NULL, NULL);
  UT_EQ_INT(feed_var(hs, make_var(CELL_VERSIONS, "00030002"), out, &err),
            LINK_HS_ERROR);
  UT_EQ_STR(err, "no link protocol version in common");
  link_handshake_free(hs);
  /* CERTS before VERSIONS. */
  hs = link_handshake_new(&peer, NULL, NULL);
  link_handshake_set_peer_tls_cert_digest(hs, f.tls_digest);
  UT_EQ_INT(feed_var(hs, certs_var(&f), out, &err), LINK_HS_ERROR);
  link_handshake_free(hs);
  /* A verified relay, but not the one we asked for. */
  memcpy(other_id, f.rsa_id, DIGEST_LEN);
  other_id[0] ^= 1;
  hs = link_handshake_new(&peer, other_id, NULL);
  link_handshake_set_peer_tls_cert_digest(hs, f.tls_digest);
  UT_EQ_INT(feed_var(hs, make_var(CELL_VERSIONS, "0004"), out, &err),
            LINK_HS_CONTINUE);
  UT_EQ_INT(feed_var(hs, certs_var(&f), out, &err), LINK_HS_ERROR);
  UT_EQ_INT(link_handshake_identity_mismatch(hs), 1);
  link_handshake_free(hs);
  UT_EQ_INT(buf_datalen(out), 0);
  buf_free(out);
  free(f.certs);
}
