/* libFuzzer target: microdesc_list_parse on arbitrary input. Every
 * microdescriptor returned must lie inside the input.
 * FUZZ_EXTRA_SOURCES: src/feature/dirparse/dirtoken.c src/feature/dirparse/microdesc.c
 */
#include "orconfig.h"
#include "feature/dirparse/microdesc.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[256];
  microdesc_list_t *l = microdesc_list_parse((const char *)data, size, err,
                                             sizeof(err));
  if (!l)
    return 0;
  for (size_t i = 0; i < l->n; i++) {
    const microdesc_t *md = &l->mds[i];
    if (md->text_offset > size || md->text_len > size - md->text_offset)
      abort();
    if (!microdesc_list_find(l, md->digest))
      abort();
  }
  microdesc_list_free(l);
  return 0;
}
