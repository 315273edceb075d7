/* A free-list pool of fixed cells, so that code queueing cells (circuit
 * queues) allocates nothing per cell in steady state. Cells are carved out
 * of slabs of CELL_POOL_SLAB_CELLS; a released cell goes on the free list
 * and is handed out again. Slabs are only returned by cell_pool_free, which
 * frees all the pool's memory: no cell of it may be used afterwards.
 *
 * Ownership: a cell from cell_pool_get belongs to the caller until it is
 * given back with cell_pool_put to the same pool. Not thread-safe. */
#ifndef TOR_CORE_OR_CELL_POOL_H
#define TOR_CORE_OR_CELL_POOL_H

#include <stddef.h>

#include "core/or/cell.h"

#define CELL_POOL_SLAB_CELLS 64

typedef struct cell_pool_t cell_pool_t;

/* A pool that holds at most max_cells cells out at once (0 = no limit). */
cell_pool_t *cell_pool_new(size_t max_cells);
/* Frees the pool and every slab; NULL is fine. */
void cell_pool_free(cell_pool_t *pool);

/* A cell (contents unspecified), or NULL when the limit is reached or
 * memory is short. */
cell_t *cell_pool_get(cell_pool_t *pool);
/* Give back a cell obtained from this pool; NULL is fine. */
void cell_pool_put(cell_pool_t *pool, cell_t *cell);

/* Counters: cells handed out now, and cells allocated in all. */
size_t cell_pool_n_in_use(const cell_pool_t *pool);
size_t cell_pool_n_allocated(const cell_pool_t *pool);

#endif
