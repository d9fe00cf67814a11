#include "util/clock.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int64_t hy_clock_now(void) {
    int64_t now = (int64_t)time(NULL);
    static int checked = 0;
    static const char *path = NULL;
    if (!__atomic_load_n(&checked, __ATOMIC_ACQUIRE)) {
        path = getenv("HAMYARI_TEST_CLOCK_FILE");
        __atomic_store_n(&checked, 1, __ATOMIC_RELEASE);
    }
    if (!path || !*path) return now;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return now;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return now;
    buf[n] = '\0';
    if (buf[0] == '=') return strtoll(buf + 1, NULL, 10); /* stopped */
    return now + strtoll(buf, NULL, 10);
}
