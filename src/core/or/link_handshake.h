/* The in-protocol link handshake of an initiator that does not
 * authenticate (tor-spec 4), as a state machine without I/O:
 *
 *   we send VERSIONS (4, 5; 2-byte circ id)
 *   peer:   VERSIONS -> link protocol = highest shared version
 *   peer:   CERTS    -> verified (link_handshake_certs.h) against the TLS
 *                       certificate, and against the expected identities
 *   peer:   AUTH_CHALLENGE -> checked for shape, otherwise ignored; we
 *                       answer with our NETINFO (time 0, the peer's address,
 *                       no addresses of our own, as clients do)
 *   peer:   NETINFO  -> recorded; the link is open
 *
 * VPADDING is ignored throughout; a second VERSIONS is ignored; anything
 * else out of order fails the handshake. Cells we must send are appended
 * to the caller's output buffer. */
#ifndef TOR_CORE_OR_LINK_HANDSHAKE_H
#define TOR_CORE_OR_LINK_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/or/cell.h"
#include "core/or/cell_link.h"
#include "core/or/link_handshake_certs.h"
#include "lib/buf/buf.h"

typedef struct link_handshake_t link_handshake_t;

typedef enum {
  LINK_HS_ERROR = -1,     /* fail the connection; see the err string */
  LINK_HS_CONTINUE = 0,   /* keep going */
  LINK_HS_OPEN = 1,       /* handshake complete: the channel is open */
} link_hs_result_t;

/* A handshake with a peer we reached at peer_addr (put in our NETINFO).
 * expected_rsa_id (20 bytes) and expected_ed_id (32 bytes) may be NULL
 * when the caller does not know them; when given, CERTS must prove them. */
link_handshake_t *link_handshake_new(const netinfo_addr_t *peer_addr,
                                     const uint8_t *expected_rsa_id,
                                     const uint8_t *expected_ed_id);
void link_handshake_free(link_handshake_t *hs);

/* Append our VERSIONS cell to out (right after TLS is up). */
int link_handshake_start(link_handshake_t *hs, buf_t *out);
/* The SHA-256 of the certificate the peer presented in TLS; must be set
 * before its CERTS cell arrives. */
void link_handshake_set_peer_tls_cert_digest(link_handshake_t *hs,
                                             const uint8_t digest[32]);

/* Feed one received cell. now is the time certificates are checked at. */
link_hs_result_t link_handshake_handle_var_cell(link_handshake_t *hs,
                                                const var_cell_t *cell,
                                                time_t now, buf_t *out,
                                                const char **err);
link_hs_result_t link_handshake_handle_cell(link_handshake_t *hs,
                                            const cell_t *cell,
                                            buf_t *out, const char **err);

/* Negotiated link protocol, 0 until the peer's VERSIONS has arrived; it
 * decides how the next cells are framed. */
int link_handshake_link_proto(const link_handshake_t *hs);
/* 1 once CERTS verified; the peer's identities are then valid. */
int link_handshake_peer_verified(const link_handshake_t *hs);
const link_peer_ids_t *link_handshake_peer_ids(const link_handshake_t *hs);
/* 1 if the handshake failed because the peer is not the expected relay. */
int link_handshake_identity_mismatch(const link_handshake_t *hs);
/* The peer's NETINFO, once received (else NULL). */
const netinfo_t *link_handshake_peer_netinfo(const link_handshake_t *hs);
/* The peer's CERTS payload as received (NULL before), for diagnostics. */
const uint8_t *link_handshake_certs_payload(const link_handshake_t *hs,
                                            size_t *len);

#endif
