/* libFuzzer target: HSFETCH / HSPOST argument lines and SERVER= LongNames
 * (feature/control/control_hs_args.c) on arbitrary controller bytes. The
 * first byte picks HSFETCH or HSPOST and which relays are "known" (by the
 * low bit of their identity's first byte). Checks: a success leaves a
 * NUL-terminated 56-character address (HSFETCH) or "" / 56 characters
 * (HSPOST), at most CONTROL_HS_MAX_SERVERS servers, each one that the
 * callback said was known; a failure writes one reply line starting with
 * a three-digit code and a space (an echoed argument may hold an escaped
 * CR or LF: control_write_end blanks them on the wire); LongName parsing
 * leaves a NUL-terminated alphanumeric nickname of at most 19 bytes.
 * FUZZ_EXTRA_SOURCES: src/core/proto/proto_control.c src/feature/control/control_hs_args.c
 */
#include "orconfig.h"
#include "feature/control/control_hs_cmds.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static int
known(const uint8_t id[20], const char *nick, void *arg)
{
  unsigned mode = *(const unsigned *)arg;
  CHECK(strlen(nick) < 20);
  return (mode & 2) ? 1 : (id[0] & 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  unsigned mode = data[0];
  const char *s = (const char *)data + 1;
  size_t len = size - 1;
  control_hs_args_t a;
  char err[512];
  int is_post = mode & 1;
  if (control_hs_parse_args(s, len, is_post, known, &mode, &a, err, sizeof(err)) == 0) {
    size_t alen = strnlen(a.addr, sizeof(a.addr));
    CHECK(alen < sizeof(a.addr));
    CHECK(is_post ? (alen == 0 || alen == 56) : alen == 56);
    CHECK(a.n_servers >= 0 && a.n_servers <= CONTROL_HS_MAX_SERVERS);
    for (int i = 0; i < a.n_servers; i++)
      CHECK((mode & 2) || (a.servers[i][0] & 1));
    if (alen)
      CHECK(control_hs_valid_address(a.addr, alen));
  } else {
    size_t n = strnlen(err, sizeof(err));
    CHECK(n >= 4 && n < sizeof(err));
    CHECK(isdigit((unsigned char)err[0]) && isdigit((unsigned char)err[1]) &&
          isdigit((unsigned char)err[2]) && err[3] == ' ');
  }
  uint8_t id[20];
  char nick[20];
  if (control_hs_parse_server(s, len, id, nick) == 0) {
    size_t n = strnlen(nick, sizeof(nick));
    CHECK(n < sizeof(nick));
    for (size_t i = 0; i < n; i++)
      CHECK(isalnum((unsigned char)nick[i]));
  }
  (void)control_hs_valid_address(s, len);
  return 0;
}
