/* allocator.h — whether malloc is glibc's own: under AddressSanitizer it is the sanitizer's,
 * and glibc's malloc tuning calls (mallopt, malloc_trim) must then be left alone. */
#ifndef HY_UTIL_ALLOCATOR_H
#define HY_UTIL_ALLOCATOR_H

#if defined(__SANITIZE_ADDRESS__)
#define HY_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HY_OWN_ALLOCATOR 1
#endif
#endif

#endif
