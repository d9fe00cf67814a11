/* forecast_params.c — the forecast's parameters: names, defaults, help, and the one parser the
 * command line and the API share (see forecast.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/forecast.h"

/* The order matters: hy_fc_params.given has bit i for entry i. */
const struct hy_fc_param_info hy_fc_param_infos[] = {
    {"current_hospitalized", HY_FC_K_COUNT, "69",
     "patients with COVID-19 in the hospital on current_date (0 or more)"},
    {"doubling_time", HY_FC_K_REAL, "5",
     "days for infections to double before distancing (0.1 to 1000); or give "
     "date_first_hospitalized or admissions to fit it (5, CHIME's default, when none is given)"},
    {"date_first_hospitalized", HY_FC_K_DATE, "",
     "day the first patient was admitted (YYYY-MM-DD, before current_date); the doubling time "
     "is then fitted"},
    {"admissions", HY_FC_K_SERIES, "",
     "daily hospital admissions up to current_date (a JSON array, or CSV with the count in the "
     "last column and optionally a date first); doubling time and day offset are then fitted by "
     "least squares"},
    {"current_date", HY_FC_K_DATE, "today", "day the forecast starts from (YYYY-MM-DD)"},
    {"mitigation_date", HY_FC_K_DATE, "current_date",
     "day from which distancing reduces contacts (YYYY-MM-DD)"},
    {"relative_contact_rate", HY_FC_K_RATE, "0.45",
     "reduction of contacts by distancing, as a fraction (0.45 = 45 %)"},
    {"infectious_days", HY_FC_K_DAYS, "10", "days a person stays infectious (1 to 1000)"},
    {"market_share", HY_FC_K_RATE, "0.15",
     "the hospital's share of the region's patients (more than 0, at most 1)"},
    {"population", HY_FC_K_COUNT, "3600000", "people in the hospital's region"},
    {"recovered", HY_FC_K_COUNT, "0", "people in the region already recovered"},
    {"n_days", HY_FC_K_DAYS, "30", "days to forecast after current_date (1 to 1000)"},
    {"hospitalized_rate", HY_FC_K_RATE, "0.025",
     "fraction of infections admitted to hospital (more than 0)"},
    {"hospitalized_days", HY_FC_K_DAYS, "7", "average hospital length of stay in days"},
    {"icu_rate", HY_FC_K_RATE, "0.0075", "fraction of infections admitted to intensive care"},
    {"icu_days", HY_FC_K_DAYS, "9", "average intensive-care length of stay in days"},
    {"ventilated_rate", HY_FC_K_RATE, "0.005", "fraction of infections put on a ventilator"},
    {"ventilated_days", HY_FC_K_DAYS, "10", "average days on a ventilator"},
    {"doubling_time_min", HY_FC_K_REAL, "", "lower end of doubling_time for the bands"},
    {"doubling_time_max", HY_FC_K_REAL, "", "upper end of doubling_time for the bands"},
    {"relative_contact_rate_min", HY_FC_K_RATE, "",
     "lower end of relative_contact_rate for the bands"},
    {"relative_contact_rate_max", HY_FC_K_RATE, "",
     "upper end of relative_contact_rate for the bands"},
    {"hospitalized_rate_min", HY_FC_K_RATE, "", "lower end of hospitalized_rate for the bands"},
    {"hospitalized_rate_max", HY_FC_K_RATE, "", "upper end of hospitalized_rate for the bands"},
    {"icu_rate_min", HY_FC_K_RATE, "", "lower end of icu_rate for the bands"},
    {"icu_rate_max", HY_FC_K_RATE, "", "upper end of icu_rate for the bands"},
    {"ventilated_rate_min", HY_FC_K_RATE, "", "lower end of ventilated_rate for the bands"},
    {"ventilated_rate_max", HY_FC_K_RATE, "", "upper end of ventilated_rate for the bands"},
    {"seed", HY_FC_K_SEED, "1", "seed of the bands' random draws (a whole number)"},
};
const size_t hy_fc_param_count = sizeof hy_fc_param_infos / sizeof hy_fc_param_infos[0];

