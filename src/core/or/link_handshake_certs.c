/* CERTS cell parsing and responder verification; see
 * link_handshake_certs.h. */
#include "orconfig.h"

#include "core/or/link_handshake_certs.h"

#include "core/or/torcert.h"
#include "core/or/torcert_x509.h"
#include "lib/crypt/crypto_rsa.h"
#include "lib/crypt/crypto_util.h"

#include <string.h>

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

int
certs_cell_parse(certs_cell_t *out, const uint8_t *payload, size_t len,
                 const char **err)
{
  size_t p = 1;
  unsigned i;
  memset(out, 0, sizeof(*out));
  if (len < 1) {
    SET_ERR("empty CERTS cell");
    return -1;
  }
  out->n_certs = payload[0];
  for (i = 0; i < out->n_certs; i++) {
    uint8_t type;
    uint16_t clen;
    if (len - p < 3) {
      SET_ERR("truncated certificate header");
      return -1;
    }
    type = payload[p];
    clen = (uint16_t)((payload[p + 1] << 8) | payload[p + 2]);
    p += 3;
    if (len - p < clen) {
      SET_ERR("truncated certificate");
      return -1;
    }
    if (type >= 1 && type <= CERTS_MAX_TYPE) {
      if (out->by_type[type].body) {
        SET_ERR("two certificates of one type");
        return -1;
      }
      out->by_type[type].type = type;
      out->by_type[type].len = clen;
      out->by_type[type].body = payload + p;
    }
    p += clen;
  }
  return 0;
}

/* Type 2: a self-signed, currently valid certificate of a 1024-bit RSA
 * key with e = 65537. Returns the key (caller frees) or NULL. */
static crypto_rsa_key_t *
verify_rsa_id_cert(const certs_entry_t *e, time_t now, const char **err)
{
  tor_x509_cert_t *cert = tor_x509_cert_decode(e->body, e->len);
  crypto_rsa_key_t *key = NULL;
  if (!cert) {
    SET_ERR("unparseable RSA identity certificate");
    return NULL;
  }
  key = tor_x509_cert_get_rsa_key(cert);
  if (!key) {
    SET_ERR("identity certificate holds no RSA key");
  } else if (crypto_rsa_key_bits(key) != RSA1024_KEY_BITS ||
             !crypto_rsa_public_exponent_ok(key)) {
    SET_ERR("identity key is not RSA-1024 with e=65537");
  } else if (tor_x509_cert_check_signed_by(cert, key) < 0) {
    SET_ERR("identity certificate is not self-signed");
  } else if (tor_x509_cert_check_lifetime(cert, now) < 0) {
    SET_ERR("identity certificate expired or not yet valid");
  } else {
    tor_x509_cert_free(cert);
    return key;
  }
  crypto_rsa_key_free(key);
  tor_x509_cert_free(cert);
  return NULL;
}

/* Parse an Ed25519 cert of the CERTS entry and check its type and
 * signature (signer NULL: by its own signed-with-key extension). */
static ed25519_cert_t *
verify_ed_cert(const certs_entry_t *e, uint8_t want_type,
               const uint8_t *signer, time_t now, const char **err)
{
  ed25519_cert_t *cert = ed25519_cert_parse(e->body, e->len, err);
  if (!cert)
    return NULL;
  if (cert->cert_type != want_type) {
    SET_ERR("Ed25519 certificate of the wrong type");
  } else if (!signer && !cert->has_signing_key) {
    SET_ERR("identity->signing certificate does not name the identity");
  } else if (ed25519_cert_check(cert, signer, now, err) == 0) {
    return cert;
  }
  ed25519_cert_free(cert);
  return NULL;
}

/* The key type of a certified key: the spec's value, or 1 as tor used
 * before 0.4.5.1-alpha for every type (cert-spec A.4). */
static int
key_type_ok(uint8_t got, uint8_t want)
{
  return got == want || got == CERT_KEYTYPE_ED25519;
}

int
certs_cell_verify_responder(const uint8_t *payload, size_t len,
                            const uint8_t tls_cert_sha256[32], time_t now,
                            link_peer_ids_t *out, const char **err)
{
  certs_cell_t cc;
  crypto_rsa_key_t *rsa = NULL;
  ed25519_cert_t *id_signing = NULL, *signing_link = NULL;
  rsa_ed_crosscert_t xc;
  int ret = -1;

  if (certs_cell_parse(&cc, payload, len, err) < 0)
    return -1;
  if (!cc.by_type[CERTS_TYPE_RSA_ID].body ||
      !cc.by_type[CERTS_TYPE_ED_ID_SIGNING].body ||
      !cc.by_type[CERTS_TYPE_ED_SIGNING_LINK].body ||
      !cc.by_type[CERTS_TYPE_RSA_ED_CROSSCERT].body) {
    SET_ERR("CERTS cell lacks one of the certificates of types 2, 4, 5, 7");
    return -1;
  }
  rsa = verify_rsa_id_cert(&cc.by_type[CERTS_TYPE_RSA_ID], now, err);
  if (!rsa)
    goto done;
  id_signing = verify_ed_cert(&cc.by_type[CERTS_TYPE_ED_ID_SIGNING],
                              CERTTYPE_ED_ID_SIGNING, NULL, now, err);
  if (!id_signing)
    goto done;
  if (!key_type_ok(id_signing->key_type, CERT_KEYTYPE_ED25519)) {
    SET_ERR("identity->signing certificate certifies no Ed25519 key");
    goto done;
  }
  signing_link = verify_ed_cert(&cc.by_type[CERTS_TYPE_ED_SIGNING_LINK],
                                CERTTYPE_ED_SIGNING_LINK,
                                id_signing->certified_key, now, err);
  if (!signing_link)
    goto done;
  if (!key_type_ok(signing_link->key_type, CERT_KEYTYPE_SHA256_X509)) {
    SET_ERR("signing->link certificate has the wrong key type");
    goto done;
  }
  if (!crypto_memeq(signing_link->certified_key, tls_cert_sha256, 32)) {
    SET_ERR("signing->link certificate does not match the TLS certificate");
    goto done;
  }
  if (rsa_ed_crosscert_parse(&xc, cc.by_type[CERTS_TYPE_RSA_ED_CROSSCERT].body,
                             cc.by_type[CERTS_TYPE_RSA_ED_CROSSCERT].len,
                             err) < 0)
    goto done;
  if (!crypto_memeq(xc.ed_key, id_signing->signing_key, 32)) {
    SET_ERR("cross-certificate certifies another Ed25519 identity");
    goto done;
  }
  if (rsa_ed_crosscert_check(&xc, rsa, now, err) < 0)
    goto done;
  if (crypto_rsa_get_fingerprint(rsa, out->rsa_id_digest) < 0) {
    SET_ERR("cannot digest the RSA identity key");
    goto done;
  }
  memcpy(out->ed25519_id, id_signing->signing_key, ED25519_PUBKEY_LEN);
  ret = 0;
 done:
  crypto_rsa_key_free(rsa);
  ed25519_cert_free(id_signing);
  ed25519_cert_free(signing_link);
  return ret;
}
