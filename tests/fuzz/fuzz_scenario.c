/*
 * fuzz_scenario.c - libFuzzer target: the scenario loader.
 *
 * The whole input is a scenario file's text, written to
 * scenarios/fuzz.json of the private folder (fuzz.h) and loaded with
 * scenario_load() exactly as `simsrv run` loads it before it runs:
 * parsing, every key and range check, the model profile (models/), the
 * pricing catalog, and the full read of any trace it names (the shipped
 * example traces under ../traces/, cut short).  Nothing is simulated.  An
 * accepted scenario is freed again; a rejected one must have freed
 * everything itself (LeakSanitizer).
 */
#include <limits.h>

#include "config/scenario.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char path[PATH_MAX];
    fuzz_write("scenarios/fuzz.json", data, n, path, sizeof path);
    ScenarioOverrides ov = {-1, 0, NULL, NULL, 0};
    Scenario sc;
    Err err;
    err_clear(&err);
    int rc = scenario_load(path, &ov, &sc, &err);
    fuzz_report(rc, &err);
    if (rc == 0)
        scenario_free(&sc);
    return 0;
}
