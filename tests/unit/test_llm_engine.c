/*
 * test_llm_engine.c - the LLM engine (executor/llm_engine.h) against
 * hand-worked schedules, driven without a World by a tiny host loop.
 *
 * Pins: exact first-token and finish times of hand-worked schedules
 * (constant and linear iteration times, with and without chunked
 * prefill); the max_num_seqs 1 reduction to a + p * prompt + o * output;
 * KV capacity (N sequences run, the (N+1)-th waits for a finish);
 * preemption counts, victims and completion times (the newest running
 * sequence, itself included; recompute of prompt + generated tokens);
 * the token identities; llm_engine_fits at its boundaries; the token
 * budget stopping admission without overtaking; llm_engine_remove; the
 * engine's own invariant check after every step of every run; the engine
 * against a dumb reference implementation of the same rules on random
 * runs (durations, counts, free blocks, finish order, stamps).
 * Does not pin how the engine stores its state, nor the time model's
 * fitted kind.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "executor/llm_engine.h"

typedef struct Req {
    SimTime arrival_us;
    int32_t prompt, output;
    LlmSeq seq;
} Req;

static void assert_consistent(const LlmEngine *e)
{
    char msg[256];
    int ok = llm_engine_check(e, msg, (int)sizeof msg);
    cr_assert(ok, "engine invariant broken: %s", msg);
}

/* The host: from t0_us, adds each request when the clock reaches its
 * arrival, begins an iteration whenever none runs, ends it after the
 * returned duration.  Stops when everything finished or the next iteration
 * would start at or after horizon_us.  Requests must be sorted by arrival.
 * Returns the number of iterations. */
static int drive_from(LlmEngine *e, Req *r, int n, SimTime t0_us,
                      SimTime horizon_us)
{
    SimTime t = t0_us;
    int next = 0, iters = 0;
    for (;;) {
        while (next < n && r[next].arrival_us <= t) {
            r[next].seq.prompt_tokens = r[next].prompt;
            r[next].seq.output_tokens = r[next].output;
            r[next].seq.owner = &r[next];
            llm_engine_add(e, &r[next].seq, r[next].arrival_us);
            next++;
        }
        if (t >= horizon_us)
            break;
        SimTime d = llm_engine_begin(e, t);
        assert_consistent(e);
        if (d == 0) {
            if (next >= n)
                break;
            t = r[next].arrival_us;
            continue;
        }
        cr_assert_gt(d, 0);
        t += d;
        iters++;
        llm_engine_end(e, t);
        assert_consistent(e);
    }
    return iters;
}

static int drive(LlmEngine *e, Req *r, int n, SimTime horizon_us)
{
    return drive_from(e, r, n, 0, horizon_us);
}

static LlmEngine *engine(int max_seqs, int64_t max_tokens, int64_t chunk,
                         int64_t kv_blocks, const LlmTimeModel *tm)
{
    LlmEngineConfig cfg = {.max_num_seqs = max_seqs,
                           .max_num_batched_tokens = max_tokens,
                           .block_tokens = 16,
                           .chunk_tokens = chunk,
                           .kv_blocks = kv_blocks};
    char err[128] = "";
    LlmEngine *e = llm_engine_create(&cfg, tm, err, (int)sizeof err);
    cr_assert_not_null(e, "create: %s", err);
    return e;
}

/* Every iteration takes t_us, whatever it holds. */
static LlmTimeModel constant_model(SimTime t_us)
{
    return (LlmTimeModel){.kind = LLM_TM_LINEAR, .iter_us = (double)t_us};
}

static void expect_seq(const Req *q, const char *name, SimTime first_us,
                       SimTime finish_us)
{
    const LlmSeq *s = &q->seq;
    double ttft = (double)(s->first_token_us - q->arrival_us);
    double e2e = (double)(s->finish_us - q->arrival_us);
    double tpot = q->output > 1 ? (double)(s->finish_us - s->first_token_us) /
                                      (q->output - 1)
                                : 0.0;
    printf("%s: first token %lld us (hand-worked %lld), finish %lld us "
           "(%lld): TTFT %.0f us, TPOT %.2f us, E2E %.0f us\n", name,
           (long long)s->first_token_us, (long long)first_us,
           (long long)s->finish_us, (long long)finish_us, ttft, tpot, e2e);
    cr_assert_eq(s->state, LLM_SEQ_FINISHED, "%s not finished", name);
    cr_assert_eq(s->first_token_us, first_us, "%s first token %lld != %lld",
                 name, (long long)s->first_token_us, (long long)first_us);
    cr_assert_eq(s->finish_us, finish_us, "%s finish %lld != %lld", name,
                 (long long)s->finish_us, (long long)finish_us);
}

/* The three-request workload of the hand-worked schedules: A (prompt 20,
 * output 3) and B (10, 2) at 0, C (30, 4) at 1,000 us, on max_num_seqs 4,
 * max_num_batched_tokens 40, blocks of 16, 64 blocks (never short); runs
 * it and checks the iteration count and each one's (first token, finish)
 * times. */
static void three_requests(const LlmTimeModel *tm, int64_t chunk,
                           int iterations, const SimTime want[3][2])
{
    Req r[3] = {{.arrival_us = 0, .prompt = 20, .output = 3},
                {.arrival_us = 0, .prompt = 10, .output = 2},
                {.arrival_us = 1000, .prompt = 30, .output = 4}};
    LlmEngine *e = engine(4, 40, chunk, 64, tm);
    cr_assert_eq(drive(e, r, 3, SIM_TIME_MAX), iterations);
    const char *names[3] = {"A", "B", "C"};
    for (int i = 0; i < 3; i++)
        expect_seq(&r[i], names[i], want[i][0], want[i][1]);
    llm_engine_destroy(e);
}

/*
 * Constant iteration time T = 2,385 us, no chunking.
 *  it1 [0, T]    admit A (20) and B (10): 30 of 40 tokens; C arrives
 *                during it.  Both prompts done: A and B sample token 1.
 *  it2 [T, 2T]   decodes A, B (2 tokens); C's 30 fit the 38 left.
 *                B samples its 2nd and last token; C its first.
 *  it3 [2T, 3T]  decodes A, C: A's 3rd and last.
 *  it4, it5      C alone: its 3rd, 4th and last at 5T.
 * A: first T, finish 3T; B: T, 2T; C: 2T, 5T.  TTFT A = B = 2,385,
 * C = 4,770 - 1,000 = 3,770; TPOT = T for all (decodes never stall);
 * E2E 7,155, 4,770, 10,925.
 */
