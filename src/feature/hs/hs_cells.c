/* Onion service relay cell bodies: see hs_cells.h. */
#include "orconfig.h"
#include "feature/hs/hs_cells.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/x25519.h"
#include "lib/log/log.h"

#include <stdlib.h>
#include <string.h>

#define AUTH_KEY_LEN 32
#define SIG_LEN 64
#define MAC_LEN HS_NTOR_MAC_LEN
#define CLIENT_PK_LEN HS_NTOR_KEY_LEN
#define ONION_KEY_LEN 32
#define EST_INTRO_SIG_PREFIX "Tor establish-intro cell v1"
#define EST_INTRO_SIG_PREFIX_LEN (sizeof(EST_INTRO_SIG_PREFIX) - 1)
/* N_PARAMS 1 | 2 x (PARAM_TYPE 1 | PARAM_VALUE 8) */
#define DOS_EXT_BODY_LEN (1 + 2 * (1 + 8))
#define INTRO1_HEADER_LEN (HS_LEGACY_KEY_ID_LEN + 1 + 2 + AUTH_KEY_LEN + 1)

static uint16_t
get_u16(const uint8_t *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

static void
set_u16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void
set_u64(uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ---- extensions ---- */

/* Parse N_EXTENSIONS and the fields from p (avail bytes). Returns the
 * bytes used, or -1. */
static long
exts_parse(const uint8_t *p, size_t avail, hs_cell_exts_t *out,
           const char *what)
{
  size_t off = 1;
  if (avail < 1) {
    log_protocol_warn(LD_REND, "%s: no N_EXTENSIONS", what);
    return -1;
  }
  out->n = p[0];
  for (unsigned i = 0; i < out->n; i++) {
    if (avail - off < 2 || avail - off - 2 < p[off + 1]) {
      log_protocol_warn(LD_REND, "%s: extension %u of %u overruns the "
                        "cell", what, i + 1, (unsigned)out->n);
      return -1;
    }
    off += 2 + (size_t)p[off + 1];
  }
  out->body = p + 1;
  out->body_len = off - 1;
  return (long)off;
}

int
hs_cell_exts_find(const hs_cell_exts_t *exts, uint8_t type,
                  const uint8_t **field, uint8_t *field_len)
{
  size_t off = 0;
  if (!exts || !exts->body)
    return 0;
  for (unsigned i = 0; i < exts->n && off + 2 <= exts->body_len; i++) {
    uint8_t t = exts->body[off], l = exts->body[off + 1];
    if (t == type) {
      if (field)
        *field = exts->body + off + 2;
      if (field_len)
        *field_len = l;
      return 1;
    }
    off += 2 + (size_t)l;
  }
  return 0;
}

/* ---- ESTABLISH_INTRO ---- */

int
hs_cell_establish_intro_encode(uint8_t *out, size_t cap,
                               const uint8_t auth_pk[32],
                               const uint8_t auth_esk[64],
                               const uint8_t kh[HS_CELL_KH_LEN],
                               const hs_establish_intro_dos_t *dos)
{
  uint8_t signed_msg[EST_INTRO_SIG_PREFIX_LEN + RELAY_PAYLOAD_LEN];
  int has_dos = dos && dos->has_dos;
  size_t need = HS_CELL_ESTABLISH_INTRO_LEN +
                (has_dos ? 2 + DOS_EXT_BODY_LEN : 0);
  size_t off = 0;
  int rv = -1;
  if (!out || !auth_pk || !auth_esk || !kh || cap < need ||
      need > RELAY_PAYLOAD_LEN)
    return -1;
  if (has_dos && (dos->rate_per_sec > HS_DOS_PARAM_MAX ||
                  dos->burst_per_sec > HS_DOS_PARAM_MAX))
    return -1;
  out[off++] = HS_AUTH_KEY_TYPE_ED25519;
  set_u16(out + off, AUTH_KEY_LEN);
  off += 2;
  memcpy(out + off, auth_pk, AUTH_KEY_LEN);
  off += AUTH_KEY_LEN;
  out[off++] = has_dos ? 1 : 0;
  if (has_dos) {
    out[off++] = HS_EST_INTRO_EXT_DOS;
    out[off++] = DOS_EXT_BODY_LEN;
    out[off++] = 2;  /* N_PARAMS */
    out[off++] = HS_DOS_PARAM_INTRO2_RATE_PER_SEC;
    set_u64(out + off, dos->rate_per_sec);
    off += 8;
    out[off++] = HS_DOS_PARAM_INTRO2_BURST_PER_SEC;
    set_u64(out + off, dos->burst_per_sec);
    off += 8;
  }
  if (hs_ntor_mac(out + off, kh, HS_CELL_KH_LEN, out, off) < 0)
    goto out;
  off += MAC_LEN;
  memcpy(signed_msg, EST_INTRO_SIG_PREFIX, EST_INTRO_SIG_PREFIX_LEN);
  memcpy(signed_msg + EST_INTRO_SIG_PREFIX_LEN, out, off);
  set_u16(out + off, SIG_LEN);
  if (ed25519_sign_expanded(out + off + 2, signed_msg,
                            EST_INTRO_SIG_PREFIX_LEN + off, auth_esk) < 0)
    goto out;
  off += 2 + SIG_LEN;
  rv = (int)off;
 out:
  if (rv < 0)
    memwipe(out, need);
  return rv;
}

int
hs_cell_establish_intro_parse(const uint8_t *body, size_t len,
                              hs_establish_intro_t *out)
{
  size_t off = 0;
  long n;
  if (!body || !out)
    return -1;
  memset(out, 0, sizeof(*out));
  if (len < 3) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO too short (%zu bytes)", len);
    return -1;
  }
  if (body[0] != HS_AUTH_KEY_TYPE_ED25519 ||
      get_u16(body + 1) != AUTH_KEY_LEN) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO with auth key type %u "
                      "length %u; only Ed25519 (2, 32) is known",
                      body[0], get_u16(body + 1));
    return -1;
  }
  off = 3;
  if (len - off < AUTH_KEY_LEN) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO truncated in AUTH_KEY");
    return -1;
  }
  out->auth_key = body + off;
  off += AUTH_KEY_LEN;
  n = exts_parse(body + off, len - off, &out->exts, "ESTABLISH_INTRO");
  if (n < 0)
    return -1;
  off += (size_t)n;
  if (len - off < MAC_LEN + 2) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO truncated in "
                      "HANDSHAKE_AUTH or SIG_LEN");
    return -1;
  }
  out->mac_offset = off;
  out->handshake_auth = body + off;
  off += MAC_LEN;
  out->sig_offset = off;
  if (get_u16(body + off) != SIG_LEN) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO SIG_LEN %u, expected %d",
                      get_u16(body + off), SIG_LEN);
    return -1;
  }
  off += 2;
  if (len - off < SIG_LEN) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO truncated in SIG");
    return -1;
  }
  out->sig = body + off;
  return 0;
}

