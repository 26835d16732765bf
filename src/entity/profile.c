/*
 * profile.c - looking up and deriving profile distributions.
 */
#include "profile.h"

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
