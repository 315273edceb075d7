#include "orconfig.h"

#include "feature/hs/hs_docparse.h"

#include <string.h>

#define BEGIN_MARK "-----BEGIN "
#define END_MARK "-----END "
#define DASHES "-----"

/* The end (exclusive) of the line starting at pos: its NL, or a NUL (the
 * padding of a decrypted layer may follow the last line directly), or the
 * end of the document. */
static size_t
line_end(const char *doc, size_t len, size_t pos)
{
  while (pos < len && doc[pos] != '\n' && doc[pos] != '\0')
    pos++;
  return pos;
}

/* The start of the line after the one ending at eol; a NUL stays put, so
 * that hs_doc_next stops there. */
static size_t
next_line(const char *doc, size_t len, size_t eol)
{
  return eol < len && doc[eol] == '\n' ? eol + 1 : eol;
}

static int
has_prefix(const char *s, size_t n, const char *prefix)
{
  size_t pl = strlen(prefix);
  return n >= pl && !memcmp(s, prefix, pl);
}

/* The length of the well-formed UTF-8 sequence at s[0..n) (s[0] >= 0x80),
 * or 0: no overlong forms, surrogates or code points above U+10FFFF. */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
  size_t want, i;
  unsigned lo = 0x80, hi = 0xBF;

  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    want = 2;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    want = 3;
    if (s[0] == 0xE0)
      lo = 0xA0;
    else if (s[0] == 0xED)
      hi = 0x9F;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    want = 4;
    if (s[0] == 0xF0)
      lo = 0x90;
    else if (s[0] == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (n < want || s[1] < lo || s[1] > hi)
    return 0;
  for (i = 2; i < want; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return want;
}

/* NULL if doc[start..end) is an acceptable line, else why not. */
static const char *
check_line(const char *doc, size_t start, size_t end)
{
  const unsigned char *s = (const unsigned char *)doc;
  size_t i = start;

  while (i < end) {
    unsigned char c = s[i];
    if (c == '\0')
      return "NUL byte";
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return "control character";
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n = utf8_seq_len(s + i, end - i);
    if (!n)
      return "byte sequence that is not UTF-8";
    i += n;
  }
  return NULL;
}

static int
fail(hs_doc_item_t *item, size_t at, const char *why)
{
  item->error = why;
  item->error_at = at;
  return -1;
}

/* Parse the object starting at *pos; on success fill the object fields of
 * item and move *pos after its END line. */
static int
read_object(const char *doc, size_t len, size_t *pos, hs_doc_item_t *item)
{
  size_t eol = line_end(doc, len, *pos), p;
  const char *line = doc + *pos, *tag, *why;
  size_t line_len = eol - *pos, tag_len;

  /* "-----BEGIN TAG-----" */
  if ((why = check_line(doc, *pos, eol)) != NULL)
    return fail(item, *pos, why);
  if (line_len < strlen(BEGIN_MARK) + strlen(DASHES) + 1 ||
      memcmp(line + line_len - strlen(DASHES), DASHES, strlen(DASHES)))
    return fail(item, *pos, "malformed BEGIN line");
  tag = line + strlen(BEGIN_MARK);
  tag_len = line_len - strlen(BEGIN_MARK) - strlen(DASHES);
  for (p = next_line(doc, len, eol); p < len && doc[p] != '\0';
       p = next_line(doc, len, eol)) {
    const char *l = doc + p;
    eol = line_end(doc, len, p);
    if ((why = check_line(doc, p, eol)) != NULL)
      return fail(item, p, why);
    if (has_prefix(l, eol - p, END_MARK)) {
      const char *etag = l + strlen(END_MARK);
      size_t rest = eol - p - strlen(END_MARK);
      if (rest != tag_len + strlen(DASHES) || memcmp(etag, tag, tag_len) ||
          memcmp(etag + tag_len, DASHES, strlen(DASHES)))
        return fail(item, p, "END line does not match the BEGIN line");
      item->obj = line;
      item->obj_len = (size_t)(doc + eol - line);
      item->obj_tag = tag;
      item->obj_tag_len = tag_len;
      *pos = next_line(doc, len, eol);
      return 0;
    }
  }
  return fail(item, (size_t)(line - doc), "object without an END line");
}

static int
is_keyword_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-';
}

int
hs_doc_next(const char *doc, size_t len, size_t *pos, hs_doc_item_t *item)
{
  size_t eol, p;
  const char *why;

  memset(item, 0, sizeof(*item));
  while (*pos < len && doc[*pos] == '\n')
    (*pos)++;               /* empty lines */
  if (*pos >= len || doc[*pos] == '\0')
    return 0;
  eol = line_end(doc, len, *pos);
  if ((why = check_line(doc, *pos, eol)) != NULL)
    return fail(item, *pos, why);
  item->start = *pos;
  item->kw = doc + *pos;
  for (p = *pos; p < eol && doc[p] != ' ' && doc[p] != '\t'; p++)
    if (!is_keyword_char(doc[p]))
      return fail(item, *pos, "keyword with a character outside "
                              "[A-Za-z0-9-]");
  item->kw_len = p - *pos;
  if (item->kw_len == 0 || item->kw[0] == '-')
    return fail(item, *pos, "line does not start with a keyword");
  while (p < eol) {
    size_t a;
    while (p < eol && (doc[p] == ' ' || doc[p] == '\t'))
      p++;
    if (p == eol)
      break;
    for (a = p; p < eol && doc[p] != ' ' && doc[p] != '\t'; p++)
      ;
    if (item->n_args == HS_DOC_MAX_ARGS) {
      item->args_dropped = 1;
      continue;
    }
    item->args[item->n_args] = doc + a;
    item->arg_lens[item->n_args++] = p - a;
  }
  *pos = next_line(doc, len, eol);
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

size_t
hs_doc_line_of(const char *doc, size_t off)
{
  size_t line = 1;
  for (size_t i = 0; i < off; i++)
    if (doc[i] == '\n')
      line++;
  return line;
}
