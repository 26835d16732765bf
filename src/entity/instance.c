/*
 * instance.c - instance lists and the state machine's legal moves.
 */
#include "instance.h"

#include <assert.h>
#include <stddef.h>

void instlist_push_head(InstList *l, Instance *inst)
{
    assert(inst->list == NULL);
    inst->prev = NULL;
    inst->next = l->head;
    if (l->head != NULL)
        l->head->prev = inst;
    else
        l->tail = inst;
    l->head = inst;
    inst->list = l;
    l->n++;
}

void instlist_remove(InstList *l, Instance *inst)
{
    assert(inst->list == l);
    if (inst->prev != NULL)
        inst->prev->next = inst->next;
    else
        l->head = inst->next;
    if (inst->next != NULL)
        inst->next->prev = inst->prev;
    else
        l->tail = inst->prev;
    inst->prev = inst->next = NULL;
    inst->list = NULL;
    l->n--;
}

void instance_wait_push(Instance *inst, Request *req)
{
    req->inst = inst;
    req->next = NULL;
    if (inst->wait_tail != NULL)
        inst->wait_tail->next = req;
    else
        inst->wait_head = req;
    inst->wait_tail = req;
    inst->bound++;
}

static int legal(InstState from, InstState to)
{
    switch (from) {
    case INST_STARTING:
        return to == INST_IDLE || to == INST_BUSY || to == INST_GONE;
    case INST_IDLE:
        return to == INST_BUSY || to == INST_GONE;
    case INST_BUSY:
        return to == INST_IDLE;
    case INST_GONE: /* a pooled object becoming a new instance */
        return to == INST_STARTING;
    case INST_NSTATES:
        return 0;
    }
    return 0;
}

void instance_set_state(Instance *inst, InstState s)
{
    assert(legal(inst->state, s));
    (void)legal;
    inst->state = s;
}
