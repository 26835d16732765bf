/*
 * profile.c - looking up and deriving profile distributions.
 */
#include "profile.h"

#include <math.h>
#include <string.h>

const HwProfile *profile_hw(const ModelProfile *m, const char *hw)
{
    for (int i = 0; i < m->n_hw; i++)
        if (strcmp(m->hw[i].hw, hw) == 0)
            return &m->hw[i];
    return NULL;
}

Dist profile_warm_dist(const HwProfile *h, int batch)
{
    if (!h->warm_affine)
        return h->warm;
    Dist d = {0};
    d.kind = h->warm_sigma > 0 ? DIST_LOGNORMAL : DIST_CONSTANT;
    d.a_s = h->warm_a_s + h->warm_c_s * batch;
    d.sigma = h->warm_sigma;
    return d;
}

const LlmHwModel *profile_llm(const ModelProfile *m, const char *hw, int tp)
{
    const HwProfile *h = m->llm.present ? profile_hw(m, hw) : NULL;
    if (h == NULL)
        return NULL;
    for (int i = 0; i < h->n_llm; i++)
        if (h->llm[i].tp == tp)
            return &h->llm[i];
    return NULL;
}

double profile_llm_kv_tokens(const ModelProfile *m, double gpu_memory_bytes,
                             double utilization, int tp)
{
    const LlmProfile *p = &m->llm;
    if (!p->present || tp < 1)
        return 0.0;
    double free_bytes = gpu_memory_bytes * utilization -
                        p->shape.weights_bytes / tp -
                        p->activation_reserve_bytes;
    double per_token = llm_kv_bytes_per_token(&p->shape, tp);
    if (!(free_bytes > 0) || !(per_token > 0))
        return 0.0;
    return floor(free_bytes / per_token);
}

double profile_llm_load_s(const ModelProfile *m, const HwProfile *h, int tp,
                          LlmLoadSource src)
{
    if (src < 0 || src >= LLM_LOAD_N || !(h->load_bytes_per_s[src] > 0))
        return -1.0;
    double rate = h->load_bytes_per_s[src];
    if (src == LLM_LOAD_DRAM)
        rate *= tp; /* one PCIe link per GPU, loading in parallel */
    return m->llm.shape.weights_bytes / rate;
}

double profile_llm_cold_start_s(const ModelProfile *m, const HwProfile *h,
                                const LlmHwModel *x, LlmLoadSource src)
{
    double load_s = profile_llm_load_s(m, h, x->tp, src);
    if (load_s < 0)
        return -1.0;
    return x->container_start_s + x->runtime_init_s + load_s +
           x->kv_alloc_s + x->warmup_s;
}
