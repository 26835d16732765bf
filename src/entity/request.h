/*
 * request.h - one request and its outcome.
 *
 * DESIGN.md section 3: a request arrives for one function and ends in
 * exactly one outcome.  Latency = finish - arrival = queue wait + cold-start
 * wait + service time.  A request is cold iff it waited for an instance
 * start.  Requests come from the platform's pool; the struct is plain data.
 *
 * Layout: three cache lines (the pool puts it on a line of its own).  What
 * a DONE's warm hint reads -- its instance, function, epoch and component
 * -- and the flags an ending reads first come in line 0, which the event
 * queue asks for before the hint runs (core/evq.c, Warming).
 */
#ifndef SIM_ENTITY_REQUEST_H
#define SIM_ENTITY_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "../core/time.h"
#include "../executor/llm_engine.h"

struct Instance;
struct Vm;
struct KnPod;

typedef enum ReqWhere {
    REQ_AT_NONE = 0,
    REQ_AT_SERVERLESS,  /* bound to, queued for or served by serverless */
    REQ_AT_VM,          /* queued for or served by a VM */
    REQ_AT_API,         /* served by a per-token API (platform/api.c) */
    REQ_AT_POD          /* buffered for or served by a Knative pod */
} ReqWhere;

typedef enum ReqOutcome {
    REQ_PENDING = 0,  /* not ended yet */
    REQ_COMPLETED,
    REQ_REJECTED,     /* throttled, or queue full */
    REQ_TIMED_OUT,    /* ran timeout_s after starting; billed up to it */
    REQ_UNFINISHED    /* still in flight when the horizon ended */
} ReqOutcome;

typedef struct Request {
    struct Request *next;      /* FIFO links (function queue, start waiters) */
    struct Instance *inst;     /* the instance serving or starting for it */
    uint32_t fn;               /* function index */
    uint32_t done_epoch;       /* epoch of its live DONE event, unique in
                                  the run (world_done_epoch); a DONE with
                                  another epoch is stale (spot retries) */
    uint8_t cold;              /* 1 iff it waited for an instance start */
    uint8_t outcome;           /* ReqOutcome */
    uint8_t on_provisioned;    /* served by a provisioned instance */
    uint8_t where;             /* ReqWhere */
    uint16_t batch;            /* size of the batch it ran in (0 = none) */
    uint8_t batch_leader;      /* first of its batch: carries the duration */
    uint8_t live;              /* arrived and not ended (the World's pool
                                  walk at the horizon finds it by this) */
    uint8_t comp;              /* the World's platform component that
                                  holds it (set when routed) */
    uint8_t carrier;           /* 0: an arrival; else 1 + the component
                                  that made it to carry others (a queue's
                                  invocation: world_carrier_new) */
    uint16_t receives;         /* times a queue handed it to an invocation */
    uint8_t tag;               /* the sub-world holding it (a pipeline's
                                  stage, a rollout's version): 0 = none */
    uint8_t part;              /* a composite's part it is in or enters
                                  next (platform/compose.c) */
    uint8_t cold_parts;        /* a pipeline: bit k = cold at stage k */
    uint8_t parts_done;        /* a pipeline: bit k = stage k completed */
    uint8_t parts_entered;     /* ... bit k = stage k begun */
    uint8_t parts_live;        /* ... its branches not ended yet */
    struct Vm *vm;             /* the VM serving it or whose queue holds it */
    struct KnPod *pod;         /* the Knative pod serving it */
    double u_service;          /* service-time quantile, drawn at arrival */
    SimTime given_us;          /* service time given by a trace, or -1 */
    int32_t prompt_tokens;     /* from an LLM trace, or -1 */
    int32_t output_tokens;     /* from an LLM trace, or -1 */
    int32_t tokens_out_done;   /* output tokens produced so far (the llm
                                  executor counts them; 0 elsewhere) */
    SimTime first_token_us;    /* when its first output token was sampled
                                  (llm executor), or -1 = none */
    uint64_t id;               /* arrival sequence number */
    SimTime arrival;           /* us */
    SimTime bound_at;          /* when bound to a starting instance, or -1 */
    SimTime start;             /* service start, us; -1 before */
    SimTime service_us;        /* warm service time, set when placed */
    SimTime run_us;            /* what it occupies its slot for, once started */
    SimTime init_billed_us;    /* INIT time billed with this request */
    struct Request *parent;    /* a branch (one stage's copy of a pipeline
                                  request): the request; else NULL */
    SimTime origin;            /* arrival at the top World (a sub-world
                                  sets `arrival` to its own entry) */
    LlmSeq *seq;               /* its sequence in an llm executor's engine
                                  (the engine's while it is there), or
                                  NULL: out of line, so that a request is
                                  3 cache lines (world_seq_get) */
} Request;

_Static_assert(offsetof(Request, parts_live) < 64 && sizeof(Request) <= 192,
               "a request's instance, function, epoch and flags are in its "
               "first line, and it spans three (Layout)");


#endif
