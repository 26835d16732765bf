/*
 * arrivals.c - the synthetic generators (see arrivals.h for the models).
 *
 * Times are carried in double seconds inside the Markov-modulated and
 * thinned generators (they add many exponential gaps) and converted to
 * integer microseconds once per arrival; the constant-rate generator
 * computes start + i / rate directly, so it never drifts.
 */
#include "arrivals.h"

#include "../core/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

static void window_init(ArrivalState *st, const WorkloadSpec *wl)
{
    memset(st, 0, sizeof *st);
    st->dur_s = (double)NAN;
    st->prompt_tokens = st->output_tokens = -1;
    st->start = time_from_s(wl->start_s);
    st->end = time_from_s(wl->end_s);
    st->t_s = wl->start_s;
}

static SimTime clip(const ArrivalState *st, double t_s)
{
    SimTime t = time_from_s(t_s);
    return t < st->end ? t : SIM_TIME_MAX;
}

/* --- poisson --- */

static void poisson_init(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    (void)r;
    window_init(st, wl);
}

static SimTime poisson_next(ArrivalState *st, const WorkloadSpec *wl,
                            gsl_rng *r)
{
    st->t_s += rng_exponential(r, 1.0 / wl->rate_per_s);
    return clip(st, st->t_s);
}

/* --- constant --- */

static SimTime constant_next(ArrivalState *st, const WorkloadSpec *wl,
                             gsl_rng *r)
{
    (void)r;
    double t_s = wl->start_s + (double)st->i / wl->rate_per_s;
    st->i++;
    return clip(st, t_s);
}

/* --- mmpp (on/off) --- */

static void mmpp_init(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    window_init(st, wl);
    double p_on = wl->mean_on_s / (wl->mean_on_s + wl->mean_off_s);
    st->on = gsl_rng_uniform(r) < p_on;
    /* Residual life of an exponential state is exponential with the same
     * mean, so the stationary start needs no special residual draw. */
    st->state_end_s = st->t_s + rng_exponential(
                                    r, st->on ? wl->mean_on_s : wl->mean_off_s);
}

static SimTime mmpp_next(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    for (;;) {
        double rate = st->on ? wl->rate_on_per_s : wl->rate_off_per_s;
        double cand = rate > 0 ? st->t_s + rng_exponential(r, 1.0 / rate)
                               : HUGE_VAL;
        if (cand < st->state_end_s) {
            st->t_s = cand;
            return clip(st, cand);
        }
        /* Memorylessness: restart the clock at the state change. */
        st->t_s = st->state_end_s;
        if (time_from_s(st->t_s) >= st->end)
            return SIM_TIME_MAX;
        st->on = !st->on;
        st->state_end_s = st->t_s + rng_exponential(
                                        r, st->on ? wl->mean_on_s
                                                  : wl->mean_off_s);
    }
}

/* --- diurnal (thinning) --- */

static SimTime diurnal_next(ArrivalState *st, const WorkloadSpec *wl,
                            gsl_rng *r)
{
    double lmax = wl->rate_per_s * (1.0 + wl->amplitude);
    for (;;) {
        st->t_s += rng_exponential(r, 1.0 / lmax);
        if (time_from_s(st->t_s) >= st->end)
            return SIM_TIME_MAX;
        double phase = 6.283185307179586 * (st->t_s - wl->peak_s) / wl->period_s;
        double lam = wl->rate_per_s * (1.0 + wl->amplitude * cos(phase));
        if (gsl_rng_uniform(r) * lmax < lam)
            return clip(st, st->t_s);
    }
}

/* --- steps (piecewise-constant Poisson) --- */

static void steps_init(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    (void)r;
    window_init(st, wl);
    st->on = 0; /* the step in force: the last one starting at or before t */
    while (st->on + 1 < wl->n_steps && wl->step_at_s[st->on + 1] <= st->t_s)
        st->on++;
}

static SimTime steps_next(ArrivalState *st, const WorkloadSpec *wl,
                          gsl_rng *r)
{
    for (;;) {
        double rate = wl->step_rate[st->on];
        double end = st->on + 1 < wl->n_steps ? wl->step_at_s[st->on + 1]
                                              : HUGE_VAL;
        double cand = rate > 0 ? st->t_s + rng_exponential(r, 1.0 / rate)
                               : HUGE_VAL;
        if (cand < end) {
            st->t_s = cand;
            return clip(st, cand);
        }
        if (end == HUGE_VAL || time_from_s(end) >= st->end)
            return SIM_TIME_MAX;
        st->t_s = end; /* memoryless: restart at the step */
        st->on++;
    }
}

/* --- trace --- */

/* Trace readers: the reader applies its own window (rebased to time 0),
 * and config read the files once before the run, so a failure to reopen
 * means they changed since: exit as for bad input. */
static void reader_window(ArrivalState *st, const WorkloadSpec *wl)
{
    window_init(st, wl);
    st->start = 0;
    st->end = SIM_TIME_MAX;
}

static void reader_lost(const Err *err)
{
    fprintf(stderr, "simsrv: %s: %s (changed after it was checked?)\n",
            err->where, err->msg);
    exit(2);
}

static void trace_init(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    (void)r;
    reader_window(st, wl);
    Err err;
    st->ext = trace_open(&wl->trace, &err);
    if (st->ext == NULL)
        reader_lost(&err);
}

static SimTime trace_arrival_next(ArrivalState *st, const WorkloadSpec *wl,
                                  gsl_rng *r)
{
    (void)wl;
    (void)r;
    TraceRow row;
    Err err;
    int rc = trace_next(st->ext, &row, &err);
    if (rc < 0)
        reader_lost(&err);
    st->dur_s = row.dur_s;
    st->prompt_tokens = row.context;
    st->output_tokens = row.generated;
    st->function = row.fn;
    return rc == 0 ? SIM_TIME_MAX : time_from_s(row.t_s);
}

