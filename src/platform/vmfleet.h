/*
 * vmfleet.h - the VM platform component: a fleet of VMs of one instance
 * type behind a load balancer, fixed or autoscaled (DESIGN.md section 3).
 *
 * It lives inside a World (world.h) like the serverless component; a
 * hybrid alternative has both and asks vmfleet_has_free_slot() /
 * vmfleet_expected_wait_s() before routing.  vmfleet.c explains the
 * semantics.
 */
#ifndef SIM_PLATFORM_VMFLEET_H
#define SIM_PLATFORM_VMFLEET_H

#include "world.h"

/* Creates the fleet; its initial VMs exist, booted and loaded, at time 0.
 * `timeout_s` (0 = none) stops requests that run longer. */
VmFleet *vmfleet_create(World *w, const VmSpec *spec, double timeout_s);
void vmfleet_destroy(VmFleet *f);

/* Takes a request: a free slot, a queue, or rejection when the queue is
 * full. */
void vmfleet_route(VmFleet *f, Request *req);

/* Handles DONE (of VM requests), VM_READY, VM_NOTICE, VM_INTERRUPT,
 * VM_SCALE and VM_BATCH events. */
void vmfleet_handle(VmFleet *f, const Event *ev);

/* A ready VM has a free slot now. */
int vmfleet_has_free_slot(const VmFleet *f);

/* Expected queueing delay of a request routed now, seconds: 0 with a free
 * slot, else (queued + 1) x mean service / ready slots (M/M/c-like). */
double vmfleet_expected_wait_s(const VmFleet *f);

int vmfleet_queued(const VmFleet *f);

/* Ends every VM's billing at the horizon.  Call once, before the final
 * cost. */
void vmfleet_close(VmFleet *f, SimTime horizon);

/* Dollars for VM time: after vmfleet_close (per second, 60 s minimum per
 * VM; `final` says the caller expects that), otherwise accrued so far,
 * unrounded. */
double vmfleet_cost_usd(const VmFleet *f, SimTime now, int final);

/* The id of the VM a request ran on (for request records). */
int64_t vmfleet_vm_id(const struct Vm *vm);

/* Spot VMs interrupted, and requests they held that were routed again,
 * from the warm-up point on. */
void vmfleet_spot_counts(const VmFleet *f, uint64_t *interruptions,
                         uint64_t *retried);

/* Busy slot-seconds / ready slot-seconds over the run so far. */
double vmfleet_utilization(const VmFleet *f);

#endif
