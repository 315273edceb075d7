/* Digests, XOF, HMAC and HKDF over OpenSSL 3's EVP API: see
 * crypto_digest.h. */
#include "orconfig.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

struct crypto_digest_t {
  digest_algorithm_t alg;
  EVP_MD_CTX *ctx;      /* the running state */
  EVP_MD_CTX *scratch;  /* reused to finalize a copy in get_digest */
};

struct crypto_xof_t {
  EVP_MD_CTX *ctx;      /* the absorbed input; never finalized */
  EVP_MD_CTX *scratch;
  size_t squeezed;      /* output bytes already handed out */
};

static const EVP_MD *
md_for_alg(digest_algorithm_t alg)
{
  switch (alg) {
    case DIGEST_SHA1: return EVP_sha1();
    case DIGEST_SHA256: return EVP_sha256();
    case DIGEST_SHA512: return EVP_sha512();
    case DIGEST_SHA3_256: return EVP_sha3_256();
  }
  return NULL;
}

size_t
crypto_digest_algorithm_len(digest_algorithm_t alg)
{
  switch (alg) {
    case DIGEST_SHA1: return DIGEST_LEN;
    case DIGEST_SHA256: return DIGEST256_LEN;
    case DIGEST_SHA512: return DIGEST512_LEN;
    case DIGEST_SHA3_256: return DIGEST256_LEN;
  }
  return 0;
}

static int
digest_oneshot(const EVP_MD *md, uint8_t *out, const void *m, size_t len)
{
  if (!md || !out || (!m && len))
    return -1;
  if (!m)
    m = "";
  return EVP_Digest(m, len, out, NULL, md, NULL) == 1 ? 0 : -1;
}

int
crypto_digest_sha1(uint8_t out[DIGEST_LEN], const void *m, size_t len)
{
  return digest_oneshot(EVP_sha1(), out, m, len);
}

int
crypto_digest_sha256(uint8_t out[DIGEST256_LEN], const void *m, size_t len)
{
  return digest_oneshot(EVP_sha256(), out, m, len);
}

int
crypto_digest_sha512(uint8_t out[DIGEST512_LEN], const void *m, size_t len)
{
  return digest_oneshot(EVP_sha512(), out, m, len);
}

int
crypto_digest_sha3_256(uint8_t out[DIGEST256_LEN], const void *m, size_t len)
{
  return digest_oneshot(EVP_sha3_256(), out, m, len);
}

crypto_digest_t *
crypto_digest_new(digest_algorithm_t alg)
{
  const EVP_MD *md = md_for_alg(alg);
  if (!md)
    return NULL;
  crypto_digest_t *d = calloc(1, sizeof(*d));
  if (!d)
    return NULL;
  d->alg = alg;
  d->ctx = EVP_MD_CTX_new();
  d->scratch = EVP_MD_CTX_new();
  if (!d->ctx || !d->scratch || EVP_DigestInit_ex(d->ctx, md, NULL) != 1) {
    crypto_digest_free(d);
    return NULL;
  }
  return d;
}

void
crypto_digest_free(crypto_digest_t *d)
{
  if (!d)
    return;
  EVP_MD_CTX_free(d->ctx);
  EVP_MD_CTX_free(d->scratch);
  free(d);
}

int
crypto_digest_add_bytes(crypto_digest_t *d, const void *data, size_t len)
{
  if (!d || (!data && len))
    return -1;
  if (len == 0)
    return 0;
  return EVP_DigestUpdate(d->ctx, data, len) == 1 ? 0 : -1;
}

int
crypto_digest_get_digest(crypto_digest_t *d, uint8_t *out, size_t outlen)
{
  uint8_t buf[EVP_MAX_MD_SIZE];
  size_t full;
  if (!d || (!out && outlen))
    return -1;
  full = crypto_digest_algorithm_len(d->alg);
  if (outlen > full)
    return -1;
  if (EVP_MD_CTX_copy_ex(d->scratch, d->ctx) != 1)
    return -1;
  if (EVP_DigestFinal_ex(d->scratch, buf, NULL) != 1)
    return -1;
  if (outlen)
    memcpy(out, buf, outlen);
  memwipe(buf, sizeof(buf));
  return 0;
}

crypto_digest_t *
crypto_digest_dup(const crypto_digest_t *d)
{
  if (!d)
    return NULL;
  crypto_digest_t *n = calloc(1, sizeof(*n));
  if (!n)
    return NULL;
  n->alg = d->alg;
  n->ctx = EVP_MD_CTX_new();
  n->scratch = EVP_MD_CTX_new();
  if (!n->ctx || !n->scratch || EVP_MD_CTX_copy_ex(n->ctx, d->ctx) != 1) {
    crypto_digest_free(n);
    return NULL;
  }
  return n;
}

int
crypto_digest_assign(crypto_digest_t *into, const crypto_digest_t *from)
{
  if (!into || !from || into->alg != from->alg)
    return -1;
  if (into == from)
    return 0;
  return EVP_MD_CTX_copy_ex(into->ctx, from->ctx) == 1 ? 0 : -1;
}

digest_algorithm_t
crypto_digest_get_algorithm(const crypto_digest_t *d)
{
  return d->alg;
}

/* ---- SHAKE-256 ---- */

crypto_xof_t *
crypto_xof_shake256_new(void)
{
  crypto_xof_t *x = calloc(1, sizeof(*x));
  if (!x)
    return NULL;
  x->ctx = EVP_MD_CTX_new();
  x->scratch = EVP_MD_CTX_new();
  if (!x->ctx || !x->scratch ||
      EVP_DigestInit_ex(x->ctx, EVP_shake256(), NULL) != 1) {
    crypto_xof_free(x);
    return NULL;
  }
  return x;
}

