/* Value parsers for torrc option types, with tor's spellings:
 *   boolean: 0 or 1;  autobool: 0, 1 or auto
 *   interval: "30", "30 seconds", "2 hours", "1 week"... (to seconds)
 *   msec interval: "500 msec", "2 seconds"... (to milliseconds)
 *   memunit: "500 KBytes", "1 GB", "8 mbits"... (to bytes)
 * Units are case-insensitive and may follow the number with or without a
 * space. Each returns 0 and writes *out, or -1 with a reason in err. */
#ifndef TOR_LIB_CONF_CONFTYPES_H
#define TOR_LIB_CONF_CONFTYPES_H

#include <stddef.h>
#include <stdint.h>

int conf_parse_bool(const char *value, int *out, char *err, size_t errlen);
/* *out is -1 for "auto". */
int conf_parse_autobool(const char *value, int *out, char *err, size_t errlen);
int conf_parse_int(const char *value, long long min, long long max,
                   long long *out, char *err, size_t errlen);
int conf_parse_double(const char *value, double min, double max,
                      double *out, char *err, size_t errlen);
int conf_parse_interval(const char *value, int *seconds_out, char *err, size_t errlen);
int conf_parse_msec_interval(const char *value, int *msec_out, char *err, size_t errlen);
int conf_parse_memunit(const char *value, uint64_t *bytes_out, char *err, size_t errlen);

#endif