Test(llm_engine, three_requests_constant_time)
{
    const SimTime T = 2385;
    LlmTimeModel tm = constant_model(T);
    const SimTime want[3][2] = {{T, 3 * T}, {T, 2 * T}, {2 * T, 5 * T}};
    three_requests(&tm, 0, 5, want);
}

/*
 * The same with chunked prefill, chunk_tokens 16 (budget still 40).
 *  it1  A gets a 16-token chunk (of 20), B its whole 10: 26 tokens.
 *       B samples token 1 at T; A has 16 of 20.
 *  it2  decode B (1); A's last 4; C (arrived) a first chunk of 16:
 *       21 tokens.  B's last token (2T); A's first token (2T).
 *  it3  decode A; C's last 14: C's first token at 3T.
 *  it4  decodes A, C: A's 3rd and last at 4T.
 *  it5, it6  C alone: its last at 6T.
 * A: first 2T = 4,770, finish 4T = 9,540; B: T, 2T; C: 3T = 7,155
 * (TTFT 6,155), 6T = 14,310 (E2E 13,310).  Chunking delays A's first
 * token by one iteration: the price of the stall-free batches.
 */
Test(llm_engine, three_requests_constant_time_chunked)
{
    const SimTime T = 2385;
    LlmTimeModel tm = constant_model(T);
    const SimTime want[3][2] = {{2 * T, 4 * T}, {T, 2 * T}, {3 * T, 6 * T}};
    three_requests(&tm, 16, 6, want);
}

/* iter 1,000 + new sequence 500 + 20 per prefill token + 100 per sampled
 * token + 30 per decode + 1 per KV token a decode reads + 0.5 per unit of
 * prefill attention work (us). */
static LlmTimeModel linear_model(void)
{
    return (LlmTimeModel){.kind = LLM_TM_LINEAR,
                          .iter_us = 1000,
                          .new_seq_us = 500,
                          .prefill_token_us = 20,
                          .output_token_us = 100,
                          .decode_seq_us = 30,
                          .kv_token_us = 1,
                          .attn_work_us = 0.5};
}

/*
 * Linear model, no chunking (attention work: A 20*0 + 400/2 = 200,
 * B 50, C 450).  A decode of a sequence with prefilled p reads p + 1.
 *  it1  new 2, prefill 30, sampled 2, attn 250:
 *       1000 + 1000 + 600 + 200 + 125 = 2,925 -> [0, 2925]
 *  it2  decodes A (21), B (11); admit C: new 1, prefill 30, sampled 3,
 *       attn 450: 1000 + 500 + 600 + 300 + 60 + 32 + 225 = 2,717
 *       -> [2925, 5642]; B finishes, C's first token
 *  it3  decodes A (22), C (31): 1000 + 200 + 60 + 53 = 1,313
 *       -> [5642, 6955]; A finishes
 *  it4  C (32): 1000 + 100 + 30 + 32 = 1,162 -> [6955, 8117]
 *  it5  C (33): 1,163 -> [8117, 9280]; C finishes
 * A: TTFT 2,925, TPOT (6955 - 2925) / 2 = 2,015, E2E 6,955;
 * B: TTFT 2,925, TPOT 2,717, E2E 5,642;
 * C: TTFT 4,642, TPOT (9280 - 5642) / 3 = 1,212.67, E2E 8,280.
 */
Test(llm_engine, three_requests_linear_time)
{
    LlmTimeModel tm = linear_model();
    const SimTime want[3][2] = {{2925, 6955}, {2925, 5642}, {5642, 9280}};
    three_requests(&tm, 0, 5, want);
}

/*
 * Linear model, chunk_tokens 16.
 *  it1  A chunk 16 (attn 0 + 128), B 10 (attn 50): new 2, prefill 26,
 *       sampled 1 (B): 1000 + 1000 + 520 + 100 + 89 = 2,709 -> [0, 2709]
 *  it2  decode B (11); A's last 4 (attn 4*16 + 8 = 72); C chunk 16
 *       (new, attn 128): prefill 20, sampled 2 (B, A):
 *       1000 + 500 + 400 + 200 + 30 + 11 + 100 = 2,241 -> [2709, 4950];
 *       B finishes, A's first token
 *  it3  decode A (21); C's last 14 (attn 14*16 + 98 = 322): sampled 2:
 *       1000 + 280 + 200 + 30 + 21 + 161 = 1,692 -> [4950, 6642]
 *  it4  decodes A (22), C (31): 1,313 -> [6642, 7955]; A finishes
 *  it5  C (32): 1,162 -> [7955, 9117];  it6  C (33): 1,163 -> 10,280
 * A: TTFT 4,950, TPOT 1,502.5, E2E 7,955; B: 2,709, 2,241, 4,950;
 * C: TTFT 5,642, TPOT (10280 - 6642) / 3 = 1,212.67, E2E 9,280.
 */
Test(llm_engine, three_requests_linear_time_chunked)
{
    LlmTimeModel tm = linear_model();
    const SimTime want[3][2] = {{4950, 7955}, {2709, 4950}, {6642, 10280}};
    three_requests(&tm, 16, 6, want);
}

/*
 * max_num_seqs 1, iter_us 0, new_seq_us a = 2,385, prefill_token_us
 * p = 37, output_token_us o = 1,913: each request takes exactly
 * a + p * prompt + o * output, back to back (its first iteration
 * a + p * prompt + o, then output - 1 of o), and one arriving to an idle
 * engine starts at its arrival.
 *   R1 (100, 7)  at 0:        2385 + 3700 + 13391 = 19,476 -> 19,476
 *   R2 (250, 1)  at 0:        2385 + 9250 +  1913 = 13,548 -> 33,024
 *   R3 (33, 20)  at 0:        2385 + 1221 + 38260 = 41,866 -> 74,890
 *   R4 (1, 2)    at 100,000:  2385 + 37 + 3826   =  6,248 -> 106,248
 */
Test(llm_engine, one_seq_reduces_to_per_request_form)
{
    const double a = 2385, p = 37, o = 1913;
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR,
                       .new_seq_us = a,
                       .prefill_token_us = p,
                       .output_token_us = o};
    LlmEngine *e = engine(1, 512, 0, 1000, &tm);
    Req r[4] = {{.arrival_us = 0, .prompt = 100, .output = 7},
                {.arrival_us = 0, .prompt = 250, .output = 1},
                {.arrival_us = 0, .prompt = 33, .output = 20},
                {.arrival_us = 100000, .prompt = 1, .output = 2}};
    drive(e, r, 4, SIM_TIME_MAX);
    const SimTime finish[4] = {19476, 33024, 74890, 106248};
    SimTime start = 0;
    for (int i = 0; i < 4; i++) {
        if (r[i].arrival_us > start)
            start = r[i].arrival_us;
        SimTime whole = (SimTime)(a + p * r[i].prompt + o * r[i].output);
        cr_assert_eq(start + whole, finish[i]);
        char name[8];
        snprintf(name, sizeof name, "R%d", i + 1);
        expect_seq(&r[i], name, start + (SimTime)(a + p * r[i].prompt + o),
                   finish[i]);
        start = finish[i];
    }
    cr_assert_eq(llm_engine_stats(e)->preemptions, 0);
    llm_engine_destroy(e);
}

