/* The control port's onion service directory commands (control-spec
 * 3.26 HSFETCH, 3.29 HSPOST) and GETINFO hs/client/desc/id/<addr> (3.9),
 * with real tor 0.4.9's replies (tests/vectors/control/real_tor):
 *   HSFETCH <56-char address> [SERVER=<LongName> ...]
 *     512 Bad arguments to HSFETCH: Need at least 1 argument(s)
 *         (or: Cannot parse keyword argument(s) / Unrecognized keyword
 *         argument "K"), 513 Invalid argument "<arg>" (not a v3 address:
 *         v2 ids and ".onion" suffixes included), 552 Server "<x>" not
 *         found, else 250 OK and then the HS_DESC / HS_DESC_CONTENT
 *         events of hs_dirop.
 *   +HSPOST [SERVER=<LongName> ...] [HSADDRESS=<56 chars>] + descriptor
 *     552 Server "<x>" not found, 512 Malformed onion address, 554 Invalid
 *     descriptor (the outer layer does not parse), else 250 OK and the
 *     HS_DESC UPLOAD/UPLOADED/FAILED events. Real tor gives no reply at all
 *     when HSADDRESS is missing; we always answer once (554 for a bad
 *     body, else the upload goes ahead with address UNKNOWN in events).
 *   GETINFO hs/client/desc/id/<addr>: the last descriptor HSFETCH got for
 *     addr; 551 Invalid address / 551 Not found in cache.
 * The argument checks are pure functions (control_hs_parse_*, in
 * control_hs_args.c: no network, no allocation kept), unit tested and a
 * fuzz target (tests/fuzz/fuzz_control_hs.c). */
#ifndef TOR_FEATURE_CONTROL_CONTROL_HS_CMDS_H
#define TOR_FEATURE_CONTROL_CONTROL_HS_CMDS_H

#include <stddef.h>
#include <stdint.h>

#define CONTROL_HS_MAX_SERVERS 32

typedef struct control_hs_args_t {
  char addr[57];                 /* HSFETCH's address / HSPOST's HSADDRESS
                                    ("" when absent) */
  uint8_t servers[CONTROL_HS_MAX_SERVERS][20];
  int n_servers;
} control_hs_args_t;

/* Whether the relay with this RSA identity is known (and, when nick is
 * not "", has that nickname, case-insensitively): 1 or 0. */
typedef int (*control_hs_server_known_fn)(const uint8_t rsa_id[20], const char *nick,
                                          void *arg);

/* Parses HSFETCH's (is_post 0) or HSPOST's (is_post 1) argument line
 * args[0..len) into out, asking known(id, nick, arg) about each server
 * (known may be NULL: no server is known). Returns 0, or -1 with the
 * complete reply line in err[0..errlen) ("513 Invalid argument \"x\"",
 * without CR LF). Checks as tor: syntax first (positional and keyword
 * counts, allowed keywords), then the address, then the keywords in
 * order. */
int control_hs_parse_args(const char *args, size_t len, int is_post,
                          control_hs_server_known_fn known, void *arg,
                          control_hs_args_t *out, char *err, size_t errlen);

/* Parses a server as tor reads SERVER= arguments (a LongName,
 * control-spec 2.4): an optional "$", 40 hex digits, then optionally "~"
 * and a nickname (1 to 19 letters and digits) that the relay must have,
 * into its RSA identity and nick ("" when none). "=nick" names a Named
 * relay, which no longer exist: -1, as tor. A bare nickname is not
 * accepted (tor neither). Returns 0, or -1. */
int control_hs_parse_server(const char *s, size_t len, uint8_t rsa_id[20], char nick[20]);

/* A 56-character v3 onion address (no ".onion"), checksum and key checked,
 * as tor's hs_address_is_valid. 1 or 0. */
int control_hs_valid_address(const char *s, size_t len);

/* Registers HSFETCH, HSPOST and GETINFO hs/client/desc/id/. */
void control_hs_register(void);

#endif
