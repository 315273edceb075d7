/* Subprotocol version lists: see protover.h. */
#include "orconfig.h"
#include "feature/dirparse/protover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}

/* Parses a decimal version in [p, end); advances *p. */
static int
parse_version(const char **p, const char *end, unsigned *out)
{
  unsigned v = 0;
  const char *s = *p;
  if (s == end || *s < '0' || *s > '9')
    return -1;
  while (s < end && *s >= '0' && *s <= '9') {
    v = v * 10 + (unsigned)(*s - '0');
    if (v > PROTOVER_MAX_VERSION)
      return -1;
    s++;
  }
  *p = s;
  *out = v;
  return 0;
}

/* Parses "N,N-M,..." in [s, end) into a bit set. */
static int
parse_versions(const char *s, const char *end, uint64_t *out)
{
  uint64_t bits = 0;
  while (s < end) {
    unsigned lo, hi;
    if (parse_version(&s, end, &lo) < 0)
      return -1;
    hi = lo;
    if (s < end && *s == '-') {
      s++;
      if (parse_version(&s, end, &hi) < 0 || hi < lo)
        return -1;
    }
    for (unsigned v = lo; v <= hi; v++)
      bits |= UINT64_C(1) << v;
    if (s < end) {
      if (*s != ',' || s + 1 == end)
        return -1;
      s++;
    }
  }
  *out = bits;
  return 0;
}

static protover_entry_t *
find_entry(const protover_set_t *set, const char *name)
{
  for (size_t i = 0; i < set->n; i++)
    if (!strcmp(set->entries[i].name, name))
      return &set->entries[i];
  return NULL;
}

static int
add_entry(protover_set_t *set, const char *name, size_t namelen,
          uint64_t versions)
{
  char key[PROTOVER_NAME_MAX + 1];
  protover_entry_t *e, *p;
  memcpy(key, name, namelen);
  key[namelen] = '\0';
  if ((e = find_entry(set, key))) {
    e->versions |= versions;
    return 0;
  }
  if (set->n >= PROTOVER_MAX_ENTRIES)
    return -1;
  p = realloc(set->entries, (set->n + 1) * sizeof(*p));
  if (!p)
    return -1;
  set->entries = p;
  e = &set->entries[set->n++];
  memcpy(e->name, key, namelen + 1);
  e->versions = versions;
  return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
  return strcmp(((const protover_entry_t *)a)->name,
                ((const protover_entry_t *)b)->name);
}

protover_set_t *
protover_set_parse(const char *s, size_t len, char *err, size_t errlen)
{
  protover_set_t *set = calloc(1, sizeof(*set));
  const char *p = s, *end = s + len;
  if (!set)
    return NULL;
  while (p < end) {
    const char *name = p, *eq, *vend;
    uint64_t versions;
    if (*p == ' ') {
      p++;
      continue;
    }
    while (p < end && is_name_char(*p))
      p++;
    eq = p;
    if (eq == name || eq == end || *eq != '=' ||
        (size_t)(eq - name) > PROTOVER_NAME_MAX) {
      snprintf(err, errlen, "bad protocol name at \"%.*s\"",
               (int)((size_t)(end - name) > 20 ? 20 : end - name), name);
      goto fail;
    }
    vend = memchr(eq, ' ', (size_t)(end - eq));
    if (!vend)
      vend = end;
    if (parse_versions(eq + 1, vend, &versions) < 0) {
      snprintf(err, errlen, "bad version list for %.*s", (int)(eq - name),
               name);
      goto fail;
    }
    if (add_entry(set, name, (size_t)(eq - name), versions) < 0) {
      snprintf(err, errlen, "too many protocols");
      goto fail;
    }
    p = vend;
  }
  if (set->n)
    qsort(set->entries, set->n, sizeof(*set->entries), cmp_entry);
  return set;
 fail:
  protover_set_free(set);
  return NULL;
}

