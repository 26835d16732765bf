/*
 * profile_int.h - what profile_load.c and profile_llm.c share: reading the
 * "llm" blocks of an LLM model profile (profile_llm.c, format there).
 */
#ifndef SIM_CONFIG_PROFILE_INT_H
#define SIM_CONFIG_PROFILE_INT_H

#include <cjson/cJSON.h>

#include "../entity/profile.h"
#include "json.h"

/* The model's "llm" block (its shape) into m->llm; v is that block. */
int profile_llm_load_model(const JCtx *c, const cJSON *v, ModelProfile *m);

/* A hardware class's "llm" block (v, at JSON path `path`) into h; needs
 * the model's block read first (m->llm.present). */
int profile_llm_load_hw(const JCtx *c, const cJSON *v, const char *path,
                        const ModelProfile *m, HwProfile *h);

#endif
