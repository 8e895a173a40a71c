/* whpc_checkpoint.h — restart files and signal-triggered checkpoints (link target whpc::core).
 *
 * One file per checkpoint, "<dir>/<app>-<step 10 digits>.ckpt", written collectively with MPI-IO
 * in global index order (so any number of ranks can read it), to "<name>.tmp", fsync'd, then
 * renamed. The header records magic, format version, app name, app version, a config hash,
 * and per variable: name, element type, global shape, offset and a checksum (order-independent,
 * computed over global index and value), verified on read. The last `checkpoint.keep` files are
 * kept; older ones are deleted only after a new one is complete.
 * Keys: checkpoint.dir, checkpoint.every (steps, 0 = off), checkpoint.keep, checkpoint.restart
 * (path, "latest" or ""). Byte layout, checksum and error list: docs/io.md. A run stopped by a
 * signal exits with WHPC_STOPPED (75) after its checkpoint. */
#ifndef WHPC_CHECKPOINT_H
#define WHPC_CHECKPOINT_H
#include <stdint.h>
#include "whpc_config.h"
#include "whpc_decomp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_ckpt_s *whpc_ckpt_t;
struct whpc_cfg_key;

/* Apps that checkpoint add these keys: whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys)
 * checkpoint.dir (default "<output.dir>/checkpoints"), checkpoint.every (steps, 0 = off),
 * checkpoint.keep (2), checkpoint.restart ("" | "latest" | path). */
extern const struct whpc_cfg_key whpc_checkpoint_keys[];
extern const int whpc_checkpoint_nkeys;

typedef enum { WHPC_CK_DOUBLE = 0, WHPC_CK_FLOAT = 1, WHPC_CK_INT64 = 2, WHPC_CK_BYTES = 3 } whpc_ck_type;

/* Collective. dir: where checkpoints live (created if missing); NULL or "" = checkpoint.dir, whose
 * default "" means "<output.dir>/checkpoints". config_hash: what must match on restart
 * (whpc_config_hash of the physics keys). Reads checkpoint.dir/every/keep/restart, so the app
 * must have added whpc_checkpoint_keys. */
int whpc_checkpoint_create(whpc_ctx_t ctx, const char *dir, unsigned long long config_hash,
                           whpc_ckpt_t *out) __attribute__((warn_unused_result));
/* Register state (not collective, same order on all ranks). Pointers must stay valid. */
int whpc_checkpoint_add_field(whpc_ckpt_t ck, const char *name, whpc_decomp_t g, whpc_ck_type type,
                              void *ghosted_field);
/* Replicated values (identical on all ranks; rank 0's are written): scalars, counters, RNG state. */
int whpc_checkpoint_add_values(whpc_ckpt_t ck, const char *name, whpc_ck_type type, void *values,
                               size_t count);
/* Collective: write checkpoint for `step`. */
int whpc_checkpoint_write(whpc_ckpt_t ck, long step);
/* Collective: read path (or the newest complete checkpoint in dir when path is "latest") into
 * the registered state. *found = 0 when "latest" finds none. Errors name the file: bad magic,
 * truncated, checksum mismatch (with the variable), other app, other grid, other config. */
int whpc_checkpoint_read(whpc_ckpt_t ck, const char *path, int *found, long *step);
/* Path of the last written or read checkpoint. */
const char *whpc_checkpoint_last_path(whpc_ckpt_t ck);
/* Not collective: 1 when checkpoint.every > 0 and step is a multiple of it. */
int whpc_checkpoint_due(whpc_ckpt_t ck, long step);
/* Collective: whpc_checkpoint_read of checkpoint.restart; *found = 0 when it is "" (fresh start)
 * or "latest" finds no checkpoint. */
int whpc_checkpoint_restart(whpc_ckpt_t ck, int *found, long *step);
/* The directory checkpoints go to. Not collective. */
const char *whpc_checkpoint_dir(whpc_ckpt_t ck);
/* Override checkpoint.keep / checkpoint.every (tests, apps with their own policy). */
void whpc_checkpoint_set_keep(whpc_ckpt_t ck, int keep);
void whpc_checkpoint_set_every(whpc_ckpt_t ck, long every);
int whpc_checkpoint_destroy(whpc_ckpt_t *ck);

/* Signals: SIGTERM and SIGUSR1 (Slurm --signal) set a flag. whpc_signal_install is called by
 * whpc_init. whpc_stop_requested is collective (agrees over ranks) so every rank stops at the
 * same step boundary; the app then writes a checkpoint and returns WHPC_STOPPED (exit 75). */
void whpc_signal_install(void);
int whpc_stop_requested(whpc_ctx_t ctx, int *stop);
/* Not collective: whether this rank has seen the signal. For loops where ranks do different
 * amounts of work (dynamic work queues) and no collective call fits between items; the app
 * must still agree over ranks (whpc_stop_requested, or its own messages) before it stops. */
int whpc_stop_pending(void);
/* Test helper: raise the flag as if a signal arrived. */
void whpc_signal_simulate(void);

#ifdef __cplusplus
}
#endif
#endif