/*
 * KV capacity.  Prompt 33, output 16: admission takes ceil(33/16) = 3
 * blocks and the peak context 33 + 16 - 1 = 48 needs no more.  With
 * 3N = 12 blocks, N = 4 run together from 0; the 5th waits (0 free)
 * until the four finish at 16T, then runs alone: first token 17T,
 * finish 32T.  With 11 blocks only 3 run at a time: the 4th and 5th
 * start at 16T (6 of 11 blocks) and finish at 32T.
 */
Test(llm_engine, kv_capacity_n_run_the_next_waits)
{
    const SimTime T = 1000;
    LlmTimeModel tm = constant_model(T);
    for (int blocks = 12; blocks >= 11; blocks--) {
        LlmEngine *e = engine(8, 1000, 0, blocks, &tm);
        Req r[5];
        for (int i = 0; i < 5; i++) {
            r[i] = (Req){.arrival_us = 0, .prompt = 33, .output = 16};
            r[i].seq.prompt_tokens = 33;
            r[i].seq.output_tokens = 16;
            llm_engine_add(e, &r[i].seq, 0);
        }
        int n = blocks / 3;
        cr_assert_eq(llm_engine_begin(e, 0), T);
        cr_assert_eq(llm_engine_running(e), n);
        cr_assert_eq(llm_engine_waiting(e), 5 - n);
        cr_assert_eq(llm_engine_free_blocks(e), blocks - 3 * n);
        llm_engine_end(e, T);
        for (SimTime t = T; t < 16 * T; t += T) {
            cr_assert_eq(llm_engine_begin(e, t), T);
            cr_assert_eq(llm_engine_running(e), n, "running at %lld",
                         (long long)t);
            cr_assert_eq(llm_engine_waiting(e), 5 - n);
            llm_engine_end(e, t + T);
            assert_consistent(e);
        }
        for (int i = 0; i < n; i++)
            expect_seq(&r[i], "first wave", T, 16 * T);
        cr_assert_eq(drive_from(e, r, 0, 16 * T, SIM_TIME_MAX), 16);
        for (int i = n; i < 5; i++)
            expect_seq(&r[i], "second wave", 17 * T, 32 * T);
        cr_assert_eq(llm_engine_stats(e)->preemptions, 0);
        llm_engine_destroy(e);
    }
}

/*
 * Preemption of the newest.  Prompt 32, output 17, 9 blocks, T = 1,000:
 *  it1  all four admitted (2 blocks each, 8 of 9) and sample token 1
 *  it2  each decode writes token 33: a new block each, 1 free.  S1
 *       takes it; S2 finds none and preempts the newest, S4 (2 blocks
 *       back, 32 KV tokens lost); S2 and S3 take theirs.  S4, waiting
 *       again at the head, needs ceil(33/16) = 3 blocks: 0 free.
 *  it3..17  S1-S3 decode; their 17th token at 17T, all blocks freed
 *  it18 S4 prefills 32 + 1 tokens and samples its 2nd token (18T), then
 *       15 decodes: its last token at 33T; first_token_us stays T.
 * One preemption; 32 recompute tokens; prefill tokens 4 * 32 + 33 = 161;
 * decodes 3 * 16 + 15 = 63.
 */
Test(llm_engine, preemption_takes_the_newest)
{
    const SimTime T = 1000;
    LlmTimeModel tm = constant_model(T);
    LlmEngine *e = engine(8, 1000, 0, 9, &tm);
    Req r[4];
    for (int i = 0; i < 4; i++)
        r[i] = (Req){.arrival_us = 0, .prompt = 32, .output = 17};
    cr_assert_eq(drive(e, r, 4, SIM_TIME_MAX), 33);
    expect_seq(&r[0], "S1", T, 17 * T);
    expect_seq(&r[1], "S2", T, 17 * T);
    expect_seq(&r[2], "S3", T, 17 * T);
    expect_seq(&r[3], "S4", T, 33 * T);
    cr_assert_eq(r[3].seq.preemptions, 1);
    const LlmEngineStats *st = llm_engine_stats(e);
    cr_assert_eq(st->preemptions, 1);
    cr_assert_eq(st->recompute_tokens, 32);
    cr_assert_eq(st->prefill_tokens, 161);
    cr_assert_eq(st->decode_tokens, 63);
    cr_assert_eq(st->output_tokens, 68);
    cr_assert_eq(st->iterations, 33);
    cr_assert_eq(llm_engine_free_blocks(e), 9);
    llm_engine_destroy(e);
}

/*
 * Self-preemption after many tokens.  S1, S2: prompt 16, output 40;
 * 5 blocks; T = 2,385.  After iteration k (k >= 1) each has generated k
 * tokens and prefilled 16 + k - 1.
 *  it1   both prompts (1 block each)
 *  it2   both decodes write token 17: one block each (4 used)
 *  it18  both write token 33: S1 takes the 5th block; S2 finds none and
 *        is itself the newest: it is preempted with 17 tokens generated
 *        (32 KV tokens lost) and waits: its recompute needs
 *        ceil((16 + 17) / 16) = 3 blocks, 2 free.
 *  it34  S1 writes token 49: its 4th block (1 free).
 *  it40  S1's 40th token: finish 40T, 4 blocks freed.
 *  it41  S2 prefills 33 tokens and samples token 18; 22 decodes more:
 *        its 40th token at 63T.
 */
Test(llm_engine, preemption_of_itself_keeps_generated_tokens)
{
    const SimTime T = 2385;
    LlmTimeModel tm = constant_model(T);
    LlmEngine *e = engine(8, 1000, 0, 5, &tm);
    Req r[2] = {{.arrival_us = 0, .prompt = 16, .output = 40},
                {.arrival_us = 0, .prompt = 16, .output = 40}};
    cr_assert_eq(drive(e, r, 2, SIM_TIME_MAX), 63);
    expect_seq(&r[0], "S1", T, 40 * T);
    expect_seq(&r[1], "S2", T, 63 * T);
    cr_assert_eq(r[0].seq.preemptions, 0);
    cr_assert_eq(r[1].seq.preemptions, 1);
    const LlmEngineStats *st = llm_engine_stats(e);
    cr_assert_eq(st->preemptions, 1);
    cr_assert_eq(st->recompute_tokens, 32);
    /* 16 + 16 + 33 prefilled; decodes: S1 39, S2 16 before + 22 after */
    cr_assert_eq(st->prefill_tokens, 65);
    cr_assert_eq(st->decode_tokens, 39 + 16 + 22);
    llm_engine_destroy(e);
}