int
hs_cell_establish_intro_verify(const hs_establish_intro_t *cell,
                               const uint8_t *body,
                               const uint8_t kh[HS_CELL_KH_LEN])
{
  uint8_t mac[MAC_LEN];
  uint8_t signed_msg[EST_INTRO_SIG_PREFIX_LEN + RELAY_PAYLOAD_LEN];
  int mac_ok;
  if (!cell || !body || !kh || !cell->sig ||
      cell->sig_offset > RELAY_PAYLOAD_LEN)
    return -1;
  if (hs_ntor_mac(mac, kh, HS_CELL_KH_LEN, body, cell->mac_offset) < 0)
    return -1;
  mac_ok = crypto_memeq(mac, cell->handshake_auth, MAC_LEN);
  memwipe(mac, sizeof(mac));
  if (!mac_ok) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO HANDSHAKE_AUTH is wrong");
    return -1;
  }
  memcpy(signed_msg, EST_INTRO_SIG_PREFIX, EST_INTRO_SIG_PREFIX_LEN);
  memcpy(signed_msg + EST_INTRO_SIG_PREFIX_LEN, body, cell->sig_offset);
  if (ed25519_verify(cell->sig, signed_msg,
                     EST_INTRO_SIG_PREFIX_LEN + cell->sig_offset,
                     cell->auth_key) < 0) {
    log_protocol_warn(LD_REND, "ESTABLISH_INTRO signature is bad");
    return -1;
  }
  return 0;
}

/* ---- INTRO_ESTABLISHED ---- */

int
hs_cell_intro_established_parse(const uint8_t *body, size_t len,
                                hs_cell_exts_t *exts_out)
{
  if (!exts_out || (!body && len))
    return -1;
  memset(exts_out, 0, sizeof(*exts_out));
  if (len == 0)
    return 0;
  return exts_parse(body, len, exts_out, "INTRO_ESTABLISHED") < 0 ? -1 : 0;
}

