/*
 * instance.h - a container / execution environment and its legal states.
 *
 * DESIGN.md section 3: starting -> idle <-> busy -> gone (and a gone,
 * pooled object may start again as a new instance).  An instance with
 * concurrency N serves up to N requests at once; it is busy while it serves
 * at least one.  Requests that wait for it to start are bound to it (they
 * are the cold ones).  State changes go through instance_set_state(), which
 * asserts that the change is legal; decisions (where to route, when to
 * expire) belong to the platform and its policies, not here.
 *
 * Keep-alive timers are cancelled lazily (STYLE.md section 6): a pending
 * expiry event carries the epoch the instance had when it was scheduled;
 * bumping `epoch` makes every pending event stale, and stale events are
 * dropped when popped.  `timer_at` lets the platform keep at most one live
 * timer per instance.
 *
 * Layout.  With 10^5 live instances every one is out of cache when its
 * request ends, so the fields a warm request's route, end and idling touch
 * come first, in two lines, followed by the executor's unit; the fields of
 * starts, clusters and provisioned concurrency follow (the platform
 * prefetches the hot part only).
 */
#ifndef SIM_ENTITY_INSTANCE_H
#define SIM_ENTITY_INSTANCE_H

#include <stdint.h>

#include "../core/time.h"
#include "exec_unit.h"
#include "request.h"

typedef enum InstState {
    INST_STARTING = 0,
    INST_IDLE,
    INST_BUSY,
    INST_GONE,
    INST_NSTATES
} InstState;

typedef struct Instance {
    /* Hot: what routing a warm request, its end and going idle touch
     * (lines 0 and 1; the pool aligns objects to lines). */
    struct Instance *pool_link;  /* used by the pool while free */
    struct Instance *prev, *next; /* links in one InstList */
    struct InstList *list;       /* the list it is on, or NULL */
    int in_use;              /* requests running on it */
    InstState state;
    uint32_t epoch;          /* bumped to cancel pending timers */
    int fn;                  /* the function it runs */
    int heap_pos;            /* place in the idle-eviction heap, or -1 */
    int ord_pos;             /* place in its function's routing order, or -1 */
    uint8_t provisioned;     /* provisioned-concurrency instance */
    uint8_t retiring;        /* provisioned, to be removed when idle */
    uint8_t served_any;      /* has served at least one request */
    uint8_t prewarmed;       /* started by a pre-warm, no request yet */
    uint8_t swapped;         /* weights in host memory, not on its GPU */
    uint8_t swapping;        /* weights coming back: busy, not ready */
    uint8_t start_tier;      /* storage tiers: where its weights came from
                                (entity/storage.h StoreTier) */
    SimTime timer_at;        /* pending expiry event time, or -1 */
    SimTime idle_since;      /* us; valid while idle */
    SimTime ttl_us;          /* keep-alive granted when it last went idle */
    SimTime state_since;     /* when it entered its current state */
    SimTime bill_since;      /* start of the open billed period, or -1 */
    SimTime created_at;      /* us */
    SimTime ready_at;        /* us; when starting ends */
    SimTime first_extra_us;  /* first-inference extra for its first request */
    ExecUnit unit;           /* its executor's state (what runs in it):
                                lines 2 and 3 */
    /* Cold: starts, ends, clusters, provisioned concurrency. */
    Request *wait_head, *wait_tail; /* requests bound to it while starting */
    uint64_t id;
    int bound;               /* requests bound to it while starting */
    int pc_index;            /* place in the platform's provisioned array */
    int node;                /* node it is placed on, or -1 (no cluster) */
    uint64_t gpu_mask;       /* the node's GPUs it holds part of (0: none,
                                or its weights are swapped out) */
    SimTime init_us;         /* billable INIT part of its start */
    SimTime swap_from;       /* when the swap-in began */
    SimTime after_load_us;   /* storage tiers: its start's part after the
                                weights arrive */
    double evict_prio;       /* the policy's priority when it went idle */
    uint64_t evict_seq;      /* ties: earlier idle first */
    struct Instance *all_prev, *all_next; /* every live instance */
} Instance;

/* An intrusive doubly linked list of instances, most recently used first. */
typedef struct InstList {
    Instance *head, *tail;
    int n;
} InstList;

void instlist_push_head(InstList *l, Instance *inst);
void instlist_remove(InstList *l, Instance *inst);

/* Appends req to the requests waiting on inst (bound while it starts)
 * and counts it in `bound`. */
void instance_wait_push(Instance *inst, Request *req);

/* Moves inst to state s; asserts the change is legal. */
void instance_set_state(Instance *inst, InstState s);

#endif
