/* DirAuthority lines: "[nickname] [flags] ADDRESS:DIRPORT FINGERPRINT",
 * flags among orport=PORT, v3ident=HEX, ipv6=[ADDR]:PORT, weight=N, no-v2,
 * v1, hs, no-hs, bridge. The fingerprint is 40 hex digits, which may be
 * written in groups of four separated by spaces. */
#ifndef TOR_FEATURE_NODELIST_DIRAUTH_LINE_H
#define TOR_FEATURE_NODELIST_DIRAUTH_LINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct dir_authority_t {
  char nickname[20];
  char address[16];      /* dotted IPv4 */
  uint16_t dir_port;
  uint16_t or_port;      /* 0 when absent */
  uint8_t rsa_id_digest[20];
  uint8_t v3_identity_digest[20];
  int has_v3_identity;
  int is_bridge;
  double weight;
} dir_authority_t;

/* Returns 0, or -1 with a reason in err. */
int dir_authority_line_parse(const char *value, dir_authority_t *out,
                             char *err, size_t errlen);

#endif
