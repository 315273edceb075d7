/* A relay's keys in DataDirectory/keys: see relay_keys.h. */
#include "orconfig.h"
#include "feature/relay/relay_keys.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/tor_keyfile.h"
#include "lib/crypt/x25519.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/encoding/pem.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAG_MASTER_SECRET "== ed25519v1-secret: type0 =="
#define TAG_MASTER_PUBLIC "== ed25519v1-public: type0 =="
#define TAG_SIGNING_SECRET "== ed25519v1-secret: type4 =="
#define TAG_SIGNING_CERT "== ed25519v1-cert: type4 =="
#define TAG_NTOR "== c25519v1: onion =="
#define PEM_TAG "RSA PRIVATE KEY"
#define RSA_PEM_MAX 4096

typedef struct paths_t {
  char dir[4200];
  char file[4300];
} paths_t;

static const char *
path_of(paths_t *p, const char *name)
{
  snprintf(p->file, sizeof(p->file), "%s/%s", p->dir, name);
  return p->file;
}

static int
exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0 || errno != ENOENT;
}

/* ---- RSA keys in PEM ---- */

static crypto_rsa_key_t *
rsa_read(const char *path, char *err, size_t errlen)
{
  uint8_t buf[RSA_PEM_MAX + 1], der[RSA_DER_MAX_LEN];
  size_t len = 0;
  const char *why = NULL;
  crypto_rsa_key_t *k = NULL;
  if (tor_keyfile_read_small(path, buf, RSA_PEM_MAX, &len, &why) < 0) {
    snprintf(err, errlen, "%s: %s", path, why);
    return NULL;
  }
  /* Real tor ends the file with a NUL after the last newline. */
  while (len > 0 && len <= RSA_PEM_MAX && buf[len - 1] == '\0')
    len--;
  int n = len > RSA_PEM_MAX ? -1
          : pem_decode(der, sizeof(der), (const char *)buf, len, PEM_TAG);
  if (n <= 0)
    snprintf(err, errlen, "%s: not a PEM \"" PEM_TAG "\"", path);
  else if (!(k = crypto_rsa_private_der_decode(der, (size_t)n)))
    snprintf(err, errlen, "%s: the RSA private key does not parse", path);
  else if (crypto_rsa_key_bits(k) != RSA1024_KEY_BITS || !crypto_rsa_public_exponent_ok(k)) {
    snprintf(err, errlen, "%s: not an RSA-1024 key with exponent 65537", path);
    crypto_rsa_key_free(k);
    k = NULL;
  }
  memwipe(buf, sizeof(buf));
  memwipe(der, sizeof(der));
  return k;
}

static crypto_rsa_key_t *
rsa_create(const char *path, char *err, size_t errlen)
{
  uint8_t der[RSA_DER_MAX_LEN];
  char pem[RSA_PEM_MAX];
  size_t len = 0;
  const char *why = NULL;
  crypto_rsa_key_t *k = crypto_rsa_generate(RSA1024_KEY_BITS);
  if (!k || crypto_rsa_private_der_encode(k, der, sizeof(der), &len) < 0 ||
      pem_encoded_len(len, PEM_TAG) + 2 > sizeof(pem) ||
      pem_encode(pem, sizeof(pem), der, len, PEM_TAG) < 0) {
    snprintf(err, errlen, "%s: could not make an RSA key", path);
    crypto_rsa_key_free(k);
    memwipe(der, sizeof(der));
    return NULL;
  }
  size_t plen = strlen(pem);
  pem[plen++] = '\n';
  pem[plen++] = '\0';   /* as real tor writes it */
  if (tor_keyfile_write_atomic(path, (const uint8_t *)pem, plen, &why) < 0) {
    snprintf(err, errlen, "%s: %s", path, why);
    crypto_rsa_key_free(k);
    k = NULL;
  }
  memwipe(der, sizeof(der));
  memwipe(pem, sizeof(pem));
  return k;
}

static crypto_rsa_key_t *
rsa_load_or_create(paths_t *p, const char *name, char *err, size_t errlen)
{
  const char *path = path_of(p, name);
  if (exists(path))
    return rsa_read(path, err, errlen);
  log_notice(LD_GENERAL, "Generating %s.", name);
  return rsa_create(path, err, errlen);
}

/* ---- the ntor onion key ---- */

static int
ntor_load_or_create(paths_t *p, relay_keys_t *k, char *err, size_t errlen)
{
  const char *path = path_of(p, "secret_onion_key_ntor");
  uint8_t body[64], derived[32];
  const char *why = NULL;
  int rv = -1;
  if (exists(path)) {
    if (tor_keyfile_read_body(path, TAG_NTOR, body, sizeof(body), &why) < 0)
      snprintf(err, errlen, "%s: %s", path, why);
    else if (x25519_public_from_secret(derived, body) < 0 || memcmp(derived, body + 32, 32))
      snprintf(err, errlen, "%s: the public key does not match the secret key", path);
    else
      rv = 0;
  } else if (x25519_keypair_generate(body + 32, body) < 0) {
    snprintf(err, errlen, "%s: could not make an x25519 key", path);
  } else if (tor_keyfile_write_body(path, TAG_NTOR, body, sizeof(body), &why) < 0) {
    snprintf(err, errlen, "%s: %s", path, why);
  } else {
    rv = 0;
  }
  if (rv == 0) {
    memcpy(k->ntor_sk, body, 32);
    memcpy(k->ntor_pk, body + 32, 32);
  }
  memwipe(body, sizeof(body));
  return rv;
}

