/* The directory authorities and fallback directories compiled into real
 * tor 0.4.9.11 (Debian's 0.4.9.11-0+deb12u1): the public Tor network's,
 * which tor uses when the torrc names no DirAuthority, AlternateDirAuthority
 * or AlternateBridgeAuthority (and, for the fallbacks, no FallbackDir and
 * UseDefaultFallbackDirs 1). Facts, read out of the tor binary by
 * tests/vectors/default_dirs/make-vectors; refresh them after a tor release
 * with
 *   tests/vectors/default_dirs/make-vectors --write-c src/feature/nodelist/default_dirs.c
 * (it rewrites the vectors and the tables here from the installed tor), and
 * change the version above. tests/unit/test_default_dirs.c checks the
 * tables against the vectors. */
#ifndef TOR_FEATURE_NODELIST_DEFAULT_DIRS_H
#define TOR_FEATURE_NODELIST_DEFAULT_DIRS_H

#include <stddef.h>
#include <stdint.h>

#include "feature/nodelist/fallbackdir_line.h"

#define DEFAULT_DIRS_TOR_VERSION "0.4.9.11"

/* DirAuthority lines (dirauth_line.h), exactly as tor stores them: nine
 * directory authorities and one bridge authority (flag "bridge"). */
extern const char *const default_dir_authority_lines[];
extern const size_t default_dir_authority_count;

/* One fallback directory, as text. */
typedef struct default_fallback_dir_t {
  const char *ipv4;
  uint16_t dir_port;        /* 0: none (tor 0.4.9's fallbacks have none) */
  uint16_t or_port;
  const char *rsa_id_hex;   /* 40 uppercase hex digits */
  const char *ipv6_or_addr; /* "[ADDR]:PORT", or NULL */
} default_fallback_dir_t;

extern const default_fallback_dir_t default_fallback_dirs[];
extern const size_t default_fallback_dir_count;

/* Entry i of default_fallback_dirs as a fallback_dir_t (weight 1).
 * Returns 0, or -1 if i is out of range. */
int default_fallback_dir_get(size_t i, fallback_dir_t *out);

#endif
