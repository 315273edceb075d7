/* FallbackDir lines, as tor 0.4.9 takes them:
 *   "ADDRESS[:DIRPORT] orport=PORT id=FINGERPRINT [weight=N] [ipv6=[ADDR]:PORT]"
 * in any order. ADDRESS is an IPv4 or IPv6 literal (IPv6 in brackets when a
 * DirPort follows); tor 0.4.9's own fallbacks have no DirPort. orport= and
 * id= (40 hex digits) are required. As in tor, option names are
 * case-sensitive, unknown NAME=VALUE options are ignored, a bad weight or
 * a second ipv6= is only warned about, and any other word is an error. */
#ifndef TOR_FEATURE_NODELIST_FALLBACKDIR_LINE_H
#define TOR_FEATURE_NODELIST_FALLBACKDIR_LINE_H

#include <stddef.h>
#include <stdint.h>

#define FALLBACK_ADDRESS_LEN 46   /* an IPv6 literal and its NUL */

typedef struct fallback_dir_t {
  char address[FALLBACK_ADDRESS_LEN];  /* IPv4 dotted, or IPv6 without brackets */
  int address_is_ipv6;
  uint16_t dir_port;                   /* 0 when absent */
  uint16_t or_port;
  uint8_t rsa_id_digest[20];
  char ipv6_address[FALLBACK_ADDRESS_LEN]; /* "" when absent */
  uint16_t ipv6_or_port;
  double weight;                       /* 1 unless weight= says otherwise */
} fallback_dir_t;

/* Returns 0, or -1 with the reason in err. On success warn holds what tor
 * would warn about but accepts ("" when nothing). */
int fallback_dir_line_parse(const char *value, fallback_dir_t *out, char *warn,
                            size_t warnlen, char *err, size_t errlen);

#endif
