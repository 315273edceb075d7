/* Message digests over OpenSSL's EVP API: one-shot SHA-1, SHA-256,
 * SHA-512 and SHA3-256; incremental digest objects that can be cloned
 * (tor's relay crypto keeps running digests); SHAKE-256 as an extendable
 * output function; HMAC-SHA256 and HKDF-SHA256 (RFC 5869).
 *
 * Every function returns 0 on success and -1 on failure (bad argument or
 * an OpenSSL error); output buffers are caller-provided and sized by the
 * *_LEN constants below. Objects come from *_new and go to *_free. */
#ifndef TOR_LIB_CRYPT_CRYPTO_DIGEST_H
#define TOR_LIB_CRYPT_CRYPTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_LEN 20       /* SHA-1 */
#define DIGEST256_LEN 32    /* SHA-256, SHA3-256 */
#define DIGEST512_LEN 64    /* SHA-512 */

typedef enum {
  DIGEST_SHA1 = 0,
  DIGEST_SHA256 = 1,
  DIGEST_SHA512 = 2,
  DIGEST_SHA3_256 = 3,
} digest_algorithm_t;

/* Output length in bytes of alg, or 0 for an unknown algorithm. */
size_t crypto_digest_algorithm_len(digest_algorithm_t alg);

/* One-shot digests of len bytes at m into out. */
int crypto_digest_sha1(uint8_t out[DIGEST_LEN], const void *m, size_t len);
int crypto_digest_sha256(uint8_t out[DIGEST256_LEN], const void *m, size_t len);
int crypto_digest_sha512(uint8_t out[DIGEST512_LEN], const void *m, size_t len);
int crypto_digest_sha3_256(uint8_t out[DIGEST256_LEN], const void *m,
                           size_t len);

/* An incremental digest. */
typedef struct crypto_digest_t crypto_digest_t;

/* A fresh digest object for alg; NULL on failure. */
crypto_digest_t *crypto_digest_new(digest_algorithm_t alg);
void crypto_digest_free(crypto_digest_t *d);
/* Feed len bytes into d. */
int crypto_digest_add_bytes(crypto_digest_t *d, const void *data, size_t len);
/* Write the first outlen bytes of the digest of everything fed so far;
 * d itself is left unchanged and may be fed further. outlen must be at most
 * the algorithm's length. */
int crypto_digest_get_digest(crypto_digest_t *d, uint8_t *out, size_t outlen);
/* A new object with the same algorithm and state as d; NULL on failure. */
crypto_digest_t *crypto_digest_dup(const crypto_digest_t *d);
/* Copy the state of from into into (both must use the same algorithm). */
int crypto_digest_assign(crypto_digest_t *into, const crypto_digest_t *from);
digest_algorithm_t crypto_digest_get_algorithm(const crypto_digest_t *d);

/* SHAKE-256 as an extendable output function: add bytes, then squeeze as
 * many output bytes as wanted, over one or several calls (consecutive
 * squeezes continue the same output stream). Adding after the first
 * squeeze is an error. */
typedef struct crypto_xof_t crypto_xof_t;
crypto_xof_t *crypto_xof_shake256_new(void);
void crypto_xof_free(crypto_xof_t *x);
int crypto_xof_add_bytes(crypto_xof_t *x, const void *data, size_t len);
int crypto_xof_squeeze_bytes(crypto_xof_t *x, uint8_t *out, size_t len);
/* One-shot SHAKE-256: outlen bytes of output for inlen bytes of input. */
int crypto_xof_shake256(uint8_t *out, size_t outlen,
                        const void *in, size_t inlen);

/* HMAC-SHA256 of msg under key. */
int crypto_hmac_sha256(uint8_t out[DIGEST256_LEN],
                       const void *key, size_t keylen,
                       const void *msg, size_t msglen);

/* HKDF-SHA256 (RFC 5869, extract then expand): outlen bytes of keying
 * material from ikm, salt and info. Any of salt/info may be empty (NULL with
 * length 0). outlen must be at most 255 * 32. */
int crypto_hkdf_sha256(uint8_t *out, size_t outlen,
                       const uint8_t *salt, size_t saltlen,
                       const uint8_t *ikm, size_t ikmlen,
                       const uint8_t *info, size_t infolen);

#endif