/* ---- INTRODUCE2 ---- */

int
hs_cell_introduce2_parse(const uint8_t *body, size_t len,
                         hs_introduce2_t *out)
{
  size_t off = 0;
  long n;
  if (!body || !out)
    return -1;
  memset(out, 0, sizeof(*out));
  if (len < HS_LEGACY_KEY_ID_LEN + 3) {
    log_protocol_warn(LD_REND, "INTRODUCE2 too short (%zu bytes)", len);
    return -1;
  }
  if (!crypto_mem_is_zero(body, HS_LEGACY_KEY_ID_LEN)) {
    log_protocol_warn(LD_REND, "INTRODUCE2 with a LEGACY_KEY_ID: legacy "
                      "introductions are not supported");
    return -1;
  }
  off = HS_LEGACY_KEY_ID_LEN;
  if (body[off] != HS_AUTH_KEY_TYPE_ED25519 ||
      get_u16(body + off + 1) != AUTH_KEY_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 with auth key type %u length "
                      "%u; only Ed25519 (2, 32) is known", body[off],
                      get_u16(body + off + 1));
    return -1;
  }
  off += 3;
  if (len - off < AUTH_KEY_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 truncated in AUTH_KEY");
    return -1;
  }
  out->auth_key = body + off;
  off += AUTH_KEY_LEN;
  n = exts_parse(body + off, len - off, &out->exts, "INTRODUCE2");
  if (n < 0)
    return -1;
  off += (size_t)n;
  if (len - off < CLIENT_PK_LEN + MAC_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 ENCRYPTED section too short "
                      "(%zu bytes)", len - off);
    return -1;
  }
  out->header_len = off;
  out->encrypted = body + off;
  out->encrypted_len = len - off;
  return 0;
}

long
hs_cell_link_specifiers_parse(const uint8_t *p, size_t avail, const char *what,
                              extend2_request_t *ri)
{
  size_t off = 1;
  unsigned nspec;
  if (avail < 1) {
    log_protocol_warn(LD_REND, "%s: no NSPEC", what);
    return -1;
  }
  nspec = p[0];
  for (unsigned i = 0; i < nspec; i++) {
    uint8_t type, slen;
    const uint8_t *spec;
    if (avail - off < 2 || avail - off - 2 < p[off + 1]) {
      log_protocol_warn(LD_REND, "%s: link specifier %u of %u overruns it",
                        what, i + 1, nspec);
      return -1;
    }
    type = p[off];
    slen = p[off + 1];
    spec = p + off + 2;
    off += 2 + (size_t)slen;
    switch (type) {
      case LS_IPV4:
        if (slen != LS_IPV4_LEN)
          goto bad_len;
        if (!ri->has_ipv4) {
          ri->has_ipv4 = 1;
          memcpy(ri->ipv4_addr, spec, 4);
          ri->ipv4_port = get_u16(spec + 4);
        }
        break;
      case LS_IPV6:
        if (slen != LS_IPV6_LEN)
          goto bad_len;
        if (!ri->has_ipv6) {
          ri->has_ipv6 = 1;
          memcpy(ri->ipv6_addr, spec, 16);
          ri->ipv6_port = get_u16(spec + 16);
        }
        break;
      case LS_LEGACY_ID:
        if (slen != LS_LEGACY_ID_LEN)
          goto bad_len;
        if (ri->has_legacy_id)
          goto dup;
        ri->has_legacy_id = 1;
        memcpy(ri->legacy_id, spec, LS_LEGACY_ID_LEN);
        break;
      case LS_ED25519_ID:
        if (slen != LS_ED25519_ID_LEN)
          goto bad_len;
        if (ri->has_ed25519_id)
          goto dup;
        ri->has_ed25519_id = 1;
        memcpy(ri->ed25519_id, spec, LS_ED25519_ID_LEN);
        break;
      default:
        break;  /* unknown: kept in the raw list, not interpreted */
    }
    continue;
   bad_len:
    log_protocol_warn(LD_REND, "%s: link specifier type %u with length %u",
                      what, type, slen);
    return -1;
   dup:
    log_protocol_warn(LD_REND, "%s: second identity link specifier of "
                      "type %u", what, type);
    return -1;
  }
  return (long)off;
}

