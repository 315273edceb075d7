/* hsdesc_tool: our v3 descriptor code from the command line, for the
 * interoperability checks in tests/integration/test_hs_desc.py (stem
 * decrypts what we build; we decrypt what stem builds).
 *
 *   hsdesc_tool build --identity-esk HEX --signing-esk HEX --tp N
 *       --period-length MIN --revision N --now UNIX [--flow-control STR]
 *       [--single-onion] [--intro LSPEC:ONION:AUTH:ENC]...
 *     prints the descriptor (keys in hex; LSPEC is the link specifier
 *     block in hex).
 *   hsdesc_tool parse ADDRESS [NOW] < descriptor
 *     parses and decrypts (certificates checked at NOW, default the
 *     current time), and prints one "name value" line per field.
 *   hsdesc_tool keys ADDRESS TP PERIOD_LENGTH
 *     prints the blinded key and the subcredential. */
#include "orconfig.h"

#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_keys.h"

#include "lib/crypt/ed25519.h"
#include "lib/crypt/onion_address.h"
#include "lib/encoding/base16.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
die(const char *why)
{
  fprintf(stderr, "hsdesc_tool: %s\n", why);
  exit(1);
}

static void
unhex(uint8_t *out, size_t n, const char *hex)
{
  if (strlen(hex) != 2 * n ||
      base16_decode(out, n, hex, strlen(hex)) != (int)n)
    die("bad hex argument");
}

static void
print_hex(const char *name, const uint8_t *p, size_t n)
{
  char *s = malloc(2 * n + 1);
  if (!s || base16_encode_lower(s, 2 * n + 1, p, n) < 0)
    die("hex");
  printf("%s %s\n", name, s);
  free(s);
}

static void
add_intro(hs_desc_t *d, char *spec)
{
  hs_desc_intro_point_t *ip;
  char *parts[4];
  size_t i = 0;

  for (char *tok = strtok(spec, ":"); tok && i < 4; tok = strtok(NULL, ":"))
    parts[i++] = tok;
  if (i != 4 || strlen(parts[0]) % 2)
    die("--intro LSPEC:ONION:AUTH:ENC");
  d->intro_points = realloc(d->intro_points,
                            (d->n_intro_points + 1) * sizeof(*ip));
  if (!d->intro_points)
    die("oom");
  ip = &d->intro_points[d->n_intro_points++];
  ip->link_specifiers_len = strlen(parts[0]) / 2;
  ip->link_specifiers = malloc(ip->link_specifiers_len);
  if (!ip->link_specifiers)
    die("oom");
  unhex(ip->link_specifiers, ip->link_specifiers_len, parts[0]);
  unhex(ip->onion_key, 32, parts[1]);
  unhex(ip->auth_key, 32, parts[2]);
  unhex(ip->enc_key, 32, parts[3]);
}

static int
cmd_build(int argc, char **argv)
{
  hs_desc_t *d = calloc(1, sizeof(*d));
  hs_desc_signing_keys_t k;
  uint8_t identity_esk[64];
  uint64_t tp = 0, plen = HS_TIME_PERIOD_LENGTH_DEFAULT;
  long long now = 0;
  int have_id = 0, have_sign = 0;
  size_t len;
  char *doc;

  if (!d)
    die("oom");
  d->lifetime_minutes = HS_DESC_LIFETIME_DEFAULT;
  for (int i = 0; i < argc; i++) {
    const char *opt = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(opt, "--single-onion")) {
      d->single_onion_service = 1;
      continue;
    }
    if (!val)
      die("option needs a value");
    i++;
    if (!strcmp(opt, "--identity-esk")) {
      unhex(identity_esk, 64, val);
      have_id = 1;
    } else if (!strcmp(opt, "--signing-esk")) {
      unhex(k.signing_esk, 64, val);
      have_sign = 1;
    } else if (!strcmp(opt, "--tp")) {
      tp = strtoull(val, NULL, 10);
    } else if (!strcmp(opt, "--period-length")) {
      plen = strtoull(val, NULL, 10);
    } else if (!strcmp(opt, "--revision")) {
      d->revision_counter = strtoull(val, NULL, 10);
    } else if (!strcmp(opt, "--now")) {
      now = strtoll(val, NULL, 10);
    } else if (!strcmp(opt, "--flow-control")) {
      d->flow_control = strdup(val);
    } else if (!strcmp(opt, "--intro")) {
      char *copy = strdup(val);
      add_intro(d, copy);
      free(copy);
    } else {
      die("unknown option");
    }
  }
  if (!have_id || !have_sign)
    die("--identity-esk and --signing-esk are required");
  if (ed25519_public_from_seckey(k.identity_pk, identity_esk) < 0 ||
      ed25519_public_from_seckey(k.signing_pk, k.signing_esk) < 0 ||
      hs_blinded_public_key(k.blinded_pk, k.identity_pk, tp, plen) < 0 ||
      hs_blinded_secret_key(k.blinded_esk, identity_esk, k.identity_pk, tp,
                            plen) < 0)
    die("key derivation failed");
  doc = hs_desc_encode(d, &k, (time_t)now, &len);
  if (!doc)
    die("hs_desc_encode failed");
  fwrite(doc, 1, len, stdout);
  free(doc);
  hs_desc_free(d);
  return 0;
}