void
protover_set_free(protover_set_t *set)
{
  if (!set)
    return;
  free(set->entries);
  free(set);
}

uint64_t
protover_set_get(const protover_set_t *set, const char *name)
{
  const protover_entry_t *e = set ? find_entry(set, name) : NULL;
  return e ? e->versions : 0;
}

int
protover_set_supports(const protover_set_t *set, const char *name,
                      unsigned version)
{
  if (version > PROTOVER_MAX_VERSION)
    return 0;
  return (protover_set_get(set, name) >> version) & 1;
}

/* Appends "Name=ranges" for versions to out at *used (with a leading space
 * unless first). -1 when out is too small. */
static int
append_entry(char *out, size_t outlen, size_t *used, const char *name,
             uint64_t versions)
{
  int n = snprintf(out + *used, outlen - *used, "%s%s=",
                   *used ? " " : "", name);
  int first = 1;
  if (n < 0 || (size_t)n >= outlen - *used)
    return -1;
  *used += (size_t)n;
  for (unsigned v = 0; v <= PROTOVER_MAX_VERSION; v++) {
    unsigned hi = v;
    if (!((versions >> v) & 1))
      continue;
    while (hi < PROTOVER_MAX_VERSION && ((versions >> (hi + 1)) & 1))
      hi++;
    if (hi == v)
      n = snprintf(out + *used, outlen - *used, "%s%u", first ? "" : ",", v);
    else
      n = snprintf(out + *used, outlen - *used, "%s%u-%u", first ? "" : ",",
                   v, hi);
    if (n < 0 || (size_t)n >= outlen - *used)
      return -1;
    *used += (size_t)n;
    first = 0;
    v = hi;
  }
  return 0;
}

int
protover_set_format(const protover_set_t *set, char *out, size_t outlen)
{
  size_t used = 0;
  if (!outlen)
    return -1;
  out[0] = '\0';
  for (size_t i = 0; set && i < set->n; i++) {
    if (!set->entries[i].versions)
      continue;
    if (append_entry(out, outlen, &used, set->entries[i].name,
                     set->entries[i].versions) < 0)
      return -1;
  }
  return (int)used;
}

int
protover_missing(const protover_set_t *required, const protover_set_t *have,
                 char *out, size_t outlen)
{
  size_t used = 0;
  int count = 0;
  if (!outlen)
    return -1;
  out[0] = '\0';
  for (size_t i = 0; required && i < required->n; i++) {
    const protover_entry_t *e = &required->entries[i];
    uint64_t lacking = e->versions & ~protover_set_get(have, e->name);
    if (!lacking)
      continue;
    if (append_entry(out, outlen, &used, e->name, lacking) < 0)
      return -1;
    count++;
  }
  return count;
}

int
protover_missing_from_ours(const protover_set_t *required, char *out,
                           size_t outlen)
{
  protover_set_t *ours = protover_set_parse(PROTOVER_OUR_SUPPORTED,
                                            strlen(PROTOVER_OUR_SUPPORTED),
                                            NULL, 0);
  int r;
  if (!ours)
    return -1;
  r = protover_missing(required, ours, out, outlen);
  protover_set_free(ours);
  return r;
}

int
protover_refusal_message(char *out, size_t outlen, int is_required,
                         const char *role, const char *missing)
{
  int n;
  if (is_required)
    n = snprintf(out, outlen, "At least one protocol listed as required in "
                 "the consensus is not supported by this version of Tor. "
                 "You should upgrade. This version of Tor will not work as a "
                 "%s on the Tor network. The missing protocols are: %s",
                 role, missing);
  else
    n = snprintf(out, outlen, "At least one protocol listed as recommended "
                 "in the consensus is not supported by this version of Tor. "
                 "You should upgrade. This version of Tor will eventually "
                 "stop working as a %s on the Tor network. The missing "
                 "protocols are: %s", role, missing);
  return (n < 0 || (size_t)n >= outlen) ? -1 : n;
}
