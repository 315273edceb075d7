/* Tests for the onion service client's pure parts: INTRODUCE_ACK and link
 * specifiers with known bytes (rend-spec-v3 3.2.2, tor-spec 5.1.2), onion
 * address checks and SOCKS5 replies (hs_client), and one connection
 * attempt (hs_client_conn) driven through fake circuits against our
 * service side's own cell processing: ESTABLISH_RENDEZVOUS carries the
 * cookie, INTRODUCE1 decrypts at the "service" with the rendezvous point
 * inside, RENDEZVOUS2 from hs_ntor_service_rendezvous joins, and both
 * ends' end-to-end layers agree; then NACKs, timeouts and bad cells. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/crypto/hs_ntor.h"
#include "core/crypto/relay_crypto_hs.h"
#include "core/crypto/relay_msg.h"
#include "core/proto/proto_socks.h"
#include "feature/hs/hs_cells.h"
#include "feature/hs/hs_client.h"
#include "feature/hs/hs_client_conn.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/onion_address.h"
#include "lib/crypt/x25519.h"

#include <stdio.h>
#include <string.h>

/* ---- INTRODUCE_ACK ---- */

UNITTEST(hs_client, introduce_ack_parse)
{
  static const uint8_t ok[] = { 0x00, 0x00, 0x00 };
  static const uint8_t nack[] = { 0x00, 0x01, 0x00 };
  static const uint8_t bare[] = { 0x00, 0x02 };
  static const uint8_t with_ext[] = { 0x00, 0x03, 0x01, 0x07, 0x02, 0xaa, 0xbb };
  static const uint8_t overrun[] = { 0x00, 0x00, 0x01, 0x07, 0x05, 0xaa };
  uint16_t st = 0xffff;
  hs_cell_exts_t exts;
  UT_EQ_INT(hs_cell_introduce_ack_parse(ok, sizeof(ok), &st, &exts), 0);
  UT_EQ_INT(st, HS_INTRO_ACK_SUCCESS);
  UT_EQ_INT(exts.n, 0);
  UT_EQ_INT(hs_cell_introduce_ack_parse(nack, sizeof(nack), &st, NULL), 0);
  UT_EQ_INT(st, HS_INTRO_ACK_FAILURE);
  UT_EQ_INT(hs_cell_introduce_ack_parse(bare, sizeof(bare), &st, &exts), 0);
  UT_EQ_INT(st, HS_INTRO_ACK_BADFMT);
  UT_EQ_INT(hs_cell_introduce_ack_parse(with_ext, sizeof(with_ext), &st, &exts), 0);
  UT_EQ_INT(st, HS_INTRO_ACK_NORELAY);
  const uint8_t *f;
  uint8_t flen;
  UT_EQ_INT(hs_cell_exts_find(&exts, 0x07, &f, &flen), 1);
  UT_EQ_INT(flen, 2);
  UT_EQ_HEX(f, 2, "aabb");
  UT_EQ_INT(hs_cell_introduce_ack_parse(overrun, sizeof(overrun), &st, NULL), -1);
  UT_EQ_INT(hs_cell_introduce_ack_parse(ok, 1, &st, NULL), -1);
}

/* ---- link specifiers ---- */

