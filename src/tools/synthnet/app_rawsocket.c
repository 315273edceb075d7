/* synthnet RawSocket app: an AF_PACKET socket on one interface. Frames the
 * interface receives leave on the "output" port; packets that arrive on the
 * "input" port are sent out of the interface. Batched with recvmmsg and
 * sendmmsg; the interface is put in promiscuous mode (for as long as the
 * socket lives) so that the app can bridge at layer 2. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RS_BATCH 64

struct rawsocket {
  int fd;
  int ifindex;
  uint32_t batch;
  struct mmsghdr rmsg[RS_BATCH], smsg[RS_BATCH];
  struct iovec riov[RS_BATCH], siov[RS_BATCH];
  struct sockaddr_ll raddr[RS_BATCH];
  struct sn_packet *rpkt[RS_BATCH];  /* packets lent to the kernel */
  uint64_t rx, tx, truncated, rx_errors, tx_errors, tx_blocked;
  uint64_t kernel_drops;  /* PACKET_STATISTICS, summed (reading resets) */
};

static int
rawsocket_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct rawsocket *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  s->fd = -1;
  app->state = s;
  const char *ifname = sn_args_str(a, "ifname", NULL);
  s->batch = (uint32_t)sn_args_u64(a, "batch", RS_BATCH);
  int bypass = sn_args_bool(a, "qdisc_bypass", 1);
  int promisc = sn_args_bool(a, "promisc", 1);
  uint64_t bufsize = sn_args_bytes(a, "sockbuf", 4u << 20);
  if (!ifname) {
    snprintf(err, errlen, "ifname= is required");
    return -1;
  }
  if (s->batch < 1 || s->batch > RS_BATCH) {
    snprintf(err, errlen, "batch must be 1..%d", RS_BATCH);
    return -1;
  }
  s->ifindex = (int)if_nametoindex(ifname);
  if (!s->ifindex) {
    snprintf(err, errlen, "no interface %s: %s", ifname, strerror(errno));
    return -1;
  }
  /* Protocol 0 until bound, so that no frame of another interface is
   * queued before bind(). */
  s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) {
    snprintf(err, errlen, "socket(AF_PACKET): %s", strerror(errno));
    return -1;
  }
  int one = 1, size = (int)(bufsize > (1u << 30) ? 1u << 30 : bufsize);
  /* Not seeing our own transmissions is essential: else a bridge loops. */
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
  if (setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                 sizeof(one)) < 0) {
    /* Older kernels: outgoing frames are filtered by pkttype below. */
  }
  if (bypass)
    (void)setsockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
  if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
    (void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
    (void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = s->ifindex;
  if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
    snprintf(err, errlen, "bind to %s: %s", ifname, strerror(errno));
    return -1;
  }
  if (promisc) {
    struct packet_mreq mr;
    memset(&mr, 0, sizeof(mr));
    mr.mr_ifindex = s->ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(s->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
                   sizeof(mr)) < 0) {
      snprintf(err, errlen, "promiscuous mode on %s: %s", ifname,
               strerror(errno));
      return -1;
    }
  }
  sn_engine_watch_fd(app->engine, s->fd);
  for (uint32_t i = 0; i < RS_BATCH; i++) {
    s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
    s->rmsg[i].msg_hdr.msg_iovlen = 1;
    s->rmsg[i].msg_hdr.msg_name = &s->raddr[i];
    s->smsg[i].msg_hdr.msg_iov = &s->siov[i];
    s->smsg[i].msg_hdr.msg_iovlen = 1;
  }
  return 0;
}

