/* libFuzzer target: consensus_parse (and, through it, the directory
 * tokenizer and protocol-version lists) on arbitrary input. Anything
 * accepted is walked and its signatures checked against no certificates.
 * FUZZ_EXTRA_SOURCES: src/feature/dirparse/dirtoken.c src/feature/dirparse/protover.c src/feature/dirparse/authcert.c src/feature/dirparse/consensus.c
 */
#include "orconfig.h"
#include "feature/dirparse/consensus.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[256];
  consensus_t *c = consensus_parse((const char *)data, size, err, sizeof(err));
  uint8_t id[1][DIGEST_LEN];
  consensus_sig_status_t st;
  char missing[512];
  if (!c)
    return 0;
  memset(id, 0, sizeof(id));
  for (size_t i = 0; i < c->n_routers; i++)
    if (consensus_find_router(c, c->routers[i].identity) != &c->routers[i])
      abort();
  if (consensus_check_signatures(c, NULL, (const uint8_t (*)[DIGEST_LEN])id,
                                 1, &st) == 0)
    abort();
  (void)protover_missing_from_ours(c->required_client, missing,
                                   sizeof(missing));
  (void)consensus_get_param(c, "bwweightscale", 10000, 1, INT32_MAX);
  (void)consensus_check_time(c, 0);
  consensus_free(c);
  return 0;
}
