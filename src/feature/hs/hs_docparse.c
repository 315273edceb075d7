#include "orconfig.h"

#include "feature/hs/hs_docparse.h"

#include <string.h>

#define BEGIN_MARK "-----BEGIN "
#define END_MARK "-----END "
#define DASHES "-----"

/* The end (exclusive, before NL) of the line starting at pos. */
static size_t
line_end(const char *doc, size_t len, size_t pos)
{
  const char *nl = memchr(doc + pos, '\n', len - pos);
  return nl ? (size_t)(nl - doc) : len;
}

static size_t
next_line(size_t len, size_t eol)
{
  return eol < len ? eol + 1 : len;
}

static int
has_prefix(const char *s, size_t n, const char *prefix)
{
  size_t pl = strlen(prefix);
  return n >= pl && !memcmp(s, prefix, pl);
}

/* Parse the object starting at *pos; on success fill the object fields of
 * item and move *pos after its END line. */
static int
read_object(const char *doc, size_t len, size_t *pos, hs_doc_item_t *item)
{
  size_t eol = line_end(doc, len, *pos), p;
  const char *line = doc + *pos, *tag;
  size_t line_len = eol - *pos, tag_len;

  /* "-----BEGIN TAG-----" */
  if (line_len < strlen(BEGIN_MARK) + strlen(DASHES) + 1 ||
      memcmp(line + line_len - strlen(DASHES), DASHES, strlen(DASHES)))
    return -1;
  tag = line + strlen(BEGIN_MARK);
  tag_len = line_len - strlen(BEGIN_MARK) - strlen(DASHES);
  for (p = next_line(len, eol); p < len; p = next_line(len, eol)) {
    const char *l = doc + p;
    eol = line_end(doc, len, p);
    if (has_prefix(l, eol - p, END_MARK)) {
      const char *etag = l + strlen(END_MARK);
      size_t rest = eol - p - strlen(END_MARK);
      if (rest != tag_len + strlen(DASHES) || memcmp(etag, tag, tag_len) ||
          memcmp(etag + tag_len, DASHES, strlen(DASHES)))
        return -1;
      item->obj = line;
      item->obj_len = (size_t)(doc + eol - line);
      item->obj_tag = tag;
      item->obj_tag_len = tag_len;
      *pos = next_line(len, eol);
      return 0;
    }
  }
  return -1;
}

int
hs_doc_next(const char *doc, size_t len, size_t *pos, hs_doc_item_t *item)
{
  size_t eol, p;

  memset(item, 0, sizeof(*item));
  if (*pos >= len || doc[*pos] == '\0')
    return 0;
  eol = line_end(doc, len, *pos);
  if (memchr(doc + *pos, '\0', eol - *pos))
    return -1;
  item->start = *pos;
  item->kw = doc + *pos;
  for (p = *pos; p < eol && doc[p] != ' ' && doc[p] != '\t'; p++)
    ;
  item->kw_len = p - *pos;
  if (item->kw_len == 0 || has_prefix(item->kw, item->kw_len, DASHES))
    return -1;
  while (p < eol) {
    size_t a;
    while (p < eol && (doc[p] == ' ' || doc[p] == '\t'))
      p++;
    if (p == eol)
      break;
    if (item->n_args == HS_DOC_MAX_ARGS)
      return -1;
    for (a = p; p < eol && doc[p] != ' ' && doc[p] != '\t'; p++)
      ;
    item->args[item->n_args] = doc + a;
    item->arg_lens[item->n_args++] = p - a;
  }
  *pos = next_line(len, eol);
  if (*pos < len && has_prefix(doc + *pos, len - *pos, BEGIN_MARK))
    return read_object(doc, len, pos, item) < 0 ? -1 : 1;
  return 1;
}

int
hs_doc_kw_is(const hs_doc_item_t *item, const char *kw)
{
  return item->kw_len == strlen(kw) && !memcmp(item->kw, kw, item->kw_len);
}

int
hs_doc_obj_is(const hs_doc_item_t *item, const char *tag)
{
  return item->obj && item->obj_tag_len == strlen(tag) &&
         !memcmp(item->obj_tag, tag, item->obj_tag_len);
}
