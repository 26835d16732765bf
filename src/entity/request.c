/*
 * request.c - names of request outcomes, as written in outputs.
 */
#include "request.h"

const char *request_outcome_name(ReqOutcome outcome)
{
    switch (outcome) {
    case REQ_PENDING:
        return "pending";
    case REQ_COMPLETED:
        return "completed";
    case REQ_REJECTED:
        return "rejected";
    case REQ_TIMED_OUT:
        return "timed_out";
    case REQ_UNFINISHED:
        return "unfinished";
    }
    return "?";
}
