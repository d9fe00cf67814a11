/* log.h — one line per event on standard error.
 *
 * Only the server and the command line log; library code returns errors to its caller. A line
 * is written with a single write(2) so lines from several threads do not interleave. Never log
 * request bodies, query strings or personal data. */
#ifndef HY_LOG_H
#define HY_LOG_H

enum hy_log_level { HY_LOG_DEBUG, HY_LOG_INFO, HY_LOG_WARN, HY_LOG_ERROR };

void hy_log_set_level(enum hy_log_level level);
void hy_log(enum hy_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define hy_debug(...) hy_log(HY_LOG_DEBUG, __VA_ARGS__)
#define hy_info(...) hy_log(HY_LOG_INFO, __VA_ARGS__)
#define hy_warn(...) hy_log(HY_LOG_WARN, __VA_ARGS__)
#define hy_error(...) hy_log(HY_LOG_ERROR, __VA_ARGS__)

#endif