static void
rawsocket_pull(struct sn_app *app)
{
  struct rawsocket *s = app->state;
  struct sn_link *out = app->output;
  if (!out)
    return;
  /* At most a few batches a breath, so that the other apps get their turn
   * and the link is not overrun. */
  for (int round = 0; round < 4; round++) {
    uint32_t n = sn_link_nwritable(out);
    if (n > s->batch)
      n = s->batch;
    if (n == 0)
      return;
    for (uint32_t i = 0; i < n; i++) {
      if (!s->rpkt[i] && !(s->rpkt[i] = sn_packet_alloc())) {
        n = i;
        break;
      }
      s->riov[i].iov_base = s->rpkt[i]->data;
      s->riov[i].iov_len = SN_PACKET_MAX;
      s->rmsg[i].msg_hdr.msg_namelen = sizeof(s->raddr[i]);
      s->rmsg[i].msg_hdr.msg_flags = 0;
    }
    if (n == 0)
      return;
    int got = recvmmsg(s->fd, s->rmsg, n, MSG_DONTWAIT, NULL);
    if (got <= 0) {
      if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        s->rx_errors++;
      return;
    }
    for (int i = 0; i < got; i++) {
      struct sn_packet *p = s->rpkt[i];
      if (s->raddr[i].sll_pkttype == PACKET_OUTGOING)
        continue; /* keep the buffer for the next receive */
      if ((s->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
          s->rmsg[i].msg_len > SN_PACKET_MAX) {
        s->truncated++;
        app->drops++;
        continue;
      }
      p->length = (uint16_t)s->rmsg[i].msg_len;
      s->rpkt[i] = NULL;
      s->rx++;
      sn_link_transmit(out, p);
    }
    if ((uint32_t)got < n)
      return;
  }
}

static void
rawsocket_push(struct sn_app *app)
{
  struct rawsocket *s = app->state;
  struct sn_link *in = app->input;
  if (!in)
    return;
  for (int round = 0; round < 8 && !sn_link_empty(in); round++) {
    uint32_t n = sn_link_nreadable(in);
    if (n > s->batch)
      n = s->batch;
    for (uint32_t i = 0; i < n; i++) {
      struct sn_packet *p = sn_link_peek(in, i);
      s->siov[i].iov_base = p->data;
      s->siov[i].iov_len = p->length;
    }
    int sent = sendmmsg(s->fd, s->smsg, n, MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS ||
          errno == EINTR) {
        /* The packets wait on the link: back-pressure. */
        s->tx_blocked++;
        return;
      }
      /* The first packet cannot be sent (too big, interface down...). */
      s->tx_errors++;
      sn_app_drop(app, sn_link_receive(in));
      continue;
    }
    for (int i = 0; i < sent; i++)
      sn_packet_free(sn_link_receive(in));
    s->tx += (uint64_t)sent;
    if ((uint32_t)sent < n)
      return;
  }
}

static void
rawsocket_report(struct sn_app *app, FILE *f)
{
  struct rawsocket *s = app->state;
  struct tpacket_stats st;
  socklen_t len = sizeof(st);
  if (getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
    s->kernel_drops += st.tp_drops;
  fprintf(f, "rx=%llu tx=%llu truncated=%llu kernel_drops=%llu "
          "rx_errors=%llu tx_errors=%llu tx_blocked=%llu",
          (unsigned long long)s->rx, (unsigned long long)s->tx,
          (unsigned long long)s->truncated,
          (unsigned long long)s->kernel_drops,
          (unsigned long long)s->rx_errors, (unsigned long long)s->tx_errors,
          (unsigned long long)s->tx_blocked);
}

static void
rawsocket_stop(struct sn_app *app)
{
  struct rawsocket *s = app->state;
  if (s) {
    if (s->fd >= 0)
      close(s->fd);
    for (int i = 0; i < RS_BATCH; i++)
      if (s->rpkt[i])
        sn_packet_free(s->rpkt[i]);
  }
  free(s);
  app->state = NULL;
}

const struct sn_app_class sn_app_rawsocket = {
  .name = "RawSocket",
  .usage = "ifname=IFACE batch=64 qdisc_bypass=yes promisc=yes sockbuf=4m",
  .init = rawsocket_init,
  .pull = rawsocket_pull,
  .push = rawsocket_push,
  .report = rawsocket_report,
  .stop = rawsocket_stop,
};
