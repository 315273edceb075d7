/* circprobe: builds one circuit with our client code through a network of
 * real tor relays, opens a stream through it, sends a request and reads
 * the answer to the end. It takes the network's documents from a real tor
 * client's DataDirectory (cached-microdesc-consensus, cached-microdescs*),
 * so it exercises channels, circuits, relay crypto, SENDMEs and streams
 * before the daemon fetches directory documents itself.
 *
 * Usage: circprobe --datadir DIR --target ADDR:PORT|dir [--request TEXT]
 *                  [--hops N] [--timeout SECONDS] [--body-only 1]
 * Prints "built ..." and "received BYTES sha256 HEX", exit 0 when the stream
 * ended with reason DONE. */
#include "orconfig.h"
#include "core/mainloop/mainloop.h"
#include "core/or/circuit.h"
#include "core/or/stream.h"
#include "core/crypto/relay_msg.h"
#include "feature/dirparse/consensus.h"
#include "feature/dirparse/microdesc.h"
#include "feature/nodelist/nodelist.h"
#include "feature/nodelist/path.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/encoding/base16.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *opt_target, *opt_request = "GET / HTTP/1.0\r\n\r\n";
static int opt_hops = 3;
static int opt_body_only;
static unsigned header_match;  /* bytes of "\r\n\r\n" seen so far */
static char body_start[64];     /* the first bytes of the body, for --show-start */
static size_t body_start_len;
static crypto_digest_t *received_digest;
static uint64_t received_bytes;
static int exit_status = 1;

static void
finish(int status)
{
  exit_status = status;
  mainloop_exit(status);
}

static void
on_stream_connected(stream_t *s, void *arg)
{
  (void)arg;
  fprintf(stderr, "circprobe: stream connected\n");
  if (stream_send(s, (const uint8_t *)opt_request, strlen(opt_request)) < 0)
    finish(1);
}

static void
on_stream_data(stream_t *s, const uint8_t *data, size_t len, void *arg)
{
  (void)s; (void)arg;
  if (opt_body_only) {
    /* Skip an HTTP response's headers: everything up to "\r\n\r\n". */
    static const char end_of_headers[] = "\r\n\r\n";
    while (len > 0 && header_match < 4) {
      header_match = *data == end_of_headers[header_match] ? header_match + 1
                     : *data == '\r' ? 1 : 0;
      data++;
      len--;
    }
  }
  for (size_t i = 0; i < len && body_start_len < sizeof(body_start) - 1; i++)
    body_start[body_start_len++] = data[i] >= 32 && data[i] < 127 ? (char)data[i] : '.';
  crypto_digest_add_bytes(received_digest, data, len);
  received_bytes += len;
}

static void
on_stream_end(stream_t *s, uint8_t reason, void *arg)
{
  uint8_t d[32];
  char hex[65];
  (void)s; (void)arg;
  crypto_digest_get_digest(received_digest, d, sizeof(d));
  base16_encode_lower(hex, sizeof(hex), d, sizeof(d));
  printf("received %llu sha256 %s end %s\n", (unsigned long long)received_bytes, hex,
         end_reason_name(reason));
  printf("start %s\n", body_start);
  fflush(stdout);
  finish(reason == END_REASON_DONE ? 0 : 1);
}

static const stream_handlers_t stream_handlers = {
  .on_connected = on_stream_connected, .on_data = on_stream_data, .on_end = on_stream_end,
};

static void
on_built(circuit_t *circ, void *arg)
{
  (void)arg;
  printf("built %d hops in %.2f s:", circuit_n_hops(circ), circuit_build_seconds(circ));
  for (int i = 0; i < circuit_n_hops(circ); i++)
    printf(" %s", circuit_hop_info(circ, i)->nickname);
  printf("\n");
  fflush(stdout);
  /* "--target dir" asks the last hop's directory (BEGIN_DIR). */
  const char *target = strcmp(opt_target, "dir") ? opt_target : NULL;
  if (!stream_open(circ, target, &stream_handlers, NULL)) {
    fprintf(stderr, "circprobe: could not open a stream\n");
    finish(1);
  }
}

static void
on_relay(circuit_t *circ, int hop, uint8_t command, uint16_t sid, const uint8_t *data,
         size_t len, void *arg)
{
  (void)hop; (void)arg;
  stream_circuit_relay(circ, command, sid, data, len);
}

static void
on_writable(circuit_t *circ, void *arg)
{
  (void)arg;
  stream_circuit_writable(circ);
}