enum {
    P_CURRENT_HOSPITALIZED, P_DOUBLING_TIME, P_DATE_FIRST, P_ADMISSIONS, P_CURRENT_DATE,
    P_MITIGATION_DATE, P_CONTACT, P_INFECTIOUS_DAYS, P_MARKET_SHARE, P_POPULATION,
    P_RECOVERED, P_N_DAYS, P_HOSP_RATE, P_HOSP_DAYS, P_ICU_RATE, P_ICU_DAYS, P_VENT_RATE,
    P_VENT_DAYS, P_RANGES, /* 10 entries: min and max of each hy_fc_ranged */
    P_SEED = P_RANGES + 2 * HY_FC_NRANGED,
};

static int fail(struct hy_fc_error *err, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct hy_fc_error *err, const char *param, const char *fmt, ...) {
    err->param = param;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

void hy_fc_params_default(struct hy_fc_params *p, int32_t today) {
    memset(p, 0, sizeof *p);
    p->current_hospitalized = 69;
    p->date_first_hospitalized = HY_FC_NO_DATE;
    p->current_date = today;
    p->mitigation_date = HY_FC_NO_DATE; /* current_date unless given */
    p->relative_contact_rate = 0.45;
    p->infectious_days = 10;
    p->market_share = 0.15;
    p->population = 3600000;
    p->recovered = 0;
    p->n_days = 30;
    p->rate[HY_FC_HOSP] = 0.025;
    p->days[HY_FC_HOSP] = 7;
    p->rate[HY_FC_ICU] = 0.0075;
    p->days[HY_FC_ICU] = 9;
    p->rate[HY_FC_VENT] = 0.005;
    p->days[HY_FC_VENT] = 10;
    p->seed = 1;
    p->admissions_last_date = HY_FC_NO_DATE;
}

/* ---------------------------------------------------------------- dates */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

bool hy_fc_date_parse(const char *s, int32_t *ret_day) {
    for (int i = 0; i < 10; i++)
        if (!s[i]) return false;
    if (s[10] || s[4] != '-' || s[7] != '-') return false;
    int v[3] = {0, 0, 0};
    const int at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++)
        for (int c = 0; c < len[f]; c++) {
            char ch = s[at[f] + c];
            if (ch < '0' || ch > '9') return false;
            v[f] = v[f] * 10 + (ch - '0');
        }
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[0] < 1900 || v[0] > 2199 || v[1] < 1 || v[1] > 12 || v[2] < 1) return false;
    int last = mdays[v[1] - 1] + (v[1] == 2 && leap(v[0]));
    if (v[2] > last) return false;
    *ret_day = days_from_civil(v[0], v[1], v[2]);
    return true;
}

void hy_fc_date_format(int32_t day, char out[11]) {
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    if (y < 0 || y > 9999) y = 0;
    const int parts[3] = {y, m, d}, widths[3] = {4, 2, 2};
    char *o = out;
    for (int f = 0; f < 3; f++) {
        if (f) *o++ = '-';
        for (int w = widths[f] - 1, v = parts[f]; w >= 0; w--, v /= 10) o[w] = (char)('0' + v % 10);
        o += widths[f];
    }
    *o = '\0';
}

/* ---------------------------------------------------------------- numbers */

/* Copies s[0..n) into out (capacity cap) with Persian and Arabic-Indic digits as ASCII, the
 * Arabic decimal separator as '.', and surrounding ASCII blanks removed. False when it does
 * not fit. */
