/* Tests for lib/encoding: RFC 4648 section 10 vectors for base16, base32
 * (lowercase, unpadded, as onion addresses use it) and base64; 64-column
 * wrapping checked against Python's base64 + textwrap; PEM armour checked
 * against a PEM file real tor wrote. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/encoding/base16.h"
#include "lib/encoding/base32.h"
#include "lib/encoding/base64.h"
#include "lib/encoding/pem.h"

#include <stdlib.h>
#include <string.h>

static const char *const rfc4648_in[] =
  { "", "f", "fo", "foo", "foob", "fooba", "foobar" };

UNITTEST(encoding, base16_rfc4648)
{
  static const char *const want[] =
    { "", "66", "666F", "666F6F", "666F6F62", "666F6F6261", "666F6F626172" };
  char out[32];
  uint8_t back[16];
  for (int i = 0; i < 7; i++) {
    size_t n = strlen(rfc4648_in[i]);
    UT_EQ_INT(base16_encode(out, sizeof(out), (const uint8_t *)rfc4648_in[i],
                            n), (int)(2 * n));
    UT_EQ_STR(out, want[i]);
    UT_EQ_INT(base16_decode(back, sizeof(back), out, strlen(out)), (int)n);
    UT_EQ_MEM(back, rfc4648_in[i], n);
  }
  UT_EQ_INT(base16_encode_lower(out, sizeof(out), (const uint8_t *)"\xab\xcd",
                                2), 4);
  UT_EQ_STR(out, "abcd");
  /* Mixed case decodes. */
  UT_EQ_INT(base16_decode(back, sizeof(back), "aBcD", 4), 2);
  UT_EQ_HEX(back, 2, "abcd");
}

UNITTEST(encoding, base16_errors)
{
  char out[8];
  uint8_t back[8];
  UT_EQ_INT(base16_encode(out, 6, (const uint8_t *)"abc", 3), -1);
  UT_EQ_INT(base16_encode(out, 7, (const uint8_t *)"abc", 3), 6);
  UT_EQ_INT(base16_decode(back, sizeof(back), "abc", 3), -1);
  UT_EQ_INT(base16_decode(back, sizeof(back), "zz", 2), -1);
  UT_EQ_INT(base16_decode(back, sizeof(back), "0g", 2), -1);
  UT_EQ_INT(base16_decode(back, sizeof(back), "0 ", 2), -1);
  UT_EQ_INT(base16_decode(back, 1, "0011", 4), -1);
  UT_EQ_INT(base16_decode(back, 2, "0011", 4), 2);
}

UNITTEST(encoding, base32_rfc4648)
{
  static const char *const want[] =
    { "", "my", "mzxq", "mzxw6", "mzxw6yq", "mzxw6ytb", "mzxw6ytboi" };
  char out[32];
  uint8_t back[16];
  for (int i = 0; i < 7; i++) {
    size_t n = strlen(rfc4648_in[i]);
    UT_EQ_INT(base32_encoded_len(n), strlen(want[i]));
    UT_EQ_INT(base32_encode(out, sizeof(out), (const uint8_t *)rfc4648_in[i],
                            n), (int)strlen(want[i]));
    UT_EQ_STR(out, want[i]);
    UT_EQ_INT(base32_decoded_len(strlen(out)), n);
    UT_EQ_INT(base32_decode(back, sizeof(back), out, strlen(out)), (int)n);
    UT_EQ_MEM(back, rfc4648_in[i], n);
  }
  /* Uppercase (the RFC's own alphabet) decodes too. */
  UT_EQ_INT(base32_decode(back, sizeof(back), "MZXW6YTBOI", 10), 6);
  UT_EQ_MEM(back, "foobar", 6);
}

UNITTEST(encoding, base32_onion_length)
{
  /* 35 bytes -> 56 characters; expected from Python's base64.b32encode. */
  uint8_t in[35], back[35];
  char out[57];
  for (int i = 0; i < 35; i++)
    in[i] = (uint8_t)i;
  UT_EQ_INT(base32_encode(out, sizeof(out), in, 35), 56);
  UT_EQ_STR(out, "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypsaijc");
  UT_EQ_INT(base32_encode(out, 56, in, 35), -1);
  UT_EQ_INT(base32_decode(back, 35, out, 56), 35);
  UT_EQ_MEM(back, in, 35);
  UT_EQ_INT(base32_decode(back, 34, out, 56), -1);
}