static void
on_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  (void)arg;
  fprintf(stderr, "circprobe: circuit closed: %s\n", circuit_close_reason_str(reason));
  stream_circuit_closed(circ);
  finish(exit_status == 0 ? 0 : 1);
}

static char *
read_cache(const char *dir, const char *name, size_t *len)
{
  char path[4096], err[256];
  int missing;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  return fs_read_file(path, 64u << 20, len, &missing, err, sizeof(err));
}

static uint64_t
rng(uint64_t limit)
{
  return path_crypto_rng(limit);
}

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
  const char *datadir = NULL;
  int timeout = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--datadir")) datadir = argv[i + 1];
    else if (!strcmp(argv[i], "--target")) opt_target = argv[i + 1];
    else if (!strcmp(argv[i], "--request")) opt_request = argv[i + 1];
    else if (!strcmp(argv[i], "--hops")) opt_hops = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--timeout")) timeout = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--body-only")) opt_body_only = atoi(argv[i + 1]);
  }
  if (!datadir || !opt_target || opt_hops < 1 || opt_hops > 3) {
    fprintf(stderr, "usage: circprobe --datadir DIR --target ADDR:PORT [--request TEXT] "
            "[--hops 1-3] [--timeout S]\n");
    return 2;
  }
  log_set_startup_severity(getenv("CIRCPROBE_DEBUG") ? LOG_DEBUG : LOG_NOTICE);
  char err[512];
  size_t clen, mlen = 0, nlen = 0;
  char *ctext = read_cache(datadir, "cached-microdesc-consensus", &clen);
  char *mtext = read_cache(datadir, "cached-microdescs", &mlen);
  char *ntext = read_cache(datadir, "cached-microdescs.new", &nlen);
  if (!ctext) {
    fprintf(stderr, "circprobe: no cached-microdesc-consensus in %s\n", datadir);
    return 1;
  }
  /* One list from both files. */
  size_t alen = mlen + nlen;
  char *all = malloc(alen + 1);
  memcpy(all, mtext ? mtext : "", mlen);
  memcpy(all + mlen, ntext ? ntext : "", nlen);
  all[alen] = '\0';
  consensus_t *c = consensus_parse(ctext, clen, err, sizeof(err));
  microdesc_list_t *mds = microdesc_list_parse(all, alen, err, sizeof(err));
  if (!c || !mds) {
    fprintf(stderr, "circprobe: cannot parse the cached documents: %s\n", err);
    return 1;
  }
  nodelist_t *nl = nodelist_build(c, mds);
  const char *colon = strrchr(opt_target, ':');
  uint16_t port = colon ? (uint16_t)atoi(colon + 1) : 0;
  path_constraints_t pc;
  memset(&pc, 0, sizeof(pc));
  pc.exit_port = port;
  circuit_hop_info_t hops[3];
  const node_t *chosen[3];
  path_position_t order[3] = { PATH_POS_EXIT, PATH_POS_GUARD, PATH_POS_MIDDLE };
  int slot[3] = { opt_hops - 1, 0, 1 };
  for (int k = 0; k < 3 && k < opt_hops; k++) {
    path_position_t pos = opt_hops == 1 ? PATH_POS_EXIT : order[k];
    const node_t *n = path_choose_node(nl->nodes, nl->n_nodes, pos, &nl->weights, &pc, rng);
    if (!n) {
      fprintf(stderr, "circprobe: no node for position %d\n", (int)pos);
      return 1;
    }
    pc.in_path[pc.n_in_path++] = n;
    chosen[slot[k]] = n;
  }
  for (int i = 0; i < opt_hops; i++)
    node_get_hop_info(chosen[i], &hops[i]);

  received_digest = crypto_digest_new(DIGEST_SHA256);
  if (mainloop_init() < 0)
    return 1;
  const circuit_handlers_t handlers = { on_built, on_relay, on_writable, on_closed };
  if (!circuit_launch(mainloop_get_base(), hops, opt_hops, &handlers, NULL, NULL)) {
    fprintf(stderr, "circprobe: could not launch the circuit\n");
    return 1;
  }
  struct timeval tv = { timeout, 0 };
  event_base_loopexit(mainloop_get_base(), &tv);
  mainloop_run();
  circuit_close_all();
  crypto_digest_free(received_digest);
  nodelist_free(nl);
  consensus_free(c);
  microdesc_list_free(mds);
  free(ctext);
  free(mtext);
  free(ntext);
  free(all);
  return exit_status;
}
