/* libFuzzer target: base32_decode on arbitrary input. The decoder only
 * accepts canonical encodings, so re-encoding gives back the input in
 * lowercase. */
#include "orconfig.h"
#include "lib/encoding/base32.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t cap = base32_decoded_len(size);
  uint8_t *out = malloc(cap + 1);
  char *enc = malloc(size + 1);
  int n;
  if (!out || !enc)
    abort();
  n = base32_decode(out, cap, (const char *)data, size);
  if (n >= 0) {
    if ((size_t)n != cap)
      abort();
    if (base32_encode(enc, size + 1, out, (size_t)n) != (int)size)
      abort();
    for (size_t i = 0; i < size; i++)
      if (enc[i] != (char)tolower(data[i]))
        abort();
  }
  free(out);
  free(enc);
  return 0;
}
