/* clock.h — the wall clock, in seconds since the epoch.
 *
 * For tests of expiry and rate limits, HAMYARI_TEST_CLOCK_FILE may name a file holding a
 * number of seconds to add to the real time, or "=SECONDS" for a clock stopped at that time
 * (for tests of delays shorter than a test takes); every process that shares the file shares
 * the shifted clock. Never set it in production. */
#ifndef HY_CLOCK_H
#define HY_CLOCK_H

#include <stdint.h>

int64_t hy_clock_now(void);

#endif
