/* libFuzzer target: base16_decode on arbitrary input; what it accepts
 * re-encodes to the input in lowercase. */
#include "orconfig.h"
#include "lib/encoding/base16.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *out = malloc(size / 2 + 1);
  char *enc = malloc(size + 1);
  int n;
  if (!out || !enc)
    abort();
  n = base16_decode(out, size / 2, (const char *)data, size);
  if (n >= 0) {
    if ((size_t)n * 2 != size)
      abort();
    if (base16_encode_lower(enc, size + 1, out, (size_t)n) != (int)size)
      abort();
    for (size_t i = 0; i < size; i++)
      if (enc[i] != (char)tolower(data[i]))
        abort();
  }
  free(out);
  free(enc);
  return 0;
}
