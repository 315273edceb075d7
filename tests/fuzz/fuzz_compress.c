/* libFuzzer target: decompression of arbitrary bytes by every method, one
 * shot and streamed in small pieces (the two must agree), under a 1 MiB
 * output limit; and a compress/decompress round trip of the input. */
#include "orconfig.h"
#include "lib/compress/compress.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (1u << 20)

/* Decompresses feeding 17 input bytes and offering 4096 output bytes at a
 * time. Returns 0 with the output in out/outlen, or -1. */
static int
streamed(compress_method_t m, const uint8_t *in, size_t inlen, uint8_t *out,
         size_t outcap, size_t *outlen)
{
  compress_state_t *st = compress_state_new(m, 0, 0, MAX_OUT);
  size_t used = 0;
  compress_status_t rv;
  if (!st)
    abort();
  for (;;) {
    size_t piece = inlen < 17 ? inlen : 17, left = piece;
    size_t room = outcap - used < 4096 ? outcap - used : 4096;
    const uint8_t *p = in;
    uint8_t *o = out + used;
    rv = compress_process(st, &p, &left, &o, &room, piece == inlen);
    if (left > piece || (size_t)(p - in) != piece - left)
      abort();
    in = p;
    inlen -= piece - left;
    used = (size_t)(o - out);
    if (rv == COMPRESS_DONE || rv == COMPRESS_ERROR)
      break;
    if (rv == COMPRESS_NEED_OUTPUT && used == outcap)
      abort(); /* the state must refuse more than MAX_OUT first */
    if (rv == COMPRESS_NEED_INPUT && inlen == 0)
      abort(); /* finish was set: it must end one way or the other */
  }
  compress_state_free(st);
  *outlen = used;
  return rv == COMPRESS_DONE ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t sbuf[MAX_OUT + 4096];
  for (int m = COMPRESS_METHOD_DEFLATE; m <= COMPRESS_METHOD_LZMA; m++) {
    uint8_t *out = NULL;
    size_t outlen, slen;
    int one = compress_decompress_all((compress_method_t)m, data, size,
                                      MAX_OUT, &out, &outlen);
    int two = streamed((compress_method_t)m, data, size, sbuf, sizeof(sbuf),
                       &slen);
    if (one == 0 && outlen > MAX_OUT)
      abort();
    /* The bomb rule looks at totals at call boundaries, so only compare
     * outcomes when no bomb check could have fired. */
    if (one == 0 && two == 0 &&
        (outlen != slen || memcmp(out, sbuf, outlen)))
      abort();
    if (one != two && outlen <= COMPRESS_BOMB_CHECK_AFTER && one == 0)
      abort();
    free(out);
  }
  compress_method_detect(data, size);
  compress_method_from_name((const char *)data, size);
  if (size > 0) {
    compress_method_t m = (compress_method_t)(data[0] % 5);
    uint8_t *packed = NULL, *back = NULL;
    size_t plen, blen;
    if (compress_compress_all(m, 1, data, size, &packed, &plen) < 0)
      abort();
    if (compress_decompress_all(m, packed, plen, size, &back, &blen) == 0) {
      if (blen != size || memcmp(back, data, size))
        abort();
      free(back);
    } else if (size <= COMPRESS_BOMB_CHECK_AFTER) {
      abort(); /* our own output must come back */
    }
    free(packed);
  }
  return 0;
}