UNITTEST(hs_client, link_specifiers_known_bytes)
{
  uint8_t rsa[20], ed[32], out[HS_CELL_LINK_SPECIFIERS_MAX_LEN];
  static const uint8_t ip[4] = { 127, 0, 0, 1 };
  for (int i = 0; i < 20; i++)
    rsa[i] = (uint8_t)(0x10 + i);
  for (int i = 0; i < 32; i++)
    ed[i] = (uint8_t)(0xa0 + i);
  size_t n = hs_cell_link_specifiers_encode(ip, 5000, rsa, ed, out, sizeof(out));
  UT_EQ_INT(n, HS_CELL_LINK_SPECIFIERS_MAX_LEN);
  UT_EQ_HEX(out, n,
            "03"
            "0214101112131415161718191a1b1c1d1e1f20212223"
            "00067f0000011388"
            "0320a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
  extend2_request_t r;
  memset(&r, 0, sizeof(r));
  UT_EQ_INT(hs_cell_link_specifiers_parse(out, n, "test", &r), (long)n);
  UT_ASSERT(r.has_ipv4 && r.has_legacy_id && r.has_ed25519_id && !r.has_ipv6);
  UT_EQ_MEM(r.ipv4_addr, ip, 4);
  UT_EQ_INT(r.ipv4_port, 5000);
  UT_EQ_MEM(r.legacy_id, rsa, 20);
  UT_EQ_MEM(r.ed25519_id, ed, 32);
  /* without Ed25519: two specifiers */
  n = hs_cell_link_specifiers_encode(ip, 9001, rsa, NULL, out, sizeof(out));
  UT_EQ_INT(n, 1 + 22 + 8);
  UT_EQ_INT(out[0], 2);
  UT_EQ_INT(hs_cell_link_specifiers_encode(ip, 1, rsa, NULL, out, 10), 0);
  /* truncated, and a duplicate identity */
  memset(&r, 0, sizeof(r));
  UT_EQ_INT(hs_cell_link_specifiers_parse(out, 20, "test", &r), -1);
  uint8_t dup[1 + 22 + 22];
  dup[0] = 2;
  memcpy(dup + 1, out + 1, 22);
  memcpy(dup + 23, out + 1, 22);
  memset(&r, 0, sizeof(r));
  UT_EQ_INT(hs_cell_link_specifiers_parse(dup, sizeof(dup), "test", &r), -1);
}

/* ---- addresses and replies ---- */

UNITTEST(hs_client, parse_address)
{
  uint8_t pk[32], esk[64], got_pk[32];
  char addr[ONION_ADDRESS_LEN + 1], host[128], out[ONION_ADDRESS_LEN + 1];
  UT_EQ_INT(ed25519_keypair_generate(pk, esk), 0);
  UT_EQ_INT(onion_address_encode(addr, pk), 0);
  snprintf(host, sizeof(host), "%s.onion", addr);
  UT_EQ_INT(hs_client_parse_address(host, out, got_pk), HS_CLIENT_OK);
  UT_EQ_STR(out, addr);
  UT_EQ_MEM(got_pk, pk, 32);
  /* subdomains are ignored, case does not matter */
  snprintf(host, sizeof(host), "www.a.%s.ONION", addr);
  for (char *p = host; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char)(*p - 'a' + 'A');
  UT_EQ_INT(hs_client_parse_address(host, out, NULL), HS_CLIENT_OK);
  UT_EQ_STR(out, addr);
  /* a label longer than an address, a bad checksum, too short, v2 */
  snprintf(host, sizeof(host), "x%s.onion", addr);
  UT_EQ_INT(hs_client_parse_address(host, out, NULL), HS_CLIENT_BAD_ADDRESS);
  snprintf(host, sizeof(host), "%s.onion", addr);
  host[0] = host[0] == 'a' ? 'b' : 'a';
  UT_EQ_INT(hs_client_parse_address(host, out, NULL), HS_CLIENT_BAD_ADDRESS);
  UT_EQ_INT(hs_client_parse_address("abc.onion", out, NULL), HS_CLIENT_BAD_ADDRESS);
  UT_EQ_INT(hs_client_parse_address("expyuzz4wqqyqhjn.onion", out, NULL),
            HS_CLIENT_BAD_ADDRESS);
  UT_EQ_INT(hs_client_parse_address(NULL, out, NULL), HS_CLIENT_BAD_ADDRESS);
}

UNITTEST(hs_client, socks5_replies)
{
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_OK), 0x00);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_DESC_NOT_FOUND), 0xF0);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_DESC_INVALID), 0xF1);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_INTRO_FAILED), 0xF2);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_REND_FAILED), 0xF3);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_NEED_CLIENT_AUTH), 0xF4);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_BAD_ADDRESS), 0xF6);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_TIMEOUT), 0xF7);
  UT_EQ_INT(hs_client_socks5_reply(HS_CLIENT_INTERNAL), SOCKS5_GENERAL_FAILURE);
}

/* ---- one connection attempt through fake circuits ---- */

#define MAX_FAKES 16
#define MAX_SENT 8

typedef struct fake_circ_t {
  unsigned id;
  circuit_handlers_t h;
  void *arg;
  circuit_hop_info_t last;
  char purpose[32], state[40];
  int closed;
  hs_e2e_crypto_t *e2e;
  int n_sent;
  struct { int hop; uint8_t cmd; uint8_t body[RELAY_DATA_MAX]; size_t len; } sent[MAX_SENT];
} fake_circ_t;

