/* AES in counter mode as a stream cipher (AES-128-CTR and AES-256-CTR over
 * OpenSSL's EVP API). The object keeps its keystream position: consecutive
 * calls continue where the last one stopped, whatever the chunk sizes.
 * This is the relay-crypto hot path: after aes_ctr_cipher_new, crypting
 * does no allocation and works in place. Encryption and decryption are the
 * same operation. */
#ifndef TOR_LIB_CRYPT_AES_CTR_H
#define TOR_LIB_CRYPT_AES_CTR_H

#include <stddef.h>
#include <stdint.h>

#define AES_CTR_IV_LEN 16
#define AES128_KEY_LEN 16
#define AES256_KEY_LEN 32

typedef struct aes_ctr_cipher_t aes_ctr_cipher_t;

/* A cipher for key (keylen 16 for AES-128 or 32 for AES-256) whose
 * 128-bit big-endian counter starts at iv (all zeros if iv is NULL, as in
 * tor's relay crypto). Returns NULL on a bad key length or OpenSSL error.
 * The key is not retained outside OpenSSL's context. */
aes_ctr_cipher_t *aes_ctr_cipher_new(const uint8_t *key, size_t keylen,
                                     const uint8_t *iv);
/* Wipes and frees; NULL is fine. */
void aes_ctr_cipher_free(aes_ctr_cipher_t *c);

/* XOR the next len keystream bytes into buf. */
int aes_ctr_cipher_crypt_inplace(aes_ctr_cipher_t *c, uint8_t *buf,
                                 size_t len);
/* out = in XOR next len keystream bytes (out may equal in, but must not
 * otherwise overlap it). */
int aes_ctr_cipher_crypt(aes_ctr_cipher_t *c, uint8_t *out,
                         const uint8_t *in, size_t len);

#endif
