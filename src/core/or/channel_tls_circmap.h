/* The circuits of one channel, by circuit id: an open-addressing hash
 * table (linear probing, backward-shift deletion) from nonzero 32-bit circ
 * ids to the caller's circuit pointers. Circ id 0 never names a circuit
 * (tor-spec 5.1.1), so it marks empty slots. Lookups never allocate; the
 * table grows (doubling) when it is 1/2 full. */
#ifndef TOR_CORE_OR_CHANNEL_TLS_CIRCMAP_H
#define TOR_CORE_OR_CHANNEL_TLS_CIRCMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct circmap_t {
  uint32_t *ids;     /* 0 = empty */
  void **circs;
  size_t cap;        /* power of two, or 0 before the first insert */
  size_t n;
} circmap_t;

/* circmap_t m = CIRCMAP_INIT; ... circmap_clear(&m); */
#define CIRCMAP_INIT { NULL, NULL, 0, 0 }

/* Map id (nonzero) to circ (non-NULL). -1 if id is 0, already present,
 * or memory is short. */
int circmap_put(circmap_t *m, uint32_t id, void *circ);
/* The circuit for id, or NULL. */
void *circmap_get(const circmap_t *m, uint32_t id);
/* Forget id; returns what it mapped to (NULL if nothing). */
void *circmap_remove(circmap_t *m, uint32_t id);
/* Frees the table (not the circuits). */
void circmap_clear(circmap_t *m);

#endif