int
hs_cell_intro2_plaintext_parse(const uint8_t *plain, size_t len,
                               hs_intro2_plaintext_t *out)
{
  size_t off = 0;
  long n;
  if (!plain || !out)
    return -1;
  memset(out, 0, sizeof(*out));
  if (len < HS_REND_COOKIE_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 plaintext too short (%zu)", len);
    return -1;
  }
  out->rend_cookie = plain;
  off = HS_REND_COOKIE_LEN;
  n = exts_parse(plain + off, len - off, &out->exts, "INTRODUCE2 plaintext");
  if (n < 0)
    return -1;
  off += (size_t)n;
  if (len - off < 3) {
    log_protocol_warn(LD_REND, "INTRODUCE2 plaintext truncated before "
                      "ONION_KEY");
    return -1;
  }
  if (plain[off] != HS_ONION_KEY_TYPE_NTOR ||
      get_u16(plain + off + 1) != ONION_KEY_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 onion key type %u length %u; "
                      "expected ntor (1, 32)", plain[off],
                      get_u16(plain + off + 1));
    return -1;
  }
  off += 3;
  if (len - off < ONION_KEY_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 plaintext truncated in "
                      "ONION_KEY");
    return -1;
  }
  out->onion_key = plain + off;
  off += ONION_KEY_LEN;
  n = hs_cell_link_specifiers_parse(plain + off, len - off, "INTRODUCE2 plaintext",
                                    &out->rend_point);
  if (n < 0)
    return -1;
  out->link_specifiers = plain + off;
  out->link_specifiers_len = (size_t)n;
  off += (size_t)n;
  if (!out->rend_point.has_legacy_id ||
      !(out->rend_point.has_ipv4 || out->rend_point.has_ipv6)) {
    log_protocol_warn(LD_REND, "INTRODUCE2 rendezvous point lacks a legacy "
                      "identity or an address");
    return -1;
  }
  out->pad_len = len - off;
  return 0;
}

/* dst = src if mask is 0xff, unchanged if 0x00, in time independent of
 * mask. */
static void
ct_copy_if(uint8_t *dst, const uint8_t *src, size_t len, uint8_t mask)
{
  for (size_t i = 0; i < len; i++)
    dst[i] ^= (uint8_t)((dst[i] ^ src[i]) & mask);
}

