/* Initiator link handshake state machine; see link_handshake.h. */
#include "orconfig.h"

#include "core/or/link_handshake.h"

#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <stdlib.h>
#include <string.h>

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

typedef enum {
  HS_WAIT_VERSIONS,
  HS_WAIT_CERTS,
  HS_WAIT_NETINFO,      /* CERTS verified; AUTH_CHALLENGE may come first */
  HS_OPEN,
  HS_FAILED,
} hs_state_t;

struct link_handshake_t {
  hs_state_t state;
  int link_proto;
  netinfo_addr_t peer_addr;
  int have_expected_rsa, have_expected_ed;
  uint8_t expected_rsa[DIGEST_LEN];
  uint8_t expected_ed[ED25519_PUBKEY_LEN];
  int have_tls_digest;
  uint8_t tls_cert_digest[32];
  int identity_mismatch;
  int sent_netinfo;
  link_peer_ids_t peer_ids;
  int have_netinfo;
  netinfo_t peer_netinfo;
  uint8_t *certs_payload;
  size_t certs_len;
};

link_handshake_t *
link_handshake_new(const netinfo_addr_t *peer_addr,
                   const uint8_t *expected_rsa_id,
                   const uint8_t *expected_ed_id)
{
  link_handshake_t *hs = calloc(1, sizeof(*hs));
  if (!hs)
    return NULL;
  hs->state = HS_WAIT_VERSIONS;
  hs->peer_addr = *peer_addr;
  if (expected_rsa_id) {
    hs->have_expected_rsa = 1;
    memcpy(hs->expected_rsa, expected_rsa_id, DIGEST_LEN);
  }
  if (expected_ed_id) {
    hs->have_expected_ed = 1;
    memcpy(hs->expected_ed, expected_ed_id, ED25519_PUBKEY_LEN);
  }
  return hs;
}

void
link_handshake_free(link_handshake_t *hs)
{
  if (!hs)
    return;
  free(hs->certs_payload);
  free(hs);
}

int
link_handshake_start(link_handshake_t *hs, buf_t *out)
{
  uint8_t cell[16];
  size_t n = versions_cell_encode(cell, sizeof(cell));
  (void)hs;
  if (n == 0 || buf_add(out, cell, n) < 0)
    return -1;
  return 0;
}

void
link_handshake_set_peer_tls_cert_digest(link_handshake_t *hs,
                                        const uint8_t digest[32])
{
  memcpy(hs->tls_cert_digest, digest, 32);
  hs->have_tls_digest = 1;
}

static link_hs_result_t
hs_fail(link_handshake_t *hs, const char **err, const char *msg)
{
  hs->state = HS_FAILED;
  SET_ERR(msg);
  return LINK_HS_ERROR;
}

static link_hs_result_t
hs_handle_versions(link_handshake_t *hs, const var_cell_t *cell,
                   const char **err)
{
  int best;
  if (versions_payload_best(cell->payload, cell->payload_len, &best) < 0)
    return hs_fail(hs, err, "malformed VERSIONS cell (odd length)");
  if (best == 0)
    return hs_fail(hs, err, "no link protocol version in common");
  hs->link_proto = best;
  hs->state = HS_WAIT_CERTS;
  return LINK_HS_CONTINUE;
}

/* Verify CERTS, then the identities the caller expects. */
static link_hs_result_t
hs_handle_certs(link_handshake_t *hs, const var_cell_t *cell, time_t now,
                const char **err)
{
  if (!hs->have_tls_digest)
    return hs_fail(hs, err, "CERTS before the TLS certificate was known");
  hs->certs_payload = malloc(cell->payload_len ? cell->payload_len : 1);
  if (!hs->certs_payload)
    return hs_fail(hs, err, "out of memory");
  memcpy(hs->certs_payload, cell->payload, cell->payload_len);
  hs->certs_len = cell->payload_len;
  if (certs_cell_verify_responder(cell->payload, cell->payload_len,
                                  hs->tls_cert_digest, now, &hs->peer_ids,
                                  err) < 0) {
    hs->state = HS_FAILED;
    return LINK_HS_ERROR;
  }
  if ((hs->have_expected_rsa &&
       !crypto_memeq(hs->expected_rsa, hs->peer_ids.rsa_id_digest,
                     DIGEST_LEN)) ||
      (hs->have_expected_ed &&
       !crypto_memeq(hs->expected_ed, hs->peer_ids.ed25519_id,
                     ED25519_PUBKEY_LEN))) {
    hs->identity_mismatch = 1;
    return hs_fail(hs, err, "peer is not the relay we wanted");
  }
  hs->state = HS_WAIT_NETINFO;
  return LINK_HS_CONTINUE;
}