static fake_circ_t fakes[MAX_FAKES];
static int n_fakes;
static time_t fake_now;
static int fail_launch_at;   /* the n_fakes at which a launch fails; 0: none */

static circuit_t *
fake_launch(const circuit_hop_info_t *last, const circuit_handlers_t *h, void *arg,
            const circuit_purpose_t *p)
{
  if ((fail_launch_at && n_fakes + 1 == fail_launch_at) || n_fakes == MAX_FAKES)
    return NULL;
  fake_circ_t *f = &fakes[n_fakes];
  memset(f, 0, sizeof(*f));
  f->id = (unsigned)++n_fakes;
  f->h = *h;
  f->arg = arg;
  f->last = *last;
  snprintf(f->purpose, sizeof(f->purpose), "%s", p->purpose);
  snprintf(f->state, sizeof(f->state), "%s", p->hs_state);
  return (circuit_t *)f;
}

static int
fake_send(circuit_t *circ, int hop, uint8_t cmd, const uint8_t *body, size_t len)
{
  fake_circ_t *f = (fake_circ_t *)circ;
  UT_ASSERT(!f->closed && f->n_sent < MAX_SENT && len <= RELAY_DATA_MAX);
  f->sent[f->n_sent].hop = hop;
  f->sent[f->n_sent].cmd = cmd;
  memcpy(f->sent[f->n_sent].body, body, len);
  f->sent[f->n_sent].len = len;
  f->n_sent++;
  return 0;
}

static void
fake_close(circuit_t *circ, circuit_close_reason_t reason)
{
  fake_circ_t *f = (fake_circ_t *)circ;
  if (f->closed)
    return;
  f->closed = 1;
  if (f->h.on_closed)
    f->h.on_closed(circ, reason, f->arg);
}

static void
fake_set_purpose(circuit_t *circ, const char *purpose, const char *state, const char *q)
{
  fake_circ_t *f = (fake_circ_t *)circ;
  (void)q;
  snprintf(f->purpose, sizeof(f->purpose), "%s", purpose);
  snprintf(f->state, sizeof(f->state), "%s", state);
}

static int
fake_n_hops(const circuit_t *circ)
{
  (void)circ;
  return 3;
}

static int
fake_add_e2e(circuit_t *circ, hs_e2e_crypto_t *e2e)
{
  ((fake_circ_t *)circ)->e2e = e2e;
  return 0;
}

static time_t
fake_time(void)
{
  return fake_now;
}

static unsigned
fake_log_id(const circuit_t *circ)
{
  return ((const fake_circ_t *)circ)->id;
}

static const hs_client_circ_ops_t fake_ops = {
  fake_launch, fake_send, fake_close, fake_set_purpose, fake_n_hops, fake_add_e2e, fake_time,
  fake_log_id, NULL,
};

/* The service's side of one intro point. */
typedef struct fake_service_t {
  uint8_t auth_pk[32], auth_esk[64], enc_pk[32], enc_sk[32];
  uint8_t subcred[32];
} fake_service_t;

/* What the owner heard. */
static struct {
  int next_intro_calls, joined, ended;
  hs_client_status_t why;
  circuit_t *joined_circ;
  int have_spare;                 /* next_intro gives spare once */
  hs_client_intro_t spare;
  hs_client_conn_t *conn;
} heard;

static int
owner_next_intro(hs_client_conn_t *c, const hs_client_intro_t *failed, hs_client_intro_t *next,
                 void *arg)
{
  (void)c; (void)failed; (void)arg;
  heard.next_intro_calls++;
  if (!heard.have_spare)
    return -1;
  heard.have_spare = 0;
  *next = heard.spare;
  return 0;
}

static void
owner_joined(hs_client_conn_t *c, circuit_t *circ, void *arg)
{
  (void)c; (void)arg;
  heard.joined++;
  heard.joined_circ = circ;
}

static void
owner_ended(hs_client_conn_t *c, hs_client_status_t why, void *arg)
{
  (void)arg;
  heard.ended++;
  heard.why = why;
  UT_ASSERT(c == heard.conn);
  hs_client_conn_free(c);   /* allowed from here */
  heard.conn = NULL;
}

