/* A byte queue for socket and TLS I/O: bytes are appended at the tail and
 * consumed from the head. The data is kept contiguous (a sliding window over
 * one allocation) so that a whole cell can be parsed in place with
 * buf_peek(); space is reclaimed by sliding the data to the front when the
 * tail runs out, and the allocation grows by doubling, so appending cells
 * costs no malloc once the buffer has reached its working size.
 *
 * Every buffer has a hard cap (max_len): appends that would exceed it fail
 * instead of growing without bound. Ownership: buf_new / buf_free. */
#ifndef TOR_LIB_BUF_BUF_H
#define TOR_LIB_BUF_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ssl_st;

typedef struct buf_t buf_t;

/* A fresh empty buffer that will never hold more than max_len bytes
 * (max_len >= 1). NULL on allocation failure. */
buf_t *buf_new(size_t max_len);
/* Frees b, wiping its memory first (it may hold plaintext); NULL is fine. */
void buf_free(buf_t *b);

/* Bytes queued. */
size_t buf_datalen(const buf_t *b);
/* Bytes that may still be appended before the cap is hit. */
size_t buf_space(const buf_t *b);
/* The queued bytes, contiguous; *len gets buf_datalen(). The pointer is
 * valid until the next call that adds to b. */
const uint8_t *buf_peek(const buf_t *b, size_t *len);
/* Drop the first n bytes (n <= buf_datalen). */
void buf_drain(buf_t *b, size_t n);
/* Drop everything. */
void buf_clear(buf_t *b);

/* Append len bytes; -1 (and nothing appended) if that would pass the cap
 * or memory is short. */
int buf_add(buf_t *b, const void *data, size_t len);
/* A pointer to n writable bytes at the tail, to be filled and then
 * committed with buf_commit(b, k) for k <= n. NULL if n bytes would pass the
 * cap. Lets encoders write cells straight into the buffer. */
uint8_t *buf_reserve(buf_t *b, size_t n);
void buf_commit(buf_t *b, size_t n);

/* Outcome of one TLS I/O batch. */
typedef enum {
  BUF_IO_OK = 0,         /* progress made and nothing more to do now */
  BUF_IO_WANT_READ,      /* TLS needs the socket readable to continue */
  BUF_IO_WANT_WRITE,     /* TLS needs the socket writable to continue */
  BUF_IO_FULL,           /* the buffer hit its cap (reading only) */
  BUF_IO_EOF,            /* the peer closed the TLS session */
  BUF_IO_ERROR,          /* TLS or socket error: the connection is dead */
} buf_io_status_t;

/* Read from ssl into b until TLS has no more decrypted bytes ready, at most
 * at_most bytes in all. Returns the bytes read; *status says why it
 * stopped (BUF_IO_OK means at_most was reached, more may be pending). */
size_t buf_read_from_ssl(buf_t *b, struct ssl_st *ssl, size_t at_most,
                         buf_io_status_t *status);
/* Write as much of b as TLS takes, draining what was written. Returns the
 * bytes written; *status is BUF_IO_OK when b is now empty. */
size_t buf_flush_to_ssl(buf_t *b, struct ssl_st *ssl,
                        buf_io_status_t *status);

#endif
