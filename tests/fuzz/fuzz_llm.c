/*
 * fuzz_llm.c - libFuzzer target: the LLM datetime CSV trace (the Azure
 * LLM inference traces 2023 and 2024: TIMESTAMP as "YYYY-MM-DD
 * HH:MM:SS[.fraction]", ContextTokens, GeneratedTokens), read by the
 * generic trace reader with time_format "datetime" and token columns, as
 * scenarios/llm-replay.json reads it.
 *
 * Input: one option byte (window, time scale and look-ahead:
 * fuzz_trace_window), then the CSV file.
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
    TraceSpec spec;
    memset(&spec, 0, sizeof spec);
    snprintf(spec.time_column, sizeof spec.time_column, "TIMESTAMP");
    snprintf(spec.context_column, sizeof spec.context_column,
             "ContextTokens");
    snprintf(spec.generated_column, sizeof spec.generated_column,
             "GeneratedTokens");
    spec.datetime = 1;
    spec.time_unit_s = 1;
    spec.duration_unit_s = 1e-3;
    fuzz_trace_window(&spec, data[0]);
    fuzz_trace(&spec, data + 1, n - 1);
    return 0;
}