static const hs_client_conn_owner_t owner = { owner_next_intro, owner_joined, owner_ended };

static void
make_service(fake_service_t *s)
{
  UT_EQ_INT(ed25519_keypair_generate(s->auth_pk, s->auth_esk), 0);
  UT_EQ_INT(x25519_keypair_generate(s->enc_pk, s->enc_sk), 0);
  crypto_rand_bytes(s->subcred, sizeof(s->subcred));
}

static void
make_intro(const fake_service_t *s, const char *nick, hs_client_intro_t *ip)
{
  memset(ip, 0, sizeof(*ip));
  snprintf(ip->hop.address, sizeof(ip->hop.address), "127.0.0.1");
  ip->hop.or_port = 5100;
  crypto_rand_bytes(ip->hop.rsa_id, 20);
  crypto_rand_bytes(ip->hop.ntor_onion_key, 32);
  snprintf(ip->hop.nickname, sizeof(ip->hop.nickname), "%s", nick);
  memcpy(ip->auth_key, s->auth_pk, 32);
  memcpy(ip->enc_key, s->enc_pk, 32);
}

/* Starts an attempt for service s: fakes[0] is the rendezvous circuit,
 * fakes[1] the intro circuit. */
static void
start_attempt(const fake_service_t *s, hs_client_conn_params_t *p)
{
  memset(&heard, 0, sizeof(heard));
  memset(fakes, 0, sizeof(fakes));
  n_fakes = 0;
  fake_now = 1000;
  hs_client_conn_set_ops(&fake_ops);
  memset(p, 0, sizeof(*p));
  snprintf(p->addr, sizeof(p->addr), "testservice");
  memcpy(p->subcred, s->subcred, 32);
  snprintf(p->rend_point.address, sizeof(p->rend_point.address), "127.0.0.1");
  p->rend_point.or_port = 5000;
  crypto_rand_bytes(p->rend_point.rsa_id, 20);
  crypto_rand_bytes(p->rend_point.ed_id, 32);
  p->rend_point.has_ed_id = 1;
  crypto_rand_bytes(p->rend_point.ntor_onion_key, 32);
  snprintf(p->rend_point.nickname, sizeof(p->rend_point.nickname), "rp");
  make_intro(s, "intro1", &p->intro);
  heard.conn = hs_client_conn_start(p, &owner, NULL);
  UT_ASSERT(heard.conn);
  UT_EQ_INT(n_fakes, 2);
  UT_EQ_STR(fakes[0].purpose, "HS_CLIENT_REND");
  UT_EQ_STR(fakes[0].state, "HSCR_CONNECTING");
  UT_EQ_STR(fakes[1].purpose, "HS_CLIENT_INTRO");
  UT_EQ_STR(fakes[1].state, "HSCI_CONNECTING");
  UT_EQ_MEM(fakes[1].last.rsa_id, p->intro.hop.rsa_id, 20);
}

static void
relay(fake_circ_t *f, int hop, uint8_t cmd, const uint8_t *body, size_t len)
{
  f->h.on_relay((circuit_t *)f, hop, cmd, 0, body, len, f->arg);
}

/* Builds both circuits and establishes the rendezvous point; returns the
 * INTRODUCE1 sent on intro circuit f. */
static const uint8_t *
establish_and_introduce(fake_circ_t *f_intro, size_t *len)
{
  fake_circ_t *rend = &fakes[0];
  f_intro->h.on_built((circuit_t *)f_intro, f_intro->arg);
  UT_EQ_INT(f_intro->n_sent, 0);            /* the rendezvous point is not ready */
  rend->h.on_built((circuit_t *)rend, rend->arg);
  UT_EQ_INT(rend->n_sent, 1);
  UT_EQ_INT(rend->sent[0].cmd, RELAY_COMMAND_ESTABLISH_RENDEZVOUS);
  UT_EQ_INT(rend->sent[0].hop, 2);
  UT_EQ_INT(rend->sent[0].len, HS_REND_COOKIE_LEN);
  UT_EQ_MEM(rend->sent[0].body, hs_client_conn_cookie(heard.conn), HS_REND_COOKIE_LEN);
  relay(rend, 2, RELAY_COMMAND_RENDEZVOUS_ESTABLISHED, NULL, 0);
  UT_EQ_STR(rend->state, "HSCR_ESTABLISHED_IDLE");
  UT_EQ_INT(f_intro->n_sent, 1);
  UT_EQ_INT(f_intro->sent[0].cmd, RELAY_COMMAND_INTRODUCE1);
  UT_EQ_INT(f_intro->sent[0].hop, 2);
  UT_EQ_STR(f_intro->state, "HSCI_INTRO_SENT");
  *len = f_intro->sent[0].len;
  return f_intro->sent[0].body;
}

