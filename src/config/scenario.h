/*
 * scenario.h - a scenario file, validated, as plain structs.
 *
 * A scenario names the traffic (workload), the model, the horizon, the seed
 * and number of replications, an SLO, and a list of alternatives
 * (deployments) that all run on the same arrivals.  The full format is in
 * README.md ("Scenario format").  scenario_load() either returns a complete,
 * checked Scenario or fails with one Err naming the file and the JSON path;
 * nothing downstream re-validates.
 */
#ifndef SIM_CONFIG_SCENARIO_H
#define SIM_CONFIG_SCENARIO_H

#include <stdint.h>
#include <stdio.h>

#include "../entity/profile.h"
#include "../platform/spec.h"
#include "../util/err.h"
#include "../workload/arrivals.h"

typedef struct Scenario {
    char path[512];         /* as given */
    char name[64];          /* results/<name>/ */
    char description[512];
    char *json_text;        /* the file's text (owned) */
    uint64_t seed;
    int replications;
    double horizon_s;
    double slo_ms;
    double slo_ttft_ms;     /* LLM SLO targets; 0 = none */
    double slo_tpot_ms;
    double ts_interval_s;   /* 0 = no timeseries */
    WarmupSpec warmup;      /* warm-up deletion for steady-state studies */
    WorkloadSpec workload;
    ModelProfile model;
    char model_path[512];   /* the profile file read */
    char catalog_date[16];
    int n_alt;
    AltSpec *alt;           /* owned */
} Scenario;

/* A parsed pricing catalog (the built-in one plus a user file). */
typedef struct Catalog Catalog;

/* Command-line overrides applied after reading (negative = keep). */
typedef struct ScenarioOverrides {
    int64_t seed;           /* -1 = keep */
    int replications;       /* 0 = keep */
    const char *models_dir; /* NULL = keep */
    Catalog **catalog_cache; /* if not NULL: a parsed catalog reused by
                                every scenario loaded with these overrides
                                (a sweep's points); the caller closes it */
    int catalog_cache_fixed; /* 1: the cache is only read (loads may run at
                                once): a scenario of another catalog parses
                                its own instead of replacing it */
} ScenarioOverrides;

int scenario_load(const char *path, const ScenarioOverrides *ov,
                  Scenario *sc, Err *err);
/* 1 if `s` may name a results directory (results/<s>/): letters, digits,
 * '-', '_' and '.', not empty and not "." or ".." (which would write
 * outside results/). */
int scenario_name_valid(const char *s);
/* 0 if `name` is valid, else the one-line error for the key "name" of
 * `file` (a scenario or a sweep). */
int scenario_check_name(const char *file, const char *name, Err *err);
/* The same from text in memory; `path` names it in messages and relative
 * paths (models_dir, pricing_catalog) are taken from its folder. */
int scenario_load_text(const char *path, const char *text,
                       const ScenarioOverrides *ov, Scenario *sc, Err *err);

void scenario_free(Scenario *sc);

/* Whether an alternative has an event source ("queue"). */
int scenario_has_queue(const Scenario *sc);

/* The column sets its outputs carry (output/metrics.h METCOLS_*): the LLM
 * metrics when its requests carry token counts, the storage-tier metrics
 * when an alternative has a cluster with storage tiers or a snapshot, the
 * GPU metrics when one shares GPUs, swaps, has a stock-out rule or spot
 * nodes. */
int scenario_columns(const Scenario *sc);

/* Reads a model profile file (models/<name>.json). */
int profile_load(const char *path, ModelProfile *m, Err *err);

/* Parses the built-in catalog and the user's file (may be NULL). */
Catalog *catalog_open(const char *user_file, Err *err);
void catalog_close(Catalog *cat);
/* Whether cat was opened with this user file. */
int catalog_matches(const Catalog *cat, const char *user_file);
/* Looks up `id` (user fields over built-in ones) and copies it. */
int catalog_get(const Catalog *cat, const char *id, PriceEntry *out,
                char *catalog_date, Err *err, const char *where);

/* The built-in pricing catalog (src/pricing/catalog.json, compiled in),
 * optionally overridden entry by entry, field by field, from a user file.
 * Looks up `id` and copies it into *out. */
int catalog_lookup(const char *user_file, const char *id, PriceEntry *out,
                   char *catalog_date, Err *err, const char *where);

/* Prints the built-in catalog, one line per entry with every price. */
int catalog_print(FILE *fp, Err *err);
/* Prints one built-in entry in full (prices, billing rules, limits,
 * sources); an unknown id is an error naming the nearest one. */
int catalog_print_entry(FILE *fp, const char *id, Err *err);
/* The same as JSON: one entry (id) or the whole catalog (id NULL), every
 * field with its default filled in. */
int catalog_print_json(FILE *fp, const char *id, Err *err);

#endif