/*
 * vLLM's allocation rule at its edge: a prompt of exactly one block (16)
 * is admitted on 1 block; the slot of its first sampled token (the 17th
 * KV token) is asked for by its first decode.  Two such sequences
 * (output 2) and 2 blocks, T = 1,913:
 *  it1  both admitted (1 block each) and sample token 1 at T
 *  it2  both decodes need a 2nd block, none free: S1 preempts S2 (the
 *       newest) and finishes at 2T
 *  it3  S2 prefills 16 + 1 tokens (2 blocks), samples its last token: 3T
 * Reserving the first decode's block at admission would instead run S1
 * alone first (S2 first token 3T, finish 4T, no preemption).
 */
Test(llm_engine, first_decode_block_is_not_reserved_at_admission)
{
    const SimTime T = 1913;
    LlmTimeModel tm = constant_model(T);
    LlmEngine *e = engine(4, 100, 0, 2, &tm);
    cr_assert(llm_engine_fits(e, 16, 2));
    cr_assert_not(llm_engine_fits(e, 16, 18)); /* 33 tokens: 3 blocks */
    Req r[2] = {{.arrival_us = 0, .prompt = 16, .output = 2},
                {.arrival_us = 0, .prompt = 16, .output = 2}};
    cr_assert_eq(drive(e, r, 2, SIM_TIME_MAX), 3);
    expect_seq(&r[0], "S1", T, 2 * T);
    expect_seq(&r[1], "S2", T, 3 * T);
    cr_assert_eq(llm_engine_stats(e)->preemptions, 1);
    cr_assert_eq(llm_engine_stats(e)->recompute_tokens, 16);
    cr_assert_eq(llm_engine_stats(e)->prefill_tokens, 16 + 16 + 17);
    llm_engine_destroy(e);
}

/*
 * A prompt longer than the token budget, chunked: prompt 100, chunk_tokens
 * 64, max_num_batched_tokens 40, T = 1,000.  Alone it is prefilled in
 * chunks of 40, 40, 20 (the budget, not chunk_tokens, binds): first token
 * at 3T, its 3 outputs by 5T.  Without chunking it could never run
 * (llm_engine_fits).  The integrals: blocks 3 (ceil(40/16)), 5, 7 during
 * the prefill, then 7, 7 (102 tokens: 7 blocks) = 29 block x T; the
 * running batch 1 for 5T.
 */
Test(llm_engine, chunks_bounded_by_the_budget_and_integrals)
{
    const SimTime T = 1000;
    LlmTimeModel tm = constant_model(T);
    LlmEngine *e = engine(4, 40, 64, 100, &tm);
    cr_assert(llm_engine_fits(e, 100, 3));
    Req r[1] = {{.arrival_us = 0, .prompt = 100, .output = 3}};
    cr_assert_eq(drive(e, r, 1, SIM_TIME_MAX), 5);
    expect_seq(&r[0], "P100", 3 * T, 5 * T);
    const LlmEngineStats *st = llm_engine_stats(e);
    cr_assert_eq(st->prefill_tokens, 100);
    cr_assert_eq(st->busy_us, 5 * T);
    cr_assert_eq(st->running_seq_us, 5000.0);
    cr_assert_eq(st->kv_block_us, 29000.0);
    llm_engine_destroy(e);
    LlmEngine *u = engine(4, 40, 0, 100, &tm);
    cr_assert_not(llm_engine_fits(u, 100, 3));
    cr_assert(llm_engine_fits(u, 38, 3));  /* 40 = the budget */
    cr_assert_not(llm_engine_fits(u, 39, 3));
    llm_engine_destroy(u);
}

/* A small deterministic generator (LCG) for the property runs. */
static uint32_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*x >> 33);
}

/*
 * Token accounting on a run cut at a horizon: 300 requests, prompts
 * 1..300, outputs 1..200 (fixed seed), arrivals every 40 ms, a cache of
 * 120 blocks so that preemptions happen, chunked and not.  Whatever the
 * state at the horizon:
 *   sum of outputs = output tokens sampled + outputs still unsampled
 *   sum of (prompt + output - 1) = prefill + decode - recompute tokens
 *                                  + KV tokens unfinished ones still lack
 * and the invariant check holds after every step.
 */
Test(llm_engine, every_token_accounted_for)
{
    enum { N = 300 };
    static Req r[N];
    LlmTimeModel tm = linear_model();
    for (int chunk = 0; chunk <= 64; chunk += 64) {
        uint64_t x = 2385;
        int64_t sum_out = 0, sum_kv = 0;
        for (int i = 0; i < N; i++) {
            r[i] = (Req){.arrival_us = 40000 * (SimTime)i,
                         .prompt = 1 + (int32_t)(lcg(&x) % 300),
                         .output = 1 + (int32_t)(lcg(&x) % 200)};
            sum_out += r[i].output;
            sum_kv += r[i].prompt + r[i].output - 1;
        }
        LlmEngine *e = engine(16, 512, chunk, 120, &tm);
        for (int i = 0; i < N; i++)
            cr_assert(llm_engine_fits(e, r[i].prompt, r[i].output));
        drive(e, r, N, 10000000);
        const LlmEngineStats *st = llm_engine_stats(e);
        int64_t unsampled = 0, lacking = 0, unfinished = 0;
        for (int i = 0; i < N; i++) {
            LlmSeq *s = &r[i].seq;
            if (!s->owner) { /* never arrived */
                unsampled += r[i].output;
                lacking += r[i].prompt + r[i].output - 1;
                continue;
            }
            llm_engine_sync(e, s);
            if (s->state != LLM_SEQ_FINISHED)
                unfinished++;
            unsampled += s->output_tokens - s->generated;
            lacking += s->prompt_tokens + s->output_tokens - 1 - s->prefilled;
        }
        printf("chunk %d: %llu iterations, %lld unfinished, %llu "
               "preemptions, %llu recompute tokens\n", chunk,
               (unsigned long long)st->iterations, (long long)unfinished,
               (unsigned long long)st->preemptions,
               (unsigned long long)st->recompute_tokens);
        cr_assert_gt(st->preemptions, 0, "the run must preempt");
        cr_assert_gt(unfinished, 0, "the horizon must cut the run");
        cr_assert_eq((int64_t)st->output_tokens + unsampled, sum_out);
        cr_assert_eq((int64_t)(st->prefill_tokens + st->decode_tokens -
                               st->recompute_tokens) + lacking, sum_kv);
        llm_engine_destroy(e);
    }
}

