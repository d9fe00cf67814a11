/* layer_main.c — the program of the layering check (tests/CMakeLists.txt): linked with one
 * layer's library whole and the layers below it, it builds only when that layer calls nothing
 * above itself. Running it just confirms it was built. */
#include <stdio.h>

int main(void) {
    puts("linked");
    return 0;
}
