/* Placeholder until the euler model lands (replaced by its own sources). */
#include "clim_euler.h"
const whpc_cfg_key clim_euler_keys[] = {
    {"euler.placeholder", WHPC_CFG_INT, "0", "", WHPC_CFG_ANY, NULL, "placeholder"}};
const int clim_euler_nkeys = 1;
int clim_euler_run(whpc_ctx_t ctx) { return WHPC_RAISE(WHPC_ERR_INPUT, "model 'euler' is not built yet"); }
