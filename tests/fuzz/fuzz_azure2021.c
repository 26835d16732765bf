/*
 * fuzz_azure2021.c - libFuzzer target: the Azure Functions 2021 trace
 * (workload "azure2021": app, func, end_timestamp, duration in seconds;
 * functions numbered, start = end - duration), read with the spec
 * load_az21() in config/scenario.c makes.
 *
 * Input: one option byte -- bits 0-4 window, time scale and look-ahead
 * (fuzz_trace_window), bits 5-6 the sample method (all, top, random,
 * quartile), bit 7 the sample's n (1 or 3) -- then the CSV file.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "workload/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    if (n < 1)
        return 0;
    uint8_t opt = data[0];
    TraceSpec spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.time_column, sizeof spec.time_column, "end_timestamp");
    snprintf(spec.duration_column, sizeof spec.duration_column, "duration");
    snprintf(spec.function_column, sizeof spec.function_column, "func");
    snprintf(spec.app_column, sizeof spec.app_column, "app");
    spec.numbered = 1;
    spec.end_time = 1;
    spec.time_unit_s = 1;
    spec.duration_unit_s = 1;
    spec.sample = (opt >> 5) & 3;
    spec.sample_n = (opt & 128) ? 3 : 1;
    spec.sample_seed = 1;
    fuzz_trace_window(&spec, opt);
    fuzz_trace(&spec, data + 1, n - 1);
    return 0;
}