/*
 * llm_engine_fits, blocks of 16, 4 blocks (64 tokens), 50 tokens per
 * iteration: the peak context is prompt + output - 1.
 */
Test(llm_engine, fits_at_its_boundaries)
{
    LlmTimeModel tm = constant_model(1);
    LlmEngine *e = engine(4, 50, 0, 4, &tm);
    cr_assert(llm_engine_fits(e, 1, 1));
    cr_assert(llm_engine_fits(e, 40, 11));      /* 50 tokens */
    cr_assert_not(llm_engine_fits(e, 40, 12));  /* 51 > 50 per iteration */
    cr_assert(llm_engine_fits(e, 50, 1));
    cr_assert_not(llm_engine_fits(e, 51, 1));
    cr_assert_not(llm_engine_fits(e, 0, 1));
    cr_assert_not(llm_engine_fits(e, 1, 0));
    llm_engine_destroy(e);
    e = engine(4, 50, 8, 4, &tm);               /* chunked: only KV */
    cr_assert(llm_engine_fits(e, 40, 12));
    cr_assert(llm_engine_fits(e, 60, 5));       /* 64 tokens, 4 blocks */
    cr_assert_not(llm_engine_fits(e, 60, 6));   /* 65: a 5th block */
    cr_assert(llm_engine_fits(e, 1, 64));
    cr_assert_not(llm_engine_fits(e, 1, 65));
    llm_engine_destroy(e);
}

/*
 * The token budget: 50 per iteration.  Prompts 30 and 20 fill the first
 * iteration exactly; the third (1 token) waits; the next iteration's two
 * decodes leave 48 and it is admitted.  FCFS: with prompts 30, 25, 5 the
 * 25 does not fit the 20 left and the 5 behind it does not overtake.
 */
Test(llm_engine, token_budget_limits_admission)
{
    LlmTimeModel tm = constant_model(100);
    LlmEngine *e = engine(4, 50, 0, 100, &tm);
    LlmSeq s[3] = {{.prompt_tokens = 30, .output_tokens = 5},
                   {.prompt_tokens = 20, .output_tokens = 5},
                   {.prompt_tokens = 1, .output_tokens = 5}};
    for (int i = 0; i < 3; i++)
        llm_engine_add(e, &s[i], 0);
    cr_assert_eq(llm_engine_begin(e, 0), 100);
    cr_assert_eq(llm_engine_running(e), 2);
    cr_assert_eq(llm_engine_waiting(e), 1);
    llm_engine_end(e, 100);
    cr_assert_eq(llm_engine_begin(e, 100), 100);
    cr_assert_eq(llm_engine_running(e), 3);
    llm_engine_end(e, 200);
    assert_consistent(e);
    llm_engine_destroy(e);

    e = engine(4, 50, 0, 100, &tm);
    LlmSeq u[3] = {{.prompt_tokens = 30, .output_tokens = 5},
                   {.prompt_tokens = 25, .output_tokens = 5},
                   {.prompt_tokens = 5, .output_tokens = 5}};
    for (int i = 0; i < 3; i++)
        llm_engine_add(e, &u[i], 0);
    llm_engine_begin(e, 0);
    cr_assert_eq(llm_engine_running(e), 1);
    cr_assert_eq(llm_engine_waiting(e), 2);
    cr_assert_eq(u[2].state, LLM_SEQ_WAITING);
    llm_engine_end(e, 100);
    llm_engine_destroy(e);
}

/* max_num_seqs caps the running set whatever the budget and blocks. */
Test(llm_engine, max_num_seqs_caps_running)
{
    LlmTimeModel tm = constant_model(10);
    LlmEngine *e = engine(3, 1000, 0, 100, &tm);
    LlmSeq s[5];
    memset(s, 0, sizeof s);
    for (int i = 0; i < 5; i++) {
        s[i].prompt_tokens = 4;
        s[i].output_tokens = 3;
        llm_engine_add(e, &s[i], 0);
    }
    llm_engine_begin(e, 0);
    cr_assert_eq(llm_engine_running(e), 3);
    llm_engine_end(e, 10);
    llm_engine_begin(e, 10);
    cr_assert_eq(llm_engine_running(e), 3);
    llm_engine_end(e, 20);
    llm_engine_begin(e, 20);
    llm_engine_end(e, 30); /* the first three finish: 3 tokens in 3 its */
    cr_assert_eq(s[0].finish_us, 30);
    cr_assert_eq(s[2].finish_us, 30);
    cr_assert_eq(llm_engine_running(e), 0);
    llm_engine_begin(e, 30);
    cr_assert_eq(llm_engine_running(e), 2);
    llm_engine_end(e, 40);
    llm_engine_destroy(e);
}

/* Removal: a waiting one leaves the queue, a running one frees its blocks
 * even mid-iteration, and the iteration ends without it. */
Test(llm_engine, remove_frees_blocks)
{
    LlmTimeModel tm = constant_model(10);
    LlmEngine *e = engine(1, 100, 0, 10, &tm);
    LlmSeq a = {.prompt_tokens = 40, .output_tokens = 9};
    LlmSeq b = {.prompt_tokens = 5, .output_tokens = 2};
    llm_engine_add(e, &a, 0);
    llm_engine_add(e, &b, 0);
    llm_engine_begin(e, 0);
    cr_assert_eq(llm_engine_free_blocks(e), 7);
    llm_engine_end(e, 10);
    llm_engine_remove(e, &b);
    cr_assert_eq(b.state, LLM_SEQ_REMOVED);
    cr_assert_eq(llm_engine_waiting(e), 0);
    llm_engine_begin(e, 10);      /* a's decode writes token 41: block 3 */
    cr_assert_eq(llm_engine_free_blocks(e), 7);
    llm_engine_remove(e, &a);
    cr_assert_eq(llm_engine_free_blocks(e), 10);
    cr_assert_eq(a.prefilled, 40);
    cr_assert_eq(a.generated, 1);
    cr_assert_null(llm_engine_end(e, 20));
    assert_consistent(e);
    cr_assert_eq(llm_engine_begin(e, 20), 0);
    llm_engine_destroy(e);
}

/* The host's timeout: every sequence added at or before the cutoff
 * leaves, running ones first then waiting ones, each in list order, even
 * in the middle of an iteration; the earliest addition left is reported. */
