/*
 * link.h - bandwidth links shared max-min fairly by their active
 * transfers, and transfers that cross one or two such links.
 *
 * A link of bandwidth R with n active transfers gives each R / n bytes per
 * second (processor sharing).  A transfer may cross a second link (a
 * node's network link and the cluster-wide remote cap) and may carry a cap
 * of its own (a load into one GPU never runs faster than that GPU's PCIe
 * link).  Rates are then max-min fair: no transfer can go faster without
 * slowing one that is no faster than it.  They are found by progressive
 * filling: every transfer's rate rises together until a link is full (its
 * transfers stop there, at its remaining bandwidth over their number) or a
 * transfer reaches its own cap; what a capped or elsewhere-bottlenecked
 * transfer leaves of a link goes to the others on it.  On one link without
 * caps that is R / n.  (Earlier versions gave each transfer its smallest
 * equal share, min over its links of R / n, and left the rest unused.)
 *
 * Representation.  A transfer keeps its bytes left as of its own last
 * update time and its current rate.  When a transfer starts or ends, the
 * links it crosses and every link and transfer connected to them through
 * shared transfers (the component: with a remote cap, every node's remote
 * loads) are brought up to now at their old rates and get new rates.  The
 * filling keeps the component's links in a heap by their fill level
 * (remaining bandwidth / unfrozen transfers), which only rises as
 * transfers freeze, and its capped transfers sorted by cap: O(T log L) for
 * T transfers on L links.  A link keeps its active transfers in an array
 * (each knows its place), so one leaves in O(1).  Times are whole
 * microseconds (core/time.h); a transfer's finish is rounded up to the
 * next microsecond, and one whose finish has come is complete whatever
 * rounding left of its bytes.
 */
#ifndef SIM_ENTITY_LINK_H
#define SIM_ENTITY_LINK_H

#include <stdint.h>

#include "../core/time.h"

#define LINK_MAX_PER_XFER 2

struct Transfer;

typedef struct Link {
    double bytes_per_s;          /* > 0 */
    struct Transfer **act;       /* its active transfers */
    int n, cap;
    /* the filling's scratch (link.c), meaningful only during it */
    double fill_left;            /* bandwidth not yet given out */
    double fill_level;           /* fill_left / fill_n */
    int fill_n;                  /* its transfers not yet frozen */
    int fill_mark;               /* its place in the component + 1, or 0 */
} Link;

typedef struct Transfer {
    Link *on[LINK_MAX_PER_XFER]; /* the links it crosses (NULL: none) */
    int pos[LINK_MAX_PER_XFER];  /* its place in each link's array */
    double bytes;                /* in all */
    double left;                 /* bytes still to move at t_us */
    double rate;                 /* bytes/s since t_us */
    double max_rate;             /* its own cap (0 = none) */
    SimTime t_us;                /* when left and rate were last set */
    SimTime started_us;
    int fill_mark;               /* link.c: its place in the component + 1,
                                    or 0 */
    int fill_frozen;             /* link.c: its rate is set */
} Transfer;

void link_init(Link *l, double bytes_per_s);
void link_fini(Link *l);

/* Starts x of `bytes` at `now` on link a and, when b is not NULL, also on
 * link b; max_rate caps its rate (0 = none).  Every transfer connected to
 * it through shared links is brought up to now and rerated. */
void link_start(Transfer *x, Link *a, Link *b, double bytes, double max_rate,
                SimTime now);

/* x leaves its links at `now` (finished, or given up): the transfers
 * connected to them are brought up to now and rerated (none slows). */
void link_end(Transfer *x, SimTime now);

/* When x finishes at its current rate (rounded up to a microsecond). */
SimTime link_xfer_finish(const Transfer *x);

/* The bytes x has left at `now` >= its last update, at its current rate
 * (never below 0). */
double link_xfer_left(const Transfer *x, SimTime now);

/* The earliest finish among l's transfers (the transfer in *which, when
 * which is not NULL), or SIM_TIME_MAX when l is idle. */
SimTime link_next_finish(const Link *l, Transfer **which);

/* An estimate of the rate a new transfer would get on l now: its equal
 * share, bytes_per_s / (n + 1) (exact without caps or other links). */
double link_share_if_added(const Link *l);

#endif