/* Append our NETINFO cell once. */
static int
hs_send_netinfo(link_handshake_t *hs, buf_t *out)
{
  cell_t cell;
  uint8_t *dst;
  if (hs->sent_netinfo)
    return 0;
  memset(&cell, 0, sizeof(cell));
  cell.command = CELL_NETINFO;
  /* Clients send time 0 and no addresses of their own (tor-spec 4.5). */
  if (netinfo_encode(cell.payload, 0, &hs->peer_addr, NULL, 0) < 0)
    return -1;
  dst = buf_reserve(out, cell_network_size(hs->link_proto));
  if (!dst)
    return -1;
  buf_commit(out, cell_pack(dst, &cell, hs->link_proto));
  hs->sent_netinfo = 1;
  return 0;
}

link_hs_result_t
link_handshake_handle_var_cell(link_handshake_t *hs, const var_cell_t *cell,
                               time_t now, buf_t *out, const char **err)
{
  auth_challenge_t ac;
  if (hs->state == HS_FAILED)
    return hs_fail(hs, err, "handshake already failed");
  if (cell->command == CELL_VPADDING)
    return LINK_HS_CONTINUE;
  switch (hs->state) {
  case HS_WAIT_VERSIONS:
    if (cell->command != CELL_VERSIONS)
      return hs_fail(hs, err, "first cell from the responder is not VERSIONS");
    return hs_handle_versions(hs, cell, err);
  case HS_WAIT_CERTS:
    if (cell->command == CELL_VERSIONS)
      return LINK_HS_CONTINUE;  /* later VERSIONS cells are ignored */
    if (cell->command != CELL_CERTS)
      return hs_fail(hs, err, "expected a CERTS cell");
    return hs_handle_certs(hs, cell, now, err);
  case HS_WAIT_NETINFO:
    if (cell->command == CELL_VERSIONS)
      return LINK_HS_CONTINUE;
    if (cell->command != CELL_AUTH_CHALLENGE)
      return hs_fail(hs, err, "unexpected variable-length cell after CERTS");
    if (auth_challenge_parse(&ac, cell->payload, cell->payload_len) < 0)
      return hs_fail(hs, err, "malformed AUTH_CHALLENGE cell");
    /* We do not authenticate: answering with NETINFO says so. */
    if (hs_send_netinfo(hs, out) < 0)
      return hs_fail(hs, err, "cannot queue our NETINFO cell");
    return LINK_HS_CONTINUE;
  case HS_OPEN:
  case HS_FAILED:
  default:
    return hs_fail(hs, err, "cell after the handshake ended");
  }
}

link_hs_result_t
link_handshake_handle_cell(link_handshake_t *hs, const cell_t *cell,
                           buf_t *out, const char **err)
{
  if (hs->state == HS_FAILED)
    return hs_fail(hs, err, "handshake already failed");
  if (hs->state != HS_WAIT_NETINFO) {
    if (cell->command == CELL_PADDING && hs->state == HS_WAIT_CERTS)
      return LINK_HS_CONTINUE;
    return hs_fail(hs, err, "fixed-length cell before CERTS");
  }
  if (cell->command == CELL_PADDING)
    return LINK_HS_CONTINUE;
  if (cell->command != CELL_NETINFO)
    return hs_fail(hs, err, "unexpected fixed-length cell before NETINFO");
  if (netinfo_parse(&hs->peer_netinfo, cell->payload, CELL_PAYLOAD_LEN) < 0)
    return hs_fail(hs, err, "malformed NETINFO cell");
  hs->have_netinfo = 1;
  if (hs_send_netinfo(hs, out) < 0)
    return hs_fail(hs, err, "cannot queue our NETINFO cell");
  hs->state = HS_OPEN;
  return LINK_HS_OPEN;
}

int
link_handshake_link_proto(const link_handshake_t *hs)
{
  return hs->link_proto;
}

int
link_handshake_peer_verified(const link_handshake_t *hs)
{
  return hs->state == HS_WAIT_NETINFO || hs->state == HS_OPEN;
}

const link_peer_ids_t *
link_handshake_peer_ids(const link_handshake_t *hs)
{
  return &hs->peer_ids;
}

int
link_handshake_identity_mismatch(const link_handshake_t *hs)
{
  return hs->identity_mismatch;
}

const netinfo_t *
link_handshake_peer_netinfo(const link_handshake_t *hs)
{
  return hs->have_netinfo ? &hs->peer_netinfo : NULL;
}

const uint8_t *
link_handshake_certs_payload(const link_handshake_t *hs, size_t *len)
{
  *len = hs->certs_len;
  return hs->certs_payload;
}
