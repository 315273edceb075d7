/* Log lines as tor writes them, and Log option syntax from tor(1). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "lib/log/log.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

UNITTEST(log, sink_spec_syntax)
{
  log_sink_spec_t s;
  char err[256];
  UT_EQ_INT(log_sink_spec_parse("notice stdout", &s, err, sizeof(err)), 0);
  UT_EQ_INT(s.kind, LOG_SINK_STDOUT);
  UT_ASSERT(s.domains[LOG_ERR] && s.domains[LOG_WARN] && s.domains[LOG_NOTICE]);
  UT_ASSERT(!s.domains[LOG_INFO]);

  UT_EQ_INT(log_sink_spec_parse("info-notice file /var/log/tor notices.log", &s, err, sizeof(err)), 0);
  UT_EQ_INT(s.kind, LOG_SINK_FILE);
  UT_EQ_STR(s.path, "/var/log/tor notices.log");
  UT_ASSERT(s.domains[LOG_INFO] && s.domains[LOG_NOTICE] && !s.domains[LOG_WARN]);
  free(s.path);

  UT_EQ_INT(log_sink_spec_parse("[handshake]debug [~net,~mm]info notice stderr", &s, err, sizeof(err)), 0);
  UT_EQ_INT(s.kind, LOG_SINK_STDERR);
  UT_ASSERT(s.domains[LOG_DEBUG] == LD_HANDSHAKE);
  UT_ASSERT(!(s.domains[LOG_INFO] & LD_NET) && (s.domains[LOG_INFO] & LD_CIRC));
  UT_ASSERT(s.domains[LOG_NOTICE] == LD_ALL_DOMAINS);

  UT_EQ_INT(log_sink_spec_parse("warn", &s, err, sizeof(err)), 0);
  UT_EQ_INT(s.kind, LOG_SINK_STDOUT);
  UT_EQ_INT(log_sink_spec_parse("verbose stdout", &s, err, sizeof(err)), -1);
  UT_EQ_INT(log_sink_spec_parse("[nosuch]info stdout", &s, err, sizeof(err)), -1);
  UT_EQ_INT(log_sink_spec_parse("notice file", &s, err, sizeof(err)), -1);
  UT_EQ_INT(log_sink_spec_parse("notice stdout extra", &s, err, sizeof(err)), -1);
}

UNITTEST(log, file_lines_have_tor_format)
{
  char path[512], err[256];
  log_sink_spec_t s;
  snprintf(path, sizeof(path), "%s/notice.log", unittest_tmpdir());
  char spec[600];
  snprintf(spec, sizeof(spec), "notice file %s", path);
  UT_EQ_INT(log_sink_spec_parse(spec, &s, err, sizeof(err)), 0);
  UT_EQ_INT(log_configure_sinks(&s, 1, err, sizeof(err)), 0);
  free(s.path);
  log_set_time_granularity(1000);
  log_notice(LD_GENERAL, "Bootstrapped %d%% (%s): %s", 100, "done", "Done");
  log_info(LD_GENERAL, "not written: %s", "info is off");
  log_warn(LD_BUG, "a bug");
  log_shutdown();
  static char text[8192];
  UT_ASSERT(unittest_read_file(path, text, sizeof(text)) > 0);
  regex_t re;
  UT_EQ_INT(regcomp(&re, "^[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.000 "
                    "\\[notice\\] Bootstrapped 100% \\(done\\): Done\n"
                    "[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.000 "
                    "\\[warn\\] ut_fn_log_file_lines_have_tor_format\\(\\): a bug\n$",
                    REG_EXTENDED), 0);
  int match = regexec(&re, text, 0, NULL, 0);
  regfree(&re);
  if (match != 0)
    unittest_fail(__FILE__, __LINE__, "log file content not in tor's format:\n%s", text);
  log_set_startup_severity(LOG_NOTICE);
}

UNITTEST(log, disabled_severity_does_not_format)
{
  static int evaluated;
  log_set_startup_severity(LOG_NOTICE);
  evaluated = 0;
  log_debug(LD_GENERAL, "%d", ++evaluated);
  UT_EQ_INT(evaluated, 0);
}

UNITTEST(log, safe_logging)
{
  log_set_safe_logging(1);
  UT_EQ_STR(safe_str("10.0.0.1"), "[scrubbed]");
  log_set_safe_logging(2);
  UT_EQ_STR(safe_str("10.0.0.1"), "10.0.0.1");
  UT_EQ_STR(safe_str_client("10.0.0.1"), "[scrubbed]");
  log_set_safe_logging(0);
  UT_EQ_STR(safe_str_client("10.0.0.1"), "10.0.0.1");
  log_set_safe_logging(1);
}
