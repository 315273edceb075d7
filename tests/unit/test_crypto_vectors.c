/* Vector-file helpers for the crypto tests: see test_crypto_vectors.h. */
#include "orconfig.h"
#include "tests/unit/test_crypto_vectors.h"
#include "tests/unit/unittest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_MAX_ENTRIES 256

struct vec_entry {
  int rec;
  char name[32];
  uint8_t *data;
  size_t len;
};

struct vecfile_t {
  struct vec_entry e[VEC_MAX_ENTRIES];
  int n;
  int n_records;
};

static int
hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t
ut_unhex(uint8_t *out, size_t cap, const char *hex)
{
  size_t n = strlen(hex);
  if (n % 2 || n / 2 > cap)
    unittest_fail(__FILE__, __LINE__, "bad test hex (len %zu)", n);
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      unittest_fail(__FILE__, __LINE__, "bad test hex digit");
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return n / 2;
}

uint8_t *
ut_read_srcfile(const char *relpath, size_t *len_out)
{
  const char *path = unittest_srcpath(relpath);
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  long n;
  if (!f)
    unittest_fail(__FILE__, __LINE__, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    unittest_fail(__FILE__, __LINE__, "cannot read %s", path);
  }
  fclose(f);
  buf[n] = 0;
  *len_out = (size_t)n;
  return buf;
}

vecfile_t *
vecfile_load(const char *relpath)
{
  size_t len;
  char *text = (char *)ut_read_srcfile(relpath, &len);
  vecfile_t *vf = calloc(1, sizeof(*vf));
  int rec = -1, in_record = 0;
  if (!vf)
    unittest_fail(__FILE__, __LINE__, "out of memory");
  /* strtok_r would merge blank lines; walk line by line instead. */
  for (char *line = text; line && *line; ) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (line[0] == '\0') {
      in_record = 0;
    } else if (line[0] != '#') {
      char *eq = strstr(line, " = ");
      struct vec_entry *e;
      size_t hexlen;
      if (!eq || vf->n == VEC_MAX_ENTRIES)
        unittest_fail(__FILE__, __LINE__, "bad vector line in %s", relpath);
      if (!in_record) {
        in_record = 1;
        rec++;
      }
      e = &vf->e[vf->n++];
      *eq = '\0';
      snprintf(e->name, sizeof(e->name), "%s", line);
      hexlen = strlen(eq + 3);
      e->rec = rec;
      e->data = malloc(hexlen / 2 + 1);
      e->len = ut_unhex(e->data, hexlen / 2 + 1, eq + 3);
    }
    line = nl ? nl + 1 : NULL;
  }
  vf->n_records = rec + 1;
  free(text);
  return vf;
}

void
vecfile_free(vecfile_t *vf)
{
  if (!vf)
    return;
  for (int i = 0; i < vf->n; i++)
    free(vf->e[i].data);
  free(vf);
}

int
vecfile_n_records(const vecfile_t *vf)
{
  return vf->n_records;
}

const uint8_t *
vecfile_get(const vecfile_t *vf, int rec, const char *name, size_t *len_out)
{
  for (int i = 0; i < vf->n; i++) {
    if (vf->e[i].rec == rec && !strcmp(vf->e[i].name, name)) {
      if (len_out)
        *len_out = vf->e[i].len;
      return vf->e[i].data;
    }
  }
  unittest_fail(__FILE__, __LINE__, "no field %s in record %d", name, rec);
}
