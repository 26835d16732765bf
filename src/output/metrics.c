/*
 * metrics.c - the run's online accumulators (see metrics.h).
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>

#include "../util/xalloc.h"

const MetricInfo metric_info[MET_COUNT] = {
#define X(name, unit, doc) {#name, unit, doc},
    RUN_METRICS(X)
    LLM_METRICS(X)
    TIER_METRICS(X)
    GPU_METRICS(X)
#undef X
};

const double run_cdf_p[RUN_CDF_POINTS] = {
    0.001, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10,
    0.11,  0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21,
    0.22,  0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32,
    0.33,  0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43,
    0.44,  0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54,
    0.55,  0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65,
    0.66,  0.67, 0.68, 0.69, 0.70, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76,
    0.77,  0.78, 0.79, 0.80, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87,
    0.88,  0.89, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98,
    0.99,  0.995, 0.999, 0.9999, 1.0};

Metrics *metrics_create(SimTime slo_us)
{
    Metrics *m = xcalloc(1, sizeof *m);
    m->slo_us = slo_us;
    m->windows = 1;
    m->lat.n = 1; /* make hist_reset clear the (already zero) buckets */
    hist_reset(&m->lat);
    m->win.n = 1;
    hist_reset(&m->win);
    m->cold_wait.n = 1;
    hist_reset(&m->cold_wait);
    Hist *llm_hists[] = {&m->llm.ttft, &m->llm.tpot_ns, &m->llm.e2e,
                         &m->llm.norm_ns, &m->llm.w_ttft};
    for (size_t i = 0; i < sizeof llm_hists / sizeof llm_hists[0]; i++) {
        llm_hists[i]->n = 1;
        hist_reset(llm_hists[i]);
    }
    return m;
}

void metrics_destroy(Metrics *m) { free(m); }

void metrics_advance(Metrics *m, SimTime now)
{
    double dt = (double)(now - m->last_t);
    if (dt <= 0)
        return;
    m->state_us[INST_STARTING] += dt * m->n[INST_STARTING];
    m->state_us[INST_IDLE] += dt * m->n[INST_IDLE];
    m->state_us[INST_BUSY] += dt * m->n[INST_BUSY];
    /* (no VMs: nothing to add, and adding 0 would change nothing) */
    if ((m->vm_n[INST_STARTING] | m->vm_n[INST_IDLE] | m->vm_n[INST_BUSY]) != 0)
        for (int st = INST_STARTING; st <= INST_BUSY; st++)
            m->vm_state_us[st] += dt * m->vm_n[st];
    int k = m->n[INST_BUSY];
    m->busy_k_us[k < METRICS_BUSY_K ? k : METRICS_BUSY_K - 1] += dt;
    m->last_t = now;
}

void metrics_arrival(Metrics *m, SimTime arrival)
{
    if (arrival < m->warmup)
        m->pre_arrivals++;
    else
        m->arrivals++;
    m->w_arrivals++;
}

void metrics_warmup(Metrics *m, SimTime now)
{
    metrics_advance(m, now);
    for (int s = 0; s < INST_NSTATES; s++) {
        m->state_us_w[s] = m->state_us[s];
        m->vm_state_us_w[s] = m->vm_state_us[s];
    }
    for (int k = 0; k < METRICS_BUSY_K; k++)
        m->busy_k_us_w[k] = m->busy_k_us[k];
}

void metrics_instance(Metrics *m, SimTime now, InstState from, InstState to)
{
    metrics_advance(m, now);
    if (from != INST_GONE)
        m->n[from]--;
    if (to != INST_GONE)
        m->n[to]++;
    if (from == INST_GONE) {
        int alive = m->n[INST_STARTING] + m->n[INST_IDLE] + m->n[INST_BUSY];
        if (alive > m->peak_alive)
            m->peak_alive = alive;
    }
}

void metrics_vm(Metrics *m, SimTime now, InstState from, InstState to)
{
    metrics_advance(m, now);
    if (from != INST_GONE)
        m->vm_n[from]--;
    if (to != INST_GONE)
        m->vm_n[to]++;
    if (from == INST_GONE) {
        int alive = m->vm_n[INST_STARTING] + m->vm_n[INST_IDLE] +
                    m->vm_n[INST_BUSY];
        if (alive > m->vm_peak)
            m->vm_peak = alive;
    }
}

/* The output tokens of an LLM request: as its executor counted them, or
 * as its trace gave them. */
static int64_t llm_tokens_out(const Request *req)
{
    return req->tokens_out_done > 0 ? req->tokens_out_done
                                    : req->output_tokens;
}

/* A completed request: its tokens (when it has token counts), and with a
 * first token its latencies; the window always, the run's statistics when
 * it is measured (arrived after the warm-up). */
