/* infer_keys.c — configuration keys of whpc-ai-infer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infer_driver.h"

static const whpc_cfg_key INFER_KEYS[] = {
    {"model.path", WHPC_CFG_STRING, NULL, "", WHPC_CFG_ANY, NULL,
     "ONNX model file (.onnx); relative: to the config file when set there, else to the working directory"},
    {"input.path", WHPC_CFG_STRING, NULL, "", WHPC_CFG_ANY, NULL,
     "directory of inputs, or a list file with one path per line (relative to the list file)"},
    {"input.format", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, "auto|gdal|npy",
     "auto: .npy files as NumPy tensors, everything else through GDAL (GeoTIFF, PNG, JPEG)"},
    {"input.on_error", WHPC_CFG_ENUM, "fail", "", WHPC_CFG_ANY, "fail|skip",
     "an unreadable or malformed input stops the run (fail) or is skipped and listed (skip)"},
    {"input.bands", WHPC_CFG_INT_LIST, "", "", 1, 65535, NULL, "1-based bands to feed the model ('' = all, in order)"},
    {"input.scale", WHPC_CFG_REAL, "1", "", WHPC_CFG_ANY, NULL, "multiply raw values by this first"},
    {"input.mean", WHPC_CFG_REAL_LIST, "", "", WHPC_CFG_ANY, NULL, "per-band mean subtracted after scaling ('' = 0)"},
    {"input.std", WHPC_CFG_REAL_LIST, "", "", 1e-30, 1e30, NULL, "per-band std dividing after the mean ('' = 1)"},
    {"input.fit", WHPC_CFG_ENUM, "exact", "", WHPC_CFG_ANY, "exact|resize|center_crop",
     "inputs must match the model size (exact), are resampled bilinearly (resize) or centre-cropped"},
    {"engine.backend", WHPC_CFG_ENUM, "onednn", "", WHPC_CFG_ANY, "onednn|reference",
     "oneDNN primitives for Conv/pooling, or the plain C reference kernels only"},
    {"engine.winograd", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL,
     "oneDNN: let 3x3 stride-1 convolutions use Winograd F(4,3) (fewer multiplies, error ~1e-6 relative)"},
    {"engine.threads", WHPC_CFG_INT, "1", "", 1, 1024, NULL, "OpenMP threads per rank for oneDNN"},
    {"engine.batch", WHPC_CFG_INT, "8", "", 1, 4096, NULL, "images per engine call (last batch zero-padded)"},
    {"sched.mode", WHPC_CFG_ENUM, "dynamic", "", WHPC_CFG_ANY, "dynamic|static",
     "dynamic self-scheduling of chunks (whpc_workqueue) or static contiguous shards"},
    {"sched.chunk", WHPC_CFG_INT, "16", "", 1, 1 << 20, NULL, "items per chunk (journal is flushed per chunk)"},
    {"sched.prefetch", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL, "reader thread decodes the next chunk meanwhile"},
    {"sched.readers", WHPC_CFG_INT, "1", "", 1, 64, NULL, "threads per rank decoding the items of a chunk in parallel"},
    {"output.topk", WHPC_CFG_INT, "5", "", 1, 1000, NULL, "classes per row in predictions.csv"},
    {"output.kind", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, "auto|classes|raster",
     "auto: [N,K] output -> CSV of top-k, [N,K,H,W] -> class GeoTIFF per tile + VRT"},
    {"test.abort_after", WHPC_CFG_INT, "0", "", 0, 1L << 40, NULL,
     "fault test: the last rank kills itself (SIGKILL) after this many items (0 = off)"},
    {"test.stop_after", WHPC_CFG_INT, "0", "", 0, 1L << 40, NULL,
     "resume test: the last rank sends itself SIGTERM after this many items (0 = off)"},
};

int infer_keys_add(whpc_ctx_t ctx) { return whpc_config_add_keys(ctx, INFER_KEYS, WHPC_NKEYS(INFER_KEYS)); }

int infer_params_read(whpc_ctx_t ctx, infer_params *p) {
  memset(p, 0, sizeof *p);
  WHPC_CALL(whpc_config_get_string(ctx, "model.path", &p->model));
  WHPC_CALL(whpc_config_get_string(ctx, "input.path", &p->input));
  WHPC_CALL(whpc_config_get_enum(ctx, "input.format", NULL, &p->format));
  WHPC_CALL(whpc_config_get_enum(ctx, "input.on_error", NULL, &p->on_error));
  WHPC_CALL(whpc_config_get_int_list(ctx, "input.bands", &p->bands, &p->nbands));
  WHPC_CALL(whpc_config_get_real(ctx, "input.scale", &p->scale));
  WHPC_CALL(whpc_config_get_real_list(ctx, "input.mean", &p->mean, &p->nmean));
  WHPC_CALL(whpc_config_get_real_list(ctx, "input.std", &p->std, &p->nstd));
  WHPC_CALL(whpc_config_get_enum(ctx, "input.fit", NULL, &p->fit));
  WHPC_CALL(whpc_config_get_enum(ctx, "engine.backend", NULL, &p->backend));
  WHPC_CALL(whpc_config_get_int(ctx, "engine.threads", &p->threads));
  WHPC_CALL(whpc_config_get_bool(ctx, "engine.winograd", &p->winograd));
  WHPC_CALL(whpc_config_get_int(ctx, "engine.batch", &p->batch));
  WHPC_CALL(whpc_config_get_enum(ctx, "sched.mode", NULL, &p->sched));
  WHPC_CALL(whpc_config_get_int(ctx, "sched.chunk", &p->chunk));
  WHPC_CALL(whpc_config_get_bool(ctx, "sched.prefetch", &p->prefetch));
  WHPC_CALL(whpc_config_get_int(ctx, "sched.readers", &p->readers));
  WHPC_CALL(whpc_config_get_int(ctx, "output.topk", &p->topk));
  WHPC_CALL(whpc_config_get_enum(ctx, "output.kind", NULL, &p->out_kind));
  WHPC_CALL(whpc_config_get_int(ctx, "test.abort_after", &p->abort_after));
  WHPC_CALL(whpc_config_get_int(ctx, "test.stop_after", &p->stop_after));
  /* a relative model.path written in the config file is relative to that file, so an installed
   * example config finds its model from any working directory */
  const char *org = whpc_config_origin(ctx, "model.path"), *cf = whpc_config_file(ctx), *slash = strrchr(cf, '/');
  int from_file = strcmp(org, "default") && strcmp(org, "command line") && strncmp(org, "environment", 11);
  if (p->model[0] && p->model[0] != '/' && from_file && slash) {
    snprintf(p->model_buf, sizeof p->model_buf, "%.*s/%s", (int)(slash - cf), cf, p->model);
    p->model = p->model_buf;
  }
  p->skip_errors = !strcmp(p->on_error, "skip");
  p->dynamic = !strcmp(p->sched, "dynamic");
  if (!strcmp(p->backend, "onednn") && !infer_have_onednn())
    return whpc_config_error(ctx, "engine.backend", "onednn is not available in this build (use reference)");
  return WHPC_OK;
}

void infer_params_free(infer_params *p) {
  free(p->bands);
  free(p->mean);
  free(p->std);
}
