/* Entry guards: see guards.h. */
#include "orconfig.h"
#include "feature/client/guards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
guards_init(guard_set_t *set)
{
  memset(set, 0, sizeof(*set));
}

static const node_t *
find_node(const node_t *nodes, size_t n, const uint8_t rsa_id[20])
{
  for (size_t i = 0; i < n; i++)
    if (!memcmp(nodes[i].rsa_id, rsa_id, 20))
      return &nodes[i];
  return NULL;
}

static guard_entry_t *
find_entry(guard_set_t *set, const uint8_t rsa_id[20])
{
  for (int i = 0; i < set->n; i++)
    if (!memcmp(set->entries[i].rsa_id, rsa_id, 20))
      return &set->entries[i];
  return NULL;
}

/* "2016-11-29T19:39:31" (UTC) to time_t; -1 if malformed. */
static time_t
parse_iso_time(const char *s)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || *end)
    return -1;
  return timegm(&tm);
}

static void
format_iso_time(time_t t, char *buf, size_t len)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
}

static int
parse_hex20(const char *hex, uint8_t out[20])
{
  if (strlen(hex) != 40)
    return -1;
  for (int i = 0; i < 20; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
        !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
      return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

static void
append_extra(guard_entry_t *e, const char *kv)
{
  size_t used = strlen(e->extra);
  if (used + strlen(kv) + 2 > sizeof(e->extra))
    return; /* keep what fits rather than a truncated entry */
  snprintf(e->extra + used, sizeof(e->extra) - used, "%s%s", used ? " " : "", kv);
}

int
guards_parse_state_line(guard_set_t *set, const char *value, char *err, size_t errlen)
{
  char buf[1024];
  guard_entry_t e;
  int have_id = 0, have_sampled = 0, have_listed = 0, in_default = 0;
  memset(&e, 0, sizeof(e));
  if (strlen(value) >= sizeof(buf)) {
    snprintf(err, errlen, "Guard line too long");
    return -1;
  }
  strcpy(buf, value);
  char *save = NULL;
  for (char *kv = strtok_r(buf, " \t", &save); kv; kv = strtok_r(NULL, " \t", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq) {
      snprintf(err, errlen, "Guard entry \"%s\" is not K=V", kv);
      return -1;
    }
    *eq = '\0';
    const char *k = kv, *v = eq + 1;
    if (!strcmp(k, "in")) {
      in_default = !strcmp(v, "default");
    } else if (!strcmp(k, "rsa_id")) {
      if (parse_hex20(v, e.rsa_id) < 0) {
        snprintf(err, errlen, "Guard rsa_id \"%s\" is not 40 hex digits", v);
        return -1;
      }
      have_id = 1;
    } else if (!strcmp(k, "nickname")) {
      snprintf(e.nickname, sizeof(e.nickname), "%s", v);
    } else if (!strcmp(k, "sampled_on")) {
      if ((e.sampled_on = parse_iso_time(v)) < 0) {
        snprintf(err, errlen, "Guard sampled_on \"%s\" is not a date", v);
        return -1;
      }
      have_sampled = 1;
    } else if (!strcmp(k, "confirmed_on")) {
      if ((e.confirmed_on = parse_iso_time(v)) < 0) {
        snprintf(err, errlen, "Guard confirmed_on \"%s\" is not a date", v);
        return -1;
      }
    } else if (!strcmp(k, "listed")) {
      e.listed = !strcmp(v, "1");
      have_listed = 1;
    } else if (strcmp(k, "sampled_by") && strcmp(k, "confirmed_idx") &&
               strcmp(k, "sampled_idx") && strcmp(k, "unlisted_since")) {
      *eq = '=';
      append_extra(&e, kv);
    }
  }
  if (!in_default)
    return 0;
  if (!have_id || !have_sampled || !have_listed) {
    snprintf(err, errlen, "Guard line lacks a required field (rsa_id, sampled_on, listed)");
    return -1;
  }
  if (find_entry(set, e.rsa_id) || set->n >= GUARDS_MAX_SAMPLED)
    return 0;
  set->entries[set->n++] = e;
  return 0;
}

void
guards_format_state_line(const guard_set_t *set, int i, char *buf, size_t len)
{
  const guard_entry_t *e = &set->entries[i];
  char id[41], sampled[32], confirmed[64] = "";
  for (int k = 0; k < 20; k++)
    snprintf(id + 2 * k, 3, "%02X", e->rsa_id[k]);
  format_iso_time(e->sampled_on, sampled, sizeof(sampled));
  if (e->confirmed_on) {
    char t[32];
    int idx = 0;
    for (int k = 0; k < i; k++)
      idx += set->entries[k].confirmed_on != 0;
    format_iso_time(e->confirmed_on, t, sizeof(t));
    snprintf(confirmed, sizeof(confirmed), " confirmed_on=%s confirmed_idx=%d", t, idx);
  }
  snprintf(buf, len, "in=default rsa_id=%s%s%s sampled_on=%s sampled_idx=%d sampled_by=%s "
           "listed=%d%s%s%s", id, e->nickname[0] ? " nickname=" : "", e->nickname, sampled,
           i, TOR_VERSION, e->listed, confirmed, e->extra[0] ? " " : "", e->extra);
}

static int
count_usable_primary(const guard_set_t *set, const node_t *nodes, size_t n_nodes)
{
  int usable = 0;
  for (int i = 0; i < set->n; i++) {
    const node_t *node = find_node(nodes, n_nodes, set->entries[i].rsa_id);
    if (set->entries[i].listed && node && node_is_usable(node) && (node->flags & NODE_FLAG_GUARD))
      usable++;
  }
  return usable;
}

int
guards_update(guard_set_t *set, const node_t *nodes, size_t n_nodes,
              const bw_weights_t *w, time_t now, path_rng_fn rng)
{
  int changed = 0;
  for (int i = 0; i < set->n; i++) {
    guard_entry_t *e = &set->entries[i];
    int listed = find_node(nodes, n_nodes, e->rsa_id) != NULL;
    if (listed != e->listed) {
      e->listed = listed;
      changed = 1;
    }
  }
  while (count_usable_primary(set, nodes, n_nodes) < GUARDS_N_PRIMARY &&
         set->n < GUARDS_MAX_SAMPLED) {
    /* Sample among Guard nodes not yet sampled. */
    path_constraints_t c;
    memset(&c, 0, sizeof(c));
    node_t *candidates = malloc(n_nodes * sizeof(node_t) + 1);
    size_t n_cand = 0;
    if (!candidates)
      break;
    for (size_t i = 0; i < n_nodes; i++)
      if (!find_entry(set, nodes[i].rsa_id))
        candidates[n_cand++] = nodes[i];
    const node_t *pick = path_choose_node(candidates, n_cand, PATH_POS_GUARD, w, &c, rng);
    if (pick) {
      guard_entry_t *e = &set->entries[set->n++];
      memset(e, 0, sizeof(*e));
      memcpy(e->rsa_id, pick->rsa_id, 20);
      snprintf(e->nickname, sizeof(e->nickname), "%s", pick->nickname);
      e->sampled_on = now;
      e->listed = 1;
      changed = 1;
    }
    free(candidates);
    if (!pick)
      break;
  }
  return changed;
}

const node_t *
guards_choose(const guard_set_t *set, const node_t *nodes, size_t n_nodes, time_t now)
{
  return guards_choose_avoiding(set, nodes, n_nodes, now, NULL, 0);
}

const node_t *
guards_choose_avoiding(const guard_set_t *set, const node_t *nodes, size_t n_nodes, time_t now,
                       const node_t *const *avoid, int n_avoid)
{
  int primaries = 0;
  for (int i = 0; i < set->n && primaries < GUARDS_N_PRIMARY; i++) {
    const guard_entry_t *e = &set->entries[i];
    const node_t *node = find_node(nodes, n_nodes, e->rsa_id);
    if (!e->listed || !node || !node_is_usable(node) || !(node->flags & NODE_FLAG_GUARD))
      continue;
    primaries++;
    if (e->unreachable_since && now < e->unreachable_since + GUARDS_RETRY_AFTER)
      continue;
    int avoided = 0;
    for (int k = 0; k < n_avoid && !avoided; k++)
      avoided = avoid[k] && !memcmp(avoid[k]->rsa_id, node->rsa_id, sizeof(node->rsa_id));
    if (avoided)
      continue;
    return node;
  }
  return NULL;
}

void
guards_note_failure(guard_set_t *set, const uint8_t rsa_id[20], time_t now)
{
  guard_entry_t *e = find_entry(set, rsa_id);
  if (e && !e->unreachable_since)
    e->unreachable_since = now;
}

int
guards_note_success(guard_set_t *set, const uint8_t rsa_id[20], time_t now)
{
  guard_entry_t *e = find_entry(set, rsa_id);
  if (!e)
    return 0;
  e->unreachable_since = 0;
  if (e->confirmed_on)
    return 0;
  e->confirmed_on = now;
  return 1;
}
