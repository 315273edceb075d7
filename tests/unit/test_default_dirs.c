/* tor's built-in directory authorities and fallback directories
 * (feature/nodelist/default_dirs) against what make-vectors extracted from
 * real tor 0.4.9.11 (tests/vectors/default_dirs); the FallbackDir parser
 * against real tor's verdicts on the same lines; and which directory
 * servers a configuration selects (feature/nodelist/dir_servers). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/nodelist/default_dirs.h"
#include "feature/nodelist/dir_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTOR_MAX (64 * 1024)

/* The vector file's records: its non-comment lines, split in place. */
static int
vector_lines(const char *name, char *buf, char **lines, int max)
{
  char path[256];
  snprintf(path, sizeof(path), "tests/vectors/default_dirs/%s", name);
  UT_ASSERT(unittest_read_file(unittest_srcpath(path), buf, VECTOR_MAX) > 0);
  int n = 0;
  char *save = NULL;
  for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
    if (l[0] != '#') {
      UT_ASSERT(n < max);
      lines[n++] = l;
    }
  return n;
}

static int
split_words(char *line, char **words, int max)
{
  int n = 0;
  char *save = NULL;
  for (char *w = strtok_r(line, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
    words[n++] = w;
  return n;
}

UNITTEST(default_dirs, authorities_are_real_tors)
{
  static char buf[VECTOR_MAX];
  char *lines[64];
  int n = vector_lines("authorities.txt", buf, lines, 64);
  UT_EQ_INT(n, 2 * (int)default_dir_authority_count);
  UT_EQ_INT(default_dir_authority_count, 10);
  for (int i = 0; i < n / 2; i++) {
    /* "line <DirAuthority line>": the table holds it exactly. */
    UT_ASSERT(!strncmp(lines[2 * i], "line ", 5));
    UT_EQ_STR(default_dir_authority_lines[i], lines[2 * i] + 5);
    /* "auth <nick> <ipv4> <dirport> <orport> <v3ident|-> <fp> <ipv6|-> <bridge>":
     * what our DirAuthority parser makes of it. */
    char *w[9];
    UT_EQ_INT(split_words(lines[2 * i + 1], w, 9), 9);
    UT_EQ_STR(w[0], "auth");
    dir_authority_t a;
    char err[256];
    UT_EQ_INT(dir_authority_line_parse(default_dir_authority_lines[i], &a, err, sizeof(err)), 0);
    UT_EQ_STR(a.nickname, w[1]);
    UT_EQ_STR(a.address, w[2]);
    UT_EQ_INT(a.dir_port, atoi(w[3]));
    UT_EQ_INT(a.or_port, atoi(w[4]));
    UT_EQ_INT(a.has_v3_identity, strcmp(w[5], "-") != 0);
    if (a.has_v3_identity)
      UT_EQ_HEX(a.v3_identity_digest, 20, w[5]);
    UT_EQ_HEX(a.rsa_id_digest, 20, w[6]);
    UT_EQ_INT(a.is_bridge, atoi(w[8]));
  }
}

UNITTEST(default_dirs, fallbacks_are_real_tors)
{
  static char buf[VECTOR_MAX];
  static char *lines[512];
  int n = vector_lines("fallbacks.txt", buf, lines, 512);
  UT_EQ_INT(n, (int)default_fallback_dir_count);
  UT_EQ_INT(default_fallback_dir_count, 200);
  for (int i = 0; i < n; i++) {
    /* "<ipv4> <dirport|0> <orport> <id> <[ipv6]:port|-> <weight|->" */
    char *w[6];
    UT_EQ_INT(split_words(lines[i], w, 6), 6);
    const default_fallback_dir_t *d = &default_fallback_dirs[i];
    UT_EQ_STR(d->ipv4, w[0]);
    UT_EQ_INT(d->dir_port, atoi(w[1]));
    UT_EQ_INT(d->or_port, atoi(w[2]));
    UT_EQ_STR(d->rsa_id_hex, w[3]);
    UT_EQ_STR(d->ipv6_or_addr ? d->ipv6_or_addr : "-", w[4]);
    UT_EQ_STR(w[5], "-");
    fallback_dir_t f;
    UT_EQ_INT(default_fallback_dir_get((size_t)i, &f), 0);
    UT_EQ_STR(f.address, w[0]);
    UT_EQ_INT(f.address_is_ipv6, 0);
    UT_EQ_INT(f.dir_port, atoi(w[1]));
    UT_EQ_INT(f.or_port, atoi(w[2]));
    UT_EQ_HEX(f.rsa_id_digest, 20, w[3]);
    UT_ASSERT(f.weight == 1.0);
    if (!strcmp(w[4], "-")) {
      UT_EQ_STR(f.ipv6_address, "");
      UT_EQ_INT(f.ipv6_or_port, 0);
    } else {
      char *close = strrchr(w[4], ']');
      UT_ASSERT(w[4][0] == '[' && close && close[1] == ':');
      *close = '\0';
      UT_EQ_STR(f.ipv6_address, w[4] + 1);
      UT_EQ_INT(f.ipv6_or_port, atoi(close + 2));
    }
  }
  fallback_dir_t f;
  UT_EQ_INT(default_fallback_dir_get(default_fallback_dir_count, &f), -1);
}

#define ID "4F067C5C488173987B568CD7245F1CA71DEE996B"

/* Lines real tor 0.4.9.11 accepts (tor --verify-config with the line as
 * FallbackDir), and what they mean. */
UNITTEST(default_dirs, fallbackdir_good_lines)
{
  fallback_dir_t f;
  char warn[256], err[256];
  UT_EQ_INT(fallback_dir_line_parse("64.65.62.122 orport=443 id=" ID, &f, warn, sizeof(warn),
                                    err, sizeof(err)), 0);
  UT_EQ_STR(f.address, "64.65.62.122");
  UT_EQ_INT(f.dir_port, 0);
  UT_EQ_INT(f.or_port, 443);
  UT_EQ_HEX(f.rsa_id_digest, 20, ID);
  UT_ASSERT(f.weight == 1.0);
  UT_EQ_STR(warn, "");
  UT_EQ_INT(fallback_dir_line_parse("64.65.62.122:80 orport=443 id=" ID " weight=2.5 "
                                    "ipv6=[2001:db8::1]:9001", &f, warn, sizeof(warn),
                                    err, sizeof(err)), 0);
  UT_EQ_INT(f.dir_port, 80);
  UT_ASSERT(f.weight == 2.5);
  UT_EQ_STR(f.ipv6_address, "2001:db8::1");
  UT_EQ_INT(f.ipv6_or_port, 9001);
  /* Any order, lowercase hex, unknown NAME=VALUE options ignored. */
  UT_EQ_INT(fallback_dir_line_parse("orport=443 bogus=1 1.2.3.4:80 "
                                    "id=4f067c5c488173987b568cd7245f1ca71dee996b",
                                    &f, warn, sizeof(warn), err, sizeof(err)), 0);
  UT_EQ_STR(f.address, "1.2.3.4");
  UT_EQ_HEX(f.rsa_id_digest, 20, ID);
  /* IPv6 addresses: bracketed with a DirPort, or bare. */
  UT_EQ_INT(fallback_dir_line_parse("[2001:db8::1]:80 orport=443 id=" ID, &f, warn,
                                    sizeof(warn), err, sizeof(err)), 0);
  UT_EQ_STR(f.address, "2001:db8::1");
  UT_EQ_INT(f.address_is_ipv6, 1);
  UT_EQ_INT(f.dir_port, 80);
  UT_EQ_INT(fallback_dir_line_parse("2001:db8::1 orport=443 id=" ID, &f, warn, sizeof(warn),
                                    err, sizeof(err)), 0);
  UT_EQ_INT(f.address_is_ipv6, 1);
  UT_EQ_INT(f.dir_port, 0);
  /* tor only warns about a bad weight and a second ipv6=. */
  UT_EQ_INT(fallback_dir_line_parse("1.2.3.4:80 orport=443 id=" ID " weight=abc "
                                    "ipv6=[2001:db8::1]:443 ipv6=[2001:db8::2]:443",
                                    &f, warn, sizeof(warn), err, sizeof(err)), 0);
  UT_ASSERT(f.weight == 1.0);
  UT_EQ_STR(f.ipv6_address, "2001:db8::1");
  UT_ASSERT(strstr(warn, "Invalid weight 'weight=abc'"));
  UT_ASSERT(strstr(warn, "Redundant 'ipv6=[2001:db8::2]:443'"));
  UT_EQ_INT(fallback_dir_line_parse("1.2.3.4:80 orport=443 id=" ID " weight=-1", &f, warn,
                                    sizeof(warn), err, sizeof(err)), 0);
  UT_ASSERT(strstr(warn, "Invalid weight"));
  UT_EQ_INT(fallback_dir_line_parse("1.2.3.4:80 orport=443 id=" ID " weight=0", &f, warn,
                                    sizeof(warn), err, sizeof(err)), 0);
  UT_ASSERT(f.weight == 0);
  UT_EQ_STR(warn, "");
}

/* Lines real tor 0.4.9.11 refuses, and the reason we give. */
UNITTEST(default_dirs, fallbackdir_bad_lines)
{
  static const struct { const char *line, *why; } cases[] = {
    { "64.65.62.122:80 id=" ID, "Missing orport" },
    { "64.65.62.122:80 orport=443", "Missing id" },
    { "64.65.62.122:80 ORPORT=443 ID=" ID, "Missing id" },
    { "64.65.62.122:80 orport=443 id=4F06", "Bad id '4F06'" },
    { "64.65.62.122:80 orport=443 id=$" ID, "Bad id" },
    { "64.65.62.122:80 orport=443 id=4F067C5C488173987B568CD7245F1CA71DEE99ZZ", "Bad id" },
    { "64.65.62.122:80 orport=443 id=" ID " extra", "unexpected word 'extra'" },
    { "1.2.3.4:80 5.6.7.8:80 orport=443 id=" ID, "unexpected word '5.6.7.8:80'" },
    { "orport=443 id=" ID, "no ADDRESS" },
    { "", "no ADDRESS" },
    { "nohost:80 orport=443 id=" ID, "address:port 'nohost:80'" },
    { "localhost:80 orport=443 id=" ID, "address:port" },
    { "1.2.3 orport=443 id=" ID, "address:port '1.2.3'" },
    { "64.65.62.122:0 orport=443 id=" ID, "address:port '64.65.62.122:0'" },
    { "64.65.62.122:70000 orport=443 id=" ID, "address:port" },
    { "64.65.62.122:80 orport=0 id=" ID, "Bad orport '0'" },
    { "64.65.62.122:80 orport=abc id=" ID, "Bad orport 'abc'" },
    { "64.65.62.122:80 orport=443 orport= id=" ID, "Bad orport ''" },
    { "64.65.62.122:80 orport=443 id=" ID " ipv6=2001:db8::1", "Bad ipv6" },
    { "64.65.62.122:80 orport=443 id=" ID " ipv6=[2001:db8::1]", "Bad ipv6" },
    { "64.65.62.122:80 orport=443 id=" ID " ipv6=[1.2.3.4]:443", "Bad ipv6" },
    { "64.65.62.122:80 orport=443 id=" ID " ipv6=[2001:db8::1]:0", "Bad ipv6" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    fallback_dir_t f;
    char warn[256], err[256] = "";
    if (fallback_dir_line_parse(cases[i].line, &f, warn, sizeof(warn), err, sizeof(err)) != -1)
      unittest_fail(__FILE__, __LINE__, "accepted \"%s\"", cases[i].line);
    if (!strstr(err, cases[i].why))
      unittest_fail(__FILE__, __LINE__, "\"%s\": error \"%s\" lacks \"%s\"", cases[i].line,
                    err, cases[i].why);
  }
}

static config_line_t *
lines_of(const char *key, const char *value)
{
  return value ? config_line_new(key, value, CONFLINE_NORMAL, "torrc", 7) : NULL;
}

static size_t
count_bridges(const dir_servers_t *ds)
{
  size_t n = 0;
  for (size_t i = 0; i < ds->n_authorities; i++)
    n += ds->authorities[i].is_bridge;
  return n;
}

#define AUTH "test000a orport=5000 v3ident=0123456789ABCDEF0123456789ABCDEF01234567 " \
             "127.0.0.1:7000 FFCB46DB1339DA84674C70D7CB586434C4370441"
#define FALLBACK "127.0.0.1:7001 orport=5001 id=" ID

/* Selects with one line (or none) of each option; returns 0 or -1. */
static int
select_with(const char *dirauth, const char *alt_dir, const char *alt_bridge,
            const char *fallback, int use_default, dir_servers_t *ds, char *err, size_t errlen)
{
  config_line_t *a = lines_of("DirAuthority", dirauth), *b = lines_of("AlternateDirAuthority", alt_dir),
                *c = lines_of("AlternateBridgeAuthority", alt_bridge),
                *d = lines_of("FallbackDir", fallback);
  dir_servers_config_t cfg = { a, b, c, d, use_default };
  int r = dir_servers_select(&cfg, ds, err, errlen);
  config_lines_free(a);
  config_lines_free(b);
  config_lines_free(c);
  config_lines_free(d);
  return r;
}

UNITTEST(default_dirs, selection_follows_tors_rules)
{
  dir_servers_t ds;
  char err[512];
  /* Nothing configured: tor's 9 directory authorities, Serge, 200 fallbacks. */
  UT_EQ_INT(select_with(NULL, NULL, NULL, NULL, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 10);
  UT_EQ_INT(count_bridges(&ds), 1);
  UT_EQ_INT(ds.n_fallbacks, 200);
  UT_ASSERT(ds.default_dir_authorities && ds.default_fallbacks);
  dir_servers_clear(&ds);
  UT_EQ_INT(select_with(NULL, NULL, NULL, NULL, 0, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 10);
  UT_EQ_INT(ds.n_fallbacks, 0);
  dir_servers_clear(&ds);
  /* DirAuthority replaces every default, fallbacks included. */
  UT_EQ_INT(select_with(AUTH, NULL, NULL, NULL, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 1);
  UT_EQ_STR(ds.authorities[0].nickname, "test000a");
  UT_EQ_INT(ds.n_fallbacks, 0);
  UT_ASSERT(!ds.default_dir_authorities && !ds.default_fallbacks);
  dir_servers_clear(&ds);
  /* AlternateDirAuthority keeps the bridge authority, not the fallbacks. */
  UT_EQ_INT(select_with(NULL, AUTH, NULL, NULL, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 2);
  UT_EQ_INT(count_bridges(&ds), 1);
  UT_EQ_INT(ds.n_fallbacks, 0);
  dir_servers_clear(&ds);
  /* AlternateBridgeAuthority keeps the directory authorities and fallbacks;
   * its line is a bridge authority. */
  UT_EQ_INT(select_with(NULL, NULL, AUTH, NULL, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 10);
  UT_EQ_INT(count_bridges(&ds), 1);
  UT_EQ_STR(ds.authorities[9].nickname, "test000a");
  UT_EQ_INT(ds.authorities[9].is_bridge, 1);
  UT_EQ_INT(ds.n_fallbacks, 200);
  dir_servers_clear(&ds);
  /* FallbackDir replaces the default fallbacks, with any authorities. */
  UT_EQ_INT(select_with(NULL, NULL, NULL, FALLBACK, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 10);
  UT_EQ_INT(ds.n_fallbacks, 1);
  UT_EQ_INT(ds.fallbacks[0].dir_port, 7001);
  UT_ASSERT(!ds.default_fallbacks);
  dir_servers_clear(&ds);
  UT_EQ_INT(select_with(AUTH, NULL, NULL, FALLBACK, 0, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_authorities, 1);
  UT_EQ_INT(ds.n_fallbacks, 1);
  dir_servers_clear(&ds);
  /* Refused, with tor's wording or the line named. */
  UT_EQ_INT(select_with(AUTH, AUTH, NULL, NULL, 1, &ds, err, sizeof(err)), -1);
  UT_EQ_STR(err, "You cannot set both DirAuthority and Alternate*Authority.");
  UT_EQ_INT(select_with(AUTH, NULL, AUTH, NULL, 1, &ds, err, sizeof(err)), -1);
  UT_EQ_INT(select_with(NULL, NULL, NULL, "1.2.3.4:80 orport=1", 1, &ds, err, sizeof(err)), -1);
  UT_EQ_STR(err, "torrc:7: Invalid value for FallbackDir '1.2.3.4:80 orport=1': "
            "Missing id=FINGERPRINT on FallbackDir line");
  UT_EQ_INT(select_with(NULL, "x 1.2.3.4:80 ABCD", NULL, NULL, 1, &ds, err, sizeof(err)), -1);
  UT_ASSERT(!strncmp(err, "torrc:7: Invalid value for AlternateDirAuthority 'x 1.2.3.4:80 ABCD'",
                     60));
}

UNITTEST(default_dirs, bootstrap_source_weights)
{
  dir_servers_t ds;
  char err[512];
  dir_source_t src;
  /* tor 0.4.9's defaults: 200 fallbacks with only an ORPort, and the
   * authorities at DirAuthorityFallbackRate 0.1; never the bridge
   * authority (Serge, 66.111.2.131). */
  UT_EQ_INT(select_with(NULL, NULL, NULL, NULL, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(dir_servers_count_dirport_fallbacks(ds.fallbacks, ds.n_fallbacks), 0);
  UT_EQ_INT(dir_servers_count_usable_fallbacks(ds.fallbacks, ds.n_fallbacks), 200);
  for (int k = 0; k < 1000; k++) {
    UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                         ds.n_fallbacks, 0.1, k / 1000.0, &src), 0);
    UT_ASSERT(strcmp(src.address, "66.111.2.131"));
    UT_ASSERT(src.dir_port || src.or_port);
  }
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0.1, 0, &src), 0);
  UT_ASSERT(src.is_fallback && src.dir_port == 0 && src.nickname == NULL);
  UT_EQ_STR(src.address, ds.fallbacks[0].address);
  UT_EQ_INT(src.or_port, ds.fallbacks[0].or_port);
  UT_EQ_MEM(src.rsa_id, ds.fallbacks[0].rsa_id_digest, 20);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0.1, 0.99999, &src), 0);
  UT_ASSERT(!src.is_fallback);
  UT_EQ_STR(src.address, "216.218.219.41"); /* faravahar, the last directory authority */
  UT_EQ_STR(src.nickname, "faravahar");
  UT_EQ_INT(src.dir_port, 80);
  dir_servers_clear(&ds);
  /* One fallback with a DirPort against 9 authorities at rate 0.1: the
   * fallback takes 1 / 1.9 of the draws. */
  UT_EQ_INT(select_with(NULL, NULL, NULL, FALLBACK, 1, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0.1, 0.52, &src), 0);
  UT_EQ_STR(src.address, "127.0.0.1");
  UT_EQ_INT(src.dir_port, 7001);
  UT_EQ_INT(src.or_port, 5001);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0.1, 0.53, &src), 0);
  UT_EQ_STR(src.address, "128.31.0.39");   /* moria1, the first */
  UT_EQ_INT(src.dir_port, 9231);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0, 0.99, &src), 0);
  UT_EQ_STR(src.address, "127.0.0.1");
  /* Nothing to fetch from. */
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, 0, ds.fallbacks, 0, 0.1, 0.5, &src), -1);
  dir_servers_clear(&ds);
  /* A fallback with only an ORPort: BEGIN_DIR to it (dir_port 0). */
  UT_EQ_INT(select_with(NULL, NULL, NULL, "127.0.0.1 orport=5001 id=" ID, 1, &ds, err,
                        sizeof(err)), 0);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0, 0.5, &src), 0);
  UT_ASSERT(src.is_fallback);
  UT_EQ_INT(src.dir_port, 0);
  UT_EQ_INT(src.or_port, 5001);
  UT_EQ_MEM(src.rsa_id, ds.fallbacks[0].rsa_id_digest, 20);
  dir_servers_clear(&ds);
  /* An IPv6 fallback is not usable: the authorities count fully. */
  UT_EQ_INT(select_with(NULL, NULL, NULL, "[2001:db8::1]:80 orport=443 id=" ID, 1, &ds, err,
                        sizeof(err)), 0);
  UT_EQ_INT(dir_servers_count_usable_fallbacks(ds.fallbacks, ds.n_fallbacks), 0);
  UT_EQ_INT(dir_servers_pick_bootstrap(ds.authorities, ds.n_authorities, ds.fallbacks,
                                       ds.n_fallbacks, 0.1, 0, &src), 0);
  UT_EQ_STR(src.address, "128.31.0.39");
  dir_servers_clear(&ds);
}