static void trace_fini(ArrivalState *st)
{
    trace_close(st->ext);
    st->ext = NULL;
}

/* trace with numbered functions, azure2021: counted by config's check. */
static int trace_functions(const ArrivalState *st, const WorkloadSpec *wl)
{
    (void)st;
    return wl->trace.numbered ? (int)wl->trace_functions : 1;
}

static void trace_function_ids(ArrivalState *st, const WorkloadSpec *wl,
                               int fn, const char **app, const char **id)
{
    (void)wl;
    trace_function_names(st->ext, fn, app, id);
}

/* --- azure2019 --- */

static void az19_init(ArrivalState *st, const WorkloadSpec *wl, gsl_rng *r)
{
    (void)r;
    reader_window(st, wl);
    Err err;
    st->ext = az19_open(&wl->az19, &err);
    if (st->ext == NULL)
        reader_lost(&err);
}

static SimTime az19_arrival_next(ArrivalState *st, const WorkloadSpec *wl,
                                 gsl_rng *r)
{
    (void)wl;
    double t_s, dur_s;
    if (az19_next(st->ext, r, &t_s, &dur_s, &st->function) == 0)
        return SIM_TIME_MAX;
    st->dur_s = dur_s;
    st->prompt_tokens = st->output_tokens = -1;
    return time_from_s(t_s);
}

static void az19_fini(ArrivalState *st)
{
    az19_close(st->ext);
    st->ext = NULL;
}

static int az19_functions(const ArrivalState *st, const WorkloadSpec *wl)
{
    (void)wl;
    return (int)az19_stats(st->ext)->kept;
}

static double az19_fn_memory(const ArrivalState *st, int fn)
{
    return az19_memory_mb(st->ext, fn);
}

static void az19_fn_ids(ArrivalState *st, const WorkloadSpec *wl, int fn,
                        const char **app, const char **id)
{
    (void)wl;
    az19_function_names(st->ext, fn, app, id);
}

static const ArrivalType types[] = {
    {"poisson", poisson_init, poisson_next, NULL, NULL, NULL, NULL},
    {"constant", poisson_init, constant_next, NULL, NULL, NULL, NULL},
    {"mmpp", mmpp_init, mmpp_next, NULL, NULL, NULL, NULL},
    {"diurnal", poisson_init, diurnal_next, NULL, NULL, NULL, NULL},
    {"steps", steps_init, steps_next, NULL, NULL, NULL, NULL},
    {"trace", trace_init, trace_arrival_next, trace_fini, trace_functions,
     NULL, trace_function_ids},
    {"azure2019", az19_init, az19_arrival_next, az19_fini, az19_functions,
     az19_fn_memory, az19_fn_ids},
    {"azure2021", trace_init, trace_arrival_next, trace_fini, trace_functions,
     NULL, trace_function_ids},
};

static const char *const names[] = {"poisson", "constant", "mmpp",
                                    "diurnal", "steps",    "trace",
                                    "azure2019", "azure2021", NULL};

const ArrivalType *arrivals_find(const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

const char *const *arrivals_names(void) { return names; }

double arrivals_mean_rate(const WorkloadSpec *wl)
{
    if (strcmp(wl->type, "mmpp") == 0)
        return (wl->rate_on_per_s * wl->mean_on_s +
                wl->rate_off_per_s * wl->mean_off_s) /
               (wl->mean_on_s + wl->mean_off_s);
    if (strcmp(wl->type, "steps") == 0 && wl->n_steps > 0) {
        /* time-weighted over [start, end) */
        double sum = 0;
        for (int i = 0; i < wl->n_steps; i++) {
            double a = wl->step_at_s[i] > wl->start_s ? wl->step_at_s[i]
                                                      : wl->start_s;
            double b = i + 1 < wl->n_steps ? wl->step_at_s[i + 1] : wl->end_s;
            if (b > wl->end_s)
                b = wl->end_s;
            if (b > a)
                sum += wl->step_rate[i] * (b - a);
        }
        return sum / (wl->end_s - wl->start_s);
    }
    return wl->rate_per_s;
}

int workload_multi_function(const WorkloadSpec *wl)
{
    if (strcmp(wl->type, "azure2019") == 0)
        return 1;
    return (strcmp(wl->type, "trace") == 0 ||
            strcmp(wl->type, "azure2021") == 0) &&
           wl->trace.numbered;
}

void workload_each_function_name(const WorkloadSpec *wl, uint64_t seed,
                                 uint32_t rep,
                                 void (*visit)(void *ctx, int fn,
                                               const char *app,
                                               const char *id),
                                 void *ctx)
{
    const ArrivalType *at = arrivals_find(wl->type);
    gsl_rng *r = rng_create(seed, rep, RNG_ARRIVALS, 0);
    ArrivalState st;
    memset(&st, 0, sizeof st);
    at->init(&st, wl, r);
    int n_fn = at->functions != NULL ? at->functions(&st, wl) : 1;
    for (int fn = 0; fn < (n_fn > 0 ? n_fn : 1); fn++) {
        const char *app = "", *id = NULL;
        if (at->function_ids != NULL)
            at->function_ids(&st, wl, fn, &app, &id);
        visit(ctx, fn, app, id);
    }
    if (at->fini != NULL)
        at->fini(&st);
    gsl_rng_free(r);
}

int workload_has_tokens(const WorkloadSpec *wl)
{
    return strcmp(wl->type, "trace") == 0 &&
           wl->trace.generated_column[0] != '\0';
}
