/* The control protocol's framing and syntax (control-spec.txt §2), with no
 * knowledge of what commands mean:
 *  - control_read_command() finds one whole command at the start of a
 *    connection's input: "Keyword [args]" ending in LF (a CR before it is
 *    dropped), or a data command "+Keyword [args]" followed by lines up to
 *    a line holding a single ".", whose body is returned dot-unstuffed
 *    with LF line ends. Nothing is allocated until a command is complete.
 *  - control_args_parse() splits a command's arguments into positional
 *    words and Key=Value pairs; values may be QuotedStrings (§2.1.1, C
 *    escapes), which are unescaped.
 *  - control_write_*() append replies to an evbuffer in the wire form
 *    (§2.3): "250-" mid lines, "250 " end lines, "250+" data blocks with
 *    CRLF line ends and dot-stuffing, and quoted strings escaped.
 * Every parser takes (pointer, length), checks lengths before use, and is
 * a fuzz target (tests/fuzz/fuzz_control.c). */
#ifndef TOR_CORE_PROTO_PROTO_CONTROL_H
#define TOR_CORE_PROTO_PROTO_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/* Longest keyword we keep (longer ones are an error: no command is longer). */
#define CONTROL_MAX_KEYWORD 64

typedef enum {
  CONTROL_READ_NEED_MORE = 0, /* no complete command yet; *consumed is 0 */
  CONTROL_READ_COMMAND,       /* *out holds one command; drop *consumed bytes */
  CONTROL_READ_TOO_LONG,      /* max_len bytes and no complete command */
  CONTROL_READ_BAD,           /* not a command (NUL byte, keyword too long) */
} control_read_status_t;

/* One command, owned by the caller once returned: free with
 * control_cmd_clear(). */
typedef struct control_cmd_t {
  char keyword[CONTROL_MAX_KEYWORD + 1]; /* as sent, without a leading '+' */
  int is_data;          /* it was a "+Keyword" data command */
  char *args;           /* the rest of the first line after the keyword and
                         * the spaces that follow it, NUL-terminated, without
                         * CR LF ("" if none); never NULL after COMMAND */
  size_t args_len;
  char *body;           /* data commands: the body, dot-unstuffed, each line
                         * ending in LF, NUL-terminated; NULL otherwise */
  size_t body_len;
} control_cmd_t;

/* Looks for one complete command at data[0..len). A command (first line
 * and, for data commands, the body with its end line) longer than max_len
 * bytes gives CONTROL_READ_TOO_LONG as soon as max_len bytes are there
 * without its end; the caller should answer and close. On BAD or TOO_LONG
 * *err names the reason (a static string: "NUL byte in command", "NUL byte
 * in command data", "Keyword too long", "Command too long", "Out of
 * memory").
 *  - The keyword is every byte up to the first space or the line end, with
 *    no check of its characters; longer than CONTROL_MAX_KEYWORD is BAD.
 *    A CR is dropped only right before the LF (a bare CR elsewhere is kept).
 *  - An empty line (or one starting with a space) is a COMMAND with keyword
 *    "" (and args ""/the rest): real tor answers it with
 *    510 Unrecognized command "", so the caller does too. "+" alone is a
 *    data command with keyword "".
 *  - Body lines: one leading '.' is removed from any line starting with '.'
 *    (so ".." -> "."), CRLF or LF line ends become LF; the line that is
 *    exactly "." (before CRLF or LF) ends the body and is not part of it.
 *    An empty body gives body "" (body_len 0).
 *  - BAD and TOO_LONG are decided only from complete lines within the
 *    first max_len bytes, so every proper prefix of a good command gives
 *    NEED_MORE.
 * *consumed is 0 unless COMMAND is returned; *out is zeroed first and left
 * empty on every result but COMMAND (control_cmd_clear is always safe). */
control_read_status_t control_read_command(const uint8_t *data, size_t len,
                                           size_t max_len, control_cmd_t *out,
                                           size_t *consumed, const char **err);
void control_cmd_clear(control_cmd_t *cmd);