static bool fold(const char *s, size_t n, char *out, size_t cap) {
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char a = (char)c;
        if (c == 0xDB && i + 1 < n && (unsigned char)s[i + 1] >= 0xB0 &&
            (unsigned char)s[i + 1] <= 0xB9) { /* U+06F0..U+06F9 */
            a = (char)('0' + ((unsigned char)s[i + 1] - 0xB0));
            i++;
        } else if (c == 0xD9 && i + 1 < n && (unsigned char)s[i + 1] >= 0xA0 &&
                   (unsigned char)s[i + 1] <= 0xA9) { /* U+0660..U+0669 */
            a = (char)('0' + ((unsigned char)s[i + 1] - 0xA0));
            i++;
        } else if (c == 0xD9 && i + 1 < n && (unsigned char)s[i + 1] == 0xAB) { /* U+066B */
            a = '.';
            i++;
        }
        if (o + 1 >= cap) return false;
        out[o++] = a;
    }
    out[o] = '\0';
    return true;
}

/* A decimal number ([+-]digits[.digits][e[+-]digits], digits on at least one side of the
 * point), finite. */
static bool real(const char *s, double *ret) {
    const char *q = s;
    if (*q == '+' || *q == '-') q++;
    size_t digits = 0;
    while (*q >= '0' && *q <= '9') q++, digits++;
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') q++, digits++;
    }
    if (!digits) return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!(*q >= '0' && *q <= '9')) return false;
        while (*q >= '0' && *q <= '9') q++;
    }
    if (*q) return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v)) return false;
    *ret = v;
    return true;
}

/* A whole number 0..max written with digits only. */
static bool fp_whole(const char *s, double max, double *ret) {
    if (!*s || strlen(s) > 18) return false;
    double v = 0;
    for (const char *q = s; *q; q++) {
        if (*q < '0' || *q > '9') return false;
        v = v * 10 + (*q - '0');
    }
    if (v > max) return false;
    *ret = v;
    return true;
}

/* ---------------------------------------------------------------- the series */

static bool series_value(const char *s, size_t n, double *ret) {
    char tmp[64];
    double v;
    if (!fold(s, n, tmp, sizeof tmp) || !real(tmp, &v) || v < 0 || v > 1e9) return false;
    *ret = v;
    return true;
}

static int series_json(struct hy_fc_params *p, const char *s, struct hy_fc_error *err) {
    const char *q = s + 1;
    size_t n = 0;
    for (;;) {
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (*q == ']' && n == 0) {
            q++;
            break;
        }
        const char *start = q;
        while (*q && *q != ',' && *q != ']') q++;
        if (!*q) return fail(err, "admissions", "The JSON array is not closed with ].");
        if (n >= HY_FC_SERIES_MAX)
            return fail(err, "admissions", "At most %d daily admissions are taken.",
                            HY_FC_SERIES_MAX);
        size_t len = (size_t)(q - start);
        while (len && (start[len - 1] == ' ' || start[len - 1] == '\n' ||
                       start[len - 1] == '\t' || start[len - 1] == '\r'))
            len--;
        if (!series_value(start, len, &p->admissions[n]))
            return fail(err, "admissions",
                            "Value %zu of the array is not a number of admissions (0 or more).",
                            n + 1);
        n++;
        if (*q++ == ']') break;
    }
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    if (*q) return fail(err, "admissions", "Something follows the JSON array.");
    p->nadmissions = n;
    return 0;
}

