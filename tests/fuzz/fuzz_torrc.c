/* Fuzz target: the torrc lexer and the option value parsers. */
#include "orconfig.h"
#include "lib/conf/confline.h"
#include "lib/conf/conftypes.h"
#include "lib/conf/portspec.h"
#include "lib/log/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  config_line_t *lines = NULL;
  char err[512];
  log_set_startup_severity(-1);
  /* The lexer takes (pointer, length): no NUL terminator is promised. */
  char *copy = malloc(size ? size : 1);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  if (config_lines_parse(copy, size, "fuzz", &lines, err, sizeof(err)) == 0) {
    for (const config_line_t *l = lines; l; l = l->next) {
      int i;
      uint64_t u;
      long long ll;
      double d;
      port_spec_t spec;
      log_sink_spec_t sink;
      conf_parse_bool(l->value, &i, err, sizeof(err));
      conf_parse_autobool(l->value, &i, err, sizeof(err));
      conf_parse_int(l->value, -5, 5000, &ll, err, sizeof(err));
      conf_parse_double(l->value, -1, 1, &d, err, sizeof(err));
      conf_parse_interval(l->value, &i, err, sizeof(err));
      conf_parse_msec_interval(l->value, &i, err, sizeof(err));
      conf_parse_memunit(l->value, &u, err, sizeof(err));
      port_spec_parse("SocksPort", l->value, "127.0.0.1", PORTFLAGS_SOCKS_ALLOWED,
                      PORTFLAGS_SOCKS_DEFAULT, &spec, err, sizeof(err));
      if (log_sink_spec_parse(l->value, &sink, err, sizeof(err)) == 0)
        free(sink.path);
    }
  }
  config_lines_free(lines);
  free(copy);
  return 0;
}
