/* Cell framing; see cell.h. */
#include "orconfig.h"

#include "core/or/cell.h"

#include <stdlib.h>
#include <string.h>

static uint32_t
get_circid(const uint8_t *p, size_t width)
{
  if (width == CELL_CIRCID_LEN_WIDE)
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
  return ((uint32_t)p[0] << 8) | p[1];
}

static void
put_circid(uint8_t *p, size_t width, uint32_t id)
{
  if (width == CELL_CIRCID_LEN_WIDE) {
    p[0] = (uint8_t)(id >> 24);
    p[1] = (uint8_t)(id >> 16);
    p[2] = (uint8_t)(id >> 8);
    p[3] = (uint8_t)id;
  } else {
    p[0] = (uint8_t)(id >> 8);
    p[1] = (uint8_t)id;
  }
}

int
cell_command_is_var(uint8_t command, int link_proto)
{
  if (command == CELL_VERSIONS)
    return 1;
  if (link_proto == 2)
    return 0;
  return command >= 128;
}

cell_frame_t
cell_frame_peek(const uint8_t *data, size_t len, int link_proto,
                size_t *frame_len)
{
  size_t w = cell_circid_len(link_proto);
  size_t need;
  if (len < w + 1)
    return CELL_FRAME_INCOMPLETE;
  if (!cell_command_is_var(data[w], link_proto)) {
    need = cell_network_size(link_proto);
    if (len < need)
      return CELL_FRAME_INCOMPLETE;
    *frame_len = need;
    return CELL_FRAME_FIXED;
  }
  if (len < w + 3)
    return CELL_FRAME_INCOMPLETE;
  need = w + 3 + (((size_t)data[w + 1] << 8) | data[w + 2]);
  if (len < need)
    return CELL_FRAME_INCOMPLETE;
  *frame_len = need;
  return CELL_FRAME_VAR;
}

void
cell_unpack(cell_t *dst, const uint8_t *src, int link_proto)
{
  size_t w = cell_circid_len(link_proto);
  dst->circ_id = get_circid(src, w);
  dst->command = src[w];
  memcpy(dst->payload, src + w + 1, CELL_PAYLOAD_LEN);
}

size_t
cell_pack(uint8_t *dst, const cell_t *cell, int link_proto)
{
  size_t w = cell_circid_len(link_proto);
  put_circid(dst, w, cell->circ_id);
  dst[w] = cell->command;
  memcpy(dst + w + 1, cell->payload, CELL_PAYLOAD_LEN);
  return w + 1 + CELL_PAYLOAD_LEN;
}

var_cell_t *
var_cell_new(uint16_t payload_len)
{
  var_cell_t *c = calloc(1, sizeof(*c) + payload_len);
  if (c)
    c->payload_len = payload_len;
  return c;
}

void
var_cell_free(var_cell_t *cell)
{
  free(cell);
}

var_cell_t *
var_cell_unpack(const uint8_t *src, size_t len, int link_proto)
{
  size_t w = cell_circid_len(link_proto);
  uint16_t plen;
  var_cell_t *c;
  if (len < w + 3)
    return NULL;
  plen = (uint16_t)((src[w + 1] << 8) | src[w + 2]);
  if (len != w + 3 + (size_t)plen)
    return NULL;
  c = var_cell_new(plen);
  if (!c)
    return NULL;
  c->circ_id = get_circid(src, w);
  c->command = src[w];
  memcpy(c->payload, src + w + 3, plen);
  return c;
}

size_t
var_cell_network_size(const var_cell_t *cell, int link_proto)
{
  return cell_circid_len(link_proto) + 3 + cell->payload_len;
}

size_t
var_cell_pack(uint8_t *dst, size_t cap, const var_cell_t *cell,
              int link_proto)
{
  size_t w = cell_circid_len(link_proto);
  size_t n = var_cell_network_size(cell, link_proto);
  if (cap < n)
    return 0;
  put_circid(dst, w, cell->circ_id);
  dst[w] = cell->command;
  dst[w + 1] = (uint8_t)(cell->payload_len >> 8);
  dst[w + 2] = (uint8_t)cell->payload_len;
  memcpy(dst + w + 3, cell->payload, cell->payload_len);
  return n;
}