static int series_csv(struct hy_fc_params *p, const char *s, struct hy_fc_error *err) {
    size_t n = 0, line = 0;
    int32_t prev_date = HY_FC_NO_DATE;
    bool dated = false;
    const char *q = s;
    while (*q) {
        const char *eol = strchr(q, '\n');
        size_t len = eol ? (size_t)(eol - q) : strlen(q);
        line++;
        const char *l = q;
        q = eol ? eol + 1 : q + len;
        while (len && (l[len - 1] == '\r' || l[len - 1] == ' ' || l[len - 1] == '\t')) len--;
        if (!len) continue;
        /* Fields split at ',' or ';'. */
        const char *last = l, *first_end = NULL;
        for (size_t i = 0; i < len; i++)
            if (l[i] == ',' || l[i] == ';') {
                if (!first_end) first_end = l + i;
                last = l + i + 1;
            }
        double v;
        if (!series_value(last, len - (size_t)(last - l), &v)) {
            if (n == 0 && !dated && line == 1) continue; /* a header */
            return fail(err, "admissions",
                            "Line %zu: the last column is not a number of admissions (0 or "
                            "more).",
                            line);
        }
        if (first_end) {
            char d[32];
            int32_t day;
            if (fold(l, (size_t)(first_end - l), d, sizeof d) && hy_fc_date_parse(d, &day)) {
                if (n > 0 && !dated)
                    return fail(err, "admissions", "Line %zu: dates on some lines only.",
                                    line);
                if (dated && day != prev_date + 1)
                    return fail(err, "admissions",
                                    "Line %zu: the dates must follow each other day by day.",
                                    line);
                dated = true;
                prev_date = day;
            } else if (dated) {
                return fail(err, "admissions", "Line %zu: the first column is not a date.",
                                line);
            }
        } else if (dated) {
            return fail(err, "admissions", "Line %zu: the date is missing.", line);
        }
        if (n >= HY_FC_SERIES_MAX)
            return fail(err, "admissions", "At most %d daily admissions are taken.",
                            HY_FC_SERIES_MAX);
        p->admissions[n++] = v;
    }
    p->nadmissions = n;
    p->admissions_last_date = dated ? prev_date : HY_FC_NO_DATE;
    return 0;
}

static int fp_series(struct hy_fc_params *p, const char *s, struct hy_fc_error *err) {
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3;
    const char *q = s;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
    int rc = *q == '[' ? series_json(p, q, err) : series_csv(p, q, err);
    if (rc < 0) return rc;
    if (p->nadmissions < HY_FC_SERIES_MIN)
        return fail(err, "admissions", "The series needs at least %d days.",
                        HY_FC_SERIES_MIN);
    return 0;
}

/* ---------------------------------------------------------------- one parameter */

