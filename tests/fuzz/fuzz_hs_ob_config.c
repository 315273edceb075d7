/* libFuzzer target: an OnionBalance instance's ob_config (hs_ob_config_parse)
 * on arbitrary input. What it accepts is at least one and at most max
 * master keys, each a valid address's key (decoded again below).
 * FUZZ_EXTRA_SOURCES: src/feature/hs/hs_ob_config.c src/feature/hs/hs_keys.c
 */
#include "orconfig.h"
#include "feature/hs/hs_ob_config.h"
#include "lib/crypt/onion_address.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t m[HS_OB_MAX_MASTERS][32], back[32];
  char err[512], addr[ONION_ADDRESS_LEN + 1];
  const char *why;
  int n = hs_ob_config_parse((const char *)data, size, "ob_config", m, HS_OB_MAX_MASTERS, err,
                             sizeof(err));
  if (n == 0 || n > HS_OB_MAX_MASTERS)
    abort();
  for (int i = 0; i < n; i++) {
    onion_address_encode(addr, m[i]);
    if (onion_address_decode(back, addr, strlen(addr), &why) < 0 || memcmp(back, m[i], 32))
      abort();
  }
  return 0;
}
