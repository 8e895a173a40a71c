/* error.c — the current error (message + trace), agreement over ranks, and the abort policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "whpc_error.h"

#define WHPC_MSG_LEN 1024
#define WHPC_TRACE_LEN 4096

/* One error at a time per thread: the first raise sets the message, WHPC_CALL adds frames. */
static _Thread_local struct {
  char message[WHPC_MSG_LEN];
  char trace[WHPC_TRACE_LEN];
  int collective;
} err_state;

#define WHPC_AS_CASE(name, value, msg) \
  case value: return msg;
const char *whpc_err_str(int code) {
  switch (code) {
    WHPC_ERRORS(WHPC_AS_CASE)
  default: return "unknown error";
  }
}
#undef WHPC_AS_CASE

int whpc_err_exit_status(int code) {
  if (code == WHPC_DONE) return 0;
  if (code == WHPC_ERR_MEM || code == WHPC_ERR_ARG) return 4;
  return code;
}

static void append_frame(const char *file, int line, const char *func) {
  size_t used = strlen(err_state.trace);
  if (used + 2 >= sizeof err_state.trace) return;
  const char *base = strrchr(file, '/');
  snprintf(err_state.trace + used, sizeof err_state.trace - used, "  at %s:%d %s()\n", base ? base + 1 : file,
           line, func);
}

int whpc_err_raise(int code, const char *file, int line, const char *func, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err_state.message, sizeof err_state.message, fmt, ap);
  va_end(ap);
  err_state.trace[0] = '\0';
  err_state.collective = 0;
  append_frame(file, line, func);
  return code;
}

int whpc_err_trace(int code, const char *file, int line, const char *func) {
  if (!err_state.message[0]) /* a code returned without a raise: say so rather than print nothing */
    snprintf(err_state.message, sizeof err_state.message, "%s", whpc_err_str(code));
  append_frame(file, line, func);
  return code;
}

int whpc_err_mpi(int mpi_code, const char *file, int line, const char *func) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(mpi_code, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "code %d", mpi_code);
  return whpc_err_raise(WHPC_ERR_MPI, file, line, func, "MPI error: %s", text);
}

const char *whpc_err_message(void) { return err_state.message; }
const char *whpc_err_trace_text(void) { return err_state.trace; }
void whpc_err_clear(void) {
  err_state.message[0] = err_state.trace[0] = '\0';
  err_state.collective = 0;
}
int whpc_err_is_collective(void) { return err_state.collective; }
void whpc_err_set_collective(int collective) { err_state.collective = collective; }

int whpc_agree(MPI_Comm comm, int local_rc, int *global_rc) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  /* (code, rank) pairs: MAXLOC on the code would pick the highest rank on ties; we want the lowest
   * failing rank to speak, so reduce the rank of failing ranks with MIN separately. */
  int in[2] = {local_rc, local_rc ? rank : size}, out[2];
  MPI_Allreduce(&in[0], &out[0], 1, MPI_INT, MPI_MAX, comm);
  MPI_Allreduce(&in[1], &out[1], 1, MPI_INT, MPI_MIN, comm);
  *global_rc = out[0];
  if (!out[0]) return 0;
  int speaker = out[1];
  char buf[WHPC_MSG_LEN + WHPC_TRACE_LEN];
  if (rank == speaker) {
    memcpy(buf, err_state.message, WHPC_MSG_LEN);
    memcpy(buf + WHPC_MSG_LEN, err_state.trace, WHPC_TRACE_LEN);
  }
  MPI_Bcast(buf, (int)sizeof buf, MPI_CHAR, speaker, comm);
  memcpy(err_state.message, buf, WHPC_MSG_LEN);
  memcpy(err_state.trace, buf + WHPC_MSG_LEN, WHPC_TRACE_LEN);
  err_state.message[WHPC_MSG_LEN - 1] = err_state.trace[WHPC_TRACE_LEN - 1] = '\0';
  err_state.collective = 1;
  return out[0];
}

/* Program name for messages; set by whpc_init (ctx.c). */
const char *whpc_err_progname = "whpc";

void whpc_abort(MPI_Comm comm, int code) {
  int initialized = 0, finalized = 0, rank = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Comm_rank(comm == MPI_COMM_NULL ? MPI_COMM_WORLD : comm, &rank);
  int status = whpc_err_exit_status(code);
  const int collective = err_state.collective || code == WHPC_DONE || code == WHPC_STOPPED;
  const int verbose = getenv("WHPC_ERROR_TRACE") != NULL;
  if (code != WHPC_DONE) {
    if (!collective)
      fprintf(stderr, "%s: error [rank %d]: %s\n%s", whpc_err_progname, rank, err_state.message,
              verbose ? err_state.trace : "");
    else if (rank == 0 && code == WHPC_STOPPED)
      fprintf(stderr, "%s: %s\n", whpc_err_progname, err_state.message[0] ? err_state.message : whpc_err_str(code));
    else if (rank == 0)
      fprintf(stderr, "%s: error: %s\n%s", whpc_err_progname, err_state.message, verbose ? err_state.trace : "");
    fflush(stderr);
  }
  if (!initialized || finalized) exit(status);
  if (collective) {
    /* Every rank knows: end together and cleanly, with the code as exit status. */
    MPI_Finalize();
    exit(status);
  }
  MPI_Abort(comm == MPI_COMM_NULL ? MPI_COMM_WORLD : comm, status);
  exit(status); /* not reached */
}
