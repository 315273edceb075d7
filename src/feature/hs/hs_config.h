/* Onion services as the torrc describes them: each HiddenServiceDir line
 * starts a service, and the HiddenService* lines after it configure it:
 *   HiddenServicePort VIRTPORT [TARGET]       TCP ADDR:PORT, PORT, or unix:PATH
 *   HiddenServiceBulkSource VIRTPORT [Pattern=zero|random|sequence]
 *                          [Bytes=SIZE] [Rate=SIZE]   bytes made in the daemon
 *   HiddenServiceBulkSink VIRTPORT             reads and discards
 *   HiddenServiceVersion 3
 *   HiddenServiceNumIntroductionPoints N      1..20, default 3
 *   HiddenServiceMaxStreams N                 per rendezvous circuit, 0..65535
 *   HiddenServiceMaxStreamsCloseCircuit 0|1   over the limit: close the circuit
 *   HiddenServiceOnionBalanceInstance 0|1     an OnionBalance instance: the
 *                          masters come from ob_config in the directory,
 *                          read here (hs_ob_config.h)
 *   HiddenServiceOnionBalanceFrontend 0|1     the built-in frontend: the
 *                          descriptor lists the backends' intro points
 *                          (hs_ob_frontend.h); no ports of its own
 *   HiddenServiceOnionBalanceBackend ADDR.onion   one per backend
 *   HiddenServiceNumWorkers N|auto             1..16, default 1; more: the
 *                          service runs in N worker processes, each an
 *                          OnionBalance instance, and this daemon fronts
 *                          them (app/main/hs_workers.h); auto = the cores
 * Sizes take tor's memory units ("1 GB", "10 MBytes"); Rate is per second
 * and per stream. A virtual port may be served once per service. */
#ifndef TOR_FEATURE_HS_HS_CONFIG_H
#define TOR_FEATURE_HS_HS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/conf/confline.h"
#include "feature/hs/hs_ob_config.h"

typedef enum {
  HS_PORT_TCP,
  HS_PORT_UNIX,
  HS_PORT_BULK_SOURCE,
  HS_PORT_BULK_SINK,
} hs_port_kind_t;

typedef enum {
  HS_PATTERN_ZERO = 0,
  HS_PATTERN_RANDOM,
  HS_PATTERN_SEQUENCE,
} hs_bulk_pattern_t;

typedef struct hs_port_config_t {
  uint16_t virtual_port;
  hs_port_kind_t kind;
  char target_address[64];     /* TCP */
  uint16_t target_port;        /* TCP */
  char unix_path[256];         /* UNIX */
  hs_bulk_pattern_t pattern;   /* BULK_SOURCE */
  uint64_t bytes;              /* BULK_SOURCE: 0 = until the client closes */
  uint64_t rate;               /* BULK_SOURCE: bytes/s per stream, 0 = no cap */
} hs_port_config_t;

#define HS_CONFIG_MAX_PORTS 64
#define HS_CONFIG_MAX_SERVICES 16

#define HS_CONFIG_DEFAULT_INTRO_POINTS 3
#define HS_CONFIG_MAX_INTRO_POINTS 20

typedef struct hs_service_config_t {
  char dir[4096];
  int num_intro_points;        /* HiddenServiceNumIntroductionPoints */
  int max_streams;             /* HiddenServiceMaxStreams, 0 = no limit */
  int max_streams_close_circuit; /* HiddenServiceMaxStreamsCloseCircuit */
  hs_port_config_t ports[HS_CONFIG_MAX_PORTS];
  int n_ports;
  int ob_instance;             /* HiddenServiceOnionBalanceInstance */
  uint8_t ob_masters[HS_OB_MAX_MASTERS][32];  /* from ob_config */
  int n_ob_masters;
  int ob_frontend;             /* HiddenServiceOnionBalanceFrontend */
  char ob_backends[HS_OB_MAX_BACKENDS][57]; /* HiddenServiceOnionBalanceBackend */
  int n_ob_backends;
  int num_workers;             /* HiddenServiceNumWorkers: 1 = no workers */
} hs_service_config_t;

#define HS_CONFIG_MAX_WORKERS HS_OB_MAX_BACKENDS

/* Parses the HiddenService* lines (in order, keys as the options table
 * names them) into services. Returns the number of services, or -1 with a
 * message naming the file, line and option in err. */
int hs_config_parse(const config_line_t *lines, hs_service_config_t *out, int max_services,
                    char *err, size_t errlen);

/* The port config serving virtual port, or NULL. */
const hs_port_config_t *hs_config_find_port(const hs_service_config_t *svc, uint16_t port);

#endif
