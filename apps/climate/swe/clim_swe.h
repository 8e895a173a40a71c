/* clim_swe.h — entry point of the swe model of whpc-climate. */
#ifndef CLIM_SWE_H
#define CLIM_SWE_H
#include <whpc.h>
extern const whpc_cfg_key clim_swe_keys[];
extern const int clim_swe_nkeys;
/* Collective: the whole run after the config is loaded. */
int clim_swe_run(whpc_ctx_t ctx);
#endif
