/* tor-bulkperf: results in SQLite, so that runs accumulate, and the report
 * table over them. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct bp_db {
  sqlite3 *h;
};

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  "CREATE TABLE IF NOT EXISTS runs ("
  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
  " started REAL NOT NULL,"          /* seconds since the epoch */
  " mode TEXT NOT NULL,"
  " target TEXT, socks TEXT,"
  " streams INTEGER, circuits INTEGER,"
  " duration REAL, interval REAL, verify TEXT,"
  " command TEXT,"
  " elapsed REAL, bytes INTEGER,"
  " mean_mbps REAL, median_mbps REAL, p10_mbps REAL, p90_mbps REAL,"
  " stall_seconds INTEGER, cpu_s_per_gb REAL,"
  " result TEXT);"
  "CREATE TABLE IF NOT EXISTS intervals ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " t_begin REAL, t_end REAL, bytes INTEGER, mbps REAL,"
  " streams_alive INTEGER, circuit_mbps TEXT);"
  "CREATE TABLE IF NOT EXISTS streams ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " stream INTEGER, circuit INTEGER, ttfb REAL, bytes INTEGER, error TEXT);"
  "CREATE TABLE IF NOT EXISTS transfers ("
  " run_id INTEGER NOT NULL REFERENCES runs(id),"
  " source TEXT, filesize INTEGER,"
  " start REAL, socket REAL, connect REAL, negotiate REAL, request REAL,"
  " response REAL, datarequest REAL, dataresponse REAL,"
  " dataperc10 REAL, dataperc20 REAL, dataperc30 REAL, dataperc40 REAL,"
  " dataperc50 REAL, dataperc60 REAL, dataperc70 REAL, dataperc80 REAL,"
  " dataperc90 REAL, datacomplete REAL,"
  " readbytes INTEGER, writebytes INTEGER, didtimeout INTEGER, error TEXT);";

bp_db_t *
bp_db_open(const char *path, char *err, size_t errlen)
{
  bp_db_t *db = calloc(1, sizeof(*db));
  if (!db)
    return NULL;
  if (sqlite3_open(path, &db->h) != SQLITE_OK) {
    snprintf(err, errlen, "cannot open database %s: %s", path,
             db->h ? sqlite3_errmsg(db->h) : "out of memory");
    sqlite3_close(db->h);
    free(db);
    return NULL;
  }
  sqlite3_busy_timeout(db->h, 5000);
  char *msg = NULL;
  if (sqlite3_exec(db->h, schema, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "cannot set up database %s: %s", path,
             msg ? msg : "error");
    sqlite3_free(msg);
    sqlite3_close(db->h);
    free(db);
    return NULL;
  }
  return db;
}

void
bp_db_close(bp_db_t *db)
{
  if (!db)
    return;
  sqlite3_close(db->h);
  free(db);
}

static const char *
verify_name(int v)
{
  return v == BP_VERIFY_SEQUENCE ? "sequence" : v == BP_VERIFY_ZERO ? "zero"
         : "none";
}

