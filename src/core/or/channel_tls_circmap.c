/* Circ id -> circuit hash table; see channel_tls_circmap.h. */
#include "orconfig.h"

#include "core/or/channel_tls_circmap.h"

#include <stdlib.h>

#define CIRCMAP_MIN_CAP 16

/* Fibonacci hashing: circ ids are random, but spread them anyway so
 * sequential ids from other implementations do not cluster. */
static size_t
circmap_slot(const circmap_t *m, uint32_t id)
{
  return (size_t)((id * 2654435769u) & (uint32_t)(m->cap - 1));
}

static int
circmap_resize(circmap_t *m, size_t newcap)
{
  uint32_t *old_ids = m->ids;
  void **old_circs = m->circs;
  size_t old_cap = m->cap, i;
  uint32_t *ids = calloc(newcap, sizeof(*ids));
  void **circs = calloc(newcap, sizeof(*circs));
  if (!ids || !circs) {
    free(ids);
    free(circs);
    return -1;
  }
  m->ids = ids;
  m->circs = circs;
  m->cap = newcap;
  m->n = 0;
  for (i = 0; i < old_cap; i++)
    if (old_ids[i])
      circmap_put(m, old_ids[i], old_circs[i]);
  free(old_ids);
  free(old_circs);
  return 0;
}

int
circmap_put(circmap_t *m, uint32_t id, void *circ)
{
  size_t i;
  if (id == 0 || !circ)
    return -1;
  if ((m->n + 1) * 2 > m->cap &&
      circmap_resize(m, m->cap ? m->cap * 2 : CIRCMAP_MIN_CAP) < 0)
    return -1;
  for (i = circmap_slot(m, id); m->ids[i]; i = (i + 1) & (m->cap - 1))
    if (m->ids[i] == id)
      return -1;
  m->ids[i] = id;
  m->circs[i] = circ;
  m->n++;
  return 0;
}

void *
circmap_get(const circmap_t *m, uint32_t id)
{
  size_t i;
  if (id == 0 || m->cap == 0)
    return NULL;
  for (i = circmap_slot(m, id); m->ids[i]; i = (i + 1) & (m->cap - 1))
    if (m->ids[i] == id)
      return m->circs[i];
  return NULL;
}

void *
circmap_remove(circmap_t *m, uint32_t id)
{
  size_t mask = m->cap - 1, i, j;
  void *circ;
  if (id == 0 || m->cap == 0)
    return NULL;
  for (i = circmap_slot(m, id); m->ids[i] != id; i = (i + 1) & mask)
    if (!m->ids[i])
      return NULL;
  circ = m->circs[i];
  /* Backward shift: move later entries of the probe run into the hole
   * unless their home slot lies cyclically in (hole, entry]. */
  for (j = (i + 1) & mask; m->ids[j]; j = (j + 1) & mask) {
    size_t home = circmap_slot(m, m->ids[j]);
    if (((j - home) & mask) >= ((j - i) & mask)) {
      m->ids[i] = m->ids[j];
      m->circs[i] = m->circs[j];
      i = j;
    }
  }
  m->ids[i] = 0;
  m->circs[i] = NULL;
  m->n--;
  return circ;
}

void
circmap_clear(circmap_t *m)
{
  free(m->ids);
  free(m->circs);
  m->ids = NULL;
  m->circs = NULL;
  m->cap = 0;
  m->n = 0;
}
