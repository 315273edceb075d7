/* The client's address map: see addressmap.h. A small unsorted table: the
 * map is consulted once per SOCKS request and holds what controllers put
 * in it, a handful of entries in practice. */
#include "orconfig.h"
#include "feature/client/addressmap.h"
#include "lib/crypt/crypto_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct addressmap_entry_t {
  char *from, *to;
} addressmap_entry_t;

static addressmap_entry_t *entries;
static size_t n_entries;

static addressmap_entry_t *
find(const char *from)
{
  for (size_t i = 0; i < n_entries; i++)
    if (!strcasecmp(entries[i].from, from))
      return &entries[i];
  return NULL;
}

static void
remove_entry(addressmap_entry_t *e)
{
  free(e->from);
  free(e->to);
  *e = entries[--n_entries];
}

/* A random address in 127.192.0.0/10 that nothing maps yet. */
static int
virtual_address(char *out, size_t cap)
{
  for (int tries = 0; tries < 64; tries++) {
    uint32_t r;
    crypto_rand_bytes(&r, sizeof(r));
    uint32_t a = 0x7fc00000u | (r & 0x003fffffu);
    if ((a & 0xff) == 0 || (a & 0xff) == 0xff)
      continue;
    snprintf(out, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
    if (!find(out))
      return 0;
  }
  return -1;
}

int
addressmap_set(const char *from, const char *to, char *from_out, size_t cap)
{
  char virt[16];
  if (!*from || !*to || strlen(from) > ADDRESSMAP_ADDR_MAX ||
      strlen(to) > ADDRESSMAP_ADDR_MAX)
    return -1;
  if (!strcmp(from, "0.0.0.0")) {
    if (virtual_address(virt, sizeof(virt)) < 0)
      return -1;
    from = virt;
  }
  snprintf(from_out, cap, "%s", from);
  addressmap_entry_t *e = find(from);
  if (!strcasecmp(from, to)) {
    if (e)
      remove_entry(e);
    return 0;
  }
  char *copy = strdup(to);
  if (!copy)
    return -1;
  if (e) {
    free(e->to);
    e->to = copy;
    return 0;
  }
  if (n_entries == ADDRESSMAP_MAX) {
    free(copy);
    return -1;
  }
  if (n_entries % 16 == 0) {
    addressmap_entry_t *grown = realloc(entries, (n_entries + 16) * sizeof(*entries));
    if (!grown) {
      free(copy);
      return -1;
    }
    entries = grown;
  }
  entries[n_entries].from = strdup(from);
  entries[n_entries].to = copy;
  if (!entries[n_entries].from) {
    free(copy);
    return -1;
  }
  n_entries++;
  return 0;
}

const char *
addressmap_lookup(const char *addr)
{
  const addressmap_entry_t *e = find(addr);
  return e ? e->to : NULL;
}

char *
addressmap_list(void)
{
  size_t cap = 1;
  for (size_t i = 0; i < n_entries; i++)
    cap += strlen(entries[i].from) + strlen(entries[i].to) + 8;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  size_t len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n_entries; i++)
    len += (size_t)snprintf(out + len, cap - len, "%s%s %s NEVER", i ? "\n" : "",
                            entries[i].from, entries[i].to);
  return out;
}

void
addressmap_clear(void)
{
  while (n_entries)
    remove_entry(&entries[0]);
  free(entries);
  entries = NULL;
}
