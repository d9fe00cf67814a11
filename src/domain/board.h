/* board.h — the neighbour-help board: offers and asks that neighbours post, the compatible
 * posts each one is shown (ask ↔ offer, same category, overlapping time windows, nearest
 * first), and the conversations through which people answer a post. A post's position is
 * stored already rounded (domain/geo.h hy_geo_round, HY_BOARD_CELL_M): nobody, not even the
 * store, keeps the point a person picked. Contact details pass between the two people of a
 * conversation only after both agreed; until then their messages are relayed. */
#ifndef HY_DOMAIN_BOARD_H
#define HY_DOMAIN_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/id.h"
#include "util/arena.h"

/* The cell a post's position is rounded to (as help requests' public positions). */
#define HY_BOARD_CELL_M 500.0
#define HY_BOARD_BODY_MAX 1000     /* code points of a post's text */
#define HY_BOARD_PLACE_MAX 120     /* code points of the area's name */
#define HY_BOARD_MESSAGE_MAX 2000  /* code points of one message */
#define HY_BOARD_WINDOW_MAX (90 * 86400)  /* the longest time window */
#define HY_BOARD_EXPIRY_MAX (60 * 86400)  /* the furthest expiry from now */
#define HY_BOARD_EXPIRY_DEFAULT (14 * 86400)
#define HY_BOARD_MATCH_MAX 20      /* compatible posts shown with a post, at most */
#define HY_BOARD_REACH_M 50000.0   /* compatible posts further away are not shown */
#define HY_BOARD_LIST_MAX 200      /* posts one list answers, at most */
/* A post this alike (hy_fc_similarity of the normalised texts) to an open post of the same
 * person, kind and category within HY_BOARD_DUP_M is pointed out before it is made. */
#define HY_BOARD_DUP_SIMILARITY 0.6
#define HY_BOARD_DUP_M 2000.0

struct hy_board_category {
    const char *key, *fa, *en;
};
/* The fixed list of categories, ending with a {NULL} entry; and its keys alone (for the input
 * spec), ending with NULL. */
extern const struct hy_board_category hy_board_categories[];
extern const char *const hy_board_category_keys[];
/* The category's index in the list, or -1. */
int hy_board_category_index(const char *key);
/* The number a post's kind and category give in the spatial index: posts with the same slot
 * are of one kind and category. -1 for an unknown pair. */
int hy_board_slot(const char *kind, const char *category);
/* The kind that answers `kind` (ask → offer, offer → ask). */
const char *hy_board_other_kind(const char *kind);

struct hy_board_post {
    char id[HY_ID_LEN + 1];
    char author_id[HY_ID_LEN + 1];
    const char *kind;      /* offer, ask */
    const char *category;  /* a key of hy_board_categories */
    const char *body;
    const char *body_norm; /* hy_text_normalise(body), for the near-duplicate check */
    double lat, lon;       /* rounded to HY_BOARD_CELL_M */
    const char *place;     /* the area's name as the author chose it, may be "" */
    const char *language;  /* fa, en */
    int64_t starts_at, ends_at, expires_at;
    const char *status;    /* open, closed, archived, hidden */
    const char *hidden_reason; /* why a moderator hid it, or NULL */
    bool demo;
    int slot;
    int64_t created_at, updated_at;
    double distance_m;     /* filled by the match and area queries */
};

/* What a match or area query asks for. */
struct hy_board_query {
    double lat, lon, reach_m;
    int slot;                    /* -1: any (area lists filter kind/category by slot_kind) */
    const char *kind;            /* NULL: any */
    const char *category;        /* NULL: any */
    int64_t starts_at, ends_at;  /* the window to overlap; 0, 0: any */
    int64_t now;                 /* posts expired by then are left out */
    const char *exclude_id;      /* a post not to list (the post itself), or NULL */
    const char *author_id;       /* only this person's posts, or NULL */
    size_t limit;
};

struct hy_board_conv {
    char id[HY_ID_LEN + 1];
    char post_id[HY_ID_LEN + 1];
    char author_id[HY_ID_LEN + 1];
    char responder_id[HY_ID_LEN + 1];
    int64_t author_agreed_at;    /* 0: has not agreed (or withdrew) */
    int64_t responder_agreed_at;
    int64_t created_at, updated_at;
};

struct hy_board_message {
    int64_t id;
    char conv_id[HY_ID_LEN + 1];
    char sender_id[HY_ID_LEN + 1];
    const char *body;
    int64_t created_at;
};

/* Sorts posts by distance_m, then id. */
void hy_board_sort(struct hy_board_post *v, size_t n);

/* Writes n as decimal digits into out (at least 24 bytes), in Persian digits when fa (two
 * bytes each: numbers of up to 11 digits, which counts, distances and dates are). */
void hy_board_digits(int64_t n, bool fa, char out[static 24]);

#endif
