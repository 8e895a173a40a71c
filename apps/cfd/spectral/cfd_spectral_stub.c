/* Placeholder until the spectral solver lands (replaced by its own sources). */
#include "cfd_spectral.h"
const whpc_cfg_key cfd_spectral_keys[] = {
    {"spectral.placeholder", WHPC_CFG_INT, "0", "", WHPC_CFG_ANY, NULL, "placeholder"}};
const int cfd_spectral_nkeys = 1;
int cfd_spectral_run(whpc_ctx_t ctx) { return WHPC_RAISE(WHPC_ERR_INPUT, "solver 'spectral' is not built yet"); }
