/* The client's directory documents: see dirstate.h. */
#include "orconfig.h"
#include "feature/dirclient/dirstate.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest cached file we read back. */
#define DIRSTATE_MAX_FILE (64u << 20)

void
dirstate_init(dirstate_t *ds, const char *datadir, const uint8_t (*v3idents)[20],
              size_t n_authorities)
{
  memset(ds, 0, sizeof(*ds));
  ds->datadir = strdup(datadir);
  if (n_authorities > DIRSTATE_MAX_AUTHORITIES)
    n_authorities = DIRSTATE_MAX_AUTHORITIES;
  memcpy(ds->v3idents, v3idents, n_authorities * 20);
  ds->n_authorities = n_authorities;
}

static void
clear_pending(dirstate_t *ds)
{
  consensus_free(ds->pending);
  free(ds->pending_text);
  ds->pending = NULL;
  ds->pending_text = NULL;
  ds->pending_len = 0;
}

void
dirstate_clear(dirstate_t *ds)
{
  clear_pending(ds);
  authcert_list_free(ds->certs);
  consensus_free(ds->consensus);
  microdesc_list_free(ds->mds);
  nodelist_free(ds->nodes);
  free(ds->certs_text);
  free(ds->consensus_text);
  free(ds->md_text);
  free(ds->datadir);
  memset(ds, 0, sizeof(*ds));
}

static void
save_file(const dirstate_t *ds, const char *name, const char *text, size_t len)
{
  char path[4200], err[512];
  snprintf(path, sizeof(path), "%s/%s", ds->datadir, name);
  if (fs_write_file_atomic(path, text ? text : "", text ? len : 0, 0600, err, sizeof(err)) < 0)
    log_warn(LD_FS, "Couldn't save %s: %s", name, err);
}

static char *
read_cache(const dirstate_t *ds, const char *name, size_t *len)
{
  char path[4200], err[512];
  int missing;
  snprintf(path, sizeof(path), "%s/%s", ds->datadir, name);
  char *text = fs_read_file(path, DIRSTATE_MAX_FILE, len, &missing, err, sizeof(err));
  if (!text && !missing)
    log_warn(LD_FS, "Couldn't read %s: %s", name, err);
  return text;
}

static void
rebuild_nodes(dirstate_t *ds)
{
  nodelist_free(ds->nodes);
  ds->nodes = ds->consensus ? nodelist_build(ds->consensus, ds->mds) : NULL;
}

/* Reparses md_text into mds. */
static void
reparse_microdescs(dirstate_t *ds)
{
  char err[256];
  microdesc_list_free(ds->mds);
  ds->mds = NULL;
  if (ds->md_text && ds->md_len)
    ds->mds = microdesc_list_parse(ds->md_text, ds->md_len, err, sizeof(err));
}

/* Keeps only the microdescriptors of text that the consensus names and we
 * don't have yet (or, with keep_all_named, all named ones), appended to
 * md_text. Returns how many were added. */
static int
merge_microdescs(dirstate_t *ds, const char *text, size_t len)
{
  char err[256];
  if (!ds->consensus)
    return 0;
  microdesc_list_t *incoming = microdesc_list_parse(text, len, err, sizeof(err));
  if (!incoming)
    return 0;
  int added = 0;
  for (size_t i = 0; i < incoming->n; i++) {
    const microdesc_t *md = &incoming->mds[i];
    int named = 0;
    for (size_t r = 0; r < ds->consensus->n_routers && !named; r++)
      named = ds->consensus->routers[r].has_md_digest &&
              !memcmp(ds->consensus->routers[r].md_digest, md->digest, 32);
    if (!named || (ds->mds && microdesc_list_find(ds->mds, md->digest)))
      continue;
    char *grown = realloc(ds->md_text, ds->md_len + md->text_len + 2);
    if (!grown)
      break;
    ds->md_text = grown;
    memcpy(ds->md_text + ds->md_len, text + md->text_offset, md->text_len);
    ds->md_len += md->text_len;
    if (ds->md_text[ds->md_len - 1] != '\n')
      ds->md_text[ds->md_len++] = '\n';
    ds->md_text[ds->md_len] = '\0';
    added++;
    /* Keep the lookup current for duplicates within one download. */
    reparse_microdescs(ds);
  }
  microdesc_list_free(incoming);
  return added;
}