void
crypto_xof_free(crypto_xof_t *x)
{
  if (!x)
    return;
  EVP_MD_CTX_free(x->ctx);
  EVP_MD_CTX_free(x->scratch);
  free(x);
}

int
crypto_xof_add_bytes(crypto_xof_t *x, const void *data, size_t len)
{
  if (!x || (!data && len) || x->squeezed > 0)
    return -1;
  if (len == 0)
    return 0;
  return EVP_DigestUpdate(x->ctx, data, len) == 1 ? 0 : -1;
}

/* OpenSSL 3.0 can finalize a SHAKE context only once, so each squeeze
 * finalizes a copy of the absorbed state for all output produced so far
 * plus the new bytes, and hands out the new tail. Fine for the short
 * outputs tor takes from SHAKE-256 (keys, nonces). */
int
crypto_xof_squeeze_bytes(crypto_xof_t *x, uint8_t *out, size_t len)
{
  uint8_t stackbuf[512];
  uint8_t *buf = stackbuf;
  size_t total;
  int r = -1;
  if (!x || (!out && len))
    return -1;
  if (len == 0)
    return 0;
  if (len > SIZE_MAX - x->squeezed)
    return -1;
  total = x->squeezed + len;
  if (total > sizeof(stackbuf)) {
    buf = malloc(total);
    if (!buf)
      return -1;
  }
  if (EVP_MD_CTX_copy_ex(x->scratch, x->ctx) == 1 &&
      EVP_DigestFinalXOF(x->scratch, buf, total) == 1) {
    memcpy(out, buf + x->squeezed, len);
    x->squeezed = total;
    r = 0;
  }
  memwipe(buf, total);
  if (buf != stackbuf)
    free(buf);
  return r;
}

int
crypto_xof_shake256(uint8_t *out, size_t outlen, const void *in, size_t inlen)
{
  EVP_MD_CTX *ctx;
  int r = -1;
  if ((!out && outlen) || (!in && inlen))
    return -1;
  if (outlen == 0)
    return 0;
  ctx = EVP_MD_CTX_new();
  if (!ctx)
    return -1;
  if (EVP_DigestInit_ex(ctx, EVP_shake256(), NULL) == 1 &&
      (inlen == 0 || EVP_DigestUpdate(ctx, in, inlen) == 1) &&
      EVP_DigestFinalXOF(ctx, out, outlen) == 1)
    r = 0;
  EVP_MD_CTX_free(ctx);
  return r;
}

/* ---- HMAC, HKDF ---- */

int
crypto_hmac_sha256(uint8_t out[DIGEST256_LEN],
                   const void *key, size_t keylen,
                   const void *msg, size_t msglen)
{
  static const uint8_t empty[1] = { 0 };
  unsigned int outlen = 0;
  if (!out || (!key && keylen) || (!msg && msglen) || keylen > INT_MAX)
    return -1;
  if (!key)
    key = empty;
  if (!msg)
    msg = empty;
  if (!HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen))
    return -1;
  return outlen == DIGEST256_LEN ? 0 : -1;
}

int
crypto_hkdf_sha256(uint8_t *out, size_t outlen,
                   const uint8_t *salt, size_t saltlen,
                   const uint8_t *ikm, size_t ikmlen,
                   const uint8_t *info, size_t infolen)
{
  uint8_t prk[DIGEST256_LEN];
  uint8_t t[DIGEST256_LEN];
  EVP_MAC *mac = NULL;
  EVP_MAC_CTX *ctx = NULL;
  OSSL_PARAM params[2];
  size_t done = 0;
  uint8_t counter = 0;
  int r = -1;

  if ((!out && outlen) || (!salt && saltlen) || (!ikm && ikmlen) ||
      (!info && infolen) || outlen > 255 * DIGEST256_LEN)
    return -1;
  if (outlen == 0)
    return 0;

  /* Extract: PRK = HMAC(salt, IKM). An empty salt is HashLen zero bytes,
   * which HMAC treats the same as an empty key. */
  if (crypto_hmac_sha256(prk, salt, saltlen, ikm, ikmlen) < 0)
    goto done;

  /* Expand: T(i) = HMAC(PRK, T(i-1) | info | i). */
  mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  if (!mac)
    goto done;
  ctx = EVP_MAC_CTX_new(mac);
  if (!ctx)
    goto done;
  params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                               (char *)"SHA256", 0);
  params[1] = OSSL_PARAM_construct_end();
  while (done < outlen) {
    size_t tlen = 0, n;
    ++counter;
    if (EVP_MAC_init(ctx, prk, sizeof(prk), params) != 1)
      goto done;
    if (counter > 1 && EVP_MAC_update(ctx, t, sizeof(t)) != 1)
      goto done;
    if (infolen && EVP_MAC_update(ctx, info, infolen) != 1)
      goto done;
    if (EVP_MAC_update(ctx, &counter, 1) != 1)
      goto done;
    if (EVP_MAC_final(ctx, t, &tlen, sizeof(t)) != 1 || tlen != sizeof(t))
      goto done;
    n = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
    memcpy(out + done, t, n);
    done += n;
  }
  r = 0;
 done:
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  memwipe(prk, sizeof(prk));
  memwipe(t, sizeof(t));
  if (r < 0 && out)
    memwipe(out, outlen);
  return r;
}