/* The service: INTRODUCE2 processing and RENDEZVOUS1's handshake. */
static void
service_answers(const fake_service_t *s, const hs_client_conn_params_t *p, const uint8_t *cell,
                size_t len, uint8_t reply[HS_NTOR_REPLY_LEN], uint8_t keys[HS_NTOR_E2E_KEY_LEN])
{
  uint8_t plain[RELAY_PAYLOAD_LEN], client_pk[32];
  hs_intro2_plaintext_t pt;
  hs_intro_point_keys_t ipk = { s->auth_pk, s->enc_sk, s->enc_pk,
                                (const uint8_t (*)[HS_NTOR_SUBCRED_LEN])s->subcred, 1 };
  UT_ASSERT(len >= HS_CELL_INTRODUCE1_MIN_LEN);
  UT_EQ_INT(hs_cell_introduce2_process(cell, len, &ipk, NULL, plain, &pt, client_pk, NULL), 0);
  UT_EQ_MEM(pt.rend_cookie, hs_client_conn_cookie(heard.conn), HS_REND_COOKIE_LEN);
  UT_EQ_MEM(pt.onion_key, p->rend_point.ntor_onion_key, 32);
  UT_ASSERT(pt.rend_point.has_ipv4 && pt.rend_point.has_legacy_id &&
            pt.rend_point.has_ed25519_id);
  UT_EQ_HEX(pt.rend_point.ipv4_addr, 4, "7f000001");
  UT_EQ_INT(pt.rend_point.ipv4_port, 5000);
  UT_EQ_MEM(pt.rend_point.legacy_id, p->rend_point.rsa_id, 20);
  UT_EQ_MEM(pt.rend_point.ed25519_id, p->rend_point.ed_id, 32);
  UT_EQ_INT(pt.exts.n, 0);   /* no congestion control asked for */
  UT_EQ_INT(hs_ntor_service_rendezvous(s->enc_sk, s->enc_pk, s->auth_pk, client_pk, reply, keys),
            0);
}

static const uint8_t ack_ok[] = { 0, 0, 0 };
static const uint8_t ack_nack[] = { 0, 1, 0 };

UNITTEST(hs_client, conn_joins_and_e2e_layers_agree)
{
  fake_service_t s;
  hs_client_conn_params_t p;
  uint8_t reply[HS_NTOR_REPLY_LEN], keys[HS_NTOR_E2E_KEY_LEN];
  size_t len;
  make_service(&s);
  start_attempt(&s, &p);
  const uint8_t *cell = establish_and_introduce(&fakes[1], &len);
  service_answers(&s, &p, cell, len, reply, keys);
  relay(&fakes[1], 2, RELAY_COMMAND_INTRODUCE_ACK, ack_ok, sizeof(ack_ok));
  UT_EQ_STR(fakes[1].state, "HSCI_DONE");
  UT_ASSERT(fakes[1].closed);
  UT_EQ_STR(fakes[0].state, "HSCR_ESTABLISHED_WAITING");
  UT_EQ_INT(heard.joined, 0);
  relay(&fakes[0], 2, RELAY_COMMAND_RENDEZVOUS2, reply, sizeof(reply));
  UT_EQ_INT(heard.joined, 1);
  UT_ASSERT(heard.joined_circ == (circuit_t *)&fakes[0]);
  UT_EQ_STR(fakes[0].state, "HSCR_JOINED");
  UT_ASSERT(hs_client_conn_is_joined(heard.conn));
  UT_ASSERT(fakes[0].e2e);
  /* A cell from the client decrypts at the service, and back. */
  hs_e2e_crypto_t *svc_e2e = hs_e2e_crypto_new(keys, sizeof(keys), 1);
  UT_ASSERT(svc_e2e);
  uint8_t cellbuf[RELAY_PAYLOAD_LEN];
  memset(cellbuf, 0, sizeof(cellbuf));
  cellbuf[0] = RELAY_COMMAND_BEGIN;
  UT_EQ_INT(hs_e2e_crypto_encrypt_outgoing(fakes[0].e2e, cellbuf), 0);
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(svc_e2e, cellbuf), 1);
  UT_EQ_INT(cellbuf[0], RELAY_COMMAND_BEGIN);
  memset(cellbuf, 0, sizeof(cellbuf));
  cellbuf[0] = RELAY_COMMAND_CONNECTED;
  UT_EQ_INT(hs_e2e_crypto_encrypt_outgoing(svc_e2e, cellbuf), 0);
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(fakes[0].e2e, cellbuf), 1);
  hs_e2e_crypto_free(svc_e2e);
  /* The joined circuit closes: ended with OK, once. */
  hs_e2e_crypto_t *client_e2e = fakes[0].e2e;
  fake_close((circuit_t *)&fakes[0], CIRCUIT_CLOSE_DESTROYED);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_OK);
  hs_e2e_crypto_free(client_e2e);   /* a real circuit owns it */
  hs_client_conn_set_ops(NULL);
}