Test(llm_engine, remove_added_before_takes_the_old_ones)
{
    LlmTimeModel tm = constant_model(10);
    LlmEngine *e = engine(2, 100, 0, 10, &tm);
    LlmSeq a = {.prompt_tokens = 20, .output_tokens = 5};
    LlmSeq b = {.prompt_tokens = 10, .output_tokens = 3};
    LlmSeq c = {.prompt_tokens = 5, .output_tokens = 2};
    LlmSeq d = {.prompt_tokens = 5, .output_tokens = 2};
    llm_engine_add(e, &a, 0);
    llm_engine_add(e, &b, 3);
    llm_engine_add(e, &c, 3);     /* waits: max_num_seqs 2 */
    llm_engine_add(e, &d, 7);
    cr_assert_eq(llm_engine_begin(e, 7), 10);
    cr_assert_eq(llm_engine_free_blocks(e), 10 - 2 - 1);
    SimTime next = 0;
    LlmSeq *out = llm_engine_remove_added_before(e, 3, &next);
    cr_assert_eq(out, &a);
    cr_assert_eq(a.next, &b);
    cr_assert_eq(b.next, &c);
    cr_assert_null(c.next);
    cr_assert_eq(next, 7, "earliest left: d, added at 7");
    cr_assert_eq(a.state, LLM_SEQ_REMOVED);
    cr_assert_eq(c.state, LLM_SEQ_REMOVED);
    cr_assert_eq(llm_engine_running(e), 0);
    cr_assert_eq(llm_engine_waiting(e), 1);
    cr_assert_eq(llm_engine_free_blocks(e), 10);
    cr_assert_null(llm_engine_end(e, 17)); /* the iteration ends empty */
    assert_consistent(e);
    cr_assert_null(llm_engine_remove_added_before(e, 6, &next));
    cr_assert_eq(next, 7);
    cr_assert_eq(llm_engine_remove_added_before(e, 7, &next), &d);
    cr_assert_eq(next, SIM_TIME_MAX);
    cr_assert_eq(llm_engine_begin(e, 17), 0);
    llm_engine_destroy(e);
}

/* Finished sequences come back in admission order, linked by next. */
Test(llm_engine, finished_in_admission_order)
{
    LlmTimeModel tm = constant_model(10);
    LlmEngine *e = engine(8, 100, 0, 100, &tm);
    LlmSeq s[4] = {{.prompt_tokens = 7, .output_tokens = 2},
                   {.prompt_tokens = 3, .output_tokens = 1},
                   {.prompt_tokens = 9, .output_tokens = 2},
                   {.prompt_tokens = 1, .output_tokens = 1}};
    for (int i = 0; i < 4; i++)
        llm_engine_add(e, &s[i], 0);
    llm_engine_begin(e, 0);
    LlmSeq *f = llm_engine_end(e, 10);
    cr_assert_eq(f, &s[1]);
    cr_assert_eq(f->next, &s[3]);
    cr_assert_null(f->next->next);
    llm_engine_begin(e, 10);
    f = llm_engine_end(e, 20);
    cr_assert_eq(f, &s[0]);
    cr_assert_eq(f->next, &s[2]);
    cr_assert_null(f->next->next);
    llm_engine_destroy(e);
}

