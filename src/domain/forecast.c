/* forecast.c — CHIME's SIR model, its fits and the Monte Carlo bands (see forecast.h).
 *
 * Agreement to the last bits with CHIME needs the same floating-point operations in the same
 * order: every expression below keeps CHIME's grouping (Python and C both evaluate a * b * c as
 * (a * b) * c), sums run in the order numpy's cumsum uses, and the file is compiled without
 * contraction into fused multiply-adds (-ffp-contract=off in CMakeLists.txt).
 *
 * The day-offset fit is CHIME's loop over every candidate offset i (0 ≤ i < n_days + 300), each
 * a run of i + n_days + 300 days, but computed without re-running the shared part: a candidate's
 * days up to its mitigation day are the days of one run with the pre-distancing β from the same
 * start, so that run is made once and each candidate only continues it with the reduced β where
 * it needs to. A candidate whose loss does not beat the best so far is skipped before its peak
 * is looked at (CHIME would not take it either), and a candidate whose census on current_date is
 * above everything before it is before the peak without looking further. The results are the
 * same numbers as the full runs, bit for bit. */
#include "domain/forecast.h"

#include <math.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- CHIME's formulas */

double hy_fc_growth_rate(double doubling_time) {
    if (doubling_time == 0.0) return 0.0;
    return pow(2.0, 1.0 / doubling_time) - 1.0;
}

double hy_fc_beta(double growth, double gamma, double susceptible, double contact_reduction) {
    return (growth + gamma) / susceptible * (1.0 - contact_reduction);
}

void hy_fc_sir_step(double *s, double *i, double *r, double beta, double gamma, double n) {
    double s0 = *s, i0 = *i, r0 = *r;
    double s_n = (-beta * s0 * i0) + s0;
    double i_n = (beta * s0 * i0 - gamma * i0) + i0;
    double r_n = gamma * i0 + r0;
    double scale = n / (s_n + i_n + r_n);
    *s = s_n * scale;
    *i = i_n * scale;
    *r = r_n * scale;
}

/* ---------------------------------------------------------------- one model's constants */

struct fc_model {
    double s0, i0, r0, n; /* the state on the first day and the population it keeps */
    double gamma, s_start; /* s_start: S₀ as CHIME uses it for β, R₀ and R_t */
    double ms, rate[HY_FC_NDISP];
    int los[HY_FC_NDISP];
    double contact; /* relative_contact_rate */
    double cur;     /* current_hospitalized */
    int m;      /* mitigation_date - current_date, in days */
    int n_days;
};

static void model_init(struct fc_model *M, const struct hy_fc_params *p) {
    double infected = 1.0 / p->market_share / p->rate[HY_FC_HOSP];
    M->s_start = p->population - infected;
    M->s0 = M->s_start;
    M->i0 = infected;
    M->r0 = p->recovered;
    M->n = M->s0 + M->i0 + M->r0;
    M->gamma = 1.0 / (double)p->infectious_days;
    M->ms = p->market_share;
    for (int k = 0; k < HY_FC_NDISP; k++) {
        M->rate[k] = p->rate[k];
        M->los[k] = p->days[k];
    }
    M->contact = p->relative_contact_rate;
    M->cur = p->current_hospitalized;
    M->m = p->mitigation_date - p->current_date;
    M->n_days = p->n_days;
}

/* The days of the first policy (β before distancing) in a run of `total` days whose first day is
 * `i_day` days before current_date: CHIME's get_policies(), with the mitigation day no earlier
 * than the first day and (where CHIME would fail) no later than the last. */
static size_t pre_days(const struct fc_model *M, int i_day, int total) {
    int mday = M->m < -i_day ? -i_day : M->m;
    long pre = (long)i_day + mday;
    if (pre > total) pre = total;
    return (size_t)pre;
}

/* ---------------------------------------------------------------- hospitalized-only runs */

/* One disposition's run: state, ever-admitted, running sum of admissions and census per day. */
struct fc_h {
    double *s, *i, *r, *ever, *cum, *cen;
};