static char *
read_stdin(size_t *len)
{
  size_t cap = 65536, n = 0, r;
  char *buf = malloc(cap);

  while (buf && (r = fread(buf + n, 1, cap - n, stdin)) > 0) {
    n += r;
    if (n == cap && !(buf = realloc(buf, cap *= 2)))
      break;
  }
  if (!buf)
    die("oom");
  *len = n;
  return buf;
}

static int
cmd_parse(const char *addr, time_t now)
{
  uint8_t pk[32];
  size_t len;
  char *doc = read_stdin(&len);
  const char *err = "?";
  hs_desc_t *d;

  if (onion_address_decode(pk, addr, strlen(addr), &err) < 0)
    die(err);
  d = hs_desc_parse_outer(doc, len, now, &err);
  if (!d || hs_desc_decrypt(d, pk, now, &err) < 0) {
    fprintf(stderr, "hsdesc_tool: %s\n", err);
    return 1;
  }
  printf("lifetime %" PRIu32 "\n", d->lifetime_minutes);
  printf("revision-counter %" PRIu64 "\n", d->revision_counter);
  print_hex("blinded-key", d->blinded_pk, 32);
  print_hex("signing-key", d->signing_pk, 32);
  printf("signing-cert-expiration %" PRIu32 "\n", d->signing_cert_expiration);
  print_hex("auth-ephemeral-key", d->auth_ephemeral_key, 32);
  printf("auth-clients %d\n", d->n_auth_clients);
  printf("create2-ntor %d\n", d->create2_ntor);
  printf("intro-auth-ed25519 %d\n", d->intro_auth_ed25519);
  printf("single-onion-service %d\n", d->single_onion_service);
  if (d->flow_control)
    printf("flow-control %s\n", d->flow_control);
  for (size_t i = 0; i < d->n_intro_points; i++) {
    const hs_desc_intro_point_t *ip = &d->intro_points[i];
    print_hex("intro-link-specifiers", ip->link_specifiers,
              ip->link_specifiers_len);
    print_hex("intro-onion-key", ip->onion_key, 32);
    print_hex("intro-auth-key", ip->auth_key, 32);
    print_hex("intro-enc-key", ip->enc_key, 32);
  }
  hs_desc_free(d);
  free(doc);
  return 0;
}

static int
cmd_keys(const char *addr, const char *tp_s, const char *plen_s)
{
  uint8_t pk[32], bpk[32], sub[32];
  uint64_t tp = strtoull(tp_s, NULL, 10), plen = strtoull(plen_s, NULL, 10);
  const char *err = "?";

  if (onion_address_decode(pk, addr, strlen(addr), &err) < 0)
    die(err);
  if (hs_blinded_public_key(bpk, pk, tp, plen) < 0 ||
      hs_subcredential(sub, pk, bpk) < 0)
    die("derivation failed");
  print_hex("blinded-key", bpk, 32);
  print_hex("subcredential", sub, 32);
  return 0;
}

int
main(int argc, char **argv)
{
  if (argc >= 2 && !strcmp(argv[1], "build"))
    return cmd_build(argc - 2, argv + 2);
  if ((argc == 3 || argc == 4) && !strcmp(argv[1], "parse"))
    return cmd_parse(argv[2], argc == 4 ? (time_t)strtoll(argv[3], NULL, 10)
                                        : time(NULL));
  if (argc == 5 && !strcmp(argv[1], "keys"))
    return cmd_keys(argv[2], argv[3], argv[4]);
  fprintf(stderr, "usage: hsdesc_tool build ... | parse ADDRESS [NOW] | "
          "keys ADDRESS TP PERIOD_LENGTH\n");
  return 2;
}