int
hs_cell_introduce2_process(const uint8_t *body, size_t len,
                           const hs_intro_point_keys_t *ipk,
                           hs_replay_cache_t *rc,
                           uint8_t plain_buf[RELAY_PAYLOAD_LEN],
                           hs_intro2_plaintext_t *out,
                           uint8_t client_pk_out[HS_NTOR_KEY_LEN],
                           size_t *subcred_index)
{
  hs_introduce2_t cell;
  hs_ntor_intro_keys_t keys, chosen;
  uint8_t mac[MAC_LEN];
  uint8_t found = 0;
  size_t found_index = 0, data_len;
  const uint8_t *X, *data, *cell_mac;
  aes_ctr_cipher_t *cipher = NULL;
  int rv = -1;

  if (!body || !ipk || !ipk->auth_pk || !ipk->enc_sk || !ipk->enc_pk ||
      !ipk->subcreds || !ipk->n_subcreds || !plain_buf || !out ||
      !client_pk_out)
    return -1;
  memset(&chosen, 0, sizeof(chosen));
  if (hs_cell_introduce2_parse(body, len, &cell) < 0)
    return -1;
  if (!crypto_memeq(cell.auth_key, ipk->auth_pk, AUTH_KEY_LEN)) {
    log_protocol_warn(LD_REND, "INTRODUCE2 for another introduction point "
                      "authentication key");
    return -1;
  }
  data_len = cell.encrypted_len - CLIENT_PK_LEN - MAC_LEN;
  if (data_len > RELAY_PAYLOAD_LEN) {
    log_protocol_warn(LD_REND, "INTRODUCE2 too long (%zu bytes)", len);
    return -1;
  }
  if (rc && hs_replay_cache_contains(rc, cell.encrypted,
                                     cell.encrypted_len)) {
    log_protocol_warn(LD_REND, "INTRODUCE2 replayed; dropped");
    return -1;
  }
  X = cell.encrypted;
  data = X + CLIENT_PK_LEN;
  cell_mac = data + data_len;

  /* The MAC covers the whole cell up to the MAC field. */
  for (size_t i = 0; i < ipk->n_subcreds; i++) {
    uint8_t match;
    if (hs_ntor_service_intro_keys(&keys, ipk->enc_sk, ipk->enc_pk,
                                   ipk->auth_pk, X, ipk->subcreds[i]) < 0 ||
        hs_ntor_mac(mac, keys.mac_key, sizeof(keys.mac_key), body,
                    len - MAC_LEN) < 0) {
      log_protocol_warn(LD_REND, "INTRODUCE2 with a degenerate CLIENT_PK");
      goto out;
    }
    match = (uint8_t)(crypto_memeq(mac, cell_mac, MAC_LEN) & ~found & 1);
    ct_copy_if((uint8_t *)&chosen, (const uint8_t *)&keys, sizeof(keys),
               (uint8_t)(0 - match));
    found_index |= (size_t)(0 - (size_t)match) & i;
    found |= match;
  }
  if (!found) {
    log_protocol_warn(LD_REND, "INTRODUCE2 MAC does not verify");
    goto out;
  }
  if (rc && hs_replay_cache_add(rc, cell.encrypted,
                                cell.encrypted_len) != 0) {
    log_protocol_warn(LD_REND, "INTRODUCE2 replayed, or the replay cache "
                      "is full; dropped");
    goto out;
  }
  cipher = aes_ctr_cipher_new(chosen.enc_key, sizeof(chosen.enc_key), NULL);
  if (!cipher || aes_ctr_cipher_crypt(cipher, plain_buf, data, data_len) < 0)
    goto out;
  if (hs_cell_intro2_plaintext_parse(plain_buf, data_len, out) < 0)
    goto out;
  memcpy(client_pk_out, X, HS_NTOR_KEY_LEN);
  if (subcred_index)
    *subcred_index = found_index;
  rv = 0;
 out:
  aes_ctr_cipher_free(cipher);
  memwipe(&keys, sizeof(keys));
  memwipe(&chosen, sizeof(chosen));
  memwipe(mac, sizeof(mac));
  if (rv < 0) {
    memwipe(plain_buf, RELAY_PAYLOAD_LEN);
    memset(out, 0, sizeof(*out));
  }
  return rv;
}

/* ---- INTRODUCE1 ---- */

int
hs_cell_introduce1_encode_with_secret(uint8_t *out, size_t cap,
                                      const hs_introduce1_params_t *p,
                                      const uint8_t x[HS_NTOR_KEY_LEN])
{
  uint8_t X[HS_NTOR_KEY_LEN];
  hs_ntor_intro_keys_t keys;
  aes_ctr_cipher_t *cipher = NULL;
  size_t off = 0, plain_off, plain_len, total, pad = 0;
  int rv = -1;

  if (!out || !p || !x || !p->auth_pk || !p->enc_pk || !p->subcred ||
      !p->rend_cookie || !p->onion_key || !p->link_specifiers ||
      p->link_specifiers_len < 1 || (p->exts_len && !p->exts) ||
      (p->n_exts && !p->exts_len))
    return -1;
  plain_len = HS_REND_COOKIE_LEN + 1 + p->exts_len + 3 + ONION_KEY_LEN +
              p->link_specifiers_len;
  total = INTRO1_HEADER_LEN + CLIENT_PK_LEN + plain_len + MAC_LEN;
  if (total < HS_CELL_INTRODUCE1_MIN_LEN)
    pad = HS_CELL_INTRODUCE1_MIN_LEN - total;
  total += pad;
  plain_len += pad;
  if (total > cap || total > RELAY_DATA_MAX)
    return -1;
  memset(&keys, 0, sizeof(keys));
  if (x25519_public_from_secret(X, x) < 0 ||
      hs_ntor_client_intro_keys(&keys, x, X, p->enc_pk, p->auth_pk,
                                p->subcred) < 0)
    goto out;

  memset(out, 0, HS_LEGACY_KEY_ID_LEN);
  off = HS_LEGACY_KEY_ID_LEN;
  out[off++] = HS_AUTH_KEY_TYPE_ED25519;
  set_u16(out + off, AUTH_KEY_LEN);
  off += 2;
  memcpy(out + off, p->auth_pk, AUTH_KEY_LEN);
  off += AUTH_KEY_LEN;
  out[off++] = 0;  /* N_EXTENSIONS */
  memcpy(out + off, X, CLIENT_PK_LEN);
  off += CLIENT_PK_LEN;

  plain_off = off;
  memcpy(out + off, p->rend_cookie, HS_REND_COOKIE_LEN);
  off += HS_REND_COOKIE_LEN;
  out[off++] = p->n_exts;
  if (p->exts_len)
    memcpy(out + off, p->exts, p->exts_len);
  off += p->exts_len;
  out[off++] = HS_ONION_KEY_TYPE_NTOR;
  set_u16(out + off, ONION_KEY_LEN);
  off += 2;
  memcpy(out + off, p->onion_key, ONION_KEY_LEN);
  off += ONION_KEY_LEN;
  memcpy(out + off, p->link_specifiers, p->link_specifiers_len);
  off += p->link_specifiers_len;
  memset(out + off, 0, pad);
  off += pad;

  cipher = aes_ctr_cipher_new(keys.enc_key, sizeof(keys.enc_key), NULL);
  if (!cipher ||
      aes_ctr_cipher_crypt_inplace(cipher, out + plain_off, plain_len) < 0)
    goto out;
  if (hs_ntor_mac(out + off, keys.mac_key, sizeof(keys.mac_key), out,
                  off) < 0)
    goto out;
  off += MAC_LEN;
  rv = (int)off;
 out:
  aes_ctr_cipher_free(cipher);
  memwipe(&keys, sizeof(keys));
  if (rv < 0)
    memwipe(out, total);
  return rv;
}

