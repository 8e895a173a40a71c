/* clim_euler.h — entry point of the euler model of whpc-climate. */
#ifndef CLIM_EULER_H
#define CLIM_EULER_H
#include <whpc.h>
extern const whpc_cfg_key clim_euler_keys[];
extern const int clim_euler_nkeys;
/* Collective: the whole run after the config is loaded. */
int clim_euler_run(whpc_ctx_t ctx);
#endif
