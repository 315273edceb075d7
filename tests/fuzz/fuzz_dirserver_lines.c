/* Fuzz target: DirAuthority and FallbackDir lines (the first input byte
 * chooses the parser; the rest, NUL-terminated, is the line).
 * FUZZ_EXTRA_SOURCES: src/feature/nodelist/dirauth_line.c src/feature/nodelist/fallbackdir_line.c
 */
#include "orconfig.h"
#include "feature/nodelist/dirauth_line.h"
#include "feature/nodelist/fallbackdir_line.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > 2048)
    return 0;
  char *line = malloc(size);
  if (!line)
    return 0;
  memcpy(line, data + 1, size - 1);
  line[size - 1] = '\0';
  char warn[256], err[256];
  if (data[0] & 1) {
    dir_authority_t a;
    dir_authority_line_parse(line, &a, err, sizeof(err));
  } else {
    fallback_dir_t f;
    fallback_dir_line_parse(line, &f, warn, sizeof(warn), err, sizeof(err));
  }
  free(line);
  return 0;
}