/* ---- Ed25519: master identity, signing key and its certificate ---- */

static int
master_load_or_create(paths_t *p, relay_keys_t *k, char *err, size_t errlen)
{
  char secret_path[4300];
  const char *why = NULL;
  uint8_t pk[32];
  snprintf(secret_path, sizeof(secret_path), "%s", path_of(p, "ed25519_master_id_secret_key"));
  const char *public_path = path_of(p, "ed25519_master_id_public_key");
  if (exists(secret_path)) {
    if (tor_keyfile_read_body(secret_path, TAG_MASTER_SECRET, k->master_esk, 64, &why) < 0) {
      snprintf(err, errlen, "%s: %s", secret_path, why);
      return -1;
    }
    if (crypto_mem_is_zero(k->master_esk, 32) ||
        ed25519_public_from_seckey(k->master_pk, k->master_esk) < 0) {
      snprintf(err, errlen, "%s: not a usable ed25519 secret key", secret_path);
      return -1;
    }
    if (exists(public_path)) {
      if (tor_keyfile_read_body(public_path, TAG_MASTER_PUBLIC, pk, 32, &why) < 0) {
        snprintf(err, errlen, "%s: %s", public_path, why);
        return -1;
      }
      if (memcmp(pk, k->master_pk, 32)) {
        snprintf(err, errlen, "%s: does not match ed25519_master_id_secret_key", public_path);
        return -1;
      }
      return 0;
    }
  } else if (exists(public_path)) {
    /* An offline master key: tor can run with the public half and a
     * signing key made elsewhere; we cannot make new certificates then. */
    snprintf(err, errlen, "%s: the master identity's secret key is missing (offline master "
             "keys are not supported)", secret_path);
    return -1;
  } else {
    log_notice(LD_GENERAL, "Generating a new ed25519 master identity key.");
    if (ed25519_keypair_generate(k->master_pk, k->master_esk) < 0 ||
        tor_keyfile_write_body(secret_path, TAG_MASTER_SECRET, k->master_esk, 64, &why) < 0) {
      snprintf(err, errlen, "%s: %s", secret_path, why ? why : "could not make a key");
      return -1;
    }
  }
  if (tor_keyfile_write_body(public_path, TAG_MASTER_PUBLIC, k->master_pk, 32, &why) < 0) {
    snprintf(err, errlen, "%s: %s", public_path, why);
    return -1;
  }
  return 0;
}

/* The signing key and certificate on disk, checked; 1 if usable at now,
 * 0 if absent or due for renewal, -1 (err) if present but bad. */
static int
signing_read(paths_t *p, relay_keys_t *k, time_t now, char *err, size_t errlen)
{
  char key_path[4300];
  const char *why = NULL;
  snprintf(key_path, sizeof(key_path), "%s", path_of(p, "ed25519_signing_secret_key"));
  const char *cert_path = path_of(p, "ed25519_signing_cert");
  int have_key = exists(key_path), have_cert = exists(cert_path);
  if (!have_key && !have_cert)
    return 0;
  if (!have_key || !have_cert) {
    snprintf(err, errlen, "%s: present without %s", have_key ? key_path : cert_path,
             have_key ? "ed25519_signing_cert" : "ed25519_signing_secret_key");
    return -1;
  }
  if (tor_keyfile_read_body(key_path, TAG_SIGNING_SECRET, k->signing_esk, 64, &why) < 0) {
    snprintf(err, errlen, "%s: %s", key_path, why);
    return -1;
  }
  if (tor_keyfile_read_body(cert_path, TAG_SIGNING_CERT, k->signing_cert,
                            sizeof(k->signing_cert), &why) < 0) {
    snprintf(err, errlen, "%s: %s", cert_path, why);
    return -1;
  }
  if (ed25519_public_from_seckey(k->signing_pk, k->signing_esk) < 0) {
    snprintf(err, errlen, "%s: not a usable ed25519 secret key", key_path);
    return -1;
  }
  ed25519_cert_t *c = ed25519_cert_parse(k->signing_cert, sizeof(k->signing_cert), &why);
  int rv = -1;
  if (!c)
    snprintf(err, errlen, "%s: %s", cert_path, why);
  else if (c->cert_type != CERTTYPE_ED_ID_SIGNING || c->key_type != CERT_KEYTYPE_ED25519 ||
           memcmp(c->certified_key, k->signing_pk, 32))
    snprintf(err, errlen, "%s: does not certify ed25519_signing_secret_key", cert_path);
  else if (ed25519_cert_check(c, k->master_pk, 0, &why) < 0)
    snprintf(err, errlen, "%s: not signed by the master identity key (%s)", cert_path, why);
  else {
    k->signing_expires = (time_t)c->expiration_hours * 3600;
    rv = k->signing_expires - now > RELAY_SIGNING_CERT_RENEW_BEFORE ? 1 : 0;
  }
  ed25519_cert_free(c);
  return rv;
}

