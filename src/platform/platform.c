/*
 * platform.c - the registry of platform components (platform.h): one
 * {name, table} array, all that changes when a platform is added.
 */
#include "platform.h"

#include <string.h>

static const PlatformOps *const platforms[] = {
    &platform_serverless,
    &platform_vm,
    &platform_api,
    &platform_queue,
    &platform_knative,
    &platform_pipeline,
    &platform_rollout,
};

const PlatformOps *platform_find(const char *name)
{
    for (size_t i = 0; i < sizeof platforms / sizeof platforms[0]; i++)
        if (strcmp(platforms[i]->name, name) == 0)
            return platforms[i];
    return NULL;
}
