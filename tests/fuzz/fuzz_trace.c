/*
 * fuzz_trace.c - libFuzzer target: the generic CSV trace reader
 * (workload "trace", workload/trace.c) with numeric timestamps.
 *
 * Input: two option bytes, then the CSV file (header row first).
 *   byte 0: bits 0-1 time_unit (s, ms, us, s); bit 2 a duration column
 *           "duration_ms"; bit 3 a function column "function"; bit 4 keep
 *           only the function "classify" (with bit 3); bits 5-6 the
 *           sample method (all, top, random, quartile; numbered functions
 *           only); bit 7 duration_unit s instead of ms.
 *   byte 1: window, time scale and look-ahead (fuzz_trace_window), bits
 *           5-7 the sample's n - 1.
 * The spec is one the scenario loader accepts (load_trace's own checks
 * hold), and the file is read as fuzz_trace() says.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "workload/sample.h"
#include "workload/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static const double unit_s[] = {1, 1e-3, 1e-6, 1};
    if (n < 2)
        return 0;
    uint8_t o0 = data[0], o1 = data[1];
    TraceSpec spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.time_column, sizeof spec.time_column, "timestamp");
    spec.time_unit_s = unit_s[o0 & 3];
    if (o0 & 4)
        snprintf(spec.duration_column, sizeof spec.duration_column,
                 "duration_ms");
    spec.duration_unit_s = (o0 & 128) ? 1 : 1e-3;
    if (o0 & 8) {
        snprintf(spec.function_column, sizeof spec.function_column,
                 "function");
        if (o0 & 16)
            snprintf(spec.function, sizeof spec.function, "classify");
    }
    spec.numbered = spec.function_column[0] != '\0' && spec.function[0] == '\0';
    if (spec.numbered) {
        spec.sample = (o0 >> 5) & 3;
        spec.sample_n = 1 + (o1 >> 5);
        spec.sample_seed = 1;
    }
    fuzz_trace_window(&spec, o1);
    fuzz_trace(&spec, data + 2, n - 2);
    return 0;
}