UNITTEST(hs_client, conn_nack_then_next_intro_point)
{
  fake_service_t s, s2;
  hs_client_conn_params_t p;
  uint8_t reply[HS_NTOR_REPLY_LEN], keys[HS_NTOR_E2E_KEY_LEN];
  size_t len;
  make_service(&s);
  make_service(&s2);
  memcpy(s2.subcred, s.subcred, 32);   /* one service, another intro point */
  start_attempt(&s, &p);
  establish_and_introduce(&fakes[1], &len);
  heard.have_spare = 1;
  make_intro(&s2, "intro2", &heard.spare);
  relay(&fakes[1], 2, RELAY_COMMAND_INTRODUCE_ACK, ack_nack, sizeof(ack_nack));
  UT_EQ_INT(heard.next_intro_calls, 1);
  UT_ASSERT(fakes[1].closed);
  UT_EQ_INT(n_fakes, 3);
  UT_EQ_STR(fakes[2].state, "HSCI_CONNECTING");
  UT_EQ_MEM(fakes[2].last.rsa_id, heard.spare.hop.rsa_id, 20);
  UT_EQ_STR(fakes[0].state, "HSCR_ESTABLISHED_IDLE");   /* the cookie stays */
  fakes[2].h.on_built((circuit_t *)&fakes[2], fakes[2].arg);
  UT_EQ_INT(fakes[2].n_sent, 1);
  UT_EQ_INT(fakes[2].sent[0].cmd, RELAY_COMMAND_INTRODUCE1);
  service_answers(&s2, &p, fakes[2].sent[0].body, fakes[2].sent[0].len, reply, keys);
  /* RENDEZVOUS2 before the ACK is taken too. */
  relay(&fakes[0], 2, RELAY_COMMAND_RENDEZVOUS2, reply, sizeof(reply));
  UT_EQ_INT(heard.joined, 1);
  UT_ASSERT(fakes[2].closed);
  hs_e2e_crypto_t *client_e2e = fakes[0].e2e;
  hs_client_conn_free(heard.conn);
  UT_ASSERT(fakes[0].closed);
  UT_EQ_INT(heard.ended, 0);     /* freeing reports nothing */
  hs_e2e_crypto_free(client_e2e);
  hs_client_conn_set_ops(NULL);
}

UNITTEST(hs_client, conn_no_intro_left_fails)
{
  fake_service_t s;
  hs_client_conn_params_t p;
  size_t len;
  make_service(&s);
  start_attempt(&s, &p);
  establish_and_introduce(&fakes[1], &len);
  relay(&fakes[1], 2, RELAY_COMMAND_INTRODUCE_ACK, ack_nack, sizeof(ack_nack));
  UT_EQ_INT(heard.next_intro_calls, 1);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_INTRO_FAILED);
  UT_ASSERT(fakes[0].closed && fakes[1].closed);
  hs_client_conn_set_ops(NULL);
}