static int
signing_create(paths_t *p, relay_keys_t *k, time_t now, char *err, size_t errlen)
{
  char key_path[4300];
  const char *why = NULL;
  snprintf(key_path, sizeof(key_path), "%s", path_of(p, "ed25519_signing_secret_key"));
  const char *cert_path = path_of(p, "ed25519_signing_cert");
  time_t expires = now + RELAY_SIGNING_CERT_LIFETIME;
  if (ed25519_keypair_generate(k->signing_pk, k->signing_esk) < 0 ||
      ed25519_cert_encode(k->signing_cert, CERTTYPE_ED_ID_SIGNING, k->signing_pk, k->master_pk,
                          k->master_esk, expires) < 0) {
    snprintf(err, errlen, "%s: could not make a signing key", key_path);
    return -1;
  }
  if (tor_keyfile_write_body(key_path, TAG_SIGNING_SECRET, k->signing_esk, 64, &why) < 0 ||
      tor_keyfile_write_body(cert_path, TAG_SIGNING_CERT, k->signing_cert,
                             sizeof(k->signing_cert), &why) < 0) {
    snprintf(err, errlen, "%s: %s", key_path, why);
    return -1;
  }
  k->signing_expires = (expires + 3599) / 3600 * 3600;
  return 0;
}

/* ---- the interface ---- */

int
relay_keys_load_or_create(const char *datadir, time_t now, relay_keys_t *out, char *err,
                          size_t errlen)
{
  paths_t p;
  memset(out, 0, sizeof(*out));
  snprintf(p.dir, sizeof(p.dir), "%s/keys", datadir);
  if (fs_check_private_dir(p.dir, 1, err, errlen) < 0)
    return -1;
  if (!(out->identity = rsa_load_or_create(&p, "secret_id_key", err, errlen)) ||
      crypto_rsa_get_fingerprint(out->identity, out->fingerprint) < 0 ||
      !(out->onion = rsa_load_or_create(&p, "secret_onion_key", err, errlen)) ||
      ntor_load_or_create(&p, out, err, errlen) < 0 ||
      master_load_or_create(&p, out, err, errlen) < 0)
    goto fail;
  int s = signing_read(&p, out, now, err, errlen);
  if (s < 0)
    goto fail;
  if (s == 0) {
    log_notice(LD_GENERAL, "Generating a new ed25519 signing key and certificate.");
    if (signing_create(&p, out, now, err, errlen) < 0)
      goto fail;
  }
  return 0;
fail:
  relay_keys_clear(out);
  return -1;
}

void
relay_keys_format_fingerprint(const uint8_t fp[DIGEST_LEN], int spaces, char out[50])
{
  char hex[2 * DIGEST_LEN + 1];
  base16_encode(hex, sizeof(hex), fp, DIGEST_LEN);
  if (!spaces) {
    memcpy(out, hex, sizeof(hex));
    return;
  }
  size_t n = 0;
  for (int i = 0; i < 2 * DIGEST_LEN; i += 4) {
    if (i)
      out[n++] = ' ';
    memcpy(out + n, hex + i, 4);
    n += 4;
  }
  out[n] = '\0';
}

void
relay_keys_format_ed25519(const uint8_t pk[32], char out[44])
{
  base64_encode(out, 44, pk, 32, BASE64_ENCODE_NOPAD);
}

int
relay_keys_write_fingerprints(const char *datadir, const char *nickname,
                              const relay_keys_t *k, char *err, size_t errlen)
{
  char path[4300], line[128], fp[50], ed[44];
  relay_keys_format_fingerprint(k->fingerprint, 0, fp);
  relay_keys_format_ed25519(k->master_pk, ed);
  snprintf(path, sizeof(path), "%s/fingerprint", datadir);
  int n = snprintf(line, sizeof(line), "%s %s\n", nickname, fp);
  if (fs_write_file_atomic(path, line, (size_t)n, 0600, err, errlen) < 0)
    return -1;
  snprintf(path, sizeof(path), "%s/fingerprint-ed25519", datadir);
  n = snprintf(line, sizeof(line), "%s %s\n", nickname, ed);
  return fs_write_file_atomic(path, line, (size_t)n, 0600, err, errlen);
}

void
relay_keys_clear(relay_keys_t *k)
{
  crypto_rsa_key_free(k->identity);
  crypto_rsa_key_free(k->onion);
  memwipe(k, sizeof(*k));
}