static void llm_end(LlmAcc *a, const Request *req, SimTime now,
                    int measured)
{
    int64_t n_out = llm_tokens_out(req);
    if (n_out < 1)
        return; /* not an LLM request */
    a->w_output_tokens += (uint64_t)n_out;
    if (measured) {
        a->output_tokens += (uint64_t)n_out;
        a->prompt_tokens += req->prompt_tokens > 0
                                ? (uint64_t)req->prompt_tokens
                                : 0;
    }
    if (req->first_token_us < 0)
        return;
    SimTime ttft = req->first_token_us - req->arrival;
    hist_add(&a->w_ttft, ttft);
    if (!measured)
        return;
    SimTime e2e = now - req->arrival;
    SimTime decode = now - req->first_token_us; /* the n_out - 1 gaps */
    a->n++;
    hist_add(&a->ttft, ttft);
    hist_add(&a->e2e, e2e);
    hist_add(&a->norm_ns, llround((double)e2e * 1e3 / (double)n_out));
    if (n_out >= 2)
        hist_add(&a->tpot_ns,
                 llround((double)decode * 1e3 / (double)(n_out - 1)));
    /* TPOT <= target, compared exactly: decode <= target x gaps. */
    int ttft_ok = a->slo_ttft_us <= 0 || ttft <= a->slo_ttft_us;
    int tpot_ok = a->slo_tpot_us <= 0 || n_out < 2 ||
                  (double)decode <= (double)a->slo_tpot_us * (double)(n_out - 1);
    if (ttft_ok && tpot_ok)
        a->slo_ok++;
}

void metrics_end(Metrics *m, const Request *req, SimTime now)
{
    ReqOutcome outcome = (ReqOutcome)req->outcome;
    SimTime lat = now - req->arrival;
    int lat_bucket = outcome == REQ_COMPLETED ? hist_bucket(lat) : 0;
    /* The timeseries window sees every request ... */
    switch (outcome) {
    case REQ_COMPLETED:
        m->w_completed++;
        if (m->windows)
            hist_add_in(&m->win, lat, lat_bucket);
        if (req->cold)
            m->w_cold++;
        break;
    case REQ_REJECTED:
        m->w_rejected++;
        break;
    case REQ_TIMED_OUT:
        m->w_timed_out++;
        break;
    case REQ_PENDING:
    case REQ_UNFINISHED:
        break;
    }
    if (outcome == REQ_COMPLETED)
        llm_end(&m->llm, req, now, req->arrival >= m->warmup);
    /* ... the run's statistics only those that arrived after the warm-up. */
    if (req->arrival < m->warmup) {
        m->pre_ended++;
        return;
    }
    switch (outcome) {
    case REQ_COMPLETED: {
        m->completed++;
        hist_add_in(&m->lat, lat, lat_bucket);
        if (lat <= m->slo_us)
            m->slo_ok++;
        SimTime cold_wait = req->cold ? (req->start - req->bound_at) : 0;
        m->cold_wait_us += (double)cold_wait;
        if (req->cold)
            hist_add(&m->cold_wait, cold_wait);
        SimTime queued = req->start - req->arrival - cold_wait;
        m->queue_wait_us += (double)queued;
        if (queued > 0)
            m->waited++;
        if (req->cold)
            m->cold++;
        break;
    }
    case REQ_REJECTED:
        m->rejected++;
        break;
    case REQ_TIMED_OUT:
        m->timed_out++;
        break;
    case REQ_PENDING:
    case REQ_UNFINISHED:
        break;
    }
}

void metrics_window(Metrics *m, SimTime now, TsRow *row)
{
    metrics_advance(m, now);
    double len = (double)(now - m->win_t0);
    row->t0_s = time_to_s(m->win_t0);
    row->t1_s = time_to_s(now);
    row->arrivals = m->w_arrivals;
    row->completed = m->w_completed;
    row->rejected = m->w_rejected;
    row->timed_out = m->w_timed_out;
    row->cold = m->w_cold;
    row->starting = len > 0 ? (m->state_us[INST_STARTING] -
                               m->w_state_us0[INST_STARTING]) / len : 0;
    row->idle = len > 0 ? (m->state_us[INST_IDLE] -
                           m->w_state_us0[INST_IDLE]) / len : 0;
    row->busy = len > 0 ? (m->state_us[INST_BUSY] -
                           m->w_state_us0[INST_BUSY]) / len : 0;
    row->vm_booting = len > 0 ? (m->vm_state_us[INST_STARTING] -
                                 m->w_vm_state_us0[INST_STARTING]) / len : 0;
    row->vm_ready = len > 0 ? (m->vm_state_us[INST_IDLE] +
                               m->vm_state_us[INST_BUSY] -
                               m->w_vm_state_us0[INST_IDLE] -
                               m->w_vm_state_us0[INST_BUSY]) / len : 0;
    row->p95_ms = m->win.n ? hist_quantile(&m->win, 0.95) * 1e-3 : (double)NAN;
    row->cost_usd = 0;
    LlmAcc *a = &m->llm;
    row->ttft_p50_ms =
        a->w_ttft.n ? hist_quantile(&a->w_ttft, 0.50) * 1e-3 : (double)NAN;
    row->ttft_p99_ms =
        a->w_ttft.n ? hist_quantile(&a->w_ttft, 0.99) * 1e-3 : (double)NAN;
    row->out_tok_s = len > 0 ? (double)a->w_output_tokens / len * 1e6 : 0;
    row->kv_util_pct = (double)NAN; /* metrics_llm_window */
    a->w_output_tokens = 0;
    hist_reset(&a->w_ttft);
    m->win_t0 = now;
    m->w_arrivals = m->w_completed = m->w_rejected = m->w_timed_out = 0;
    m->w_cold = 0;
    for (int s = 0; s < INST_NSTATES; s++) {
        m->w_state_us0[s] = m->state_us[s];
        m->w_vm_state_us0[s] = m->vm_state_us[s];
    }
    hist_reset(&m->win);
}

