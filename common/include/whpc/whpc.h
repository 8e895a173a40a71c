/* whpc.h — umbrella header of libwhpc core (whpc::core). NetCDF I/O is whpc_ncio.h (whpc::ncio). */
#ifndef WHPC_H
#define WHPC_H
#include "whpc_error.h"
#include "whpc_ctx.h"
#include "whpc_config.h"
#include "whpc_log.h"
#include "whpc_timer.h"
#include "whpc_report.h"
#include "whpc_decomp.h"
#include "whpc_halo.h"
#include "whpc_workqueue.h"
#include "whpc_checkpoint.h"
#include "whpc_output.h"
#endif
