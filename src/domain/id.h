/* id.h — the one form of a record id, shared by every record of the domain. */
#ifndef HY_DOMAIN_ID_H
#define HY_DOMAIN_ID_H

#define HY_ID_LEN 32 /* ids are 128-bit random numbers written as 32 lowercase hex digits */

#endif
