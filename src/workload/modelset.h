/*
 * modelset.h - the set of models the functions of a many-function trace
 * run, and which function runs which.
 *
 * A trace such as Azure Functions 2019/2021 names thousands of functions
 * but says nothing of what they compute.  To give the nodes' checkpoint
 * caches realistic reuse, each function is mapped to one model of a set:
 *   table      up to MODELSET_MAX_TABLE named models, each with a
 *              checkpoint size, a GPU memory footprint and a weight (the
 *              share of functions that run it);
 *   generated  `count` models with equal weights and checkpoint sizes
 *              log-uniform in [size_min, size_max] (an estimate: an LLM zoo
 *              spans 1 to 140 GB, ServerlessLLM's OPT / LLaMA checkpoints
 *              among them, with no public census of what serverless GPU
 *              platforms host), drawn from a fixed hash of the model's
 *              index so no table is stored.
 * The function's model is a fixed hash of its trace names (app, function)
 * and the set's seed, mapped to [0, 1) and then through the cumulative
 * weights: the same function runs the same model whatever else the trace
 * holds, however it was sampled, and whatever the run's seed -- and
 * functions fall on models in proportion to the weights.
 * Representation: plain data in the alternative (config fills it); the
 * table's cumulative weights are summed once per lookup, O(table): the
 * lookup runs once per function at the start of a run.
 */
#ifndef SIM_WORKLOAD_MODELSET_H
#define SIM_WORKLOAD_MODELSET_H

#include <stdint.h>

#define MODELSET_MAX_TABLE 64
#define MODELSET_MAX_COUNT 1000000

typedef struct ModelEntry {
    char name[48];
    double size_mb;   /* checkpoint: what moves between tiers (10^6
                         bytes, as a profile's size_mb) */
    double mem_mb;    /* GPU memory an instance of it takes (MB of 2^20
                         bytes, as nodes' memory; generated: the size) */
    double weight;    /* > 0; its share of functions is weight / sum */
} ModelEntry;

typedef struct ModelSetSpec {
    int n;             /* models; 0 = no set: every function runs the
                          alternative's model */
    int n_table;       /* table form: entries in table; 0 = generated */
    ModelEntry table[MODELSET_MAX_TABLE];
    double size_min_mb, size_max_mb; /* generated form */
    uint64_t seed;     /* salts the function -> model hash */
} ModelSetSpec;

/* Model k of the set (0 <= k < ms->n). */
ModelEntry modelset_model(const ModelSetSpec *ms, int k);

/* The model of the function named (app, id): an index in 0 .. n - 1.
 * `app` may be "" (traces without apps); ms->n > 0. */
int modelset_assign(const ModelSetSpec *ms, const char *app, const char *id);

/* The fixed hash behind both, as a uniform number in [0, 1) (for tests). */
double modelset_unit_hash(uint64_t seed, const char *app, const char *id);

#endif