int64_t
bp_db_run_begin(bp_db_t *db, const bp_opts_t *o, const char *mode)
{
  sqlite3_stmt *st;
  char target[300], socks[300];
  snprintf(target, sizeof(target), "%s:%u", o->target_host, o->target_port);
  if (o->socks_none)
    snprintf(socks, sizeof(socks), "none");
  else
    snprintf(socks, sizeof(socks), "%s:%u", o->socks_host, o->socks_port);
  if (sqlite3_prepare_v2(db->h,
        "INSERT INTO runs (started, mode, target, socks, streams, circuits,"
        " duration, interval, verify, command, result)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,'running')", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_double(st, 1, (double)bp_wall_usec() / 1e6);
  sqlite3_bind_text(st, 2, mode, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, socks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 5, o->streams);
  sqlite3_bind_int(st, 6, o->circuits);
  sqlite3_bind_double(st, 7, o->duration);
  sqlite3_bind_double(st, 8, o->interval);
  sqlite3_bind_text(st, 9, verify_name(o->verify), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 10, o->cmdline, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return -1;
  return sqlite3_last_insert_rowid(db->h);
}

void
bp_db_interval(bp_db_t *db, int64_t run, const bp_interval_t *iv)
{
  sqlite3_stmt *st;
  char circ[4096];
  size_t n = 0;
  circ[0] = '\0';
  for (int c = 0; c < iv->ncircuits && n + 32 < sizeof(circ); c++) {
    int w = snprintf(circ + n, sizeof(circ) - n, "%s%.3f", c ? "," : "",
                     iv->circ_mbps[c]);
    if (w > 0)
      n += (size_t)w;
  }
  if (sqlite3_prepare_v2(db->h,
        "INSERT INTO intervals VALUES (?,?,?,?,?,?,?)", -1, &st, NULL)
      != SQLITE_OK)
    return;
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_double(st, 2, iv->t_begin);
  sqlite3_bind_double(st, 3, iv->t_end);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)iv->bytes);
  sqlite3_bind_double(st, 5, iv->mbps);
  sqlite3_bind_int(st, 6, iv->streams_alive);
  sqlite3_bind_text(st, 7, circ, -1, SQLITE_TRANSIENT);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

void
bp_db_stream(bp_db_t *db, int64_t run, int stream, int circuit, double ttfb,
             uint64_t bytes, const char *error)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->h, "INSERT INTO streams VALUES (?,?,?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_int(st, 2, stream);
  sqlite3_bind_int(st, 3, circuit);
  if (ttfb >= 0)
    sqlite3_bind_double(st, 4, ttfb);
  else
    sqlite3_bind_null(st, 4);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)bytes);
  if (error && *error)
    sqlite3_bind_text(st, 6, error, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

static void
bind_ts(sqlite3_stmt *st, int i, int64_t usec)
{
  if (usec > 0)
    sqlite3_bind_double(st, i, (double)usec / 1e6);
  else
    sqlite3_bind_null(st, i);
}

void
bp_db_transfer(bp_db_t *db, int64_t run, const bp_transfer_t *t)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->h,
        "INSERT INTO transfers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
    return;
  int i = 1;
  sqlite3_bind_int64(st, i++, run);
  sqlite3_bind_text(st, i++, t->source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, i++, (sqlite3_int64)t->filesize);
  bind_ts(st, i++, t->start);
  bind_ts(st, i++, t->socket);
  bind_ts(st, i++, t->connect);
  bind_ts(st, i++, t->negotiate);
  bind_ts(st, i++, t->request);
  bind_ts(st, i++, t->response);
  bind_ts(st, i++, t->datarequest);
  bind_ts(st, i++, t->dataresponse);
  for (int p = 0; p < BP_NPERC; p++)
    bind_ts(st, i++, t->dataperc[p]);
  bind_ts(st, i++, t->datacomplete);
  sqlite3_bind_int64(st, i++, (sqlite3_int64)t->readbytes);
  sqlite3_bind_int64(st, i++, (sqlite3_int64)t->writebytes);
  sqlite3_bind_int(st, i++, t->didtimeout);
  if (t->error[0])
    sqlite3_bind_text(st, i++, t->error, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i++);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

void
bp_db_run_end(bp_db_t *db, int64_t run, const bp_summary_t *s,
              double cpu_per_gb, const char *result)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->h,
        "UPDATE runs SET elapsed=?, bytes=?, mean_mbps=?, median_mbps=?,"
        " p10_mbps=?, p90_mbps=?, stall_seconds=?, cpu_s_per_gb=?, result=?"
        " WHERE id=?", -1, &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_double(st, 1, s->elapsed);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)s->bytes);
  sqlite3_bind_double(st, 3, s->mean_mbps);
  sqlite3_bind_double(st, 4, s->median_mbps);
  sqlite3_bind_double(st, 5, s->p10_mbps);
  sqlite3_bind_double(st, 6, s->p90_mbps);
  sqlite3_bind_int(st, 7, s->stall_seconds);
  if (cpu_per_gb >= 0)
    sqlite3_bind_double(st, 8, cpu_per_gb);
  else
    sqlite3_bind_null(st, 8);
  sqlite3_bind_text(st, 9, result, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 10, run);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "-";
}

