/* The onion service client (rend-spec-v3 2-4, the client's side): circuits
 * to v3 onion services for the SocksPort's streams.
 *
 * hs_client_get_circuit(host, key) answers with a joined rendezvous
 * circuit whose end-to-end hop is the service: open streams on it with
 * stream_open(circ, ":PORT") (tor clients send BEGIN with an empty address
 * to onion services). Per onion address we keep the descriptor (fetched
 * from the responsible HSDirs through hs_dirop, which caches it, and
 * decrypted with hs_desc_*) and which of its intro points failed; per
 * request of (address, isolation key) with no reusable circuit, one
 * connection attempt (hs_client_conn.h) builds the rendezvous circuit and
 * introduces us through an intro point (others on NACK or timeout). A
 * joined circuit serves later requests of the same address and key for
 * HS_CLIENT_CIRCUIT_DIRTINESS seconds after its first use, as tor's exit
 * circuits do; an idle one is closed after that.
 *
 * Bounds: HS_CLIENT_REQUEST_TIMEOUT seconds per request (then
 * HS_CLIENT_TIMEOUT), at most HS_CLIENT_MAX_FETCHES descriptor fetches
 * (a second one when every intro point of the first descriptor failed) and
 * HS_CLIENT_MAX_ATTEMPTS connection attempts per request; fixed tables of
 * services, requests and attempts (a full table answers HS_CLIENT_INTERNAL).
 * Client authorization: a descriptor is decrypted with the credential
 * hs_client_auth holds for its address (ClientOnionAuthDir, or
 * ONION_CLIENT_AUTH_ADD); a service that requires one gives
 * HS_CLIENT_NEED_CLIENT_AUTH without a credential and
 * HS_CLIENT_BAD_CLIENT_AUTH with one it does not know. A credential added
 * later applies to the next request (the cached descriptor is decrypted
 * again), as in tor.
 *
 * Everything runs on the main loop; a request's answer comes from a
 * deferred callback or a circuit event, except that a bad address or a
 * full table is answered before hs_client_get_circuit returns. */
#ifndef TOR_FEATURE_HS_HS_CLIENT_H
#define TOR_FEATURE_HS_HS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "lib/crypt/onion_address.h"

#define HS_CLIENT_REQUEST_TIMEOUT 120
#define HS_CLIENT_MAX_FETCHES 2
/* Relays that went down stay in the consensus for a while, and a path
 * through one fails an attempt's circuits: tor too keeps retrying until
 * the stream's timeout; HS_CLIENT_REQUEST_TIMEOUT still bounds it. */
#define HS_CLIENT_MAX_ATTEMPTS 6
#define HS_CLIENT_CIRCUIT_DIRTINESS (10 * 60)

/* How a request ended; the SOCKS5 reply each maps to is tor's
 * (rend-spec-v3's list of extended errors, socks-extensions). */
typedef enum {
  HS_CLIENT_OK = 0,
  HS_CLIENT_DESC_NOT_FOUND,   /* F0: no HSDir has a descriptor */
  HS_CLIENT_DESC_INVALID,     /* F1: the descriptor does not decrypt or parse */
  HS_CLIENT_INTRO_FAILED,     /* F2: every intro point refused or failed */
  HS_CLIENT_REND_FAILED,      /* F3: the rendezvous circuit failed */
  HS_CLIENT_NEED_CLIENT_AUTH, /* F4: the service wants client authorization */
  HS_CLIENT_BAD_CLIENT_AUTH,  /* F5: our credential for it is not one it knows */
  HS_CLIENT_BAD_ADDRESS,      /* F6: bad checksum, version or key */
  HS_CLIENT_TIMEOUT,          /* F7: no circuit in HS_CLIENT_REQUEST_TIMEOUT */
  HS_CLIENT_INTERNAL,         /* 01: out of memory or table room, no path */
} hs_client_status_t;

/* The SOCKS5 REP byte for status. */
uint8_t hs_client_socks5_reply(hs_client_status_t status);
const char *hs_client_status_str(hs_client_status_t status);

/* The onion address of a SOCKS host "[labels.]<56 characters>.onion"
 * (tor ignores subdomains): out gets the 56 lowercase characters and a
 * NUL, pk_out the service's identity key (either may be NULL). Returns
 * HS_CLIENT_OK or HS_CLIENT_BAD_ADDRESS. */
hs_client_status_t hs_client_parse_address(const char *host,
                                           char out[ONION_ADDRESS_LEN + 1],
                                           uint8_t pk_out[32]);

/* After a credential for addr (56 lowercase characters) was added: 1 if
 * we hold no decrypted descriptor of addr and the one cached for it did
 * not decrypt without a credential and decrypts with it
 * (ONION_CLIENT_AUTH_ADD's 252 reply), else 0. */
int hs_client_cached_desc_decrypts_now(const char *addr);

/* Calls ready(circ, HS_CLIENT_OK, arg) with a joined rendezvous circuit
 * to host's service that requests of the same isolation key may share, or
 * ready(NULL, why, arg). Exactly once, unless cancelled first. */
typedef void (*hs_client_ready_fn)(circuit_t *circ, hs_client_status_t status, void *arg);
void hs_client_get_circuit(const char *host, const uint8_t *isolation_key, size_t key_len,
                           hs_client_ready_fn ready, void *arg);
/* circ (ours) did not answer a stream (no CONNECTED in time: the far end
 * may be gone without the rendezvous point telling us yet): no new
 * request gets it, and it is closed once no stream is left on it. */
void hs_client_retire_circuit(circuit_t *circ);
/* Forgets the requests of arg (the requester went away); attempts under
 * way go on and their circuits may serve later requests. */
void hs_client_cancel_request(void *arg);
/* At shutdown: closes every circuit of ours and frees all state; pending
 * requests are dropped without an answer. */
void hs_client_stop(void);

#endif
