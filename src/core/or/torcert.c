/* Ed25519 certificates and the RSA->Ed25519 cross-certificate; see
 * torcert.h. */
#include "orconfig.h"

#include "core/or/torcert.h"

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

static uint32_t
get_u32(const uint8_t *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

/* Walk the extensions in data[*p .. body_end); fill what we understand. */
static int
ed25519_cert_parse_extensions(ed25519_cert_t *cert, const uint8_t *data,
                              size_t body_end, size_t *p, unsigned n_ext,
                              const char **err)
{
  unsigned i;
  for (i = 0; i < n_ext; i++) {
    size_t ext_len;
    uint8_t ext_type, ext_flags;
    if (body_end - *p < 4) {
      SET_ERR("truncated extension header");
      return -1;
    }
    ext_len = ((size_t)data[*p] << 8) | data[*p + 1];
    ext_type = data[*p + 2];
    ext_flags = data[*p + 3];
    *p += 4;
    if (body_end - *p < ext_len) {
      SET_ERR("truncated extension");
      return -1;
    }
    if (ext_type == CERTEXT_SIGNED_WITH_KEY) {
      if (ext_len != ED25519_PUBKEY_LEN) {
        SET_ERR("signed-with-key extension of the wrong length");
        return -1;
      }
      if (cert->has_signing_key) {
        SET_ERR("duplicate signed-with-key extension");
        return -1;
      }
      cert->has_signing_key = 1;
      memcpy(cert->signing_key, data + *p, ED25519_PUBKEY_LEN);
    } else if (ext_flags & CERTEXT_FLAG_AFFECTS_VALIDATION) {
      SET_ERR("unknown extension that affects validation");
      return -1;
    }
    *p += ext_len;
  }
  return 0;
}

ed25519_cert_t *
ed25519_cert_parse(const uint8_t *data, size_t len, const char **err)
{
  ed25519_cert_t *cert;
  size_t p = 0, body_end;
  unsigned n_ext;
  if (len < ED25519_CERT_MIN_LEN) {
    SET_ERR("certificate too short");
    return NULL;
  }
  if (data[0] != 1) {
    SET_ERR("unknown certificate version");
    return NULL;
  }
  cert = calloc(1, sizeof(*cert));
  if (!cert) {
    SET_ERR("out of memory");
    return NULL;
  }
  cert->cert_type = data[1];
  cert->expiration_hours = get_u32(data + 2);
  cert->key_type = data[6];
  memcpy(cert->certified_key, data + 7, 32);
  n_ext = data[39];
  p = 40;
  body_end = len - ED25519_SIG_LEN;
  if (ed25519_cert_parse_extensions(cert, data, body_end, &p, n_ext,
                                    err) < 0)
    goto fail;
  if (p != body_end) {
    SET_ERR("bytes between the extensions and the signature");
    goto fail;
  }
  memcpy(cert->signature, data + body_end, ED25519_SIG_LEN);
  cert->encoded = malloc(len);
  if (!cert->encoded) {
    SET_ERR("out of memory");
    goto fail;
  }
  memcpy(cert->encoded, data, len);
  cert->encoded_len = len;
  return cert;
 fail:
  ed25519_cert_free(cert);
  return NULL;
}

void
ed25519_cert_free(ed25519_cert_t *cert)
{
  if (!cert)
    return;
  free(cert->encoded);
  free(cert);
}

int
ed25519_cert_check(const ed25519_cert_t *cert, const uint8_t *signing_key,
                   time_t now, const char **err)
{
  const uint8_t *key = signing_key;
  if (cert->has_signing_key) {
    if (key && !crypto_memeq(key, cert->signing_key, ED25519_PUBKEY_LEN)) {
      SET_ERR("signed-with-key extension names another key");
      return -1;
    }
    key = cert->signing_key;
  }
  if (!key) {
    SET_ERR("no key known to check the signature with");
    return -1;
  }
  if (ed25519_cert_is_expired(cert, now)) {
    SET_ERR("certificate expired");
    return -1;
  }
  if (ed25519_verify(cert->signature, cert->encoded,
                     cert->encoded_len - ED25519_SIG_LEN, key) < 0) {
    SET_ERR("bad Ed25519 signature");
    return -1;
  }
  return 0;
}

int
rsa_ed_crosscert_parse(rsa_ed_crosscert_t *out, const uint8_t *data,
                       size_t len, const char **err)
{
  static const char prefix[] = RSA_ED_CROSSCERT_PREFIX;
  crypto_digest_t *d;
  int r;
  memset(out, 0, sizeof(*out));
  if (len < 32 + 4 + 1) {
    SET_ERR("cross-certificate too short");
    return -1;
  }
  memcpy(out->ed_key, data, 32);
  out->expiration_hours = get_u32(data + 32);
  out->sig_len = data[36];
  if (len - 37 != out->sig_len) {
    SET_ERR("cross-certificate signature length disagrees with its size");
    return -1;
  }
  memcpy(out->sig, data + 37, out->sig_len);
  d = crypto_digest_new(DIGEST_SHA256);
  if (!d) {
    SET_ERR("digest failure");
    return -1;
  }
  r = crypto_digest_add_bytes(d, prefix, sizeof(prefix) - 1);
  r |= crypto_digest_add_bytes(d, data, 36);
  r |= crypto_digest_get_digest(d, out->signed_digest, 32);
  crypto_digest_free(d);
  if (r) {
    SET_ERR("digest failure");
    return -1;
  }
  return 0;
}

int
rsa_ed_crosscert_check(const rsa_ed_crosscert_t *cc,
                       const crypto_rsa_key_t *rsa_key, time_t now,
                       const char **err)
{
  if ((uint64_t)now > (uint64_t)cc->expiration_hours * 3600) {
    SET_ERR("cross-certificate expired");
    return -1;
  }
  if (crypto_rsa_verify_raw(rsa_key, cc->sig, cc->sig_len,
                            cc->signed_digest, 32) < 0) {
    SET_ERR("bad RSA signature on the cross-certificate");
    return -1;
  }
  return 0;
}

int
ed25519_cert_encode(uint8_t out[ED25519_CERT_WITH_SIGNER_LEN], uint8_t cert_type,
                    const uint8_t certified_key[32], const uint8_t signer_pk[32],
                    const uint8_t signer_esk[64], time_t expires)
{
  uint64_t hours = ((uint64_t)(expires < 0 ? 0 : expires) + 3599) / 3600;
  uint8_t *p = out;

  if (hours > UINT32_MAX)
    hours = UINT32_MAX;
  *p++ = 1;
  *p++ = cert_type;
  *p++ = (uint8_t)(hours >> 24);
  *p++ = (uint8_t)(hours >> 16);
  *p++ = (uint8_t)(hours >> 8);
  *p++ = (uint8_t)hours;
  *p++ = CERT_KEYTYPE_ED25519;
  memcpy(p, certified_key, 32);
  p += 32;
  *p++ = 1;                     /* one extension */
  *p++ = 0;                     /* ExtLength = 32 */
  *p++ = 32;
  *p++ = CERTEXT_SIGNED_WITH_KEY;
  *p++ = 0;                     /* no flags, as tor sends it */
  memcpy(p, signer_pk, 32);
  p += 32;
  return ed25519_sign_expanded(p, out, (size_t)(p - out), signer_esk);
}