/* ---- LLM metrics ----------------------------------------------------- */

void metrics_llm_slo(Metrics *m, SimTime ttft_us, SimTime tpot_us)
{
    m->llm.slo_ttft_us = ttft_us;
    m->llm.slo_tpot_us = tpot_us;
}

void metrics_llm_warmup(Metrics *m, const LlmRunStats *st)
{
    m->llm.at_warmup = *st;
}

/* used / capacity in %, NaN without engines or capacity. */
static double kv_util_pct(const LlmRunStats *end, const LlmRunStats *start)
{
    double cap = end->kv_cap_block_us - start->kv_cap_block_us;
    if (!end->has_engines || !(cap > 0))
        return (double)NAN;
    return 100.0 * (end->kv_used_block_us - start->kv_used_block_us) / cap;
}

void metrics_llm_window(Metrics *m, const LlmRunStats *st, TsRow *row)
{
    row->kv_util_pct = kv_util_pct(st, &m->llm.at_window);
    m->llm.at_window = *st;
}

/* Quantiles p of h, scaled by `unit` (to ms), into out; NaN when empty. */
static void llm_quantiles(const Hist *h, const double *p, int n, double unit,
                          double *out)
{
    hist_quantiles(h, p, n, out);
    for (int i = 0; i < n; i++)
        out[i] = h->n ? out[i] * unit : (double)NAN;
}

void metrics_llm_result(const Metrics *m, const LlmRunStats *st,
                        double measured_s, double *v)
{
    static const double ps[4] = {0.50, 0.90, 0.95, 0.99};
    const LlmAcc *a = &m->llm;
    llm_quantiles(&a->ttft, ps, 4, 1e-3, &v[MET_ttft_p50_ms]);
    llm_quantiles(&a->tpot_ns, ps, 4, 1e-6, &v[MET_tpot_p50_ms]);
    llm_quantiles(&a->e2e, ps, 4, 1e-3, &v[MET_e2e_p50_ms]);
    llm_quantiles(&a->norm_ns, ps, 4, 1e-6, &v[MET_norm_p50_ms]);
    v[MET_llm_requests] = (double)a->n;
    v[MET_ttft_mean_ms] = a->ttft.n ? hist_mean(&a->ttft) * 1e-3 : (double)NAN;
    v[MET_tpot_mean_ms] =
        a->tpot_ns.n ? hist_mean(&a->tpot_ns) * 1e-6 : (double)NAN;
    v[MET_output_tokens] = (double)a->output_tokens;
    double per_s = measured_s > 0 ? 1.0 / measured_s : 0.0;
    v[MET_output_tok_s] = (double)a->output_tokens * per_s;
    v[MET_total_tok_s] =
        (double)(a->prompt_tokens + a->output_tokens) * per_s;
    uint64_t ended = m->completed + m->rejected + m->timed_out;
    v[MET_llm_slo_pct] =
        ended ? 100.0 * (double)a->slo_ok / (double)ended : (double)NAN;
    v[MET_goodput_rps] = (double)a->slo_ok * per_s;
    const LlmRunStats *w = &a->at_warmup;
    double busy_us = st->busy_us - w->busy_us;
    v[MET_mean_running_batch] =
        st->has_engines && busy_us > 0
            ? (st->running_seq_us - w->running_seq_us) / busy_us
            : (double)NAN;
    v[MET_kv_util_pct] = kv_util_pct(st, w);
    v[MET_preemptions] = st->has_engines
                             ? (double)(st->preemptions - w->preemptions)
                             : (double)NAN;
    v[MET_iterations] = st->has_engines
                            ? (double)(st->iterations - w->iterations)
                            : (double)NAN;
    v[MET_usd_per_1m_out] = (double)NAN; /* the World's, after the cost */
}
