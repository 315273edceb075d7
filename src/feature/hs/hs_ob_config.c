/* OnionBalance instance configuration: see hs_ob_config.h. */
#include "orconfig.h"
#include "feature/hs/hs_ob_config.h"
#include "feature/hs/hs_keys.h"
#include "lib/conf/confline.h"
#include "lib/crypt/onion_address.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int
hs_ob_config_parse(const char *text, size_t len, const char *source,
                   uint8_t masters[][32], int max, char *err, size_t errlen)
{
  config_line_t *lines = NULL;
  int n = 0;
  if (!text || !source || !masters || max <= 0) {
    snprintf(err, errlen, "%s: nothing to parse", source ? source : "ob_config");
    return -1;
  }
  if (config_lines_parse(text, len, source, &lines, err, errlen) < 0)
    return -1;
  for (const config_line_t *l = lines; l; l = l->next) {
    if (strcasecmp(l->key, "MasterOnionAddress")) {
      snprintf(err, errlen, "%s: Unknown option '%s' in the OnionBalance configuration "
               "(only MasterOnionAddress)", config_line_where(l), l->key);
      goto fail;
    }
    uint8_t pk[32];
    const char *why = "malformed";
    if (onion_address_decode(pk, l->value, strlen(l->value), &why) < 0) {
      snprintf(err, errlen, "%s: OnionBalance: MasterOnionAddress '%s' is invalid: %s",
               config_line_where(l), l->value, why);
      goto fail;
    }
    int dup = 0;
    for (int i = 0; i < n && !dup; i++)
      dup = !memcmp(masters[i], pk, 32);
    if (dup)
      continue;
    if (n == max) {
      snprintf(err, errlen, "%s: OnionBalance: too many master addresses (at most %d)",
               config_line_where(l), max);
      goto fail;
    }
    memcpy(masters[n++], pk, 32);
  }
  config_lines_free(lines);
  if (n == 0) {
    snprintf(err, errlen, "%s: OnionBalance: no MasterOnionAddress line", source);
    return -1;
  }
  return n;
 fail:
  config_lines_free(lines);
  return -1;
}

int
hs_ob_config_load(const char *dir, uint8_t masters[][32], int max, char *err, size_t errlen)
{
  char path[4200];
  static char text[64 * 1024];
  snprintf(path, sizeof(path), "%s/%s", dir, HS_OB_CONFIG_FILENAME);
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "OnionBalance: Unable to read config file \"%s\": %s", path,
             strerror(errno));
    return -1;
  }
  size_t len = fread(text, 1, sizeof(text), f);
  int bad = ferror(f), too_big = len == sizeof(text);
  fclose(f);
  if (bad || too_big) {
    snprintf(err, errlen, "OnionBalance: Unable to read config file \"%s\": %s", path,
             bad ? "read error" : "larger than 64 KB");
    return -1;
  }
  return hs_ob_config_parse(text, len, path, masters, max, err, errlen);
}

size_t
hs_ob_subcredentials(const uint8_t masters[][32], int n_masters, uint64_t tp_now,
                     uint64_t period_length, uint8_t out[][32])
{
  size_t n = 0;
  for (int m = 0; m < n_masters; m++)
    for (int k = -1; k <= 1; k++) {
      uint8_t blinded[32];
      if (k < 0 && tp_now == 0)
        continue;
      uint64_t tp = k < 0 ? tp_now - 1 : tp_now + (uint64_t)k;
      if (hs_blinded_public_key(blinded, masters[m], tp, period_length) == 0 &&
          hs_subcredential(out[n], masters[m], blinded) == 0)
        n++;
    }
  return n;
}
