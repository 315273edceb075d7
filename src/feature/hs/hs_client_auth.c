/* Client authorization credentials: see hs_client_auth.h. */
#include "orconfig.h"
#include "feature/hs/hs_client_auth.h"
#include "feature/hs/hs_client_auth_file.h"

#include "lib/crypt/crypto_util.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
  hs_client_auth_cred_t *creds;   /* sorted by addr */
  size_t n, cap;
  char *dir;                      /* ClientOnionAuthDir, or NULL */
} ca;

/* ---- the sorted table ---- */

static void
lower_addr(char out[ONION_ADDRESS_LEN + 1], const char *addr)
{
  for (int i = 0; i < ONION_ADDRESS_LEN; i++) {
    char c = addr[i];
    out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  out[ONION_ADDRESS_LEN] = '\0';
}

/* The index of addr (lowercase) in creds[0..n), or where it would go
 * (*found 0). */
static size_t
table_search(const hs_client_auth_cred_t *creds, size_t n, const char *addr,
             int *found)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(creds[mid].addr, addr);
    if (c == 0) {
      *found = 1;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = 0;
  return lo;
}

/* Puts cred into the table (replacing the same address). 0, or -1 when
 * out of memory. */
static int
table_put(hs_client_auth_cred_t **creds, size_t *n, size_t *cap,
          const hs_client_auth_cred_t *cred)
{
  int found;
  size_t i = table_search(*creds, *n, cred->addr, &found);
  if (found) {
    memwipe(&(*creds)[i], sizeof(**creds));
    (*creds)[i] = *cred;
    return 0;
  }
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    hs_client_auth_cred_t *grown = calloc(ncap, sizeof(*grown));
    if (!grown)
      return -1;
    if (*n)
      memcpy(grown, *creds, *n * sizeof(*grown));
    if (*creds) {
      memwipe(*creds, *n * sizeof(**creds));
      free(*creds);
    }
    *creds = grown;
    *cap = ncap;
  }
  memmove(&(*creds)[i + 1], &(*creds)[i], (*n - i) * sizeof(**creds));
  (*creds)[i] = *cred;
  (*n)++;
  return 0;
}

static void
table_free(hs_client_auth_cred_t *creds, size_t n)
{
  if (creds)
    memwipe(creds, n * sizeof(*creds));
  free(creds);
}

/* ---- the directory ---- */

int
hs_client_auth_check_dir(const char *dir, char *err, size_t errlen)
{
  struct stat st;
  if (stat(dir, &st) < 0) {
    snprintf(err, errlen, "ClientOnionAuthDir %s: %s", dir, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "ClientOnionAuthDir %s is not a directory", dir);
    return -1;
  }
  if (st.st_uid != geteuid()) {
    snprintf(err, errlen, "ClientOnionAuthDir %s is owned by uid %u, not by "
             "this user (uid %u)", dir, (unsigned)st.st_uid, (unsigned)geteuid());
    return -1;
  }
  return 0;
}

/* Removes group and world access from dir, as tor does. */
static void
fix_permissions(const char *dir)
{
  struct stat st;
  if (stat(dir, &st) < 0 || !(st.st_mode & 077))
    return;
  log_warn(LD_FS, "ClientOnionAuthDir %s was accessible by group or others "
           "(mode %04o): fixing its permissions to 0700.", dir,
           (unsigned)(st.st_mode & 07777));
  if (chmod(dir, 0700) < 0)
    log_warn(LD_FS, "Couldn't chmod %s: %s", dir, strerror(errno));
}

static int
has_suffix(const char *name)
{
  size_t n = strlen(name), s = strlen(HS_CLIENT_AUTH_SUFFIX);
  return n > s && !strcmp(name + n - s, HS_CLIENT_AUTH_SUFFIX);
}