int
dirstate_add_certs(dirstate_t *ds, const char *text, size_t len)
{
  char err[256];
  authcert_list_t *incoming = authcert_list_parse(text, len, err, sizeof(err));
  if (!incoming) {
    log_protocol_warn(LD_DIR, "Unparseable authority certificates: %s", err);
    return -1;
  }
  int added = 0;
  for (size_t i = 0; i < incoming->n; i++) {
    const authcert_t *c = incoming->certs[i];
    int known = ds->certs && authcert_list_find(ds->certs, c->identity_digest,
                                                c->signing_key_digest) != NULL;
    if (known)
      continue;
    char *grown = realloc(ds->certs_text, ds->certs_len + c->text_len + 2);
    if (!grown)
      break;
    ds->certs_text = grown;
    memcpy(ds->certs_text + ds->certs_len, text + c->text_offset, c->text_len);
    ds->certs_len += c->text_len;
    if (ds->certs_text[ds->certs_len - 1] != '\n')
      ds->certs_text[ds->certs_len++] = '\n';
    ds->certs_text[ds->certs_len] = '\0';
    added++;
  }
  authcert_list_free(incoming);
  if (added) {
    authcert_list_free(ds->certs);
    ds->certs = authcert_list_parse(ds->certs_text, ds->certs_len, err, sizeof(err));
    save_file(ds, "cached-certs", ds->certs_text, ds->certs_len);
    log_info(LD_DIR, "Added %d authority certificate(s).", added);
  }
  return added;
}

/* Replaces our consensus with c (text owned by us now), drops the
 * microdescriptors it no longer names, saves, and rebuilds nodes. */
static void
install_consensus(dirstate_t *ds, consensus_t *c, char *text, size_t len, int save)
{
  consensus_free(ds->consensus);
  free(ds->consensus_text);
  ds->consensus = c;
  ds->consensus_text = text;
  ds->consensus_len = len;
  /* Keep only the microdescs the new consensus names. */
  char *old = ds->md_text;
  size_t old_len = ds->md_len;
  ds->md_text = NULL;
  ds->md_len = 0;
  microdesc_list_free(ds->mds);
  ds->mds = NULL;
  if (old) {
    merge_microdescs(ds, old, old_len);
    free(old);
  }
  if (save) {
    save_file(ds, "cached-microdesc-consensus", text, len);
    save_file(ds, "cached-microdescs", ds->md_text, ds->md_len);
  }
  rebuild_nodes(ds);
}

static dirstate_consensus_result_t
judge_consensus(dirstate_t *ds, consensus_t *c, time_t now)
{
  consensus_sig_status_t st;
  consensus_time_t t = consensus_check_time(c, now);
  if (t == CONSENSUS_TIME_TOO_OLD || t == CONSENSUS_TIME_TOO_NEW) {
    log_info(LD_DIR, "Consensus is %s; ignoring it.",
             t == CONSENSUS_TIME_TOO_OLD ? "too old" : "from the future");
    return DIRSTATE_CONSENSUS_REJECTED;
  }
  if (ds->consensus && c->valid_after <= ds->consensus->valid_after) {
    log_info(LD_DIR, "Consensus is not newer than ours; ignoring it.");
    return DIRSTATE_CONSENSUS_REJECTED;
  }
  static const authcert_list_t no_certs = { NULL, 0, 0 };
  if (consensus_check_signatures(c, ds->certs ? ds->certs : &no_certs,
                                 (const uint8_t (*)[20])ds->v3idents, ds->n_authorities, &st) == 0)
    return DIRSTATE_CONSENSUS_ACCEPTED;
  if (st.n_no_cert > 0 && st.n_good + st.n_no_cert >= st.n_needed)
    return DIRSTATE_CONSENSUS_NEED_CERTS;
  log_warn(LD_DIR, "A consensus needs %d good signatures from recognized authorities for "
           "us to accept it. This one has %d (%d bad, %d unknown).", st.n_needed, st.n_good,
           st.n_bad, st.n_unlisted);
  return DIRSTATE_CONSENSUS_REJECTED;
}

