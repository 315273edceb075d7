/* Conflux reordering: see conflux_ooo.h. */
#include "orconfig.h"
#include "core/or/conflux_ooo.h"
#include "core/crypto/relay_msg.h"

#include <stdlib.h>
#include <string.h>

typedef struct ooo_entry_t {
  uint64_t seq;
  struct ooo_entry_t *next_free;
  uint16_t stream_id;
  uint16_t len;
  uint8_t command;
  uint8_t data[RELAY_DATA_MAX];
} ooo_entry_t;

struct conflux_ooo_t {
  uint64_t leg_recv[CONFLUX_MAX_LEGS];
  uint64_t delivered;
  ooo_entry_t **heap;       /* min-heap by seq */
  size_t n_heap, heap_cap, max_queued;
  ooo_entry_t *free_list;
};

conflux_ooo_t *
conflux_ooo_new(size_t max_queued)
{
  conflux_ooo_t *q = calloc(1, sizeof(*q));
  if (q)
    q->max_queued = max_queued;
  return q;
}

void
conflux_ooo_free(conflux_ooo_t *q)
{
  if (!q)
    return;
  for (size_t i = 0; i < q->n_heap; i++)
    free(q->heap[i]);
  while (q->free_list) {
    ooo_entry_t *e = q->free_list;
    q->free_list = e->next_free;
    free(e);
  }
  free(q->heap);
  free(q);
}

int
conflux_ooo_switch(conflux_ooo_t *q, int leg, uint32_t relative_seq)
{
  if (!q || leg < 0 || leg >= CONFLUX_MAX_LEGS)
    return -1;
  q->leg_recv[leg] += relative_seq;
  return 0;
}

static void
heap_push(conflux_ooo_t *q, ooo_entry_t *e)
{
  size_t i = q->n_heap++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (q->heap[parent]->seq <= e->seq)
      break;
    q->heap[i] = q->heap[parent];
    i = parent;
  }
  q->heap[i] = e;
}

static ooo_entry_t *
heap_pop(conflux_ooo_t *q)
{
  ooo_entry_t *top = q->heap[0], *last = q->heap[--q->n_heap];
  size_t i = 0, n = q->n_heap;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && q->heap[c + 1]->seq < q->heap[c]->seq)
      c++;
    if (last->seq <= q->heap[c]->seq)
      break;
    q->heap[i] = q->heap[c];
    i = c;
  }
  if (n)
    q->heap[i] = last;
  return top;
}

static int
enqueue(conflux_ooo_t *q, uint64_t seq, uint8_t command, uint16_t stream_id,
        const uint8_t *data, size_t len)
{
  if (q->n_heap >= q->max_queued)
    return -1;
  if (q->n_heap == q->heap_cap) {
    size_t cap = q->heap_cap ? q->heap_cap * 2 : 64;
    ooo_entry_t **h = realloc(q->heap, cap * sizeof(*h));
    if (!h)
      return -1;
    q->heap = h;
    q->heap_cap = cap;
  }
  ooo_entry_t *e = q->free_list;
  if (e)
    q->free_list = e->next_free;
  else if (!(e = malloc(sizeof(*e))))
    return -1;
  e->seq = seq;
  e->command = command;
  e->stream_id = stream_id;
  e->len = (uint16_t)len;
  if (len)
    memcpy(e->data, data, len);
  heap_push(q, e);
  return 0;
}

int
conflux_ooo_receive(conflux_ooo_t *q, int leg, uint8_t command, uint16_t stream_id,
                    const uint8_t *data, size_t len, conflux_deliver_fn deliver, void *arg)
{
  if (!q || leg < 0 || leg >= CONFLUX_MAX_LEGS || len > RELAY_DATA_MAX || (len && !data))
    return -1;
  uint64_t seq = ++q->leg_recv[leg];
  if (seq <= q->delivered)
    return -1;
  if (seq != q->delivered + 1)
    return enqueue(q, seq, command, stream_id, data, len);
  q->delivered = seq;
  if (deliver(command, stream_id, data, len, arg))
    return 1;
  while (q->n_heap && q->heap[0]->seq <= q->delivered + 1) {
    ooo_entry_t *e = heap_pop(q);
    int stop = 0;
    if (e->seq <= q->delivered) {
      stop = -1;   /* two messages with one number: a bad SWITCH */
    } else {
      q->delivered = e->seq;
      stop = deliver(e->command, e->stream_id, e->data, e->len, arg) ? 1 : 0;
    }
    e->next_free = q->free_list;
    q->free_list = e;
    if (stop)
      return stop;
  }
  return 0;
}

size_t
conflux_ooo_queued(const conflux_ooo_t *q)
{
  return q ? q->n_heap : 0;
}

uint64_t
conflux_ooo_delivered(const conflux_ooo_t *q)
{
  return q ? q->delivered : 0;
}

uint64_t
conflux_ooo_leg_recv(const conflux_ooo_t *q, int leg)
{
  return q && leg >= 0 && leg < CONFLUX_MAX_LEGS ? q->leg_recv[leg] : 0;
}