static int
cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.auth_private names in dir, sorted (caller frees each and the
 * array), or NULL with *n 0 (and -1 in *failed if dir can't be read). */
static char **
list_files(const char *dir, size_t *n, int *failed)
{
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t cap = 0;
  struct dirent *e;

  *n = 0;
  *failed = 0;
  if (!d) {
    log_warn(LD_FS, "Couldn't read ClientOnionAuthDir %s: %s", dir, strerror(errno));
    *failed = 1;
    return NULL;
  }
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (!has_suffix(e->d_name)) {
      log_notice(LD_REND, "Ignoring %s in ClientOnionAuthDir %s: client "
                 "authorization files end in \"%s\".", e->d_name, dir,
                 HS_CLIENT_AUTH_SUFFIX);
      continue;
    }
    if (strlen(e->d_name) > HS_CLIENT_AUTH_FILENAME_MAX)
      continue;
    if (*n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **grown = realloc(names, ncap * sizeof(*grown));
      if (!grown)
        break;
      names = grown;
      cap = ncap;
    }
    if (!(names[*n] = strdup(e->d_name)))
      break;
    (*n)++;
  }
  closedir(d);
  if (*n)
    qsort(names, *n, sizeof(*names), cmp_names);
  return names;
}

/* Reads and parses dir/name into cred; logs and returns -1 if it is bad. */
static int
load_file(const char *dir, const char *name, hs_client_auth_cred_t *cred)
{
  char path[4096 + HS_CLIENT_AUTH_FILENAME_MAX + 2], err[512];
  size_t len;
  char *text;
  int r;

  memset(cred, 0, sizeof(*cred));
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  text = fs_read_file(path, HS_CLIENT_AUTH_FILE_MAX, &len, NULL, err, sizeof(err));
  if (!text) {
    log_warn(LD_REND, "Client authorization file %s: %s. Skipping it.", path, err);
    return -1;
  }
  r = hs_client_auth_file_parse(text, len, cred->addr, cred->sk, err, sizeof(err));
  memwipe(text, len);
  free(text);
  if (r < 0) {
    log_warn(LD_REND, "Client authorization file %s: %s. Skipping it.", path, err);
    return -1;
  }
  cred->permanent = 1;
  snprintf(cred->file, sizeof(cred->file), "%s", name);
  return 0;
}

int
hs_client_auth_load_dir(const char *dir)
{
  hs_client_auth_cred_t *creds = NULL, cred;
  size_t n = 0, cap = 0, n_names = 0;
  char err[1024];
  char **names = NULL;
  char *dir_copy = NULL;
  int failed = 0, loaded = 0;

  if (dir) {
    if (hs_client_auth_check_dir(dir, err, sizeof(err)) < 0) {
      log_warn(LD_CONFIG, "%s", err);
      return -1;
    }
    fix_permissions(dir);
    names = list_files(dir, &n_names, &failed);
    if (failed || !(dir_copy = strdup(dir))) {
      free(names);
      return -1;
    }
  }
  /* the ephemeral credentials stay */
  for (size_t i = 0; i < ca.n; i++)
    if (!ca.creds[i].permanent && table_put(&creds, &n, &cap, &ca.creds[i]) < 0)
      goto oom;
  for (size_t i = 0; i < n_names; i++) {
    int found;
    if (load_file(dir, names[i], &cred) < 0)
      continue;
    size_t at = table_search(creds, n, cred.addr, &found);
    if (found && creds[at].permanent)
      log_warn(LD_REND, "Client authorization files %s and %s in %s are both "
               "for %s.onion: using %s.", creds[at].file, cred.file, dir,
               cred.addr, cred.file);
    if (!found && n >= HS_CLIENT_AUTH_MAX) {
      log_warn(LD_REND, "More than %d client authorization credentials: "
               "ignoring %s/%s.", HS_CLIENT_AUTH_MAX, dir, cred.file);
      memwipe(&cred, sizeof(cred));
      continue;
    }
    if (table_put(&creds, &n, &cap, &cred) < 0)
      goto oom;
    memwipe(&cred, sizeof(cred));
    loaded++;
  }
  for (size_t i = 0; i < n_names; i++)
    free(names[i]);
  free(names);
  table_free(ca.creds, ca.n);
  ca.creds = creds;
  ca.n = n;
  ca.cap = cap;
  free(ca.dir);
  ca.dir = dir_copy;
  if (dir)
    log_info(LD_REND, "Loaded %d client authorization credential(s) from %s.",
             loaded, dir);
  return loaded;
 oom:
  memwipe(&cred, sizeof(cred));
  for (size_t i = 0; i < n_names; i++)
    free(names[i]);
  free(names);
  free(dir_copy);
  table_free(creds, n);
  log_warn(LD_REND, "Out of memory loading client authorization credentials.");
  return -1;
}

/* ---- lookups and changes ---- */