dirstate_consensus_result_t
dirstate_offer_consensus(dirstate_t *ds, const char *text, size_t len, time_t now)
{
  char err[512];
  consensus_t *c = consensus_parse(text, len, err, sizeof(err));
  if (!c) {
    log_protocol_warn(LD_DIR, "Unparseable microdesc consensus: %s", err);
    return DIRSTATE_CONSENSUS_REJECTED;
  }
  dirstate_consensus_result_t r = judge_consensus(ds, c, now);
  if (r == DIRSTATE_CONSENSUS_REJECTED) {
    consensus_free(c);
    return r;
  }
  char *copy = malloc(len + 1);
  if (!copy) {
    consensus_free(c);
    return DIRSTATE_CONSENSUS_REJECTED;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  if (r == DIRSTATE_CONSENSUS_NEED_CERTS) {
    clear_pending(ds);
    /* The parsed consensus points into nothing of ours: reparse the copy
     * so nothing refers to the caller's buffer. */
    consensus_free(c);
    ds->pending = consensus_parse(copy, len, err, sizeof(err));
    ds->pending_text = copy;
    ds->pending_len = len;
    return ds->pending ? r : DIRSTATE_CONSENSUS_REJECTED;
  }
  consensus_free(c);
  c = consensus_parse(copy, len, err, sizeof(err));
  if (!c) {
    free(copy);
    return DIRSTATE_CONSENSUS_REJECTED;
  }
  clear_pending(ds);
  install_consensus(ds, c, copy, len, 1);
  log_info(LD_DIR, "Accepted a consensus valid from %ld until %ld with %zu routers.",
           (long)c->valid_after, (long)c->valid_until, c->n_routers);
  return r;
}

dirstate_consensus_result_t
dirstate_retry_pending(dirstate_t *ds, time_t now)
{
  if (!ds->pending)
    return DIRSTATE_CONSENSUS_REJECTED;
  dirstate_consensus_result_t r = judge_consensus(ds, ds->pending, now);
  if (r == DIRSTATE_CONSENSUS_ACCEPTED) {
    consensus_t *c = ds->pending;
    char *text = ds->pending_text;
    size_t len = ds->pending_len;
    ds->pending = NULL;
    ds->pending_text = NULL;
    ds->pending_len = 0;
    install_consensus(ds, c, text, len, 1);
  } else if (r == DIRSTATE_CONSENSUS_REJECTED) {
    clear_pending(ds);
  }
  return r;
}

void
dirstate_missing_cert_fps(const dirstate_t *ds, char *out, size_t outlen)
{
  size_t used = 0;
  out[0] = '\0';
  const consensus_t *c = ds->pending ? ds->pending : ds->consensus;
  if (!c)
    return;
  for (size_t i = 0; i < c->n_sigs; i++) {
    const consensus_signature_t *sig = &c->sigs[i];
    if (ds->certs && authcert_list_find(ds->certs, sig->identity, sig->signing_key_digest))
      continue;
    char hex[41];
    base16_encode(hex, sizeof(hex), sig->identity, 20);
    if (strstr(out, hex) || used + 42 >= outlen)
      continue;
    used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? "+" : "", hex);
  }
}

size_t
dirstate_missing_microdescs(const dirstate_t *ds, size_t max_count, char *out, size_t outlen)
{
  size_t n = 0, used = 0;
  out[0] = '\0';
  if (!ds->consensus)
    return 0;
  for (size_t i = 0; i < ds->consensus->n_routers && n < max_count; i++) {
    const consensus_router_t *r = &ds->consensus->routers[i];
    if (!r->has_md_digest || (ds->mds && microdesc_list_find(ds->mds, r->md_digest)))
      continue;
    char b64[64];
    base64_encode(b64, sizeof(b64), r->md_digest, 32, BASE64_ENCODE_NOPAD);
    if (used + strlen(b64) + 2 >= outlen)
      break;
    used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? "-" : "", b64);
    n++;
  }
  return n;
}

int
dirstate_add_microdescs(dirstate_t *ds, const char *text, size_t len)
{
  int added = merge_microdescs(ds, text, len);
  if (added > 0) {
    save_file(ds, "cached-microdescs", ds->md_text, ds->md_len);
    rebuild_nodes(ds);
  }
  return added;
}

int
dirstate_consensus_is_live(const dirstate_t *ds, time_t now)
{
  return ds->consensus && consensus_check_time(ds->consensus, now) == CONSENSUS_TIME_LIVE;
}

int
dirstate_load_caches(dirstate_t *ds, time_t now)
{
  size_t len;
  char *text = read_cache(ds, "cached-certs", &len);
  if (text) {
    dirstate_add_certs(ds, text, len);
    free(text);
  }
  text = read_cache(ds, "cached-microdesc-consensus", &len);
  if (!text)
    return 0;
  char err[512];
  consensus_t *c = consensus_parse(text, len, err, sizeof(err));
  if (!c || judge_consensus(ds, c, now) != DIRSTATE_CONSENSUS_ACCEPTED) {
    log_notice(LD_DIR, "The cached consensus is %s; fetching a new one.",
               c ? "no longer usable" : "unparseable");
    consensus_free(c);
    free(text);
    return 0;
  }
  size_t md_len;
  char *md = read_cache(ds, "cached-microdescs", &md_len);
  install_consensus(ds, c, text, len, 0);
  if (md) {
    dirstate_add_microdescs(ds, md, md_len);
    free(md);
  }
  log_notice(LD_DIR, "Loaded the cached consensus (%zu routers) and %zu microdescriptors.",
             ds->consensus->n_routers, ds->mds ? ds->mds->n : (size_t)0);
  return 1;
}
