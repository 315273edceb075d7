/* libFuzzer target: authcert_list_parse and authcert_parse on arbitrary
 * input. Certificates returned must lie inside the input.
 * FUZZ_EXTRA_SOURCES: src/feature/dirparse/dirtoken.c src/feature/dirparse/authcert.c
 */
#include "orconfig.h"
#include "feature/dirparse/authcert.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[256];
  authcert_list_t *l = authcert_list_parse((const char *)data, size, err,
                                           sizeof(err));
  authcert_free(authcert_parse((const char *)data, size, err, sizeof(err)));
  if (!l)
    return 0;
  for (size_t i = 0; i < l->n; i++) {
    const authcert_t *c = l->certs[i];
    if (c->text_offset > size || c->text_len > size - c->text_offset)
      abort();
    (void)authcert_check_time(c, 0);
  }
  authcert_list_free(l);
  return 0;
}
