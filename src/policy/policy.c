/*
 * policy.c - the registry of keep-alive policies, by scenario name.
 */
#include "policy.h"

#include <string.h>

static const KeepalivePolicyType *const registry[] = {
    &policy_keepalive_fixed,
    &policy_keepalive_none,
};

static const char *const names[] = {"fixed", "none", NULL};

const KeepalivePolicyType *policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

const char *const *policy_names(void) { return names; }