int
bp_db_report(const char *path, int run_id, FILE *out, char *err,
             size_t errlen)
{
  sqlite3 *h;
  if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot open database %s: %s", path,
             h ? sqlite3_errmsg(h) : "out of memory");
    sqlite3_close(h);
    return -1;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(h,
        "SELECT id, datetime(started,'unixepoch'), mode, target, streams,"
        " circuits, elapsed, bytes, mean_mbps, median_mbps, p10_mbps,"
        " p90_mbps, stall_seconds, cpu_s_per_gb, result"
        " FROM runs WHERE (?1 = 0 OR id = ?1) ORDER BY id", -1, &st, NULL)
      != SQLITE_OK) {
    snprintf(err, errlen, "%s is not a tor-bulkperf database: %s", path,
             sqlite3_errmsg(h));
    sqlite3_close(h);
    return -1;
  }
  sqlite3_bind_int(st, 1, run_id);
  fprintf(out, "%4s %-19s %-8s %-28s %7s %8s %12s %9s %9s %9s %9s %6s %8s "
          "%s\n", "run", "started (UTC)", "mode", "target", "str/circ",
          "seconds", "bytes", "mean", "median", "p10", "p90", "stalls",
          "cpu s/GB", "result");
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    char sc[32], tgt[29];
    snprintf(sc, sizeof(sc), "%d/%d", sqlite3_column_int(st, 4),
             sqlite3_column_int(st, 5));
    snprintf(tgt, sizeof(tgt), "%s", col_text(st, 3));
    fprintf(out, "%4d %-19s %-8s %-28s %7s %8.1f %12lld %9.2f %9.2f %9.2f "
            "%9.2f %6d %8.2f %s\n",
            sqlite3_column_int(st, 0), col_text(st, 1), col_text(st, 2), tgt,
            sc, sqlite3_column_double(st, 6),
            (long long)sqlite3_column_int64(st, 7),
            sqlite3_column_double(st, 8), sqlite3_column_double(st, 9),
            sqlite3_column_double(st, 10), sqlite3_column_double(st, 11),
            sqlite3_column_int(st, 12), sqlite3_column_double(st, 13),
            col_text(st, 14));
    rows++;
  }
  sqlite3_finalize(st);
  if (rows == 0)
    fprintf(out, "(no runs%s)\n", run_id ? " with that id" : "");

  /* transfer timings, per run and size */
  if (sqlite3_prepare_v2(h,
        "SELECT run_id, filesize, count(*), sum(didtimeout),"
        " min(datacomplete-start), avg(datacomplete-start),"
        " max(datacomplete-start), avg(dataresponse-start)"
        " FROM transfers WHERE (?1 = 0 OR run_id = ?1)"
        " GROUP BY run_id, filesize ORDER BY run_id, filesize",
        -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int(st, 1, run_id);
    int first = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
      if (first) {
        fprintf(out, "\ntransfers (seconds from START):\n%4s %10s %6s %8s "
                "%9s %9s %9s %9s\n", "run", "size", "count", "timeouts",
                "min", "mean", "max", "1st byte");
        first = 0;
      }
      char sz[32];
      bp_format_size((uint64_t)sqlite3_column_int64(st, 1), sz, sizeof(sz));
      fprintf(out, "%4d %10s %6d %8d %9.3f %9.3f %9.3f %9.3f\n",
              sqlite3_column_int(st, 0), sz, sqlite3_column_int(st, 2),
              sqlite3_column_int(st, 3), sqlite3_column_double(st, 4),
              sqlite3_column_double(st, 5), sqlite3_column_double(st, 6),
              sqlite3_column_double(st, 7));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return 0;
}