int
hs_cell_introduce1_encode(uint8_t *out, size_t cap,
                          const hs_introduce1_params_t *p,
                          uint8_t x_out[HS_NTOR_KEY_LEN],
                          uint8_t X_out[HS_NTOR_KEY_LEN])
{
  int rv;
  if (!x_out || !X_out || x25519_keypair_generate(X_out, x_out) < 0)
    return -1;
  rv = hs_cell_introduce1_encode_with_secret(out, cap, p, x_out);
  if (rv < 0) {
    memwipe(x_out, HS_NTOR_KEY_LEN);
    memwipe(X_out, HS_NTOR_KEY_LEN);
  }
  return rv;
}

/* ---- RENDEZVOUS1 / RENDEZVOUS2 ---- */

int
hs_cell_rendezvous1_encode(uint8_t *out, size_t cap,
                           const uint8_t cookie[HS_REND_COOKIE_LEN],
                           const uint8_t reply[HS_NTOR_REPLY_LEN])
{
  if (!out || !cookie || !reply || cap < HS_CELL_RENDEZVOUS1_LEN)
    return -1;
  memcpy(out, cookie, HS_REND_COOKIE_LEN);
  memcpy(out + HS_REND_COOKIE_LEN, reply, HS_NTOR_REPLY_LEN);
  return HS_CELL_RENDEZVOUS1_LEN;
}

int
hs_cell_rendezvous2_parse(const uint8_t *body, size_t len,
                          const uint8_t **reply_out)
{
  if (!body || !reply_out)
    return -1;
  if (len < HS_NTOR_REPLY_LEN) {
    log_protocol_warn(LD_REND, "RENDEZVOUS2 too short (%zu bytes)", len);
    return -1;
  }
  *reply_out = body;
  return 0;
}

/* ---- INTRODUCE_ACK ---- */

int
hs_cell_introduce_ack_parse(const uint8_t *body, size_t len,
                            uint16_t *status_out, hs_cell_exts_t *exts_out)
{
  hs_cell_exts_t exts;
  if (!body || !status_out)
    return -1;
  if (len < 2) {
    log_protocol_warn(LD_REND, "INTRODUCE_ACK too short (%zu bytes)", len);
    return -1;
  }
  *status_out = get_u16(body);
  memset(&exts, 0, sizeof(exts));
  /* tor 0.4.9 sends the extension count; be lenient with a bare status. */
  if (len > 2 && exts_parse(body + 2, len - 2, &exts, "INTRODUCE_ACK") < 0)
    return -1;
  if (exts_out)
    *exts_out = exts;
  return 0;
}

/* ---- link specifiers ---- */