int hy_fc_param_set(struct hy_fc_params *p, const char *name, const char *value,
                    struct hy_fc_error *err) {
    size_t idx = 0;
    while (idx < hy_fc_param_count && strcmp(hy_fc_param_infos[idx].name, name) != 0) idx++;
    if (idx == hy_fc_param_count) {
        err->param = NULL;
        snprintf(err->message, sizeof err->message, "The forecast has no parameter of that name.");
        return -1;
    }
    const struct hy_fc_param_info *in = &hy_fc_param_infos[idx];
    const char *pn = in->name;
    if (p->given & (UINT64_C(1) << idx))
        return fail(err, pn, "%s is given more than once.", pn);
    p->given |= UINT64_C(1) << idx;

    if (in->kind == HY_FC_K_SERIES) return fp_series(p, value, err);

    char v[64] = {0};
    if (!fold(value, strlen(value), v, sizeof v) || !v[0])
        return fail(err, pn, "%s needs a value.", pn);
    double x = 0;
    int32_t day = 0;
    switch (in->kind) {
    case HY_FC_K_COUNT:
        if (v[0] == '-' && real(v, &x)) return fail(err, pn, "%s must not be negative.", pn);
        if (!fp_whole(v, HY_FC_POPULATION_MAX, &x))
            return fail(err, pn, "%s must be a whole number from 0 to 10000000000.", pn);
        break;
    case HY_FC_K_DAYS:
        if (!fp_whole(v, 1e12, &x) || x < 1 || x > HY_FC_MAX_DAYS)
            return fail(err, pn, "%s must be a whole number of days from 1 to %d.", pn,
                            HY_FC_MAX_DAYS);
        break;
    case HY_FC_K_REAL:
        if (!real(v, &x)) return fail(err, pn, "%s must be a number of days.", pn);
        if (!(x > 0))
            return fail(err, pn, "%s must be more than 0 days.", pn);
        /* Shorter doubling times overflow the growth rate (2^(1/t)); no epidemic doubles
         * faster than every few hours. */
        if (x < HY_FC_DOUBLING_MIN || x > HY_FC_MAX_DAYS)
            return fail(err, pn, "%s must be from 0.1 to %d days.", pn, HY_FC_MAX_DAYS);
        break;
    case HY_FC_K_RATE:
        if (!real(v, &x) || x < 0 || x > 1)
            return fail(err, pn,
                            "%s must be a fraction from 0 to 1 (for example 0.3 for 30 %%).", pn);
        break;
    case HY_FC_K_SEED:
        if (!fp_whole(v, 9007199254740991.0, &x))
            return fail(err, pn, "%s must be a whole number from 0 to 2^53 - 1.", pn);
        break;
    case HY_FC_K_DATE:
        if (!hy_fc_date_parse(v, &day))
            return fail(err, pn, "%s must be a date YYYY-MM-DD between 1900 and 2199.", pn);
        break;
    case HY_FC_K_SERIES:
        break;
    }
    switch (idx) {
    case P_CURRENT_HOSPITALIZED: p->current_hospitalized = x; break;
    case P_DOUBLING_TIME: p->doubling_time = x; break;
    case P_DATE_FIRST: p->date_first_hospitalized = day; break;
    case P_CURRENT_DATE: p->current_date = day; break;
    case P_MITIGATION_DATE: p->mitigation_date = day; break;
    case P_CONTACT: p->relative_contact_rate = x; break;
    case P_INFECTIOUS_DAYS: p->infectious_days = (int)x; break;
    case P_MARKET_SHARE: p->market_share = x; break;
    case P_POPULATION: p->population = x; break;
    case P_RECOVERED: p->recovered = x; break;
    case P_N_DAYS: p->n_days = (int)x; break;
    case P_HOSP_RATE: p->rate[HY_FC_HOSP] = x; break;
    case P_HOSP_DAYS: p->days[HY_FC_HOSP] = (int)x; break;
    case P_ICU_RATE: p->rate[HY_FC_ICU] = x; break;
    case P_ICU_DAYS: p->days[HY_FC_ICU] = (int)x; break;
    case P_VENT_RATE: p->rate[HY_FC_VENT] = x; break;
    case P_VENT_DAYS: p->days[HY_FC_VENT] = (int)x; break;
    case P_SEED: p->seed = (uint64_t)x; break;
    default: {
        size_t r = (idx - P_RANGES) / 2;
        if ((idx - P_RANGES) % 2 == 0)
            p->range[r].min = x;
        else
            p->range[r].max = x;
        break;
    }
    }
    return 0;
}

/* ---------------------------------------------------------------- the whole set */

static bool fp_given(const struct hy_fc_params *p, size_t idx) {
    return (p->given & (UINT64_C(1) << idx)) != 0;
}

