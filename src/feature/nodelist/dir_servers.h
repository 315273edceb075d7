/* Which directory authorities and fallback directories a configuration
 * selects, by tor 0.4.9's rules:
 *  - DirAuthority lines replace every default authority, and may not be
 *    combined with AlternateDirAuthority or AlternateBridgeAuthority;
 *  - AlternateDirAuthority replaces the default directory authorities,
 *    AlternateBridgeAuthority the default bridge authority (its lines are
 *    bridge authorities), each keeping the other defaults;
 *  - FallbackDir lines are the fallbacks; without any, the default ones
 *    (default_dirs.h) are used only with the default directory authorities
 *    and UseDefaultFallbackDirs 1, so a private network never gets the
 *    public network's fallbacks by accident.
 * And, while bootstrapping, which of them to fetch from. */
#ifndef TOR_FEATURE_NODELIST_DIR_SERVERS_H
#define TOR_FEATURE_NODELIST_DIR_SERVERS_H

#include <stddef.h>
#include <stdint.h>

#include "feature/nodelist/dirauth_line.h"
#include "feature/nodelist/fallbackdir_line.h"
#include "lib/conf/confline.h"

typedef struct dir_servers_config_t {
  const config_line_t *dir_authorities;        /* DirAuthority */
  const config_line_t *alternate_dir_authorities;
  const config_line_t *alternate_bridge_authorities;
  const config_line_t *fallback_dirs;          /* FallbackDir */
  int use_default_fallback_dirs;
} dir_servers_config_t;

typedef struct dir_servers_t {
  dir_authority_t *authorities;   /* directory and bridge authorities */
  size_t n_authorities;
  fallback_dir_t *fallbacks;
  size_t n_fallbacks;
  int default_dir_authorities;    /* the public network's directory authorities */
  int default_fallbacks;
} dir_servers_t;

/* Fills out (free it with dir_servers_clear) and returns 0, or returns -1
 * with the reason in err ("FILE:LINE: Invalid value for OPTION 'VALUE':
 * why" for a bad line). What the FallbackDir parser only warns about is
 * logged at warn. */
int dir_servers_select(const dir_servers_config_t *cfg, dir_servers_t *out, char *err,
                       size_t errlen);
void dir_servers_clear(dir_servers_t *ds);

/* How many of the fallbacks have a DirPort (and an IPv4 address and a
 * positive weight); the others (all of tor 0.4.9's) serve the directory
 * only over their ORPort, through a one-hop CREATE_FAST circuit. */
size_t dir_servers_count_dirport_fallbacks(const fallback_dir_t *fallbacks, size_t n);
/* How many of the fallbacks this client can fetch from at all: an IPv4
 * address, a positive weight, a DirPort or an ORPort. */
size_t dir_servers_count_usable_fallbacks(const fallback_dir_t *fallbacks, size_t n);

/* A directory to fetch from while bootstrapping; the pointers point into
 * the arrays given to dir_servers_pick_bootstrap. */
typedef struct dir_source_t {
  const char *address;        /* IPv4 literal */
  uint16_t dir_port;          /* 0: none, fetch over or_port with BEGIN_DIR */
  uint16_t or_port;           /* 0: none (an authority line without orport=) */
  const uint8_t *rsa_id;      /* 20 bytes: the identity TLS must prove */
  const char *nickname;       /* an authority's, NULL for a fallback */
  int is_fallback;
} dir_source_t;

/* One of the usable fallbacks, or of the authorities (bridge authorities
 * and those with neither DirPort nor ORPort excluded), drawn by weight.
 * When any usable fallback exists the authorities' weights count
 * authority_rate times (tor's DirAuthorityFallbackRate), which keeps the
 * load off them. u is uniform in [0, 1). Returns 0 with *out filled, -1 if
 * there is none. The caller fetches from the DirPort when there is one,
 * else over BEGIN_DIR on a one-hop CREATE_FAST circuit to the ORPort. */
int dir_servers_pick_bootstrap(const dir_authority_t *authorities, size_t n_authorities,
                               const fallback_dir_t *fallbacks, size_t n_fallbacks,
                               double authority_rate, double u, dir_source_t *out);

#endif