size_t
hs_cell_link_specifiers_encode(const uint8_t ipv4[4], uint16_t or_port,
                               const uint8_t rsa_id[LS_LEGACY_ID_LEN],
                               const uint8_t *ed_id, uint8_t *out, size_t cap)
{
  size_t n = 0;
  if (cap < HS_CELL_LINK_SPECIFIERS_MAX_LEN)
    return 0;
  out[n++] = ed_id ? 3 : 2;
  out[n++] = LS_LEGACY_ID;
  out[n++] = LS_LEGACY_ID_LEN;
  memcpy(out + n, rsa_id, LS_LEGACY_ID_LEN);
  n += LS_LEGACY_ID_LEN;
  out[n++] = LS_IPV4;
  out[n++] = LS_IPV4_LEN;
  memcpy(out + n, ipv4, 4);
  n += 4;
  set_u16(out + n, or_port);
  n += 2;
  if (ed_id) {
    out[n++] = LS_ED25519_ID;
    out[n++] = LS_ED25519_ID_LEN;
    memcpy(out + n, ed_id, LS_ED25519_ID_LEN);
    n += LS_ED25519_ID_LEN;
  }
  return n;
}

/* ---- replay cache ---- */

#define REPLAY_TAG_LEN 16
#define REPLAY_KEY_LEN 32

struct hs_replay_cache_t {
  uint8_t key[REPLAY_KEY_LEN];  /* random: tags are keyed HMAC-SHA256 */
  size_t max_entries, n_entries;
  size_t n_slots;               /* a power of two >= 2 * max_entries */
  uint8_t *used;                /* n_slots flags */
  uint8_t (*tags)[REPLAY_TAG_LEN];
};

hs_replay_cache_t *
hs_replay_cache_new(size_t max_entries)
{
  hs_replay_cache_t *rc;
  size_t slots = 16;
  if (max_entries == 0 || max_entries > ((size_t)1 << 24))
    return NULL;
  while (slots < 2 * max_entries)
    slots *= 2;
  rc = calloc(1, sizeof(*rc));
  if (!rc)
    return NULL;
  rc->max_entries = max_entries;
  rc->n_slots = slots;
  rc->used = calloc(slots, 1);
  rc->tags = calloc(slots, REPLAY_TAG_LEN);
  if (!rc->used || !rc->tags || crypto_rand_bytes(rc->key, sizeof(rc->key))) {
    hs_replay_cache_free(rc);
    return NULL;
  }
  return rc;
}

void
hs_replay_cache_free(hs_replay_cache_t *rc)
{
  if (!rc)
    return;
  free(rc->used);
  free(rc->tags);
  memwipe(rc, sizeof(*rc));
  free(rc);
}

/* The slot holding the tag of data, or the empty slot where it goes;
 * tag_out gets the tag. Returns 1 if found, 0 if not, -1 on error. */
static int
replay_lookup(const hs_replay_cache_t *rc, const uint8_t *data, size_t len,
              size_t *slot_out, uint8_t tag_out[REPLAY_TAG_LEN])
{
  uint8_t h[DIGEST256_LEN];
  uint64_t idx = 0;
  if (crypto_hmac_sha256(h, rc->key, sizeof(rc->key), data, len) < 0)
    return -1;
  for (int i = 0; i < 8; i++)
    idx = (idx << 8) | h[i];
  memcpy(tag_out, h + 8, REPLAY_TAG_LEN);
  for (size_t s = (size_t)idx & (rc->n_slots - 1);;
       s = (s + 1) & (rc->n_slots - 1)) {
    if (!rc->used[s]) {
      *slot_out = s;
      return 0;
    }
    if (!memcmp(rc->tags[s], tag_out, REPLAY_TAG_LEN)) {
      *slot_out = s;
      return 1;
    }
  }
}

int
hs_replay_cache_contains(const hs_replay_cache_t *rc, const uint8_t *data,
                         size_t len)
{
  size_t slot;
  uint8_t tag[REPLAY_TAG_LEN];
  if (!rc || (!data && len))
    return 0;
  return replay_lookup(rc, data, len, &slot, tag) == 1;
}

int
hs_replay_cache_add(hs_replay_cache_t *rc, const uint8_t *data, size_t len)
{
  size_t slot;
  uint8_t tag[REPLAY_TAG_LEN];
  int found;
  if (!rc || (!data && len))
    return -1;
  found = replay_lookup(rc, data, len, &slot, tag);
  if (found != 0)
    return found;
  if (rc->n_entries >= rc->max_entries)
    return -1;
  rc->used[slot] = 1;
  memcpy(rc->tags[slot], tag, REPLAY_TAG_LEN);
  rc->n_entries++;
  return 0;
}
