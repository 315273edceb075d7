/* Tests for core/or cell framing, the VERSIONS/NETINFO/AUTH_CHALLENGE
 * payloads, the cell pool and the circ id map. Expected bytes are written
 * by hand from tor-spec sections 3, 4.1, 4.3 and 4.5. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/or/cell.h"
#include "core/or/cell_link.h"
#include "core/or/cell_pool.h"
#include "core/or/channel_tls_circmap.h"
#include "lib/encoding/base16.h"

#include <stdlib.h>
#include <string.h>

/* Decode a hex string into a fresh buffer; *len gets its length. */
static uint8_t *
hexbytes(const char *hex, size_t *len)
{
  size_t n = strlen(hex) / 2;
  uint8_t *out = malloc(n ? n : 1);
  UT_ASSERT(out != NULL);
  UT_EQ_INT(base16_decode(out, n, hex, strlen(hex)), (int)n);
  *len = n;
  return out;
}

UNITTEST(cell, fixed_pack_unpack_v4)
{
  cell_t c, d;
  uint8_t wire[CELL_MAX_NETWORK_SIZE];
  memset(&c, 0, sizeof(c));
  c.circ_id = 0x80000001u;
  c.command = CELL_CREATE_FAST;
  c.payload[0] = 0xaa;
  c.payload[508] = 0xbb;
  UT_EQ_INT(cell_pack(wire, &c, 4), 514);
  UT_EQ_HEX(wire, 6, "8000000105aa");
  UT_EQ_INT(wire[513], 0xbb);
  cell_unpack(&d, wire, 4);
  UT_EQ_INT(d.circ_id, 0x80000001u);
  UT_EQ_INT(d.command, CELL_CREATE_FAST);
  UT_EQ_MEM(d.payload, c.payload, CELL_PAYLOAD_LEN);
}

UNITTEST(cell, fixed_pack_v3_narrow)
{
  cell_t c;
  uint8_t wire[CELL_MAX_NETWORK_SIZE];
  memset(&c, 0, sizeof(c));
  c.circ_id = 0x1234;
  c.command = CELL_DESTROY;
  c.payload[0] = 9;
  UT_EQ_INT(cell_pack(wire, &c, 3), 512);
  UT_EQ_HEX(wire, 4, "12340409");
}

UNITTEST(cell, frame_peek)
{
  size_t len, flen = 0;
  /* The responder's VERSIONS cell, before negotiation: 2-byte circ id. */
  uint8_t *v = hexbytes("00000700060003000400" "05", &len);
  UT_EQ_INT(cell_frame_peek(v, 2, 0, &flen), CELL_FRAME_INCOMPLETE);
  UT_EQ_INT(cell_frame_peek(v, 4, 0, &flen), CELL_FRAME_INCOMPLETE);
  UT_EQ_INT(cell_frame_peek(v, len - 1, 0, &flen), CELL_FRAME_INCOMPLETE);
  UT_EQ_INT(cell_frame_peek(v, len, 0, &flen), CELL_FRAME_VAR);
  UT_EQ_INT(flen, 11);
  free(v);
  /* A CERTS cell under link protocol 4: 4-byte circ id, 2-byte length. */
  v = hexbytes("00000000810002aabb", &len);
  UT_EQ_INT(cell_frame_peek(v, len, 4, &flen), CELL_FRAME_VAR);
  UT_EQ_INT(flen, 9);
  free(v);
  /* A fixed cell needs all 514 bytes. */
  v = calloc(1, 514);
  v[4] = CELL_NETINFO;
  UT_EQ_INT(cell_frame_peek(v, 513, 4, &flen), CELL_FRAME_INCOMPLETE);
  UT_EQ_INT(cell_frame_peek(v, 514, 4, &flen), CELL_FRAME_FIXED);
  UT_EQ_INT(flen, 514);
  free(v);
  UT_EQ_INT(cell_command_is_var(CELL_VERSIONS, 4), 1);
  UT_EQ_INT(cell_command_is_var(CELL_VPADDING, 4), 1);
  UT_EQ_INT(cell_command_is_var(CELL_VPADDING, 2), 0);
  UT_EQ_INT(cell_command_is_var(CELL_RELAY, 4), 0);
}

