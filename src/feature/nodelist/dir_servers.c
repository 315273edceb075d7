/* Directory servers a configuration selects: see dir_servers.h. */
#include "orconfig.h"
#include "feature/nodelist/dir_servers.h"
#include "feature/nodelist/default_dirs.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
count_lines(const config_line_t *l)
{
  size_t n = 0;
  for (; l; l = l->next)
    n++;
  return n;
}

/* Appends the authorities of lines; is_bridge_only: every one is a bridge
 * authority (AlternateBridgeAuthority). */
static int
add_authority_lines(dir_servers_t *ds, const config_line_t *lines, const char *option,
                    int is_bridge_only, char *err, size_t errlen)
{
  for (const config_line_t *l = lines; l; l = l->next) {
    char why[256];
    dir_authority_t *a = &ds->authorities[ds->n_authorities];
    if (dir_authority_line_parse(l->value, a, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "%s: Invalid value for %s '%s': %s", config_line_where(l), option,
               l->value, why);
      return -1;
    }
    if (is_bridge_only)
      a->is_bridge = 1;
    ds->n_authorities++;
  }
  return 0;
}

/* Appends the default authorities of one kind (bridge or directory). */
static int
add_default_authorities(dir_servers_t *ds, int bridge, char *err, size_t errlen)
{
  for (size_t i = 0; i < default_dir_authority_count; i++) {
    char why[256];
    dir_authority_t a;
    if (dir_authority_line_parse(default_dir_authority_lines[i], &a, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "Built-in DirAuthority line %zu does not parse: %s", i, why);
      return -1;
    }
    if (a.is_bridge == bridge)
      ds->authorities[ds->n_authorities++] = a;
  }
  return 0;
}

static int
add_fallback_lines(dir_servers_t *ds, const config_line_t *lines, char *err, size_t errlen)
{
  for (const config_line_t *l = lines; l; l = l->next) {
    char why[256], warn[256];
    if (fallback_dir_line_parse(l->value, &ds->fallbacks[ds->n_fallbacks], warn, sizeof(warn),
                                why, sizeof(why)) < 0) {
      snprintf(err, errlen, "%s: Invalid value for FallbackDir '%s': %s", config_line_where(l),
               l->value, why);
      return -1;
    }
    if (warn[0])
      log_warn(LD_CONFIG, "%s: FallbackDir '%s': %s.", config_line_where(l), l->value, warn);
    ds->n_fallbacks++;
  }
  return 0;
}

static int
add_default_fallbacks(dir_servers_t *ds, char *err, size_t errlen)
{
  for (size_t i = 0; i < default_fallback_dir_count; i++)
    if (default_fallback_dir_get(i, &ds->fallbacks[ds->n_fallbacks++]) < 0) {
      snprintf(err, errlen, "Built-in fallback directory %zu does not parse", i);
      return -1;
    }
  return 0;
}

int
dir_servers_select(const dir_servers_config_t *cfg, dir_servers_t *out, char *err,
                   size_t errlen)
{
  memset(out, 0, sizeof(*out));
  if (cfg->dir_authorities &&
      (cfg->alternate_dir_authorities || cfg->alternate_bridge_authorities)) {
    snprintf(err, errlen, "You cannot set both DirAuthority and Alternate*Authority.");
    return -1;
  }
  int own_authorities = cfg->dir_authorities != NULL;
  out->default_dir_authorities = !own_authorities && !cfg->alternate_dir_authorities;
  int default_bridge_authority = !own_authorities && !cfg->alternate_bridge_authorities;
  out->default_fallbacks = out->default_dir_authorities && !cfg->fallback_dirs &&
                           cfg->use_default_fallback_dirs;
  size_t max_auth = count_lines(cfg->dir_authorities) +
                    count_lines(cfg->alternate_dir_authorities) +
                    count_lines(cfg->alternate_bridge_authorities) +
                    default_dir_authority_count;
  size_t max_fb = count_lines(cfg->fallback_dirs) +
                  (out->default_fallbacks ? default_fallback_dir_count : 0);
  out->authorities = calloc(max_auth ? max_auth : 1, sizeof(*out->authorities));
  out->fallbacks = calloc(max_fb ? max_fb : 1, sizeof(*out->fallbacks));
  if (!out->authorities || !out->fallbacks) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if ((out->default_dir_authorities && add_default_authorities(out, 0, err, errlen) < 0) ||
      (default_bridge_authority && add_default_authorities(out, 1, err, errlen) < 0) ||
      add_authority_lines(out, cfg->dir_authorities, "DirAuthority", 0, err, errlen) < 0 ||
      add_authority_lines(out, cfg->alternate_dir_authorities, "AlternateDirAuthority", 0,
                          err, errlen) < 0 ||
      add_authority_lines(out, cfg->alternate_bridge_authorities, "AlternateBridgeAuthority", 1,
                          err, errlen) < 0 ||
      add_fallback_lines(out, cfg->fallback_dirs, err, errlen) < 0 ||
      (out->default_fallbacks && add_default_fallbacks(out, err, errlen) < 0))
    goto fail;
  return 0;
fail:
  dir_servers_clear(out);
  return -1;
}

