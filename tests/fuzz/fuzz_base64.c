/* libFuzzer target: base64_decode and pem_decode on arbitrary input.
 * Anything accepted must re-encode (unpadded and padded) to text that
 * decodes to the same bytes. */
#include "orconfig.h"
#include "lib/encoding/base64.h"
#include "lib/encoding/pem.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t cap = base64_decoded_maxlen(size);
  uint8_t *out = malloc(cap + 1), *again = malloc(cap + 1);
  char *enc;
  size_t enclen;
  int n, m;
  if (!out || !again)
    abort();
  n = base64_decode(out, cap, (const char *)data, size);
  if (n >= 0) {
    if ((size_t)n > cap)
      abort();
    for (unsigned flags = 0; flags < 4; flags++) {
      enclen = base64_encoded_len((size_t)n, flags);
      enc = malloc(enclen + 1);
      if (!enc)
        abort();
      if (base64_encode(enc, enclen + 1, out, (size_t)n, flags) !=
          (int)enclen || strlen(enc) != enclen)
        abort();
      m = base64_decode(again, cap, enc, enclen);
      if (m != n || memcmp(again, out, (size_t)n) != 0)
        abort();
      free(enc);
    }
  }
  n = pem_decode(out, cap, (const char *)data, size, "X");
  if (n > (int)cap)
    abort();
  free(out);
  free(again);
  return 0;
}
