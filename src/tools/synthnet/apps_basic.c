/* synthnet apps that act on one packet at a time: Source, Sink, Tap, Loss,
 * Duplicate, Corrupt. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parses "02:00:00:00:00:01" into 6 bytes. */
static int
parse_mac(const char *s, uint8_t mac[6])
{
  unsigned int b[6];
  char tail;
  if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
             &b[5], &tail) != 6)
    return -1;
  for (int i = 0; i < 6; i++) {
    if (b[i] > 255)
      return -1;
    mac[i] = (uint8_t)b[i];
  }
  return 0;
}

/* ---------------------------------------------------------------- Source */

struct source {
  struct sn_packet tmpl;
  uint64_t count;   /* 0: no limit */
  uint64_t sent;
  uint32_t burst;   /* most packets per output per breath */
};

static int
source_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct source *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  app->state = s;
  uint64_t size = sn_args_bytes(a, "size", 64);
  const char *dst = sn_args_str(a, "dst", "02:00:00:00:00:02");
  const char *src = sn_args_str(a, "src", "02:00:00:00:00:01");
  uint64_t ethertype = sn_args_u64(a, "ethertype", 0x88b5);
  s->count = sn_args_u64(a, "count", 0);
  s->burst = (uint32_t)sn_args_u64(a, "burst", SN_LINK_SIZE);
  if (size < 14 || size > SN_PACKET_MAX) {
    snprintf(err, errlen, "size must be 14..%d", SN_PACKET_MAX);
    return -1;
  }
  if (ethertype > 0xffff) {
    snprintf(err, errlen, "ethertype must fit 16 bits");
    return -1;
  }
  s->tmpl.length = (uint16_t)size;
  if (parse_mac(dst, s->tmpl.data) < 0 || parse_mac(src, s->tmpl.data + 6) < 0) {
    snprintf(err, errlen, "bad MAC address (want 02:00:00:00:00:01)");
    return -1;
  }
  s->tmpl.data[12] = (uint8_t)(ethertype >> 8);
  s->tmpl.data[13] = (uint8_t)ethertype;
  for (size_t i = 14; i < size; i++)
    s->tmpl.data[i] = (uint8_t)i;
  return 0;
}

static void
source_pull(struct sn_app *app)
{
  struct source *s = app->state;
  for (int o = 0; o < app->nout; o++) {
    struct sn_link *l = app->out[o].link;
    uint32_t n = sn_link_nwritable(l);
    if (n > s->burst)
      n = s->burst;
    if (s->count && n > s->count - s->sent)
      n = (uint32_t)(s->count - s->sent);
    for (uint32_t i = 0; i < n; i++) {
      struct sn_packet *p = sn_packet_alloc();
      if (!p)
        return;
      p->length = s->tmpl.length;
      memcpy(p->data, s->tmpl.data, s->tmpl.length);
      sn_link_transmit(l, p);
    }
    s->sent += n;
  }
}

static void
source_report(struct sn_app *app, FILE *f)
{
  struct source *s = app->state;
  fprintf(f, "sent=%llu", (unsigned long long)s->sent);
}

static void
free_state(struct sn_app *app)
{
  free(app->state);
  app->state = NULL;
}

const struct sn_app_class sn_app_source = {
  .name = "Source",
  .usage = "size=64 dst=MAC src=MAC ethertype=0x88b5 count=0 burst=1024",
  .init = source_init,
  .pull = source_pull,
  .report = source_report,
  .stop = free_state,
};

/* ------------------------------------------------------------------ Sink */

static void
sink_push(struct sn_app *app)
{
  for (int i = 0; i < app->nin; i++) {
    struct sn_link *l = app->in[i].link;
    while (!sn_link_empty(l))
      sn_packet_free(sn_link_receive(l));
  }
}

const struct sn_app_class sn_app_sink = {
  .name = "Sink",
  .usage = "(no arguments)",
  .push = sink_push,
};

/* ------------------------------------------------------------------- Tap */

/* Writes every packet that passes to a pcap file (the classic format:
 * 24-byte global header, then a 16-byte header before each packet, written
 * in this machine's byte order, which the magic number tells readers). */
struct tap {
  FILE *f;
  uint32_t snaplen;
  uint64_t written;
};

