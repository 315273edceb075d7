/* libFuzzer target: client authorization input from outside -- the
 * .auth_private file parser (feature/hs/hs_client_auth_file.c) and the
 * ONION_CLIENT_AUTH_ADD / REMOVE / VIEW argument checks
 * (feature/control/control_client_auth_args.c) -- on arbitrary bytes.
 * Checks: a file that parses gives a 56-character lowercase address and
 * formats back into a line that parses to the same address and key; an
 * argument line that passes gives a 56-character address, a NUL-terminated
 * name of at most 16 bytes and a permanent flag of 0 or 1; a failure
 * writes one reply line starting with a three-digit code and a space.
 * FUZZ_EXTRA_SOURCES: src/feature/hs/hs_client_auth_file.c src/core/proto/proto_control.c src/feature/control/control_client_auth_args.c src/feature/control/control_hs_args.c
 */
#include "orconfig.h"
#include "feature/control/control_client_auth.h"
#include "feature/hs/hs_client_auth_file.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_reply_line(const char *err)
{
  if (strlen(err) < 4 || err[0] < '1' || err[0] > '9' || err[1] < '0' || err[1] > '9' ||
      err[2] < '0' || err[2] > '9' || err[3] != ' ')
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char addr[ONION_ADDRESS_LEN + 1], addr2[ONION_ADDRESS_LEN + 1], err[512];
  uint8_t sk[32], sk2[32];
  char line[HS_CLIENT_AUTH_LINE_LEN + 1];

  if (hs_client_auth_file_parse((const char *)data, size, addr, sk, err, sizeof(err)) == 0) {
    if (strlen(addr) != ONION_ADDRESS_LEN)
      abort();
    for (int i = 0; i < ONION_ADDRESS_LEN; i++)
      if (addr[i] >= 'A' && addr[i] <= 'Z')
        abort();
    int n = hs_client_auth_file_format(line, sizeof(line), addr, sk);
    if (n != HS_CLIENT_AUTH_LINE_LEN ||
        hs_client_auth_file_parse(line, (size_t)n, addr2, sk2, err, sizeof(err)) < 0 ||
        strcmp(addr, addr2) || memcmp(sk, sk2, 32))
      abort();
  } else if (!err[0]) {
    abort();
  }

  /* the control argument parsers take a line without CR LF or NUL, as
   * control_read_command gives them */
  char *args = malloc(size + 1);
  if (!args)
    return 0;
  size_t n = 0;
  for (size_t i = 0; i < size; i++)
    if (data[i] != '\0' && data[i] != '\r' && data[i] != '\n')
      args[n++] = (char)data[i];
  args[n] = '\0';
  control_client_auth_add_t a;
  err[0] = '\0';
  if (control_client_auth_parse_add(args, n, &a, err, sizeof(err)) == 0) {
    if (strlen(a.addr) != ONION_ADDRESS_LEN || strlen(a.name) > 16 ||
        (a.permanent != 0 && a.permanent != 1))
      abort();
  } else {
    check_reply_line(err);
  }
  for (int required = 0; required < 2; required++) {
    err[0] = '\0';
    if (control_client_auth_parse_addr(args, n, "ONION_CLIENT_AUTH_VIEW", required, addr, err,
                                       sizeof(err)) == 0) {
      size_t l = strlen(addr);
      if (l != ONION_ADDRESS_LEN && !(l == 0 && !required))
        abort();
    } else {
      check_reply_line(err);
    }
  }
  free(args);
  return 0;
}