/* ---- arguments ---- */

typedef struct control_arg_t {
  char *key;     /* NULL for a positional argument */
  char *value;   /* NUL-terminated, unescaped if it was quoted ("" for
                  * "Key=" with nothing after it) */
  size_t value_len; /* may hold NUL bytes when quoted with \0 escapes */
  int quoted;    /* the value was a QuotedString */
} control_arg_t;

typedef struct control_args_t {
  int n;
  control_arg_t *args;  /* n entries, in order (may be NULL when n is 0) */
} control_args_t;

/* Flags for control_args_parse. */
#define CONTROL_ARGS_KV 1u    /* Key=Value splits at the first '=' of a word
                               * (without it every word is positional, '='
                               * and all, as in GETINFO). A word starting
                               * with '=' or '"' stays positional. Note that
                               * a positional word holding '=' (base64
                               * padding in an ADD_ONION key blob) comes back
                               * split: rejoin key "=" value if needed. */
/* Splits s[0..len) at runs of spaces (only ' ' separates; leading and
 * trailing spaces are ignored). A word that starts with '"' is a
 * QuotedString up to its closing '"' (spaces inside are kept); with
 * CONTROL_ARGS_KV a value right after "Key=" may be quoted too. A closing
 * quote must be followed by a space or the end ("Quoted string not
 * followed by space"). An empty or all-space s gives n 0. Returns a new
 * control_args_t (free with control_args_free), or NULL with the reason
 * in *err (a static string: "Unterminated quoted string", "Quoted string
 * not followed by space", "Too many arguments", "Out of memory"). At most
 * 1024 arguments. */
control_args_t *control_args_parse(const char *s, size_t len, unsigned flags,
                                   const char **err);
void control_args_free(control_args_t *args);
/* The value of the first argument whose key matches (case-insensitively),
 * or NULL. */
const control_arg_t *control_args_get(const control_args_t *args,
                                     const char *key);

/* Unescapes one QuotedString at s[0..len) (s[0] must be '"'): writes the
 * value into a new NUL-terminated string *out (caller frees) with its
 * length in *out_len, and returns the bytes of s it used (through the
 * closing quote, whatever follows it), or -1 (with *out NULL) if s does not
 * start with '"', has no closing '"', or ends in a lone backslash.
 * Escapes (§2.1.1's compatible reading): \n \r \t; \ooo with 1 to 3 octal
 * digits, as many as keep the value <= 0377; \xHH with exactly two hex
 * digits (else "x"); a backslash before any other byte stands for that
 * byte (so \" and \\). */
long control_unquote(const char *s, size_t len, char **out, size_t *out_len);

/* ---- replies ---- */

/* "CODE-text\r\n" (more lines follow) or "CODE text\r\n" (the last one).
 * CR and LF in text are replaced by spaces; NULL text is "". */
void control_write_mid(struct evbuffer *out, int code, const char *text);
void control_write_end(struct evbuffer *out, int code, const char *text);
/* printf-style variants. */
void control_write_midf(struct evbuffer *out, int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void control_write_endf(struct evbuffer *out, int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* A data block: "CODE+head\r\n", then data[0..len) with every line ending
 * in CRLF (LF or CRLF in data both become CRLF; a last line without a line
 * end gets one), lines starting with '.' doubled, then ".\r\n". CR or LF
 * in head become spaces. data should hold no NUL (the reader refuses it).
 * An empty data gives "CODE+head\r\n.\r\n". */
void control_write_data(struct evbuffer *out, int code, const char *head,
                        const char *data, size_t len);
/* Appends s[0..len) as a QuotedString: '"', the bytes with '"', '\\', CR,
 * LF and TAB escaped as \" \\ \r \n \t and other bytes below 0x20 or
 * 0x7f and above as \ooo (three octal digits), then '"'. */
void control_write_quoted(struct evbuffer *out, const char *s, size_t len);
/* The same into a new NUL-terminated string (caller frees); NULL if out of
 * memory. */
char *control_quote(const char *s, size_t len);

#endif
