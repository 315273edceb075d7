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
 * The argument checks are pure functions (control_hs_parse_*), unit
 * tested. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_HS_CMDS_H
#define TOR_FEATURE_CONTROL_CONTROL_HS_CMDS_H

#include <stddef.h>
#include <stdint.h>

#include "feature/nodelist/nodelist.h"

#define CONTROL_HS_MAX_SERVERS 32

typedef struct control_hs_args_t {
  char addr[57];                 /* HSFETCH's address / HSPOST's HSADDRESS
                                    ("" when absent) */
  uint8_t servers[CONTROL_HS_MAX_SERVERS][20];
  int n_servers;
} control_hs_args_t;

/* Parses HSFETCH's (is_post 0) or HSPOST's (is_post 1) argument line
 * args[0..len) into out, looking servers up in nl (may be NULL: none is
 * found). Returns 0, or -1 with the complete reply line in
 * err[0..errlen) ("513 Invalid argument \"x\"", without CR LF). */
int control_hs_parse_args(const char *args, size_t len, int is_post, const nodelist_t *nl,
                          control_hs_args_t *out, char *err, size_t errlen);

/* Registers HSFETCH, HSPOST and GETINFO hs/client/desc/id/. */
void control_hs_register(void);

#endif