static void h_day0(const struct fc_model *M, int k, struct fc_h *h) {
    h->s[0] = M->s0;
    h->i[0] = M->i0;
    h->r[0] = M->r0;
    h->ever[0] = (h->i[0] + h->r[0]) * M->rate[k] * M->ms;
    h->cum[0] = 0.0;
    h->cen[0] = 0.0;
}

/* Continues a run with `beta` from day `from` (read from `base`) to day `upto`, writing days
 * from+1..upto into `w`; days at or before `from` are always read from `base`, so `w` may be a
 * scratch run that only holds the continuation (or `base` itself). Disposition k. */
static void h_extend(const struct fc_model *M, int k, const struct fc_h *base,
                         struct fc_h *w, size_t from, size_t upto, double beta) {
    double s = base->s[from], i = base->i[from], r = base->r[from];
    double ever_prev = base->ever[from], cum = base->cum[from];
    double rate = M->rate[k], ms = M->ms;
    size_t los = (size_t)M->los[k];
    for (size_t j = from + 1; j <= upto; j++) {
        hy_fc_sir_step(&s, &i, &r, beta, M->gamma, M->n);
        double ever = (i + r) * rate * ms;
        cum = cum + (ever - ever_prev);
        ever_prev = ever;
        w->s[j] = s;
        w->i[j] = i;
        w->r[j] = r;
        w->ever[j] = ever;
        w->cum[j] = cum;
        double back = 0.0;
        if (j >= los + 1) back = j - los <= from ? base->cum[j - los] : w->cum[j - los];
        w->cen[j] = cum - back;
    }
}

/* Scratch memory for the fits, sized for the largest run. */
struct work {
    size_t cap;
    struct fc_h b, w;
    double *premax; /* running maximum of b.cen */
    double *block;
};

static int work_init(struct work *ws, size_t cap) {
    ws->cap = cap;
    ws->block = malloc(sizeof(double) * cap * 13);
    if (!ws->block) return -1;
    double *q = ws->block;
    struct fc_h *hs[2] = {&ws->b, &ws->w};
    for (int t = 0; t < 2; t++) {
        hs[t]->s = q, q += cap;
        hs[t]->i = q, q += cap;
        hs[t]->r = q, q += cap;
        hs[t]->ever = q, q += cap;
        hs[t]->cum = q, q += cap;
        hs[t]->cen = q, q += cap;
    }
    ws->premax = q;
    return 0;
}

static double cen_at(const struct work *ws, size_t k, size_t j) {
    return j <= k ? ws->b.cen[j] : ws->w.cen[j];
}

/* The longest shared run any day-offset candidate reads. */
static size_t shared_len(const struct fc_model *M) {
    int N = M->n_days + HY_FC_PREFIT_DAYS;
    size_t len_b = (size_t)N - 1;
    for (int i = 0; i < N; i++) {
        size_t k = pre_days(M, i, i + M->n_days + HY_FC_PREFIT_DAYS);
        if (k > len_b) len_b = k;
    }
    return len_b;
}

/* CHIME's fit of the day offset for a given doubling time (its loop over i_day when the
 * mitigation date is set, which CHIME's parameters always make it). Returns the offset, or -1
 * when no offset leaves current_date before the census peak. */