const hs_client_auth_cred_t *
hs_client_auth_find(const char *addr)
{
  char a[ONION_ADDRESS_LEN + 1];
  int found;
  if (!addr || strlen(addr) != ONION_ADDRESS_LEN)
    return NULL;
  lower_addr(a, addr);
  size_t i = table_search(ca.creds, ca.n, a, &found);
  return found ? &ca.creds[i] : NULL;
}

static int
write_cred_file(const hs_client_auth_cred_t *cred)
{
  char path[4096 + HS_CLIENT_AUTH_FILENAME_MAX + 2], err[512];
  char line[HS_CLIENT_AUTH_LINE_LEN + 1];
  int len = hs_client_auth_file_format(line, sizeof(line), cred->addr, cred->sk);
  int r;

  if (len < 0)
    return -1;
  snprintf(path, sizeof(path), "%s/%s", ca.dir, cred->file);
  r = fs_write_file_atomic(path, line, (size_t)len, 0600, err, sizeof(err));
  memwipe(line, sizeof(line));
  if (r < 0)
    log_warn(LD_REND, "Couldn't store the client authorization credential "
             "for %s.onion: %s", cred->addr, err);
  return r;
}

hs_client_auth_add_t
hs_client_auth_add(const char *addr, const uint8_t sk[32], const char *name,
                   int permanent)
{
  hs_client_auth_cred_t cred;
  int found;
  size_t i;

  memset(&cred, 0, sizeof(cred));
  lower_addr(cred.addr, addr);
  memcpy(cred.sk, sk, 32);
  snprintf(cred.name, sizeof(cred.name), "%s", name ? name : "");
  i = table_search(ca.creds, ca.n, cred.addr, &found);
  if (!found && ca.n >= HS_CLIENT_AUTH_MAX) {
    memwipe(&cred, sizeof(cred));
    return HS_CLIENT_AUTH_FULL;
  }
  if (permanent) {
    if (!ca.dir) {
      log_warn(LD_REND, "Can't store the client authorization credential for "
               "%s.onion permanently: ClientOnionAuthDir is not set.", cred.addr);
      memwipe(&cred, sizeof(cred));
      return HS_CLIENT_AUTH_STORE_FAILED;
    }
    cred.permanent = 1;
    if (found && ca.creds[i].permanent && ca.creds[i].file[0])
      memcpy(cred.file, ca.creds[i].file, sizeof(cred.file));
    else
      snprintf(cred.file, sizeof(cred.file), "%s%s", cred.addr, HS_CLIENT_AUTH_SUFFIX);
    if (write_cred_file(&cred) < 0) {
      memwipe(&cred, sizeof(cred));
      return HS_CLIENT_AUTH_STORE_FAILED;
    }
  }
  if (table_put(&ca.creds, &ca.n, &ca.cap, &cred) < 0) {
    memwipe(&cred, sizeof(cred));
    return HS_CLIENT_AUTH_FULL;
  }
  memwipe(&cred, sizeof(cred));
  return found ? HS_CLIENT_AUTH_REPLACED : HS_CLIENT_AUTH_ADDED;
}

int
hs_client_auth_remove(const char *addr)
{
  char a[ONION_ADDRESS_LEN + 1];
  int found;
  size_t i;

  if (!addr || strlen(addr) != ONION_ADDRESS_LEN)
    return -1;
  lower_addr(a, addr);
  i = table_search(ca.creds, ca.n, a, &found);
  if (!found)
    return -1;
  hs_client_auth_cred_t *c = &ca.creds[i];
  if (c->permanent && c->file[0] && ca.dir) {
    char path[4096 + HS_CLIENT_AUTH_FILENAME_MAX + 2];
    snprintf(path, sizeof(path), "%s/%s", ca.dir, c->file);
    if (unlink(path) < 0 && errno != ENOENT)
      log_warn(LD_REND, "Couldn't remove the client authorization file %s: %s",
               path, strerror(errno));
  }
  memwipe(c, sizeof(*c));
  memmove(c, c + 1, (ca.n - i - 1) * sizeof(*c));
  ca.n--;
  memwipe(&ca.creds[ca.n], sizeof(*c));
  return 0;
}

size_t
hs_client_auth_count(void)
{
  return ca.n;
}

const hs_client_auth_cred_t *
hs_client_auth_get(size_t i)
{
  return i < ca.n ? &ca.creds[i] : NULL;
}

void
hs_client_auth_free_all(void)
{
  table_free(ca.creds, ca.n);
  free(ca.dir);
  memset(&ca, 0, sizeof(ca));
}