UNITTEST(hs_client, conn_timeouts)
{
  fake_service_t s;
  hs_client_conn_params_t p;
  size_t len;
  make_service(&s);
  /* no INTRODUCE_ACK: after HS_CLIENT_CONN_ACK_TIMEOUT, the next intro */
  start_attempt(&s, &p);
  establish_and_introduce(&fakes[1], &len);
  hs_client_conn_tick(heard.conn, fake_now + HS_CLIENT_CONN_ACK_TIMEOUT - 1);
  UT_EQ_INT(heard.next_intro_calls, 0);
  hs_client_conn_tick(heard.conn, fake_now + HS_CLIENT_CONN_ACK_TIMEOUT);
  UT_EQ_INT(heard.next_intro_calls, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_INTRO_FAILED);
  /* acked, but no RENDEZVOUS2 */
  start_attempt(&s, &p);
  establish_and_introduce(&fakes[1], &len);
  relay(&fakes[1], 2, RELAY_COMMAND_INTRODUCE_ACK, ack_ok, sizeof(ack_ok));
  hs_client_conn_tick(heard.conn, fake_now + HS_CLIENT_CONN_REND_TIMEOUT - 1);
  UT_EQ_INT(heard.ended, 0);
  hs_client_conn_tick(heard.conn, fake_now + HS_CLIENT_CONN_REND_TIMEOUT);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_REND_FAILED);
  UT_ASSERT(fakes[0].closed);
  /* built, but the rendezvous point never answers */
  start_attempt(&s, &p);
  fakes[0].h.on_built((circuit_t *)&fakes[0], fakes[0].arg);
  hs_client_conn_tick(heard.conn, fake_now + HS_CLIENT_CONN_ESTABLISH_TIMEOUT);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_REND_FAILED);
  hs_client_conn_set_ops(NULL);
}

UNITTEST(hs_client, conn_bad_cells_and_failures)
{
  fake_service_t s;
  hs_client_conn_params_t p;
  uint8_t reply[HS_NTOR_REPLY_LEN];
  size_t len;
  make_service(&s);
  /* a RENDEZVOUS2 that does not complete the handshake */
  start_attempt(&s, &p);
  establish_and_introduce(&fakes[1], &len);
  relay(&fakes[1], 2, RELAY_COMMAND_INTRODUCE_ACK, ack_ok, sizeof(ack_ok));
  crypto_rand_bytes(reply, sizeof(reply));
  relay(&fakes[0], 2, RELAY_COMMAND_RENDEZVOUS2, reply, sizeof(reply));
  UT_EQ_INT(heard.joined, 0);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_REND_FAILED);
  UT_ASSERT(fakes[0].closed);
  /* RENDEZVOUS2 before any INTRODUCE1 */
  start_attempt(&s, &p);
  fakes[0].h.on_built((circuit_t *)&fakes[0], fakes[0].arg);
  relay(&fakes[0], 2, RELAY_COMMAND_RENDEZVOUS2, reply, sizeof(reply));
  UT_EQ_INT(heard.why, HS_CLIENT_REND_FAILED);
  /* the rendezvous circuit fails while building */
  start_attempt(&s, &p);
  fake_close((circuit_t *)&fakes[0], CIRCUIT_CLOSE_TIMEOUT);
  UT_EQ_INT(heard.ended, 1);
  UT_EQ_INT(heard.why, HS_CLIENT_REND_FAILED);
  UT_ASSERT(fakes[1].closed);
  /* the intro circuit fails, no other intro point */
  start_attempt(&s, &p);
  fake_close((circuit_t *)&fakes[1], CIRCUIT_CLOSE_CHANNEL_FAILED);
  UT_EQ_INT(heard.why, HS_CLIENT_INTRO_FAILED);
  UT_ASSERT(fakes[0].closed);
  /* a launch failure leaves nothing behind */
  memset(&heard, 0, sizeof(heard));
  n_fakes = 0;
  hs_client_conn_set_ops(&fake_ops);
  fail_launch_at = 1;
  UT_ASSERT(!hs_client_conn_start(&p, &owner, NULL));
  UT_EQ_INT(n_fakes, 0);
  fail_launch_at = 2;   /* the intro circuit's: the rendezvous one is closed */
  UT_ASSERT(!hs_client_conn_start(&p, &owner, NULL));
  UT_EQ_INT(n_fakes, 1);
  UT_ASSERT(fakes[0].closed);
  UT_EQ_INT(heard.ended, 0);
  fail_launch_at = 0;
  hs_client_conn_set_ops(NULL);
}
