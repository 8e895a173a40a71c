/* Placeholder until the projection solver lands (replaced by its own sources). */
#include "cfd_projection.h"
const whpc_cfg_key cfd_projection_keys[] = {
    {"projection.placeholder", WHPC_CFG_INT, "0", "", WHPC_CFG_ANY, NULL, "placeholder"}};
const int cfd_projection_nkeys = 1;
int cfd_projection_run(whpc_ctx_t ctx) { return WHPC_RAISE(WHPC_ERR_INPUT, "solver 'projection' is not built yet"); }