static int fit_i_day(const struct fc_model *M, struct work *ws, double beta,
                         double beta_t) {
    int N = M->n_days + HY_FC_PREFIT_DAYS;
    size_t len_b = shared_len(M);
    h_day0(M, HY_FC_HOSP, &ws->b);
    h_extend(M, HY_FC_HOSP, &ws->b, &ws->b, 0, len_b, beta);
    ws->premax[0] = ws->b.cen[0];
    for (size_t j = 1; j <= len_b; j++)
        ws->premax[j] = ws->b.cen[j] > ws->premax[j - 1] ? ws->b.cen[j] : ws->premax[j - 1];

    double best = INFINITY;
    int best_i = -1;
    for (int i = 0; i < N; i++) {
        size_t total = (size_t)i + (size_t)M->n_days + HY_FC_PREFIT_DAYS;
        size_t k = pre_days(M, i, (int)total);
        size_t ui = (size_t)i;
        size_t simulated = k; /* the candidate's days are known up to here */
        double ci;
        if (ui <= k) {
            ci = ws->b.cen[ui];
        } else {
            h_extend(M, HY_FC_HOSP, &ws->b, &ws->w, k, ui, beta_t);
            simulated = ui;
            ci = ws->w.cen[ui];
        }
        double d = ci - M->cur;
        double loss = d * d;
        if (!(loss < best)) continue;
        bool before_peak = true;
        if (i > 0) {
            /* The largest census before current_date. */
            double pm = ws->premax[ui - 1 < k ? ui - 1 : k];
            for (size_t j = k + 1; j < ui; j++)
                if (ws->w.cen[j] > pm) pm = ws->w.cen[j];
            if (!(ci > pm)) {
                /* The first maximum is before i unless a later day beats pm. */
                before_peak = false;
                for (size_t j = ui + 1; j <= total && !before_peak; j++) {
                    if (j > simulated) {
                        h_extend(M, HY_FC_HOSP, &ws->b, &ws->w, k, total, beta_t);
                        simulated = total;
                    }
                    if (cen_at(ws, k, j) > pm) before_peak = true;
                }
            }
        }
        if (!before_peak) continue;
        best = loss;
        best_i = i;
    }
    return best_i;
}

/* The census on day i_day of the run used with a date of first admission (CHIME's
 * get_argmin_doubling_time(): only that day matters). */
static double census_on(const struct fc_model *M, struct work *ws, int i_day,
                            double beta, double beta_t) {
    size_t pre = pre_days(M, i_day, i_day + M->n_days);
    size_t ui = (size_t)i_day;
    h_day0(M, HY_FC_HOSP, &ws->b);
    if (pre >= ui) {
        h_extend(M, HY_FC_HOSP, &ws->b, &ws->b, 0, ui, beta);
    } else {
        h_extend(M, HY_FC_HOSP, &ws->b, &ws->b, 0, pre, beta);
        h_extend(M, HY_FC_HOSP, &ws->b, &ws->b, pre, ui, beta_t);
    }
    return ws->b.cen[ui];
}

/* numpy.linspace(a, b, 15). */
static void linspace15(double a, double b, double out[15]) {
    double step = (b - a) / 14.0;
    for (int j = 0; j < 15; j++) out[j] = (double)j * step + a;
    out[14] = b;
}

static double loss_for_dt(const struct fc_model *M, struct work *ws, int i_day,
                              double dt) {
    double g = hy_fc_growth_rate(dt);
    double beta = hy_fc_beta(g, M->gamma, M->s_start, 0.0);
    double beta_t = hy_fc_beta(g, M->gamma, M->s_start, M->contact);
    double predicted = census_on(M, ws, i_day, beta, beta_t);
    double d = M->cur - predicted;
    return d * d;
}

/* First index of the smallest loss (pandas' Series.argmin: infinite losses count, NaN not). */
static int argmin15(const double loss[15]) {
    int best = -1;
    for (int j = 0; j < 15; j++) {
        if (isnan(loss[j])) continue;
        if (best < 0 || loss[j] < loss[best]) best = j;
    }
    return best < 0 ? 0 : best;
}

/* CHIME's grid search for the doubling time given the date of the first admission: 1..15
 * days, then four refinements between the neighbours of the best. A neighbour index of -1 is
 * the last point, as a Python index is. Returns the doubling time, or 0 when the best of the
 * first grid is its last point (CHIME's "over 15 days" refusal). */
static double fit_doubling(const struct fc_model *M, struct work *ws, int i_day) {
    double dts[15], loss[15];
    linspace15(1.0, 15.0, dts);
    for (int j = 0; j < 15; j++) loss[j] = loss_for_dt(M, ws, i_day, dts[j]);
    int mi = argmin15(loss);
    if (mi >= 14) return 0.0;
    for (int it = 0; it < 4; it++) {
        double lo = dts[mi == 0 ? 14 : mi - 1];
        if (mi + 1 > 14) return 0.0; /* CHIME fails with an index error here */
        double hi = dts[mi + 1];
        linspace15(lo, hi, dts);
        for (int j = 0; j < 15; j++) loss[j] = loss_for_dt(M, ws, i_day, dts[j]);
        mi = argmin15(loss);
    }
    return dts[mi];
}

