/* Slab-backed free list of cells; see cell_pool.h. */
#include "orconfig.h"

#include "core/or/cell_pool.h"

#include <stdlib.h>

/* A free cell's memory holds the link to the next free cell. */
typedef union pool_item_t {
  cell_t cell;
  union pool_item_t *next_free;
} pool_item_t;

typedef struct pool_slab_t {
  struct pool_slab_t *next;
  pool_item_t items[CELL_POOL_SLAB_CELLS];
} pool_slab_t;

struct cell_pool_t {
  pool_slab_t *slabs;
  pool_item_t *free_list;
  size_t max_cells;
  size_t n_in_use;
  size_t n_allocated;
};

cell_pool_t *
cell_pool_new(size_t max_cells)
{
  cell_pool_t *pool = calloc(1, sizeof(*pool));
  if (pool)
    pool->max_cells = max_cells;
  return pool;
}

void
cell_pool_free(cell_pool_t *pool)
{
  pool_slab_t *s, *next;
  if (!pool)
    return;
  for (s = pool->slabs; s; s = next) {
    next = s->next;
    free(s);
  }
  free(pool);
}

/* Add one slab's cells to the free list. */
static int
cell_pool_grow(cell_pool_t *pool)
{
  pool_slab_t *slab = malloc(sizeof(*slab));
  size_t i;
  if (!slab)
    return -1;
  slab->next = pool->slabs;
  pool->slabs = slab;
  for (i = 0; i < CELL_POOL_SLAB_CELLS; i++) {
    slab->items[i].next_free = pool->free_list;
    pool->free_list = &slab->items[i];
  }
  pool->n_allocated += CELL_POOL_SLAB_CELLS;
  return 0;
}

cell_t *
cell_pool_get(cell_pool_t *pool)
{
  pool_item_t *it;
  if (pool->max_cells && pool->n_in_use >= pool->max_cells)
    return NULL;
  if (!pool->free_list && cell_pool_grow(pool) < 0)
    return NULL;
  it = pool->free_list;
  pool->free_list = it->next_free;
  pool->n_in_use++;
  return &it->cell;
}

void
cell_pool_put(cell_pool_t *pool, cell_t *cell)
{
  pool_item_t *it;
  if (!cell)
    return;
  it = (pool_item_t *)cell;
  it->next_free = pool->free_list;
  pool->free_list = it;
  pool->n_in_use--;
}

size_t
cell_pool_n_in_use(const cell_pool_t *pool)
{
  return pool->n_in_use;
}

size_t
cell_pool_n_allocated(const cell_pool_t *pool)
{
  return pool->n_allocated;
}
