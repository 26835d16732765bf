/*
 * fuzz_profile.c - libFuzzer target: model profiles (profile_load).
 *
 * The whole input is a profile file's text (models/<name>.json, the format
 * `simsrv calibrate` writes), written to fuzz.profile.json of the private
 * folder (fuzz.h) and read with profile_load(): hardware classes, cold
 * start components or totals, warm-time distributions, per-token terms and
 * the calibration block.  A ModelProfile owns no memory, so every path out
 * must have freed the parse tree (LeakSanitizer).
 */
#include <limits.h>

#include "config/scenario.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char path[PATH_MAX];
    fuzz_write("fuzz.profile.json", data, n, path, sizeof path);
    ModelProfile m;
    Err err;
    err_clear(&err);
    fuzz_report(profile_load(path, &m, &err), &err);
    return 0;
}
