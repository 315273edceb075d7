/* linkprobe: open a client channel to a relay's ORPort, complete the link
 * handshake, print what was learned, and exit.
 *
 *   linkprobe [-v] [--timeout SECS] [--rsa-id HEX] [--capture DIR] ADDR PORT
 *
 * Prints "rsa-id <40 hex>", "ed25519-id <base64, unpadded>" and
 * "link-proto <n>" once the channel is open. Then, to prove the relay
 * accepted our side of the handshake and that cells flow both ways, it
 * sends CREATE_FAST on a fresh circuit id, expects CREATED_FAST on that
 * circuit ("circuit created-fast <circ id hex>"), sends DESTROY, closes the
 * channel and exits 0. Exits 1 on any failure. --capture writes the peer's raw CERTS payload (certs.bin) and
 * TLS certificate (tls_cert.der) into DIR, for test fixtures. */
#include "orconfig.h"

#include "core/or/channel_tls.h"
#include "lib/crypt/crypto_util.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/log/log.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe_t {
  struct event_base *base;
  const char *capture_dir;
  int exit_status;
  uint32_t circ_id;
} probe_t;

static int
write_file(const char *dir, const char *name, const uint8_t *data,
           size_t len)
{
  char path[4096];
  FILE *f;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "linkprobe: cannot write %s\n", path);
    return -1;
  }
  return 0;
}

static int
capture(const channel_t *chan, const char *dir)
{
  size_t len;
  const uint8_t *p = channel_peer_certs_payload(chan, &len);
  if (!p || write_file(dir, "certs.bin", p, len) < 0)
    return -1;
  p = channel_peer_tls_cert_der(chan, &len);
  if (!p || write_file(dir, "tls_cert.der", p, len) < 0)
    return -1;
  return 0;
}

static void send_create_fast(channel_t *chan, probe_t *probe);

static void
on_open(channel_t *chan, void *arg)
{
  probe_t *probe = arg;
  const link_peer_ids_t *ids = channel_peer_ids(chan);
  char hex[2 * DIGEST_LEN + 1], b64[64];
  base16_encode(hex, sizeof(hex), ids->rsa_id_digest, DIGEST_LEN);
  base64_encode(b64, sizeof(b64), ids->ed25519_id, ED25519_PUBKEY_LEN,
                BASE64_ENCODE_NOPAD);
  printf("rsa-id %s\ned25519-id %s\nlink-proto %d\n", hex, b64,
         channel_link_proto(chan));
  fflush(stdout);
  if (probe->capture_dir && capture(chan, probe->capture_dir) < 0) {
    channel_close(chan);
    return;
  }
  send_create_fast(chan, probe);
}

static void
send_create_fast(channel_t *chan, probe_t *probe)
{
  cell_t cell;
  memset(&cell, 0, sizeof(cell));
  probe->circ_id = channel_circ_attach(chan, probe);
  if (!probe->circ_id) {
    fprintf(stderr, "linkprobe: no circuit id\n");
    channel_close(chan);
    return;
  }
  cell.circ_id = probe->circ_id;
  cell.command = CELL_CREATE_FAST;
  /* X: 20 random bytes (tor-spec 5.1.5); the keys are not needed here. */
  if (crypto_rand_bytes(cell.payload, DIGEST_LEN) < 0 ||
      channel_send_cell(chan, &cell) < 0) {
    channel_close(chan);
    return;
  }
}

static void
on_cell(channel_t *chan, cell_t *cell, void *circ, void *arg)
{
  probe_t *probe = arg;
  cell_t destroy;
  if (circ != probe || cell->circ_id != probe->circ_id)
    return;
  if (cell->command != CELL_CREATED_FAST) {
    fprintf(stderr, "linkprobe: got cell %u instead of CREATED_FAST\n",
            (unsigned)cell->command);
    channel_close(chan);
    return;
  }
  printf("circuit created-fast %08x\n", (unsigned)cell->circ_id);
  fflush(stdout);
  memset(&destroy, 0, sizeof(destroy));
  destroy.circ_id = probe->circ_id;
  destroy.command = CELL_DESTROY;   /* reason 0: none */
  channel_circ_detach(chan, probe->circ_id);
  if (channel_send_cell(chan, &destroy) == 0)
    probe->exit_status = 0;
  channel_close(chan);
}

static void
on_closed(channel_t *chan, channel_close_reason_t reason, void *arg)
{
  probe_t *probe = arg;
  if (probe->exit_status != 0)
    fprintf(stderr, "linkprobe: %s: %s\n", channel_peer_description(chan),
            channel_close_reason_str(reason));
  event_base_loopexit(probe->base, NULL);
}

static void
usage(void)
{
  fprintf(stderr, "usage: linkprobe [-v] [--timeout SECS] [--rsa-id HEX] "
          "[--capture DIR] ADDRESS PORT\n");
  exit(2);
}

int
main(int argc, char **argv)
{
  probe_t probe = { NULL, NULL, 1, 0 };
  channel_handlers_t h = { on_open, on_cell, NULL, on_closed };
  uint8_t rsa_id[DIGEST_LEN];
  int have_rsa = 0, verbose = 0, i;
  long timeout = 60;
  struct timeval tv;
  channel_t *chan;

  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-v")) {
      verbose = 1;
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      timeout = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--capture") && i + 1 < argc) {
      probe.capture_dir = argv[++i];
    } else if (!strcmp(argv[i], "--rsa-id") && i + 1 < argc) {
      if (base16_decode(rsa_id, sizeof(rsa_id), argv[i + 1],
                        strlen(argv[i + 1])) != DIGEST_LEN)
        usage();
      have_rsa = 1;
      i++;
    } else {
      usage();
    }
  }
  if (argc - i != 2)
    usage();
  signal(SIGPIPE, SIG_IGN);
  if (verbose) {
    log_sink_spec_t spec;
    char err[256];
    if (log_sink_spec_parse("info stderr", &spec, err, sizeof(err)) < 0 ||
        log_configure_sinks(&spec, 1, err, sizeof(err)) < 0) {
      fprintf(stderr, "linkprobe: %s\n", err);
      return 2;
    }
    log_set_protocol_warnings(1);
  }
  probe.base = event_base_new();
  if (!probe.base)
    return 1;
  chan = channel_tls_connect(probe.base, argv[i],
                             (uint16_t)strtol(argv[i + 1], NULL, 10),
                             have_rsa ? rsa_id : NULL, NULL, &h, &probe);
  if (!chan) {
    fprintf(stderr, "linkprobe: cannot connect to %s:%s\n", argv[i],
            argv[i + 1]);
    return 1;
  }
  tv.tv_sec = timeout;
  tv.tv_usec = 0;
  event_base_loopexit(probe.base, &tv);
  event_base_dispatch(probe.base);
  channel_close_all_now();
  event_base_free(probe.base);
  return probe.exit_status;
}
