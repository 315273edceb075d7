/* Sliding-window byte queue; see buf.h. */
#include "orconfig.h"

#include "lib/buf/buf.h"
#include "lib/crypt/crypto_util.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

/* First allocation: large enough for a few cells and a TLS record. */
#define BUF_INITIAL_ALLOC 4096
/* Largest single SSL_read/SSL_write call (OpenSSL takes an int). */
#define BUF_MAX_IO_CHUNK (1u << 20)

struct buf_t {
  uint8_t *mem;     /* allocation of cap bytes */
  size_t cap;       /* allocated size */
  size_t head;      /* offset of the first queued byte */
  size_t len;       /* queued bytes */
  size_t max_len;   /* hard cap on len */
};

buf_t *
buf_new(size_t max_len)
{
  buf_t *b;
  if (max_len == 0)
    return NULL;
  b = calloc(1, sizeof(*b));
  if (!b)
    return NULL;
  b->max_len = max_len;
  return b;
}

void
buf_free(buf_t *b)
{
  if (!b)
    return;
  if (b->mem) {
    memwipe(b->mem, b->cap);
    free(b->mem);
  }
  free(b);
}

size_t
buf_datalen(const buf_t *b)
{
  return b->len;
}

size_t
buf_space(const buf_t *b)
{
  return b->max_len - b->len;
}

const uint8_t *
buf_peek(const buf_t *b, size_t *len)
{
  *len = b->len;
  return b->mem ? b->mem + b->head : (const uint8_t *)"";
}

void
buf_drain(buf_t *b, size_t n)
{
  if (n >= b->len) {
    b->head = 0;
    b->len = 0;
    return;
  }
  b->head += n;
  b->len -= n;
}

void
buf_clear(buf_t *b)
{
  b->head = 0;
  b->len = 0;
}

/* Make n bytes available after the data: slide it to the front when that
 * is enough, otherwise grow. Returns 0 or -1. */
static int
buf_make_room(buf_t *b, size_t n)
{
  size_t need, newcap;
  uint8_t *m;
  if (n > b->max_len - b->len)
    return -1;
  if (b->head + b->len + n <= b->cap)
    return 0;
  need = b->len + n;
  if (need <= b->cap) {
    memmove(b->mem, b->mem + b->head, b->len);
    b->head = 0;
    return 0;
  }
  newcap = b->cap ? b->cap : BUF_INITIAL_ALLOC;
  while (newcap < need)
    newcap *= 2;
  /* A fresh allocation rather than realloc, so that the old memory can be
   * wiped before it is returned. */
  m = malloc(newcap);
  if (!m)
    return -1;
  if (b->mem) {
    memcpy(m, b->mem + b->head, b->len);
    memwipe(b->mem, b->cap);
    free(b->mem);
  }
  b->mem = m;
  b->cap = newcap;
  b->head = 0;
  return 0;
}

int
buf_add(buf_t *b, const void *data, size_t len)
{
  if (len == 0)
    return 0;
  if (buf_make_room(b, len) < 0)
    return -1;
  memcpy(b->mem + b->head + b->len, data, len);
  b->len += len;
  return 0;
}

uint8_t *
buf_reserve(buf_t *b, size_t n)
{
  if (buf_make_room(b, n ? n : 1) < 0)
    return NULL;
  return b->mem + b->head + b->len;
}

void
buf_commit(buf_t *b, size_t n)
{
  b->len += n;
}

/* Map an SSL_get_error code onto our status. */
static buf_io_status_t
buf_ssl_status(struct ssl_st *ssl, int ret)
{
  switch (SSL_get_error(ssl, ret)) {
  case SSL_ERROR_WANT_READ:
    return BUF_IO_WANT_READ;
  case SSL_ERROR_WANT_WRITE:
    return BUF_IO_WANT_WRITE;
  case SSL_ERROR_ZERO_RETURN:
    return BUF_IO_EOF;
  default:
    return BUF_IO_ERROR;
  }
}

size_t
buf_read_from_ssl(buf_t *b, struct ssl_st *ssl, size_t at_most,
                  buf_io_status_t *status)
{
  size_t total = 0;
  *status = BUF_IO_OK;
  while (total < at_most) {
    size_t want = at_most - total, got = 0;
    uint8_t *dst;
    int r;
    if (buf_space(b) == 0) {
      *status = BUF_IO_FULL;
      break;
    }
    if (want > buf_space(b))
      want = buf_space(b);
    if (want > BUF_MAX_IO_CHUNK)
      want = BUF_MAX_IO_CHUNK;
    /* Read into whatever tail space exists, at least a TLS record's worth
     * when the buffer has to make room anyway. */
    if (want > 16384)
      want = 16384;
    dst = buf_reserve(b, want);
    if (!dst) {
      *status = BUF_IO_ERROR;
      break;
    }
    ERR_clear_error();
    r = SSL_read_ex(ssl, dst, want, &got);
    if (r <= 0) {
      *status = buf_ssl_status(ssl, r);
      break;
    }
    buf_commit(b, got);
    total += got;
  }
  return total;
}

size_t
buf_flush_to_ssl(buf_t *b, struct ssl_st *ssl, buf_io_status_t *status)
{
  size_t total = 0;
  *status = BUF_IO_OK;
  while (b->len > 0) {
    size_t n = b->len, wrote = 0;
    int r;
    if (n > BUF_MAX_IO_CHUNK)
      n = BUF_MAX_IO_CHUNK;
    ERR_clear_error();
    r = SSL_write_ex(ssl, b->mem + b->head, n, &wrote);
    if (r <= 0) {
      *status = buf_ssl_status(ssl, r);
      break;
    }
    buf_drain(b, wrote);
    total += wrote;
  }
  return total;
}
