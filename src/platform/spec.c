/*
 * spec.c - derived quantities of an alternative.
 */
#include "spec.h"

#include <string.h>

#define DAY_US ((SimTime)86400 * SIM_US_PER_S)

double spec_cpu_factor(double ref_vcpus, double vcpus)
{
    return vcpus > 0 && ref_vcpus > vcpus ? ref_vcpus / vcpus : 1.0;
}

int spec_vm_engines(const VmSpec *vm)
{
    int n = vm->type.gpus / (vm->llm.tp > 0 ? vm->llm.tp : 1);
    return vm->executor == EXEC_LLM && n > 1 ? n : 1;
}

int spec_cpu_class(const char *hw)
{
    return strcmp(hw, "cpu") == 0 || strcmp(hw, "cpu-arm") == 0;
}

InstanceShape spec_instance_shape(const AltSpec *alt)
{
    InstanceShape sh;
    sh.vcpus = alt->vcpus > 0 ? alt->vcpus : spec_lambda_vcpus(alt->memory_mb);
    if (alt->price.model != PRICE_REQUEST_DURATION && alt->vcpus <= 0)
        sh.vcpus = 1; /* instance-billed platforms: 1 vCPU unless given */
    sh.memory_gib = alt->memory_mb / 1024.0;
    sh.gpus = alt->price.gpus; /* the llm executor: that many per TP rank */
    if (alt->executor == EXEC_LLM && alt->llm.tp > 1)
        sh.gpus *= alt->llm.tp;
    return sh;
}

double spec_lambda_vcpus(int memory_mb)
{
    double v = memory_mb / 1769.0;
    return v > 6.0 ? 6.0 : v;
}

int spec_prov_count_at(const AltSpec *alt, SimTime t)
{
    if (alt->n_prov == 0)
        return 0;
    SimTime tod = t % DAY_US;
    int count = alt->prov[alt->n_prov - 1].count; /* wraps from yesterday */
    for (int i = 0; i < alt->n_prov; i++)
        if (time_from_s(alt->prov[i].at_s) <= tod)
            count = alt->prov[i].count;
    return count;
}

/* Whether `name` is id, or app/id. */
static int names_function(const char *name, const char *app, const char *id)
{
    if (strcmp(name, id) == 0)
        return 1;
    size_t n = strlen(app);
    return n > 0 && strncmp(name, app, n) == 0 && name[n] == '/' &&
           strcmp(name + n + 1, id) == 0;
}

int spec_has_provisioned(const AltSpec *alt)
{
    return alt->n_prov > 0 || alt->n_prov_named > 0;
}

int spec_prov_named_match(const AltSpec *alt, const char *app,
                          const char *id, int *which)
{
    int hits = 0;
    for (int k = 0; k < alt->n_prov_named; k++)
        if (names_function(alt->prov_named[k].name, app, id) && hits++ == 0)
            *which = k;
    return hits;
}

SimTime spec_prov_next_change(const AltSpec *alt, SimTime t)
{
    if (alt->n_prov <= 1)
        return SIM_TIME_MAX;
    SimTime day0 = t - t % DAY_US, tod = t % DAY_US;
    for (int i = 0; i < alt->n_prov; i++) {
        SimTime at = time_from_s(alt->prov[i].at_s);
        if (at > tod)
            return day0 + at;
    }
    return day0 + DAY_US + time_from_s(alt->prov[0].at_s);
}