UNITTEST(cell, var_unpack_pack)
{
  size_t len;
  uint8_t *w = hexbytes("00000000810003010203", &len);
  uint8_t out[32];
  var_cell_t *c = var_cell_unpack(w, len, 4);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(c->circ_id, 0);
  UT_EQ_INT(c->command, CELL_CERTS);
  UT_EQ_INT(c->payload_len, 3);
  UT_EQ_HEX(c->payload, 3, "010203");
  UT_EQ_INT(var_cell_pack(out, sizeof(out), c, 4), len);
  UT_EQ_MEM(out, w, len);
  UT_EQ_INT(var_cell_pack(out, len - 1, c, 4), 0);
  var_cell_free(c);
  /* Length field disagrees with the frame. */
  UT_ASSERT(var_cell_unpack(w, len - 1, 4) == NULL);
  UT_ASSERT(var_cell_unpack(w, 3, 4) == NULL);
  free(w);
}

UNITTEST(cell, versions)
{
  uint8_t buf[32];
  int best = -1;
  size_t len;
  uint8_t *p;
  /* circ id 0 (2 bytes), VERSIONS, length 4, versions 4 and 5. */
  UT_EQ_INT(versions_cell_encode(buf, sizeof(buf)), 9);
  UT_EQ_HEX(buf, 9, "000007000400040005");
  UT_EQ_INT(versions_cell_encode(buf, 8), 0);
  p = hexbytes("000300040005", &len);
  UT_EQ_INT(versions_payload_best(p, len, &best), 0);
  UT_EQ_INT(best, 5);
  UT_EQ_INT(versions_payload_best(p, 4, &best), 0);
  UT_EQ_INT(best, 4);
  UT_EQ_INT(versions_payload_best(p, 2, &best), 0);
  UT_EQ_INT(best, 0);           /* only 3: nothing in common */
  UT_EQ_INT(versions_payload_best(p, 5, &best), -1);
  free(p);
  p = hexbytes("00050009ffff0004", &len);
  UT_EQ_INT(versions_payload_best(p, len, &best), 0);
  UT_EQ_INT(best, 5);
  free(p);
}

UNITTEST(cell, netinfo_parse)
{
  size_t len;
  netinfo_t ni;
  /* time, other = 127.0.0.1, two addresses: 10.0.0.1 and an IPv6, then
   * trailing padding (ignored). */
  uint8_t *p = hexbytes("5f5e1000" "04047f000001" "02" "04040a000001"
                        "061020010db8000000000000000000000001" "000000",
                        &len);
  UT_EQ_INT(netinfo_parse(&ni, p, len), 0);
  UT_EQ_INT(ni.timestamp, 0x5f5e1000u);
  UT_EQ_INT(ni.other_addr.type, NETINFO_ADDR_IPV4);
  UT_EQ_HEX(ni.other_addr.addr, 4, "7f000001");
  UT_EQ_INT(ni.n_my_addrs, 2);
  UT_EQ_INT(ni.my_addrs[0].type, NETINFO_ADDR_IPV4);
  UT_EQ_HEX(ni.my_addrs[0].addr, 4, "0a000001");
  UT_EQ_INT(ni.my_addrs[1].type, NETINFO_ADDR_IPV6);
  UT_EQ_HEX(ni.my_addrs[1].addr, 16, "20010db8000000000000000000000001");
  /* Truncated inside the second address. */
  UT_EQ_INT(netinfo_parse(&ni, p, 20), -1);
  UT_EQ_INT(netinfo_parse(&ni, p, 3), -1);
  free(p);
  /* Wrong ALEN for the type, and an unknown type: ignored, not errors. */
  p = hexbytes("00000000" "0405aabbccddee" "01" "0702abcd", &len);
  UT_EQ_INT(netinfo_parse(&ni, p, len), 0);
  UT_EQ_INT(ni.other_addr.type, NETINFO_ADDR_NONE);
  UT_EQ_INT(ni.n_my_addrs, 1);
  UT_EQ_INT(ni.my_addrs[0].type, NETINFO_ADDR_NONE);
  free(p);
}

