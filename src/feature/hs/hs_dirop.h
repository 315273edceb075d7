/* Onion service directory operations on behalf of a controller (HSFETCH,
 * HSPOST; control-spec 3.26, 3.29) and of the onion service client
 * (hs_client's descriptor fetches), with their HS_DESC and HS_DESC_CONTENT
 * events (4.1.25, 4.1.26):
 *
 *  - fetch: the v3 descriptor of an onion address, by GET
 *    /tor/hs/3/<base64 blinded key> over BEGIN_DIR on a 3-hop circuit
 *    (purpose HS_CLIENT_HSDIR) to an HSDir. Without servers: the
 *    responsible HSDirs of the ring clients fetch from now
 *    (hs_hsdirs_fetch_ring, spread hsdir_spread_fetch), one at a time in
 *    random order, until one returns a descriptor whose outer layer parses
 *    and is signed for the blinded key. With servers: each is asked, in
 *    parallel. Per HSDir: "HS_DESC REQUESTED", then "RECEIVED" or
 *    "FAILED ... REASON=NOT_FOUND|QUERY_REJECTED|BAD_DESC|UNEXPECTED",
 *    then "HS_DESC_CONTENT" with the body verbatim (one empty line on
 *    failure, as tor). No HSDir at all: FAILED with HsDir UNKNOWN and
 *    REASON=QUERY_NO_HSDIR. The last good descriptor of each address is
 *    kept (at most HS_DIROP_CACHE_MAX addresses, oldest dropped).
 *  - post: a descriptor text, verbatim, by POST /tor/hs/3/publish to each
 *    given HSDir (or the responsible ones of its blinded key in the fetch
 *    ring, spread hsdir_spread_store), in parallel, on circuits of purpose
 *    HS_SERVICE_HSDIR. Per HSDir: "HS_DESC UPLOAD", then "UPLOADED" or
 *    "FAILED ... REASON=UPLOAD_REJECTED".
 *
 * Bounded: at most HS_DIROP_MAX_OPS operations, HS_DIROP_MAX_IN_FLIGHT
 * circuits at once (the rest wait), HS_DIROP_ATTEMPT_TIMEOUT seconds per
 * HSDir. Work starts from a deferred callback on the main loop, so a
 * command's reply always precedes its events. Operations run whether or
 * not a controller listens; events are formatted only when one does.
 * hs_dirop_stop() closes every circuit and frees everything. */
#ifndef TOR_FEATURE_HS_HS_DIROP_H
#define TOR_FEATURE_HS_HS_DIROP_H

#include <stddef.h>
#include <stdint.h>

#define HS_DIROP_MAX_OPS 64
#define HS_DIROP_MAX_IN_FLIGHT 16
#define HS_DIROP_MAX_TARGETS 32
#define HS_DIROP_ATTEMPT_TIMEOUT 120
#define HS_DIROP_CACHE_MAX 64

/* TestingTorNetwork (it changes the length of time periods). May be called
 * again; the last value counts. */
void hs_dirop_set_testing_network(int testing_network);
/* Closes every circuit of ours and frees all state, the cache included. */
void hs_dirop_stop(void);

/* Starts a fetch of addr (56 characters, checked by the caller) from
 * servers[0..n_servers) (RSA identities) or, with n_servers 0, the
 * responsible HSDirs. Returns 0, or -1 when HS_DIROP_MAX_OPS operations
 * are running or memory ran out (the FAILED events then still follow,
 * with REASON=QUERY_RATE_LIMITED). */
int hs_dirop_fetch(const char *addr, const uint8_t (*servers)[20], int n_servers);

/* For an internal user (the onion service client): the same fetch from
 * the responsible HSDirs, with the same events, after which done(addr,
 * found, arg) runs once from the main loop as the operation ends (found:
 * a good descriptor of addr is now hs_dirop_cached()). Returns 0, or -1
 * when it could not start (done is then not called). hs_dirop_stop()
 * drops the callbacks without calling them. */
typedef void (*hs_dirop_fetch_done_fn)(const char *addr, int found, void *arg);
int hs_dirop_fetch_for(const char *addr, hs_dirop_fetch_done_fn done, void *arg);
/* The fetches started with arg go on, but call nobody when they end. */
void hs_dirop_forget(void *arg);
/* The blinded key under which clients fetch addr's descriptor now (the
 * client's consensus time period). Returns 0, or -1 without a consensus
 * or with a bad address. */
int hs_dirop_blinded_key(const char *addr, uint8_t out[32]);

/* Starts uploads of desc[0..len) (copied) whose blinded key is blinded_pk
 * to servers[0..n_servers), or the responsible HSDirs when n_servers is 0.
 * addr names the service in the events ("UNKNOWN" if NULL). Returns 0, or
 * -1 when too many operations run or memory ran out (nothing happens). */
int hs_dirop_post(const char *desc, size_t len, const uint8_t blinded_pk[32],
                  const char *addr, const uint8_t (*servers)[20], int n_servers);

/* The last descriptor fetched for addr (NUL-terminated, owned by the
 * cache: copy it), or NULL. */
const char *hs_dirop_cached(const char *addr);

#endif
