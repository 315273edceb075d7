/* Cell framing (tor-spec section 3): fixed-length cells (circ id, command,
 * 509-byte payload) and variable-length cells (circ id, command, 2-byte
 * length, payload). The circ id is 2 bytes before a link protocol is
 * negotiated and for link protocols up to 3, 4 bytes from version 4 on.
 *
 * Framing works on caller memory: cell_frame_peek() says whether a whole
 * cell sits at the start of a byte string and how long it is; the unpack
 * functions then decode it. Packing writes into caller buffers (normally
 * straight into an output buf_t). Only var cells are heap-allocated
 * (var_cell_new / var_cell_free); they occur only in handshakes. */
#ifndef TOR_CORE_OR_CELL_H
#define TOR_CORE_OR_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/cell_const.h"

typedef struct cell_t {
  uint32_t circ_id;
  uint8_t command;
  uint8_t payload[CELL_PAYLOAD_LEN];
} cell_t;

typedef struct var_cell_t {
  uint32_t circ_id;
  uint8_t command;
  uint16_t payload_len;
  uint8_t payload[];
} var_cell_t;

/* Circ id width in bytes for a link protocol (0 = not yet negotiated). */
static inline size_t
cell_circid_len(int link_proto)
{
  return link_proto >= 4 ? CELL_CIRCID_LEN_WIDE : CELL_CIRCID_LEN_NARROW;
}
/* Bytes of a fixed cell on the wire for a link protocol. */
static inline size_t
cell_network_size(int link_proto)
{
  return cell_circid_len(link_proto) + 1 + CELL_PAYLOAD_LEN;
}

/* 1 if command introduces a variable-length cell under link_proto. Before
 * negotiation (link_proto 0) we accept both VERSIONS and >= 128, since
 * VPADDING may precede VERSIONS. */
int cell_command_is_var(uint8_t command, int link_proto);

/* Frame status of the bytes at data. */
typedef enum {
  CELL_FRAME_INCOMPLETE = 0,   /* need more bytes */
  CELL_FRAME_FIXED = 1,        /* a whole fixed cell of *frame_len bytes */
  CELL_FRAME_VAR = 2,          /* a whole var cell of *frame_len bytes */
} cell_frame_t;
cell_frame_t cell_frame_peek(const uint8_t *data, size_t len, int link_proto,
                             size_t *frame_len);

/* Decode a fixed cell from cell_network_size(link_proto) bytes at src. */
void cell_unpack(cell_t *dst, const uint8_t *src, int link_proto);
/* Encode into cell_network_size(link_proto) bytes at dst; returns that
 * size. Circ ids too wide for a 2-byte field are truncated, so callers
 * with link_proto < 4 must use 16-bit ids. */
size_t cell_pack(uint8_t *dst, const cell_t *cell, int link_proto);

/* A var cell with payload_len zeroed payload bytes; NULL on OOM. */
var_cell_t *var_cell_new(uint16_t payload_len);
void var_cell_free(var_cell_t *cell);
/* Decode a var cell of exactly len bytes at src (as framed by
 * cell_frame_peek); NULL if len disagrees with its length field. */
var_cell_t *var_cell_unpack(const uint8_t *src, size_t len, int link_proto);
/* Header + payload size of cell on the wire. */
size_t var_cell_network_size(const var_cell_t *cell, int link_proto);
/* Encode into dst (cap bytes); returns bytes written, 0 if cap is short. */
size_t var_cell_pack(uint8_t *dst, size_t cap, const var_cell_t *cell,
                     int link_proto);

#endif