UNITTEST(cell, netinfo_encode_client)
{
  uint8_t payload[CELL_PAYLOAD_LEN], zero[CELL_PAYLOAD_LEN];
  netinfo_addr_t peer;
  memset(&peer, 0, sizeof(peer));
  memset(zero, 0, sizeof(zero));
  peer.type = NETINFO_ADDR_IPV4;
  memcpy(peer.addr, "\x7f\x00\x00\x01", 4);
  /* As a client sends it: time 0, the peer's address, no addresses. */
  UT_EQ_INT(netinfo_encode(payload, 0, &peer, NULL, 0), 0);
  UT_EQ_HEX(payload, 11, "00000000" "04047f000001" "00");
  UT_EQ_MEM(payload + 11, zero, CELL_PAYLOAD_LEN - 11);
}

UNITTEST(cell, auth_challenge)
{
  size_t len;
  auth_challenge_t ac;
  uint8_t *p = hexbytes("0101010101010101010101010101010101010101010101010101"
                        "010101010101" "0002" "0001" "0003", &len);
  UT_EQ_INT(auth_challenge_parse(&ac, p, len), 0);
  UT_EQ_INT(ac.n_methods, 2);
  UT_EQ_INT(ac.has_ed25519_method, 1);
  UT_EQ_INT(ac.challenge[31], 1);
  UT_EQ_INT(auth_challenge_parse(&ac, p, len - 1), -1);
  UT_EQ_INT(auth_challenge_parse(&ac, p, 33), -1);
  free(p);
}

UNITTEST(cell, pool_reuses_cells)
{
  cell_pool_t *pool = cell_pool_new(CELL_POOL_SLAB_CELLS + 1);
  cell_t *cells[CELL_POOL_SLAB_CELLS + 1], *again;
  size_t i;
  for (i = 0; i < CELL_POOL_SLAB_CELLS + 1; i++) {
    cells[i] = cell_pool_get(pool);
    UT_ASSERT(cells[i] != NULL);
    memset(cells[i], (int)i, sizeof(cell_t));
  }
  UT_EQ_INT(cell_pool_n_allocated(pool), 2 * CELL_POOL_SLAB_CELLS);
  UT_ASSERT(cell_pool_get(pool) == NULL);      /* limit reached */
  cell_pool_put(pool, cells[5]);
  again = cell_pool_get(pool);
  UT_ASSERT(again == cells[5]);
  UT_EQ_INT(cell_pool_n_in_use(pool), CELL_POOL_SLAB_CELLS + 1);
  for (i = 0; i < CELL_POOL_SLAB_CELLS + 1; i++)
    cell_pool_put(pool, cells[i]);
  UT_EQ_INT(cell_pool_n_in_use(pool), 0);
  UT_EQ_INT(cell_pool_n_allocated(pool), 2 * CELL_POOL_SLAB_CELLS);
  cell_pool_free(pool);
}

/* The map against a plain array, through many inserts and removals. */
UNITTEST(cell, circmap_matches_reference)
{
  enum { N = 3000 };
  static uint32_t ids[N];
  static int present[N];
  circmap_t m = CIRCMAP_INIT;
  int i, round;
  /* Distinct ids: dense sequential ones, then ones differing only in
   * their high bits (which a poor hash would pile into one slot). */
  for (i = 0; i < N; i++)
    ids[i] = 0x80000000u | (i < N / 2 ? (uint32_t)i + 1 : (uint32_t)i << 16);
  UT_EQ_INT(circmap_put(&m, 0, &m), -1);
  for (round = 0; round < 4; round++) {
    for (i = 0; i < N; i++) {
      int want_in = ((i * 7 + round) % 3) != 0;
      if (want_in && !present[i]) {
        if (circmap_put(&m, ids[i], &ids[i]) == 0)
          present[i] = 1;
      } else if (!want_in && present[i]) {
        UT_ASSERT(circmap_remove(&m, ids[i]) == &ids[i]);
        present[i] = 0;
      }
    }
    for (i = 0; i < N; i++)
      UT_ASSERT(circmap_get(&m, ids[i]) == (present[i] ? &ids[i] : NULL));
  }
  UT_EQ_INT(circmap_put(&m, ids[1], &ids[1]), present[1] ? -1 : 0);
  UT_ASSERT(circmap_remove(&m, 0x12345) == NULL);
  circmap_clear(&m);
  UT_ASSERT(circmap_get(&m, ids[1]) == NULL);
}
