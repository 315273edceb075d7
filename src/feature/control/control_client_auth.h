/* The control port's client authorization commands (control-spec 3.30 -
 * 3.32), with real tor 0.4.9's replies (seen with tor 0.4.9.11; see
 * tests/vectors/control/real_tor/onion_client_auth.txt):
 *   ONION_CLIENT_AUTH_ADD <56-char address> x25519:<base64 key>
 *       [ClientName=<at most 16 chars>] [Flags=Permanent]
 *     512 Incomplete ONION_CLIENT_AUTH_ADD command (fewer than 2 words),
 *     512 Bad arguments to ONION_CLIENT_AUTH_ADD: Cannot parse keyword
 *         argument(s) (a third word that is not Key=Value, or a quoted
 *         value), 512 Invalid v3 address "<a>" (".onion" included),
 *     512 Invalid key type/blob (no ':'), 552 Unrecognized key type "<t>",
 *     512 Failed to decode x25519 private key, 553 Invalid private key
 *         "<blob>" (all zero), 512 ClientName longer than 16 chars,
 *     512 Invalid 'Flags' argument: "<f>", 553 Unable to store creds for
 *         "<a>" (Permanent without ClientOnionAuthDir, or the write
 *         failed), 451 We reached authorized client capacity,
 *     else 252 Registered client and decrypted desc (a cached descriptor
 *     that needed the credential decrypts now), 251 Client for onion
 *     existed and replaced, or 250 OK. Other keywords are ignored, as tor.
 *   ONION_CLIENT_AUTH_REMOVE <address>: 512 Incomplete ... command, 512
 *     Bad arguments ..., 512 Invalid v3 address, 251 No credentials for
 *     "<a>", 250 OK (a permanent credential's file is deleted).
 *   ONION_CLIENT_AUTH_VIEW [<address>]: "250-ONION_CLIENT_AUTH_VIEW[ a]",
 *     per credential "250-CLIENT <a> x25519:<base64>[ Flags=Permanent]
 *     [ ClientName=<n>]" (tor's order, which differs from the spec's
 *     grammar), "250 OK"; 512 as REMOVE for bad arguments.
 * Keyword names and flag names match case-insensitively; the key type too.
 * The argument checks are pure (control_client_auth_args.c), unit tested
 * and a fuzz target (tests/fuzz/fuzz_hs_client_auth.c). */
#ifndef TOR_FEATURE_CONTROL_CONTROL_CLIENT_AUTH_H
#define TOR_FEATURE_CONTROL_CONTROL_CLIENT_AUTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct control_client_auth_add_t {
  char addr[57];            /* as given (56 characters) */
  uint8_t sk[32];
  char name[17];            /* "" if no ClientName */
  int permanent;
} control_client_auth_add_t;

/* ONION_CLIENT_AUTH_ADD's arguments args[0..len). Returns 0, or -1 with
 * the complete reply line ("512 ...", without CR LF) in err. */
int control_client_auth_parse_add(const char *args, size_t len,
                                  control_client_auth_add_t *out, char *err,
                                  size_t errlen);

/* REMOVE's (required 1) or VIEW's (required 0) single address argument:
 * addr gets it ("" if absent). Returns 0, or -1 with the reply line in
 * err. cmd names the command in the messages. */
int control_client_auth_parse_addr(const char *args, size_t len,
                                   const char *cmd, int required,
                                   char addr[57], char *err, size_t errlen);

/* Registers the three commands. */
void control_client_auth_register(void);

#endif
