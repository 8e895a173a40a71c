/* Placeholder until the swe model lands (replaced by its own sources). */
#include "clim_swe.h"
const whpc_cfg_key clim_swe_keys[] = {
    {"swe.placeholder", WHPC_CFG_INT, "0", "", WHPC_CFG_ANY, NULL, "placeholder"}};
const int clim_swe_nkeys = 1;
int clim_swe_run(whpc_ctx_t ctx) { return WHPC_RAISE(WHPC_ERR_INPUT, "model 'swe' is not built yet"); }
