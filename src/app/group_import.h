/* group_import.h — mutual-aid groups from a CSV or GeoJSON file, row by row: one check of a
 * row (the columns, their limits, the area) shared by `hamyari import groups` (cli/, which
 * streams files of any size) and POST /api/v1/groups/import, which imports an uploaded file
 * of at most a few thousand rows held in memory with hy_group_import_mem().
 *
 *   CSV      a header naming name, lat, lon and optionally description, phone, email, website,
 *            messaging, tags, languages (lists separated by ';'), radius_km, and the columns
 *            the CSV export adds: id, verified, demo. The formula guard of CSV exports is
 *            removed again.
 *   GeoJSON  a FeatureCollection of Point features (properties as the CSV columns, the
 *            feature's "id" as id) or Polygon features, whose polygon is the coverage area,
 *            or GeometryCollections of a Point and a Polygon (the area), as the export writes
 *            them; with radius_km the polygon is the drawn circle and the radius is kept. */
#ifndef HY_APP_GROUP_IMPORT_H
#define HY_APP_GROUP_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/group.h"
#include "store/store.h"
#include "util/arena.h"

/* A column an importer knows: its name and other names it takes in a header ('|'-separated,
 * compared without case), and whether the file must have it. */
struct hy_import_column {
    const char *name;
    const char *aliases;
    bool required;
};

/* True when the header cell `h` names column c (its name or an alias, without case). */
bool hy_import_column_is(const char *h, const struct hy_import_column *c);
/* A number in [min, max] (surrounding spaces allowed). */
bool hy_import_number(const char *s, double min, double max, double *ret);
/* Removes spaces and tabs around s, in place. */
char *hy_import_trim(char *s);

/* The columns of a group file, in the order of hy_group_columns. */
enum hy_group_col {
    HY_GC_NAME,
    HY_GC_LAT,
    HY_GC_LON,
    HY_GC_DESC,
    HY_GC_PHONE,
    HY_GC_EMAIL,
    HY_GC_WEBSITE,
    HY_GC_MESSAGING,
    HY_GC_TAGS,
    HY_GC_LANGS,
    HY_GC_RADIUS,
    HY_GC_ID,
    HY_GC_VERIFIED,
    HY_GC_DEMO,
    HY_GC__N
};

extern const struct hy_import_column hy_group_columns[HY_GC__N];

/* One group's fields as text (from a CSV row or GeoJSON properties), and an optional polygon. */
struct hy_group_row {
    const char *v[HY_GC__N];
    const json_t *polygon;
};

/* Told of each problem of a row: its number, the field (NULL: the row) and what is wrong. */
typedef void hy_row_problem_fn(void *ctx, long row, const char *field, const char *problem);

/* Checks a row and fills g (strings in `a`; created and updated at `now`; an id of its own
 * unless the row gives one; g->status left for the caller). Tells `bad` each problem; true
 * when the row is good. */
bool hy_group_from_row(const struct hy_group_row *row, long rowno, int64_t now, hy_arena *a,
                       struct hy_group *g, hy_row_problem_fn *bad, void *ctx);

/* The row of a GeoJSON feature (strings in `a`, or the feature's own). False when its geometry
 * is none of those a group file may have (HY_GROUP_GEOMETRY_PROBLEM says which). */
#define HY_GROUP_GEOMETRY_PROBLEM                                                                  \
    "must be a Point, a Polygon or a GeometryCollection of a Point and a Polygon"
bool hy_group_row_from_feature(const json_t *ft, hy_arena *a, struct hy_group_row *row);

/* ---- a file in memory ---- */

#define HY_GROUP_IMPORT_PROBLEMS_MAX 50 /* problems kept (all are counted) */

struct hy_group_import_problem {
    long row; /* the spreadsheet's row (the header is 1) or the feature's number from 1 */
    const char *field; /* NULL: the whole row or file */
    const char *problem;
};

struct hy_group_import {
    /* in */
    const char *data;
    size_t len;
    long row_max;       /* more data rows than this: refused */
    const char *status; /* the imported groups' status: "pending" or "approved" */
    bool dry_run;       /* check only */
    const char *actor_id; /* who imports: the audit entry `groups_imported` names them */
    int64_t now;
    /* out */
    bool geojson;
    long rows, bad; /* rows seen, rows (or header cells) with a problem */
    long imported;  /* groups written (0 on a dry run) */
    struct hy_group_import_problem problems[HY_GROUP_IMPORT_PROBLEMS_MAX];
    size_t nproblems;
};

enum {
    HY_GROUP_IMPORT_OK = 0,
    HY_GROUP_IMPORT_REFUSED = 1, /* problems (gi->problems): nothing was written */
    HY_GROUP_IMPORT_NOMEM = -100,
};

/* Checks every row of gi->data and, unless it is a dry run or any row is bad, writes all the
 * groups and an audit entry in one transaction (a group whose id the store has already is a problem of its row,
 * and nothing is written). Strings of the problems live in `a`. HY_GROUP_IMPORT_OK,
 * HY_GROUP_IMPORT_REFUSED, HY_GROUP_IMPORT_NOMEM or a store status. */
int hy_group_import_mem(hy_db *db, struct hy_group_import *gi, hy_arena *a);

#endif
