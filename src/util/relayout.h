/* relayout.h — records of varying length laid out again in another order, holding little
 * more than one copy of them while it runs. */
#ifndef HY_UTIL_RELAYOUT_H
#define HY_UTIL_RELAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* The record number at each position of the new order: `order` is a permutation of 0..n-1.
 *
 * On entry *src (from malloc; hy_relayout owns it from then on and frees it) holds n records
 * back to back, record r being (*src)[off[r] .. off[r + 1]), with off[0] = 0 and off[n] the
 * bytes in all. `out` (at least off[n] bytes, from malloc, not yet written) receives them in
 * the new order: the record at position p at out[ret_off[p] .. ret_off[p + 1]); ret_off has
 * n + 1 entries. `off` is used as working space and is left undefined.
 *
 * The records are copied in `rounds` rounds (1 = one plain copy, both held whole); after each
 * round those copied are dropped from *src, which is moved together and shrunk, so the two
 * hold about (1 + 1 / rounds) times the records' bytes at most, plus the extra n + n / 8 bytes
 * of the run. *src is NULL afterwards, also on failure. Returns 0, or -ENOMEM (out and ret_off
 * are then undefined). */
int hy_relayout(char **src, uint32_t *off, const uint32_t *order, size_t n, unsigned rounds,
                char *out, uint32_t *ret_off);

#endif