/* ---------------------------------------------------------------- the admissions fit */

/* For one doubling time: the day offset whose modelled hospital admissions on the series' days
 * (the last on current_date) are nearest the series in the least-squares sense. Candidates are
 * CHIME's (0 ≤ i < n_days + 300, each with its own mitigation day); the first of equal sums
 * wins. Returns the offset, or -1 when the series is longer than every candidate's past. */
static int fit_series_at(const struct fc_model *M, struct work *ws, const double *obs,
                             size_t L, double dt, double *ret_sse) {
    double g = hy_fc_growth_rate(dt);
    double beta = hy_fc_beta(g, M->gamma, M->s_start, 0.0);
    double beta_t = hy_fc_beta(g, M->gamma, M->s_start, M->contact);
    int N = M->n_days + HY_FC_PREFIT_DAYS;
    size_t len_b = shared_len(M);
    h_day0(M, HY_FC_HOSP, &ws->b);
    h_extend(M, HY_FC_HOSP, &ws->b, &ws->b, 0, len_b, beta);
    double best = INFINITY;
    int best_i = -1;
    for (int i = (int)L; i < N; i++) {
        size_t ui = (size_t)i;
        size_t k = pre_days(M, i, i + M->n_days + HY_FC_PREFIT_DAYS);
        if (ui > k) h_extend(M, HY_FC_HOSP, &ws->b, &ws->w, k, ui, beta_t);
        double sse = 0.0;
        for (size_t t = 0; t < L; t++) {
            size_t j = ui - L + 1 + t;
            double e1 = j <= k ? ws->b.ever[j] : ws->w.ever[j];
            double e0 = j - 1 <= k ? ws->b.ever[j - 1] : ws->w.ever[j - 1];
            double d = (e1 - e0) - obs[t];
            sse += d * d;
        }
        if (sse < best) {
            best = sse;
            best_i = i;
        }
    }
    *ret_sse = best;
    return best_i;
}

/* The doubling time (1 to 30 days) and day offset that fit the series best: a grid of whole
 * days, then four finer grids of 15 points between the neighbours of the best. */
static int fit_series(const struct fc_model *M, struct work *ws, const double *obs,
                          size_t L, double *ret_dt, int *ret_i, double *ret_sse) {
    double grid[30], loss[30];
    int offs[30];
    size_t ng = 30;
    for (size_t j = 0; j < ng; j++) grid[j] = (double)(j + 1);
    int found = -1;
    for (int it = 0; it < 5; it++) {
        found = -1;
        for (size_t j = 0; j < ng; j++) {
            offs[j] = fit_series_at(M, ws, obs, L, grid[j], &loss[j]);
            if (offs[j] < 0) continue;
            if (found < 0 || loss[j] < loss[found]) found = (int)j;
        }
        if (found < 0) return -1;
        if (it == 4) break;
        double lo = grid[found > 0 ? found - 1 : 0];
        double hi = grid[(size_t)found + 1 < ng ? (size_t)found + 1 : ng - 1];
        ng = 15;
        linspace15(lo, hi, grid);
    }
    *ret_dt = grid[found];
    *ret_i = offs[found];
    *ret_sse = loss[found];
    return 0;
}

/* ---------------------------------------------------------------- a whole run */

/* The run CHIME reports: days -i_day..n_days, every disposition. `ever` and `cum` are scratch
 * arrays of at least i_day + n_days + 1 entries. */
