/* Small crypto utilities: the CSPRNG, wiping secrets, and constant-time
 * comparison. All wrap OpenSSL; none allocates. */
#ifndef TOR_LIB_CRYPT_CRYPTO_UTIL_H
#define TOR_LIB_CRYPT_CRYPTO_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with len bytes from the OpenSSL CSPRNG. Returns 0 on success,
 * -1 if the generator failed (buf is then wiped; never use it). */
int crypto_rand_bytes(void *buf, size_t len);

/* Overwrite len bytes at mem with zeros in a way the compiler may not
 * optimise out. mem may be NULL when len is 0. */
void memwipe(void *mem, size_t len);

/* Compare len bytes of a and b in time that depends only on len.
 * Returns 1 if they are equal, 0 if they differ. */
int crypto_memeq(const void *a, const void *b, size_t len);

/* Returns 1 if the len bytes at mem are all zero, 0 otherwise, in time
 * that depends only on len. */
int crypto_mem_is_zero(const void *mem, size_t len);

#endif
