/* One directory request (dir-spec §6): an HTTP GET sent over a plain TCP
 * connection to a DirPort, or over a BEGIN_DIR stream of an open circuit;
 * the response is read to its end, checked (status 200), decompressed
 * (deflate, zstd, lzma or none) and handed to the callback:
 *   done(ok, http_status, body, body_len, arg)
 * body is valid only during the call. ok is 0 on any failure (connection,
 * timeout, bad HTTP, status other than 200, decompression). The fetch frees
 * itself after the callback returns. */
#ifndef TOR_FEATURE_DIRCLIENT_DIRFETCH_H
#define TOR_FEATURE_DIRCLIENT_DIRFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"

struct event_base;

typedef void (*dirfetch_done_fn)(int ok, int http_status, const uint8_t *body,
                                 size_t body_len, void *arg);

/* Seconds a request may take before it fails. */
#define DIRFETCH_TIMEOUT 60

typedef struct dirfetch_t dirfetch_t;

/* GET path from address:dir_port. max_body bounds the decompressed body.
 * NULL if the request could not be started (the callback is not called). */
dirfetch_t *dirfetch_via_dirport(struct event_base *base, const char *address,
                                 uint16_t dir_port, const char *path, size_t max_body,
                                 dirfetch_done_fn done, void *arg);
/* GET path over a BEGIN_DIR stream on circ (open). */
dirfetch_t *dirfetch_via_circuit(struct event_base *base, circuit_t *circ, const char *path,
                                 size_t max_body, dirfetch_done_fn done, void *arg);
/* POST body (body_len bytes of text, e.g. an onion service descriptor) to
 * path over a BEGIN_DIR stream on circ; the answer comes as for a GET. */
dirfetch_t *dirfetch_post_via_circuit(struct event_base *base, circuit_t *circ,
                                      const char *path, const uint8_t *body, size_t body_len,
                                      dirfetch_done_fn done, void *arg);
/* Abandons the request without calling back. */
void dirfetch_cancel(dirfetch_t *f);

#endif