UNITTEST(encoding, base32_errors)
{
  uint8_t back[16];
  /* Characters outside the alphabet, padding, whitespace. */
  UT_EQ_INT(base32_decode(back, sizeof(back), "my0=", 4), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "my======", 8), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "m1", 2), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "m8", 2), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "my ", 3), -1);
  /* Lengths no encoder produces. */
  UT_EQ_INT(base32_decode(back, sizeof(back), "m", 1), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "mzx", 3), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "mzxw6y", 6), -1);
  /* Nonzero unused bits: "mz" has 2 spare bits set. */
  UT_EQ_INT(base32_decode(back, sizeof(back), "mz", 2), -1);
  UT_EQ_INT(base32_decode(back, sizeof(back), "my", 2), 1);
}

UNITTEST(encoding, base64_rfc4648)
{
  static const char *const padded[] =
    { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
  static const char *const unpadded[] =
    { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
  char out[32];
  uint8_t back[16];
  for (int i = 0; i < 7; i++) {
    size_t n = strlen(rfc4648_in[i]);
    const uint8_t *in = (const uint8_t *)rfc4648_in[i];
    UT_EQ_INT(base64_encoded_len(n, 0), strlen(padded[i]));
    UT_EQ_INT(base64_encode(out, sizeof(out), in, n, 0),
              (int)strlen(padded[i]));
    UT_EQ_STR(out, padded[i]);
    UT_EQ_INT(base64_encoded_len(n, BASE64_ENCODE_NOPAD), strlen(unpadded[i]));
    UT_EQ_INT(base64_encode(out, sizeof(out), in, n, BASE64_ENCODE_NOPAD),
              (int)strlen(unpadded[i]));
    UT_EQ_STR(out, unpadded[i]);
    /* Both forms decode. */
    UT_EQ_INT(base64_decode(back, sizeof(back), padded[i], strlen(padded[i])),
              (int)n);
    UT_EQ_MEM(back, in, n);
    UT_EQ_INT(base64_decode(back, sizeof(back), unpadded[i],
                            strlen(unpadded[i])), (int)n);
    UT_EQ_MEM(back, in, n);
  }
}

UNITTEST(encoding, base64_multiline)
{
  /* Expected from Python: textwrap.wrap(b64encode(bytes(range(100))), 64). */
  static const char want[] =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\n"
    "MDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f\n"
    "YGFiYw==\n";
  uint8_t in[100], back[100];
  char out[256];
  for (int i = 0; i < 100; i++)
    in[i] = (uint8_t)i;
  UT_EQ_INT(base64_encoded_len(100, BASE64_ENCODE_MULTILINE), strlen(want));
  UT_EQ_INT(base64_encode(out, sizeof(out), in, 100, BASE64_ENCODE_MULTILINE),
            (int)strlen(want));
  UT_EQ_STR(out, want);
  UT_EQ_INT(base64_decode(back, sizeof(back), out, strlen(out)), 100);
  UT_EQ_MEM(back, in, 100);
  /* Exactly one full line: 48 bytes -> 64 characters + "\n". */
  UT_EQ_INT(base64_encode(out, sizeof(out), in, 48, BASE64_ENCODE_MULTILINE),
            65);
  UT_EQ_STR(out, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\n");
  /* Buffer one byte short (no room for the NUL). */
  UT_EQ_INT(base64_encode(out, 65, in, 48, BASE64_ENCODE_MULTILINE), -1);
  /* Whitespace anywhere is skipped when decoding. */
  UT_EQ_INT(base64_decode(back, sizeof(back), " Zm9v\r\nYmFy \t\n", 14), 6);
  UT_EQ_MEM(back, "foobar", 6);
}

UNITTEST(encoding, base64_errors)
{
  uint8_t back[16];
  const char *bad[] = {
    "Z",          /* one leftover character */
    "Zm9vY",      /* ditto after a full group */
    "Zg=",        /* too little padding */
    "Zg===",      /* too much padding */
    "Zm8==",
    "Zm9v=",      /* padding after a full group */
    "Zg==Zg==",   /* data after padding */
    "Zm9v!",      /* not in the alphabet */
    "Zm-_",       /* base64url is not accepted */
    "Zh==",       /* nonzero unused bits */
    "Zm9=",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (base64_decode(back, sizeof(back), bad[i], strlen(bad[i])) != -1)
      unittest_fail(__FILE__, __LINE__, "accepted bad base64 \"%s\"", bad[i]);
  }
  /* Too small an output buffer. */
  UT_EQ_INT(base64_decode(back, 5, "Zm9vYmFy", 8), -1);
  UT_EQ_INT(base64_decode(back, 6, "Zm9vYmFy", 8), 6);
  UT_EQ_INT(base64_decode(back, 0, "", 0), 0);
  UT_EQ_INT(base64_encode((char *)back, 4, (const uint8_t *)"foo", 3, 0), -1);
  UT_EQ_INT(base64_encode((char *)back, 5, (const uint8_t *)"foo", 3, 0), 4);
  UT_EQ_INT(base64_encode((char *)back, 5, (const uint8_t *)"foo", 3, 8), -1);
}

/* tor's keys/secret_id_key is PEM written by OpenSSL: decoding it and
 * encoding the DER again must give back the same text. */
UNITTEST(encoding, pem_real_tor_file)
{
  size_t len, textlen;
  uint8_t *file = ut_read_srcfile("tests/vectors/relay_real_tor/secret_id_key",
                                  &len);
  uint8_t der[2048];
  char *again;
  int n, m;
  /* tor stores the key as a C string: the file ends "\n\0". */
  textlen = strlen((const char *)file);
  UT_ASSERT(textlen > 0 && textlen < len);
  n = pem_decode(der, sizeof(der), (const char *)file, textlen,
                 "RSA PRIVATE KEY");
  UT_ASSERT(n > 600);
  UT_EQ_INT(der[0], 0x30); /* DER SEQUENCE */
  UT_EQ_INT(pem_decode(der, sizeof(der), (const char *)file, textlen,
                       "RSA PUBLIC KEY"), -1);
  again = malloc(pem_encoded_len((size_t)n, "RSA PRIVATE KEY") + 1);
  m = pem_encode(again, pem_encoded_len((size_t)n, "RSA PRIVATE KEY") + 1,
                 der, (size_t)n, "RSA PRIVATE KEY");
  UT_EQ_INT(m, (int)textlen - 1); /* ours has no final newline */
  UT_EQ_MEM(again, file, textlen - 1);
  free(again);
  free(file);
}

UNITTEST(encoding, pem_errors)
{
  uint8_t out[64];
  char buf[256];
  int n = pem_encode(buf, sizeof(buf), (const uint8_t *)"foobar", 6,
                     "SIGNATURE");
  UT_EQ_STR(buf, "-----BEGIN SIGNATURE-----\nZm9vYmFy\n-----END SIGNATURE-----");
  UT_EQ_INT(n, (int)strlen(buf));
  UT_EQ_INT(pem_decode(out, sizeof(out), buf, (size_t)n, "SIGNATURE"), 6);
  UT_EQ_MEM(out, "foobar", 6);
  UT_EQ_INT(pem_decode(out, sizeof(out), buf, (size_t)n - 1, "SIGNATURE"), -1);
  UT_EQ_INT(pem_decode(out, sizeof(out), buf, (size_t)n, "SIGNATUR"), -1);
  {
    const char *t1 = "-----BEGIN X-----\nZm9v\n-----END Y-----";
    const char *t2 = "-----BEGIN X-----\nZm9v-----END X-----";
    const char *t3 = "-----BEGIN X-----\nZm9v\n-----END X-----junk";
    const char *t4 = "\n -----BEGIN X-----\nZm9v\n-----END X-----\n";
    const char *t5 = "-----BEGIN X-----\n-----END X-----";
    UT_EQ_INT(pem_decode(out, sizeof(out), t1, strlen(t1), "X"), -1);
    UT_EQ_INT(pem_decode(out, sizeof(out), t2, strlen(t2), "X"), -1);
    UT_EQ_INT(pem_decode(out, sizeof(out), t3, strlen(t3), "X"), -1);
    UT_EQ_INT(pem_decode(out, sizeof(out), t4, strlen(t4), "X"), 3);
    UT_EQ_INT(pem_decode(out, sizeof(out), t5, strlen(t5), "X"), 0);
  }
  UT_EQ_INT(pem_encode(buf, sizeof(buf), out, 3, "BAD-TAG"), -1);
  UT_EQ_INT(pem_encode(buf, 20, out, 3, "X"), -1);
}