int hy_fc_params_finish(struct hy_fc_params *p, struct hy_fc_error *err) {
    static const size_t anchors[3] = {P_DOUBLING_TIME, P_DATE_FIRST, P_ADMISSIONS};
    int nanchor = 0;
    for (int a = 0; a < 3; a++) {
        if (!fp_given(p, anchors[a])) continue;
        if (nanchor++)
            return fail(err, hy_fc_param_infos[anchors[a]].name,
                            "Give only one of doubling_time, date_first_hospitalized and "
                            "admissions.");
        p->mode = a == 0 ? HY_FC_BY_DOUBLING : a == 1 ? HY_FC_BY_FIRST_DATE : HY_FC_BY_ADMISSIONS;
    }
    if (!nanchor) { /* CHIME's default doubling time */
        p->mode = HY_FC_BY_DOUBLING;
        p->doubling_time = HY_FC_DEFAULT_DOUBLING_TIME;
    }
    if (p->mitigation_date == HY_FC_NO_DATE) p->mitigation_date = p->current_date;

    if (!(p->rate[HY_FC_HOSP] > 0))
        return fail(err, "hospitalized_rate", "hospitalized_rate must be more than 0.");
    if (!(p->market_share > 0))
        return fail(err, "market_share", "market_share must be more than 0.");
    if (p->population < 1) return fail(err, "population", "population must be at least 1.");
    if (p->current_hospitalized > p->population)
        return fail(err, "current_hospitalized",
                        "current_hospitalized cannot be more than population.");
    if (p->recovered > p->population)
        return fail(err, "recovered", "recovered cannot be more than population.");

    if (p->mode == HY_FC_BY_FIRST_DATE) {
        int64_t back = (int64_t)p->current_date - p->date_first_hospitalized;
        if (back < 1)
            return fail(err, "date_first_hospitalized",
                            "date_first_hospitalized must be before current_date.");
        if (back > HY_FC_MAX_DAYS)
            return fail(err, "date_first_hospitalized",
                            "date_first_hospitalized must be at most %d days before "
                            "current_date.",
                            HY_FC_MAX_DAYS);
    }
    if (p->mode == HY_FC_BY_ADMISSIONS) {
        if (p->nadmissions >= (size_t)p->n_days + HY_FC_PREFIT_DAYS)
            return fail(err, "admissions",
                            "The series may have at most n_days + %d days (%d).",
                            HY_FC_PREFIT_DAYS - 1, p->n_days + HY_FC_PREFIT_DAYS - 1);
        if (p->admissions_last_date != HY_FC_NO_DATE &&
            p->admissions_last_date != p->current_date)
            return fail(err, "admissions",
                            "The series' last date must be current_date.");
    }

    /* Ranges: both ends, in order, around the central value. */
    static const size_t central[HY_FC_NRANGED] = {P_DOUBLING_TIME, P_CONTACT, P_HOSP_RATE,
                                                  P_ICU_RATE, P_VENT_RATE};
    const double value[HY_FC_NRANGED] = {p->doubling_time, p->relative_contact_rate,
                                         p->rate[HY_FC_HOSP], p->rate[HY_FC_ICU],
                                         p->rate[HY_FC_VENT]};
    bool bands = false;
    for (size_t r = 0; r < HY_FC_NRANGED; r++) {
        size_t lo = P_RANGES + 2 * r, hi = lo + 1;
        const char *lon = hy_fc_param_infos[lo].name, *hin = hy_fc_param_infos[hi].name;
        bool has_lo = fp_given(p, lo), has_hi = fp_given(p, hi);
        if (!has_lo && !has_hi) continue;
        if (!has_lo) return fail(err, lon, "%s is needed with %s.", lon, hin);
        if (!has_hi) return fail(err, hin, "%s is needed with %s.", hin, lon);
        if (r == HY_FC_R_DOUBLING && p->mode != HY_FC_BY_DOUBLING)
            return fail(err, lon,
                            "A range of the doubling time needs doubling_time (otherwise the "
                            "doubling time is fitted).");
        if (p->mode == HY_FC_BY_ADMISSIONS)
            return fail(err, lon, "Bands are not computed with a fitted admissions series.");
        if (p->range[r].min > p->range[r].max)
            return fail(err, lon, "%s must not be more than %s.", lon, hin);
        if (value[r] < p->range[r].min || value[r] > p->range[r].max)
            return fail(err, lon, "The range %s..%s must hold %s.", lon, hin,
                            hy_fc_param_infos[central[r]].name);
        if (r == HY_FC_R_HOSP_RATE && !(p->range[r].min > 0))
            return fail(err, lon, "%s must be more than 0.", lon);
        p->range[r].set = true;
        bands = true;
    }
    if (bands && p->n_days > HY_FC_BAND_MAX_DAYS)
        return fail(err, "n_days", "Bands are computed for at most %d days.",
                        HY_FC_BAND_MAX_DAYS);

    /* The first infections must leave some of the population susceptible. */
    double hr = p->range[HY_FC_R_HOSP_RATE].set ? p->range[HY_FC_R_HOSP_RATE].min
                                                : p->rate[HY_FC_HOSP];
    double infected = 1.0 / p->market_share / hr;
    if (!(p->population - infected >= 1))
        return fail(err, "population",
                        "population must be more than the infections behind the first "
                        "admission, 1 / market_share / hospitalized_rate = %.0f.",
                        infected);
    return 0;
}