Test(llm_engine, create_refuses_unusable_configurations)
{
    LlmTimeModel tm = constant_model(1);
    const LlmEngineConfig bad[] = {
        {.max_num_seqs = 0, .max_num_batched_tokens = 8, .block_tokens = 16,
         .kv_blocks = 1},
        {.max_num_seqs = 8, .max_num_batched_tokens = 7, .block_tokens = 16,
         .kv_blocks = 1},
        {.max_num_seqs = 8, .max_num_batched_tokens = 8, .block_tokens = 0,
         .kv_blocks = 1},
        {.max_num_seqs = 8, .max_num_batched_tokens = 8, .block_tokens = 16,
         .kv_blocks = 0},
        {.max_num_seqs = 8, .max_num_batched_tokens = 8, .block_tokens = 16,
         .chunk_tokens = -1, .kv_blocks = 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        cr_assert_null(llm_engine_create(&bad[i], &tm, err, (int)sizeof err));
        cr_assert_neq(err[0], '\0');
    }
    const LlmEngineConfig ok = {.max_num_seqs = 8,
                                .max_num_batched_tokens = 8,
                                .block_tokens = 16,
                                .kv_blocks = 1};
    LlmEngine *e = llm_engine_create(&ok, &tm, NULL, 0);
    cr_assert_not_null(e);
    cr_assert_eq(llm_engine_begin(e, 0), 0);
    llm_engine_destroy(e);
    llm_engine_destroy(NULL);
}

/* ---------- the engine against a dumb reference ----------
 *
 * RefEngine implements llm_engine.h's rules the obvious way: arrays in
 * admission order, every sequence's state exact at all times, blocks
 * recounted from scratch at each iteration.  Random workloads (fixed
 * seeds) with small KV caches (preemption on most runs), odd block sizes
 * (1, 7, 16), chunked and not, and host removals (between iterations and
 * mid-iteration) must give the same iteration durations, running/waiting
 * counts, free blocks, finish order and per-sequence stamps. */

enum { REF_MAX = 400 };

typedef struct RefSeq {
    int32_t prompt, output, prefilled, generated, chunk;
    int state, decoding;
    uint32_t preemptions;
    SimTime first_us, finish_us;
} RefSeq;

typedef struct RefEngine {
    LlmEngineConfig cfg;
    RefSeq seq[REF_MAX];
    int wait[REF_MAX], nwait;      /* FCFS, head first */
    int run[REF_MAX], nrun;        /* admission order */
    int64_t free_blocks;
} RefEngine;

static int64_t ref_blocks(const RefEngine *g, int64_t tokens)
{
    return (tokens + g->cfg.block_tokens - 1) / g->cfg.block_tokens;
}

static void ref_preempt_tail(RefEngine *g)
{
    int v = g->run[--g->nrun];
    RefSeq *s = &g->seq[v];
    g->free_blocks += ref_blocks(g, s->prefilled + s->chunk);
    s->prefilled = s->chunk = s->decoding = 0;
    s->state = LLM_SEQ_WAITING;
    s->preemptions++;
    memmove(g->wait + 1, g->wait, (size_t)g->nwait * sizeof g->wait[0]);
    g->wait[0] = v;
    g->nwait++;
}

/* Preempts from the tail until `need` blocks are free; 0 if seq i went. */
static int ref_room(RefEngine *g, int i, int64_t need)
{
    while (g->free_blocks < need) {
        int v = g->run[g->nrun - 1];
        ref_preempt_tail(g);
        if (v == i)
            return 0;
    }
    g->free_blocks -= need;
    return 1;
}

static int64_t ref_decoders(const RefEngine *g)
{
    int64_t n = 0;
    for (int k = 0; k < g->nrun; k++)
        n += g->seq[g->run[k]].decoding;
    return n;
}

static SimTime ref_begin(RefEngine *g, const LlmTimeModel *tm)
{
    int64_t used = 0;
    for (int k = 0; k < g->nrun; k++)
        used += ref_blocks(g, g->seq[g->run[k]].prefilled);
    g->free_blocks = g->cfg.kv_blocks - used;
    for (int k = 0; k < g->nrun; k++) {     /* decodes */
        int i = g->run[k];
        RefSeq *s = &g->seq[i];
        if (!s->decoding)
            continue;
        if (!ref_room(g, i, s->prefilled % g->cfg.block_tokens == 0))
            break;
        s->chunk = 1;
    }
    int64_t budget = g->cfg.max_num_batched_tokens - ref_decoders(g);
    for (int k = 0; k < g->nrun; k++) {     /* chunks */
        int i = g->run[k];
        RefSeq *s = &g->seq[i];
        if (s->decoding)
            continue;
        int64_t c = s->prompt + s->generated - s->prefilled;
        c = c < g->cfg.chunk_tokens ? c : g->cfg.chunk_tokens;
        c = c < budget ? c : budget;
        if (!ref_room(g, i, ref_blocks(g, s->prefilled + c) -
                                ref_blocks(g, s->prefilled)))
            break;
        s->chunk = (int32_t)c;
        budget -= c;
    }
    budget = g->cfg.max_num_batched_tokens - ref_decoders(g);
    for (int k = 0; k < g->nrun; k++)
        if (!g->seq[g->run[k]].decoding)
            budget -= g->seq[g->run[k]].chunk;
    while (g->nwait > 0 && g->nrun < g->cfg.max_num_seqs) { /* admission */
        RefSeq *s = &g->seq[g->wait[0]];
        int64_t c = s->prompt + s->generated;
        if (g->cfg.chunk_tokens > 0) {
            c = c < g->cfg.chunk_tokens ? c : g->cfg.chunk_tokens;
            c = c < budget ? c : budget;
        }
        if (c < 1 || c > budget || ref_blocks(g, c) > g->free_blocks)
            break;
        g->free_blocks -= ref_blocks(g, c);
        g->run[g->nrun++] = g->wait[0];
        memmove(g->wait, g->wait + 1, (size_t)--g->nwait * sizeof g->wait[0]);
        s->state = LLM_SEQ_RUNNING;
        s->chunk = (int32_t)c;
        budget -= c;
    }
    if (g->nrun == 0)
        return 0;
    LlmBatch b = {0};
    for (int k = 0; k < g->nrun; k++) {
        const RefSeq *s = &g->seq[g->run[k]];
        if (s->decoding) {
            b.decode_seqs++;
            b.decode_kv_tokens += s->prefilled + 1;
            b.output_tokens++;
        } else if (s->chunk > 0) {
            int64_t c = s->chunk;
            b.prefill_tokens += c;
            b.prefill_seqs++;
            b.prefill_attn_work += c * s->prefilled + c * c / 2;
            b.new_seqs += s->prefilled == 0;
            b.output_tokens += s->prefilled + c == s->prompt + s->generated;
        }
    }
    return llm_time_us(tm, &b);
}

/* Ends the iteration; writes the finished sequences' indices to fin. */
static int ref_end(RefEngine *g, SimTime now, int *fin)
{
    int nfin = 0, w = 0;
    for (int k = 0; k < g->nrun; k++) {
        int i = g->run[k];
        RefSeq *s = &g->seq[i];
        s->prefilled += s->chunk;
        if (s->chunk > 0 && s->prefilled == s->prompt + s->generated) {
            s->generated++;
            s->decoding = 1;
            if (s->first_us < 0)
                s->first_us = now;
        }
        s->chunk = 0;
        if (s->generated == s->output) {
            s->state = LLM_SEQ_FINISHED;
            s->finish_us = now;
            fin[nfin++] = i;
        } else {
            g->run[w++] = i;
        }
    }
    g->nrun = w;
    return nfin;
}

static void ref_remove(RefEngine *g, int i)
{
    for (int k = 0; k < g->nwait; k++)
        if (g->wait[k] == i) {
            memmove(g->wait + k, g->wait + k + 1,
                    (size_t)(--g->nwait - k) * sizeof g->wait[0]);
            g->seq[i].state = LLM_SEQ_REMOVED;
            return;
        }
    for (int k = 0; k < g->nrun; k++)
        if (g->run[k] == i) {
            memmove(g->run + k, g->run + k + 1,
                    (size_t)(--g->nrun - k) * sizeof g->run[0]);
            g->free_blocks += ref_blocks(g, g->seq[i].prefilled +
                                                g->seq[i].chunk);
            g->seq[i].state = LLM_SEQ_REMOVED;
            return;
        }
}

/* One random run: returns the preemptions it saw. */
static uint64_t against_reference(uint64_t seed, const LlmEngineConfig *cfg,
                                  int n, int max_prompt, int max_output)
{
    static RefEngine g;
    static LlmSeq s[REF_MAX];
    LlmTimeModel tm = {.kind = LLM_TM_LINEAR, .iter_us = 997,
                       .new_seq_us = 7919, .prefill_token_us = 13,
                       .output_token_us = 101, .decode_seq_us = 29,
                       .kv_token_us = 3, .attn_work_us = 0.5};
    memset(&g, 0, sizeof g);
    memset(s, 0, sizeof s);
    g.cfg = *cfg;
    LlmEngine *e = llm_engine_create(cfg, &tm, NULL, 0);
    cr_assert_not_null(e);
    uint64_t x = seed;
    SimTime arrival[REF_MAX];
    SimTime t_arr = 0;
    for (int i = 0; i < n; i++) {
        do {
            g.seq[i].prompt = 1 + (int32_t)(lcg(&x) % (uint32_t)max_prompt);
            g.seq[i].output = 1 + (int32_t)(lcg(&x) % (uint32_t)max_output);
        } while (!llm_engine_fits(e, g.seq[i].prompt, g.seq[i].output));
        g.seq[i].first_us = g.seq[i].finish_us = -1;
        s[i].prompt_tokens = g.seq[i].prompt;
        s[i].output_tokens = g.seq[i].output;
        s[i].owner = &g.seq[i];
        t_arr += (SimTime)(lcg(&x) % 20000);
        arrival[i] = t_arr;
    }
    SimTime t = 0;
    int next = 0, fin[REF_MAX];
    for (int step = 0;; step++) {
        while (next < n && arrival[next] <= t) {
            llm_engine_add(e, &s[next], t);
            g.seq[next].state = LLM_SEQ_WAITING;
            g.wait[g.nwait++] = next++;
        }
        if (lcg(&x) % 50 == 0 && next > 0) { /* a host removal */
            int i = (int)(lcg(&x) % (uint32_t)next);
            llm_engine_remove(e, &s[i]);
            ref_remove(&g, i);
        }
        SimTime d = llm_engine_begin(e, t);
        SimTime dr = ref_begin(&g, &tm);
        cr_assert_eq(d, dr, "seed %llu step %d: duration %lld != ref %lld",
                     (unsigned long long)seed, step, (long long)d,
                     (long long)dr);
        cr_assert_eq(llm_engine_running(e), g.nrun, "step %d running", step);
        cr_assert_eq(llm_engine_waiting(e), g.nwait, "step %d waiting", step);
        if (d == 0) {
            if (next >= n)
                break;
            t = arrival[next];
            continue;
        }
        cr_assert_eq(llm_engine_free_blocks(e), g.free_blocks,
                     "seed %llu step %d: free blocks %lld != ref %lld",
                     (unsigned long long)seed, step,
                     (long long)llm_engine_free_blocks(e),
                     (long long)g.free_blocks);
        assert_consistent(e);
        if (lcg(&x) % 100 == 0) { /* removal mid-iteration */
            int i = (int)(lcg(&x) % (uint32_t)next);
            llm_engine_remove(e, &s[i]);
            ref_remove(&g, i);
            assert_consistent(e);
        }
        t += d;
        LlmSeq *f = llm_engine_end(e, t);
        int nf = ref_end(&g, t, fin);
        for (int k = 0; k < nf; k++, f = f->next) {
            cr_assert_not_null(f, "step %d: finished list short", step);
            cr_assert_eq(f, &s[fin[k]], "step %d: finish order", step);
        }
        cr_assert_null(f, "step %d: finished list long", step);
        assert_consistent(e);
    }
    for (int i = 0; i < n; i++) {
        llm_engine_sync(e, &s[i]);
        cr_assert_eq(s[i].state, g.seq[i].state, "seq %d state", i);
        cr_assert_eq(s[i].first_token_us, g.seq[i].first_us, "seq %d", i);
        cr_assert_eq(s[i].finish_us, g.seq[i].finish_us, "seq %d", i);
        cr_assert_eq(s[i].preemptions, g.seq[i].preemptions, "seq %d", i);
        if (s[i].state == LLM_SEQ_FINISHED)
            cr_assert_eq(s[i].generated, s[i].output_tokens);
    }
    uint64_t pre = llm_engine_stats(e)->preemptions;
    llm_engine_destroy(e);
    return pre;
}

Test(llm_engine, matches_the_reference_on_random_runs)
{
    const struct {
        int max_seqs;
        int64_t max_tokens, chunk, kv_blocks;
        int block, max_prompt, max_output;
    } cases[] = {
        {16, 512, 0, 60, 16, 300, 200},  /* preemption-heavy */
        {16, 512, 64, 60, 16, 300, 200}, /* chunked, thrashing */
        {8, 64, 16, 40, 7, 200, 100},    /* odd block size */
        {32, 256, 0, 2000, 1, 100, 100}, /* one token per block */
        {32, 256, 8, 300, 1, 100, 100},
        {4, 4, 1, 100, 16, 60, 30},      /* chunk 1, budget = max_seqs */
        {256, 4096, 0, 100000, 16, 500, 300}, /* never short */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        LlmEngineConfig cfg = {.max_num_seqs = cases[c].max_seqs,
                               .max_num_batched_tokens = cases[c].max_tokens,
                               .block_tokens = cases[c].block,
                               .chunk_tokens = cases[c].chunk,
                               .kv_blocks = cases[c].kv_blocks};
        uint64_t pre = 0;
        for (uint64_t seed = 1; seed <= 4; seed++)
            pre += against_reference(seed * 2385 + c, &cfg, REF_MAX,
                                     cases[c].max_prompt,
                                     cases[c].max_output);
        printf("reference case %zu: 4 runs of %d requests agree, %llu "
               "preemptions\n", c, REF_MAX, (unsigned long long)pre);
    }
}

/*
 * Little's law on the running set, in its integrated form: the integral
 * of the running batch over busy time (stats running_seq_us) equals the
 * sum over sequences of the time each spent running (admission at an
 * iteration's begin to its finish, or to the begin that preempted it),
 * exactly, since the host here never leaves the engine idle while work
 * is running.  Mean batch = running_seq_us / busy_us.  The same for KV
 * blocks is not pinned (blocks change inside a sequence's stay).
 */
Test(llm_engine, running_integral_is_the_sum_of_stays)
{
    enum { N = 300 };
    static Req r[N];
    static uint8_t before[N];
    static SimTime since[N];
    LlmTimeModel tm = linear_model();
    for (int chunk = 0; chunk <= 32; chunk += 32) {
        uint64_t x = 1913;
        for (int i = 0; i < N; i++)
            r[i] = (Req){.arrival_us = 15000 * (SimTime)i,
                         .prompt = 1 + (int32_t)(lcg(&x) % 300),
                         .output = 1 + (int32_t)(lcg(&x) % 200)};
        LlmEngine *e = engine(16, 512, chunk, 100, &tm);
        SimTime t = 0, stays = 0;
        int next = 0;
        for (;;) {
            while (next < N && r[next].arrival_us <= t) {
                r[next].seq.prompt_tokens = r[next].prompt;
                r[next].seq.output_tokens = r[next].output;
                r[next].seq.owner = &r[next];
                llm_engine_add(e, &r[next].seq, t);
                next++;
            }
            for (int i = 0; i < next; i++)
                before[i] = r[i].seq.state;
            SimTime d = llm_engine_begin(e, t);
            for (int i = 0; i < next; i++) {
                uint8_t now = r[i].seq.state;
                if (before[i] != LLM_SEQ_RUNNING && now == LLM_SEQ_RUNNING)
                    since[i] = t;
                if (before[i] == LLM_SEQ_RUNNING && now != LLM_SEQ_RUNNING)
                    stays += t - since[i];
            }
            if (d == 0) {
                if (next >= N)
                    break;
                t = r[next].arrival_us;
                continue;
            }
            t += d;
            for (LlmSeq *f = llm_engine_end(e, t); f; f = f->next)
                stays += t - since[(Req *)f->owner - r];
        }
        const LlmEngineStats *st = llm_engine_stats(e);
        printf("chunk %d: running integral %.0f us x seq, sum of stays "
               "%lld, mean batch %.3f, %llu preemptions\n", chunk,
               st->running_seq_us, (long long)stays,
               st->running_seq_us / (double)st->busy_us,
               (unsigned long long)st->preemptions);
        cr_assert_gt(st->preemptions, 0);
        cr_assert_eq((SimTime)st->running_seq_us, stays);
        llm_engine_destroy(e);
    }
}