static int
tap_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct tap *t = calloc(1, sizeof(*t));
  if (!t)
    return -1;
  app->state = t;
  const char *file = sn_args_str(a, "file", NULL);
  t->snaplen = (uint32_t)sn_args_u64(a, "snaplen", 65535);
  if (!file) {
    snprintf(err, errlen, "file= is required");
    return -1;
  }
  if (t->snaplen == 0)
    t->snaplen = 65535;
  t->f = fopen(file, "wb");
  if (!t->f) {
    snprintf(err, errlen, "%s: %s", file, strerror(errno));
    return -1;
  }
  setvbuf(t->f, NULL, _IOFBF, 1 << 20);
  struct {
    uint32_t magic;
    uint16_t major, minor;
    int32_t thiszone;
    uint32_t sigfigs, snaplen, linktype;
  } hdr = { 0xa1b2c3d4, 2, 4, 0, 0, t->snaplen, 1 /* Ethernet */ };
  if (fwrite(&hdr, sizeof(hdr), 1, t->f) != 1 || fflush(t->f) != 0) {
    snprintf(err, errlen, "%s: cannot write", file);
    return -1;
  }
  return 0;
}

static void
tap_push(struct sn_app *app)
{
  struct tap *t = app->state;
  struct sn_link *in = app->input;
  if (!in || sn_link_empty(in))
    return;
  uint64_t ts = app->engine->realtime_ns;
  uint32_t rec[4] = { (uint32_t)(ts / 1000000000ULL),
                      (uint32_t)(ts % 1000000000ULL / 1000), 0, 0 };
  while (!sn_link_empty(in)) {
    struct sn_packet *p = sn_link_receive(in);
    rec[2] = p->length < t->snaplen ? p->length : t->snaplen;
    rec[3] = p->length;
    fwrite(rec, sizeof(rec), 1, t->f);
    fwrite(p->data, 1, rec[2], t->f);
    t->written++;
    if (app->output)
      sn_link_transmit(app->output, p);
    else
      sn_packet_free(p);
  }
  fflush(t->f);
}

static void
tap_report(struct sn_app *app, FILE *f)
{
  struct tap *t = app->state;
  fprintf(f, "captured=%llu", (unsigned long long)t->written);
}

static void
tap_stop(struct sn_app *app)
{
  struct tap *t = app->state;
  if (t && t->f)
    fclose(t->f);
  free_state(app);
}

const struct sn_app_class sn_app_tap = {
  .name = "Tap",
  .usage = "file=PATH snaplen=65535",
  .init = tap_init,
  .push = tap_push,
  .report = tap_report,
  .stop = tap_stop,
};

/* ------------------------------------------------------------------ Loss */

/* Random loss, or the Gilbert-Elliott model: a two-state Markov chain,
 * moving Good->Bad with probability p and Bad->Good with probability r at
 * each packet, losing a packet with probability loss_good in Good and
 * loss_bad in Bad. With loss=L burst=B (and the defaults loss_good=0,
 * loss_bad=1) bursts last B packets on average and a fraction L is lost:
 * r = 1/B and p = L*r/(1-L). */
struct loss {
  int ge;
  double loss;                /* random model */
  double p, r, loss_good, loss_bad;
  int bad;
  uint64_t bursts;            /* Good -> Bad transitions */
};

static int
loss_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct loss *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  app->state = s;
  const char *model = sn_args_str(a, "model", "random");
  s->loss = sn_args_prob(a, "loss", 0);
  double burst = sn_args_double(a, "burst", 0);
  s->p = sn_args_prob(a, "p", -1);
  s->r = sn_args_prob(a, "r", -1);
  s->loss_good = sn_args_prob(a, "loss_good", 0);
  s->loss_bad = sn_args_prob(a, "loss_bad", 1);
  if (!strcasecmp(model, "random")) {
    if (s->p >= 0 || s->r >= 0 || burst > 0) {
      snprintf(err, errlen, "p=, r= and burst= need model=ge");
      return -1;
    }
    return 0;
  }
  if (strcasecmp(model, "ge") && strcasecmp(model, "gilbert-elliott") &&
      strcasecmp(model, "gilbert")) {
    snprintf(err, errlen, "model must be random or ge");
    return -1;
  }
  s->ge = 1;
  if (burst > 0) {
    if (s->p >= 0 || s->r >= 0) {
      snprintf(err, errlen, "give either loss= and burst=, or p= and r=");
      return -1;
    }
    if (burst < 1 || s->loss >= 1) {
      snprintf(err, errlen, "burst must be >= 1 and loss < 100%%");
      return -1;
    }
    s->r = 1.0 / burst;
    s->p = s->loss * s->r / (1.0 - s->loss);
    if (s->p > 1) {
      snprintf(err, errlen, "loss too high for that burst length");
      return -1;
    }
  } else if (s->p < 0 || s->r < 0) {
    snprintf(err, errlen, "model=ge needs p= and r= (or loss= and burst=)");
    return -1;
  }
  return 0;
}