static void run_full(const struct fc_model *M, int i_day, double beta, double beta_t,
                         double *S, double *I, double *R, double *adm[HY_FC_NDISP],
                         double *cen[HY_FC_NDISP], double *ever, double *cum) {
    size_t total = (size_t)i_day + (size_t)M->n_days;
    size_t pre = pre_days(M, i_day, (int)total);
    double s = M->s0, i = M->i0, r = M->r0;
    S[0] = s, I[0] = i, R[0] = r;
    for (size_t j = 1; j <= total; j++) {
        hy_fc_sir_step(&s, &i, &r, j <= pre ? beta : beta_t, M->gamma, M->n);
        S[j] = s, I[j] = i, R[j] = r;
    }
    for (int k = 0; k < HY_FC_NDISP; k++) {
        size_t los = (size_t)M->los[k];
        for (size_t j = 0; j <= total; j++) ever[j] = (I[j] + R[j]) * M->rate[k] * M->ms;
        adm[k][0] = NAN;
        cum[0] = 0.0;
        cen[k][0] = 0.0;
        for (size_t j = 1; j <= total; j++) {
            adm[k][j] = ever[j] - ever[j - 1];
            cum[j] = cum[j - 1] + adm[k][j];
            cen[k][j] = cum[j] - (j >= los + 1 ? cum[j - los] : 0.0);
        }
    }
}

struct fc_fit {
    int i_day;
    double dt, g, beta, beta_t;
    double sse;
};

/* Fits what the mode leaves open. 0, or -1 with *err naming what to change. */
static int solve(const struct hy_fc_params *p, const struct fc_model *M,
                     struct work *ws, struct fc_fit *f, struct hy_fc_error *err) {
    f->sse = NAN;
    switch (p->mode) {
    case HY_FC_BY_DOUBLING:
        f->dt = p->doubling_time;
        f->g = hy_fc_growth_rate(f->dt);
        f->beta = hy_fc_beta(f->g, M->gamma, M->s_start, 0.0);
        f->beta_t = hy_fc_beta(f->g, M->gamma, M->s_start, M->contact);
        f->i_day = fit_i_day(M, ws, f->beta, f->beta_t);
        if (f->i_day < 0) {
            err->param = "current_hospitalized";
            snprintf(err->message, sizeof err->message,
                     "No day of the modelled epidemic before its hospital peak comes near "
                     "current_hospitalized; check it against population and the rates.");
            return -1;
        }
        return 0;
    case HY_FC_BY_FIRST_DATE:
        f->i_day = p->current_date - p->date_first_hospitalized;
        f->dt = fit_doubling(M, ws, f->i_day);
        if (f->dt == 0.0) {
            err->param = "date_first_hospitalized";
            snprintf(err->message, sizeof err->message,
                     "With these dates and current_hospitalized the doubling time before "
                     "distancing would be over 15 days, which the model does not fit.");
            return -1;
        }
        break;
    case HY_FC_BY_ADMISSIONS:
        if (fit_series(M, ws, p->admissions, p->nadmissions, &f->dt, &f->i_day, &f->sse) <
            0) {
            err->param = "admissions";
            snprintf(err->message, sizeof err->message,
                     "The series is longer than the days the model can look back (%d); "
                     "shorten it or raise n_days.",
                     p->n_days + HY_FC_PREFIT_DAYS - 1);
            return -1;
        }
        break;
    default:
        err->param = "doubling_time";
        snprintf(err->message, sizeof err->message, "Parameters were not checked.");
        return -1;
    }
    f->g = hy_fc_growth_rate(f->dt);
    f->beta = hy_fc_beta(f->g, M->gamma, M->s_start, 0.0);
    f->beta_t = hy_fc_beta(f->g, M->gamma, M->s_start, M->contact);
    return 0;
}

/* ---------------------------------------------------------------- bands */

/* Puts the k-th smallest of v[lo..hi) at v[k], the smaller ones before it and the larger ones
 * after it (quickselect, Hoare partition around a median of three). */
static void fc_select(double *v, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t k) {
    while (hi - lo > 1) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi - 1];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t i = lo, j = hi - 1;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        /* v[lo..j] <= pivot, v[j+1..i-1] == pivot, v[i..hi) >= pivot */
        if (k <= j)
            hi = j + 1;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

void hy_fc_percentiles(double *v, size_t n, const double *q, int nq, double *out) {
    ptrdiff_t from = 0;
    for (int t = 0; t < nq; t++) {
        double pos = q[t] * (double)(n - 1);
        size_t lo = (size_t)pos;
        if ((ptrdiff_t)lo >= from) fc_select(v, from, (ptrdiff_t)n, (ptrdiff_t)lo);
        double vlo = v[lo];
        if (lo + 1 >= n) {
            out[t] = vlo;
            from = (ptrdiff_t)lo + 1;
            continue;
        }
        fc_select(v, (ptrdiff_t)lo + 1, (ptrdiff_t)n, (ptrdiff_t)lo + 1);
        double frac = pos - (double)lo;
        out[t] = vlo + (v[lo + 1] - vlo) * frac;
        from = (ptrdiff_t)lo + 1;
    }
}

