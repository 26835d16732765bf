/*
 * link.h - a bandwidth link whose active transfers share it fairly
 * (processor sharing), and transfers that cross one or two such links.
 *
 * A link of bandwidth R with n active transfers gives each R / n bytes per
 * second.  A transfer may cross a second link (a node's network link and
 * the cluster-wide remote cap): its rate is then the smaller of its two
 * shares, and it may carry a cap of its own (a load into one GPU never
 * runs faster than that GPU's PCIe link).  That is each link's fair share
 * at its bottleneck, not a max-min fair allocation: what a capped transfer
 * leaves of its share is not given to the others -- exact for the single
 * link of processor sharing, an approximation where transfers cross
 * links that are loaded differently.
 *
 * Representation.  A transfer keeps its bytes left as of its own last
 * update time and its current rate.  When a transfer starts or ends on a
 * link, every transfer on that link is first brought up to now at its old
 * rate, then all of them get their new rates: O(transfers on the link),
 * and the links of a node rarely carry more than a handful at once.  The
 * link keeps its active transfers in an array (each knows its place), so
 * one leaves in O(1).  Times are whole microseconds (core/time.h); a
 * transfer's finish is rounded up to the next microsecond, and one whose
 * finish has come is complete whatever rounding left of its bytes.
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
} Transfer;

void link_init(Link *l, double bytes_per_s);
void link_fini(Link *l);

/* Starts x of `bytes` at `now` on link a and, when b is not NULL, also on
 * link b; max_rate caps its rate (0 = none).  Every transfer sharing a
 * link with it is brought up to now and slowed. */
void link_start(Transfer *x, Link *a, Link *b, double bytes, double max_rate,
                SimTime now);

/* x leaves its links at `now` (finished, or given up): the others on them
 * are brought up to now and speed up. */
void link_end(Transfer *x, SimTime now);

/* When x finishes at its current rate (rounded up to a microsecond). */
SimTime link_xfer_finish(const Transfer *x);

/* The bytes x has left at `now` >= its last update, at its current rate
 * (never below 0). */
double link_xfer_left(const Transfer *x, SimTime now);

/* The earliest finish among l's transfers (the transfer in *which, when
 * which is not NULL), or SIM_TIME_MAX when l is idle. */
SimTime link_next_finish(const Link *l, Transfer **which);

/* The rate a new transfer would get on l now: bytes_per_s / (n + 1). */
double link_share_if_added(const Link *l);

#endif