static void
loss_push(struct sn_app *app)
{
  struct loss *s = app->state;
  struct sn_link *in = app->input, *out = app->output;
  if (!in)
    return;
  while (!sn_link_empty(in)) {
    struct sn_packet *p = sn_link_receive(in);
    int lose;
    if (s->ge) {
      if (s->bad) {
        if (sn_rng_chance(&app->rng, s->r))
          s->bad = 0;
      } else if (sn_rng_chance(&app->rng, s->p)) {
        s->bad = 1;
        s->bursts++;
      }
      lose = sn_rng_chance(&app->rng, s->bad ? s->loss_bad : s->loss_good);
    } else {
      lose = sn_rng_chance(&app->rng, s->loss);
    }
    if (lose || !out)
      sn_app_drop(app, p);
    else
      sn_link_transmit(out, p);
  }
}

static void
loss_report(struct sn_app *app, FILE *f)
{
  struct loss *s = app->state;
  if (s->ge)
    fprintf(f, "bursts=%llu state=%s", (unsigned long long)s->bursts,
            s->bad ? "bad" : "good");
}

const struct sn_app_class sn_app_loss = {
  .name = "Loss",
  .usage = "model=random loss=1% | model=ge (loss=1% burst=4 | p= r= "
           "loss_good=0 loss_bad=1)",
  .init = loss_init,
  .push = loss_push,
  .report = loss_report,
  .stop = free_state,
};

/* ------------------------------------------------------------- Duplicate */

struct duplicate {
  double p;
  uint32_t copies;
  uint64_t duplicated;
};

static int
duplicate_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct duplicate *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  app->state = s;
  s->p = sn_args_prob(a, "p", 0);
  s->copies = (uint32_t)sn_args_u64(a, "copies", 1);
  if (s->copies < 1 || s->copies > 64) {
    snprintf(err, errlen, "copies must be 1..64");
    return -1;
  }
  return 0;
}

static void
duplicate_push(struct sn_app *app)
{
  struct duplicate *s = app->state;
  struct sn_link *in = app->input, *out = app->output;
  if (!in)
    return;
  while (!sn_link_empty(in)) {
    struct sn_packet *p = sn_link_receive(in);
    if (!out) {
      sn_app_drop(app, p);
      continue;
    }
    uint32_t n = 0;
    struct sn_packet *copy[64];
    if (sn_rng_chance(&app->rng, s->p)) {
      for (; n < s->copies; n++) {
        if (!(copy[n] = sn_packet_clone(p))) {
          app->drops++;
          break;
        }
      }
    }
    sn_link_transmit(out, p);
    for (uint32_t c = 0; c < n; c++) {
      sn_link_transmit(out, copy[c]);
      s->duplicated++;
    }
  }
}

static void
duplicate_report(struct sn_app *app, FILE *f)
{
  struct duplicate *s = app->state;
  fprintf(f, "duplicated=%llu", (unsigned long long)s->duplicated);
}

const struct sn_app_class sn_app_duplicate = {
  .name = "Duplicate",
  .usage = "p=1% copies=1",
  .init = duplicate_init,
  .push = duplicate_push,
  .report = duplicate_report,
  .stop = free_state,
};

/* --------------------------------------------------------------- Corrupt */

/* Flips one random bit in a chosen fraction of packets, past the first
 * `offset` bytes (by default the Ethernet header is spared). */
struct corrupt {
  double p;
  uint32_t offset;
  uint64_t corrupted;
};

static int
corrupt_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct corrupt *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  app->state = s;
  s->p = sn_args_prob(a, "p", 0);
  s->offset = (uint32_t)sn_args_u64(a, "offset", 14);
  return 0;
}

static void
corrupt_push(struct sn_app *app)
{
  struct corrupt *s = app->state;
  struct sn_link *in = app->input, *out = app->output;
  if (!in)
    return;
  while (!sn_link_empty(in)) {
    struct sn_packet *p = sn_link_receive(in);
    if (p->length > s->offset && sn_rng_chance(&app->rng, s->p)) {
      uint64_t bit = sn_rng_below(&app->rng, (uint64_t)(p->length - s->offset) * 8);
      p->data[s->offset + bit / 8] ^= (uint8_t)(1u << (bit % 8));
      s->corrupted++;
    }
    if (out)
      sn_link_transmit(out, p);
    else
      sn_app_drop(app, p);
  }
}

static void
corrupt_report(struct sn_app *app, FILE *f)
{
  struct corrupt *s = app->state;
  fprintf(f, "corrupted=%llu", (unsigned long long)s->corrupted);
}

const struct sn_app_class sn_app_corrupt = {
  .name = "Corrupt",
  .usage = "p=0.1% offset=14",
  .init = corrupt_init,
  .push = corrupt_push,
  .report = corrupt_report,
  .stop = free_state,
};