void
dir_servers_clear(dir_servers_t *ds)
{
  free(ds->authorities);
  free(ds->fallbacks);
  memset(ds, 0, sizeof(*ds));
}

/* A fallback we can reach: over IPv4 (to its DirPort or, with BEGIN_DIR,
 * its ORPort) and with a positive weight. */
static int
fallback_usable(const fallback_dir_t *f)
{
  return !f->address_is_ipv6 && f->weight > 0 && (f->dir_port || f->or_port);
}

static int
authority_usable(const dir_authority_t *a, double rate)
{
  return !a->is_bridge && a->weight * rate > 0 && (a->dir_port || a->or_port);
}

size_t
dir_servers_count_dirport_fallbacks(const fallback_dir_t *fallbacks, size_t n)
{
  size_t usable = 0;
  for (size_t i = 0; i < n; i++)
    usable += fallback_usable(&fallbacks[i]) && fallbacks[i].dir_port;
  return usable;
}

size_t
dir_servers_count_usable_fallbacks(const fallback_dir_t *fallbacks, size_t n)
{
  size_t usable = 0;
  for (size_t i = 0; i < n; i++)
    usable += fallback_usable(&fallbacks[i]);
  return usable;
}

int
dir_servers_pick_bootstrap(const dir_authority_t *authorities, size_t n_authorities,
                           const fallback_dir_t *fallbacks, size_t n_fallbacks,
                           double authority_rate, double u, dir_source_t *out)
{
  double fb_total = 0, auth_total = 0;
  for (size_t i = 0; i < n_fallbacks; i++)
    if (fallback_usable(&fallbacks[i]))
      fb_total += fallbacks[i].weight;
  double rate = fb_total > 0 ? (authority_rate > 0 ? authority_rate : 0) : 1.0;
  for (size_t i = 0; i < n_authorities; i++)
    if (authority_usable(&authorities[i], rate))
      auth_total += authorities[i].weight * rate;
  double total = fb_total + auth_total;
  if (total <= 0)
    return -1;
  /* Walk the sources until the cumulative weight passes u * total; the
   * last usable one takes what rounding leaves over. */
  double target = u * total, sum = 0;
  const fallback_dir_t *fb = NULL;
  const dir_authority_t *auth = NULL;
  for (size_t i = 0; i < n_fallbacks && sum <= target; i++) {
    if (!fallback_usable(&fallbacks[i]))
      continue;
    fb = &fallbacks[i];
    sum += fb->weight;
  }
  for (size_t i = 0; i < n_authorities && sum <= target; i++) {
    if (!authority_usable(&authorities[i], rate))
      continue;
    fb = NULL;
    auth = &authorities[i];
    sum += auth->weight * rate;
  }
  memset(out, 0, sizeof(*out));
  if (fb) {
    out->address = fb->address;
    out->dir_port = fb->dir_port;
    out->or_port = fb->or_port;
    out->rsa_id = fb->rsa_id_digest;
    out->is_fallback = 1;
  } else if (auth) {
    out->address = auth->address;
    out->dir_port = auth->dir_port;
    out->or_port = auth->or_port;
    out->rsa_id = auth->rsa_id_digest;
    out->nickname = auth->nickname;
  } else {
    return -1;
  }
  return 0;
}
