/* cfd_spectral.h — entry point of the spectral solver of whpc-cfd. */
#ifndef CFD_SPECTRAL_H
#define CFD_SPECTRAL_H
#include <whpc.h>
/* Keys of this solver (added by main before the config is loaded). */
extern const whpc_cfg_key cfd_spectral_keys[];
extern const int cfd_spectral_nkeys;
/* Collective: the whole run after the config is loaded (case set-up, time loop, outputs, report). */
int cfd_spectral_run(whpc_ctx_t ctx);
#endif
