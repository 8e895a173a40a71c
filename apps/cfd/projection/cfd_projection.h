/* cfd_projection.h — entry point of the projection solver of whpc-cfd. */
#ifndef CFD_PROJECTION_H
#define CFD_PROJECTION_H
#include <whpc.h>
/* Keys of this solver (added by main before the config is loaded). */
extern const whpc_cfg_key cfd_projection_keys[];
extern const int cfd_projection_nkeys;
/* Collective: the whole run after the config is loaded (case set-up, time loop, outputs, report). */
int cfd_projection_run(whpc_ctx_t ctx);
#endif