/* Monte Carlo over the ranges: HY_FC_RUNS runs with each ranged parameter drawn uniformly from
 * its range by ChaCha20 keyed with the seed (libsodium's randombytes_buf_deterministic), so the
 * same parameters give the same bands on every machine. Runs that cannot be fitted are left out
 * and counted. Fills r->band*; 0, -1 (no run could be fitted) or -2 (memory). */
static int fc_bands(const struct hy_fc_params *p, struct work *ws, size_t cap,
                     struct hy_fc_result *r, struct hy_fc_error *err) {
    size_t nd = (size_t)p->n_days + 1;
    size_t runs = HY_FC_RUNS;
    double *vals = malloc(sizeof(double) * 2 * HY_FC_NDISP * nd * runs);
    double *scratch = malloc(sizeof(double) * cap * 11);
    uint64_t *draws = malloc(sizeof(uint64_t) * runs * HY_FC_NRANGED);
    struct hy_fc_params *q = malloc(sizeof *q);
    if (!vals || !scratch || !draws || !q) {
        free(vals), free(scratch), free(draws), free(q);
        return -2;
    }
    unsigned char seed[randombytes_SEEDBYTES] = {0};
    for (int b = 0; b < 8; b++) seed[b] = (unsigned char)(p->seed >> (8 * b));
    randombytes_buf_deterministic(draws, sizeof(uint64_t) * runs * HY_FC_NRANGED, seed);

    double *S = scratch, *I = S + cap, *R = I + cap, *ever = R + cap, *cum = ever + cap;
    double *adm[HY_FC_NDISP], *cen[HY_FC_NDISP];
    for (int k = 0; k < HY_FC_NDISP; k++) {
        adm[k] = cum + cap * (size_t)(1 + k);
        cen[k] = cum + cap * (size_t)(1 + HY_FC_NDISP + k);
    }
    *q = *p;
    size_t ok = 0;
    int failed = 0;
    for (size_t run = 0; run < runs; run++) {
        double x[HY_FC_NRANGED];
        for (int t = 0; t < HY_FC_NRANGED; t++) {
            const struct hy_fc_range *rg = &p->range[t];
            double u = (double)(draws[run * HY_FC_NRANGED + (size_t)t] >> 11) * 0x1.0p-53;
            x[t] = rg->set ? rg->min + u * (rg->max - rg->min) : NAN;
        }
        if (p->range[HY_FC_R_DOUBLING].set) q->doubling_time = x[HY_FC_R_DOUBLING];
        if (p->range[HY_FC_R_CONTACT].set) q->relative_contact_rate = x[HY_FC_R_CONTACT];
        if (p->range[HY_FC_R_HOSP_RATE].set) q->rate[HY_FC_HOSP] = x[HY_FC_R_HOSP_RATE];
        if (p->range[HY_FC_R_ICU_RATE].set) q->rate[HY_FC_ICU] = x[HY_FC_R_ICU_RATE];
        if (p->range[HY_FC_R_VENT_RATE].set) q->rate[HY_FC_VENT] = x[HY_FC_R_VENT_RATE];
        struct fc_model M;
        model_init(&M, q);
        struct fc_fit f;
        struct hy_fc_error e2;
        if (!(M.s_start > 0.0) || solve(q, &M, ws, &f, &e2) < 0) {
            failed++;
            continue;
        }
        run_full(&M, f.i_day, f.beta, f.beta_t, S, I, R, adm, cen, ever, cum);
        for (int k = 0; k < HY_FC_NDISP; k++)
            for (size_t d = 0; d < nd; d++) {
                size_t j = (size_t)f.i_day + d;
                vals[((size_t)k * nd + d) * runs + ok] = adm[k][j];
                vals[((size_t)(HY_FC_NDISP + k) * nd + d) * runs + ok] = cen[k][j];
            }
        ok++;
    }
    static const double qs[3] = {0.05, 0.50, 0.95};
    if (ok > 0) {
        for (size_t sd = 0; sd < 2 * HY_FC_NDISP * nd; sd++) {
            size_t series = sd / nd, d = sd % nd;
            double got[3];
            hy_fc_percentiles(vals + sd * runs, ok, qs, 3, got);
            for (int t = 0; t < 3; t++) r->band[series][t][d] = got[t];
        }
    }
    free(vals), free(scratch), free(draws), free(q);
    r->band_runs = (int)ok;
    r->band_failed = failed;
    if (ok == 0) {
        err->param = "doubling_time_min";
        snprintf(err->message, sizeof err->message,
                 "No run of the ranges could be fitted; narrow the ranges.");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the entry point */

int hy_fc_run(const struct hy_fc_params *p, struct hy_fc_result *ret, struct hy_fc_error *err) {
    memset(ret, 0, sizeof *ret);
    struct fc_model M;
    model_init(&M, p);
    bool bands = false;
    for (int t = 0; t < HY_FC_NRANGED; t++) bands |= p->range[t].set;
    /* The longest run: the shared run of the day-offset fit, or a first admission up to
     * HY_FC_MAX_DAYS before current_date plus the horizon. */
    size_t cap = 2 * ((size_t)p->n_days + HY_FC_PREFIT_DAYS) + HY_FC_MAX_DAYS + 2;
    struct work ws;
    if (work_init(&ws, cap) < 0) return -2;
    struct fc_fit f;
    if (solve(p, &M, &ws, &f, err) < 0) {
        free(ws.block);
        return -1;
    }
    size_t nd = (size_t)f.i_day + (size_t)p->n_days + 1;
    size_t nb = bands ? (size_t)p->n_days + 1 : 0;
    double *mem = malloc(sizeof(double) * (nd * (3 + 2 * HY_FC_NDISP + 2) + nb * 18));
    if (!mem) {
        free(ws.block);
        return -2;
    }
    ret->mem_ = mem;
    ret->ndays = nd;
    ret->susceptible = mem, mem += nd;
    ret->infected = mem, mem += nd;
    ret->recovered = mem, mem += nd;
    for (int k = 0; k < HY_FC_NDISP; k++) ret->admits[k] = mem, mem += nd;
    for (int k = 0; k < HY_FC_NDISP; k++) ret->census[k] = mem, mem += nd;
    double *ever = mem, *cum = mem + nd;
    mem += 2 * nd;
    run_full(&M, f.i_day, f.beta, f.beta_t, ret->susceptible, ret->infected,
                 ret->recovered, ret->admits, ret->census, ever, cum);

    ret->i_day = f.i_day;
    ret->doubling_time = f.dt;
    ret->intrinsic_growth_rate = f.g;
    ret->gamma = M.gamma;
    ret->beta = f.beta;
    ret->beta_t = f.beta_t;
    ret->r_t = f.beta_t / M.gamma * M.s_start;
    ret->r_naught = f.beta / M.gamma * M.s_start;
    ret->doubling_time_t = 1.0 / log2(f.beta_t * M.s_start - M.gamma + 1.0);
    if (p->mode == HY_FC_BY_ADMISSIONS) {
        ret->has_fit = true;
        ret->fit_points = p->nadmissions;
        ret->fit_sse = f.sse;
        ret->fit_rms = sqrt(f.sse / (double)p->nadmissions);
    }
    if (bands) {
        for (int s = 0; s < 2 * HY_FC_NDISP; s++)
            for (int t = 0; t < 3; t++) ret->band[s][t] = mem, mem += nb;
        ret->has_bands = true;
        ret->band_days = nb;
        int rc = fc_bands(p, &ws, cap, ret, err);
        if (rc < 0) {
            free(ws.block);
            hy_fc_result_free(ret);
            return rc;
        }
    }
    free(ws.block);
    return 0;
}

void hy_fc_result_free(struct hy_fc_result *r) {
    if (!r) return;
    free(r->mem_);
    memset(r, 0, sizeof *r);
}
