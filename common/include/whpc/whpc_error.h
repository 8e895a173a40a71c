/* whpc_error.h — error codes, propagation macros and the rank-aware abort.
 *
 * Library functions return an int code (WHPC_OK = 0). The first failure records a
 * one-line message; each WHPC_CALL it passes through appends "at file:line func()".
 * Only main() turns a code into an exit, through WHPC_MAIN / whpc_abort:
 *   - an error all ranks agreed on (config, whpc_agree) is printed once by rank 0 and
 *     every rank exits with the code after MPI_Finalize;
 *   - an error of one rank is printed by that rank and ends the job with MPI_Abort.
 * Exit codes (documented for jobscripts): 0 ok, 1 bad input, 2 numerical failure,
 * 3 I/O failure, 4 MPI/internal, 75 stopped by a signal after a checkpoint.
 */
#ifndef WHPC_ERROR_H
#define WHPC_ERROR_H
#include <mpi.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WHPC_ERRORS(X)                                     \
  X(WHPC_OK, 0, "ok")                                      \
  X(WHPC_ERR_INPUT, 1, "bad input")                        \
  X(WHPC_ERR_NUMERIC, 2, "numerical failure")              \
  X(WHPC_ERR_IO, 3, "I/O failure")                         \
  X(WHPC_ERR_MPI, 4, "MPI failure")                        \
  X(WHPC_ERR_MEM, 5, "out of memory")                      \
  X(WHPC_ERR_ARG, 6, "invalid argument (programming error)") \
  X(WHPC_STOPPED, 75, "stopped by signal after checkpoint") \
  X(WHPC_DONE, 100, "nothing left to do (--help/--version)")

#define WHPC_AS_ENUM(name, value, msg) name = value,
typedef enum { WHPC_ERRORS(WHPC_AS_ENUM) } whpc_err;
#undef WHPC_AS_ENUM

/* Short text of a code ("bad input"). Not collective. */
const char *whpc_err_str(int code);
/* Process exit status of a code: WHPC_DONE -> 0, others as listed above. */
int whpc_err_exit_status(int code);

/* Record a new error (replaces any previous one) and return code. */
int whpc_err_raise(int code, const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Append a trace frame to the current error and return code. */
int whpc_err_trace(int code, const char *file, int line, const char *func);
/* Record an MPI error with MPI's own error string. */
int whpc_err_mpi(int mpi_code, const char *file, int line, const char *func);
/* The current one-line message (without trace), "" when none. */
const char *whpc_err_message(void);
/* The trace lines, "" when none. */
const char *whpc_err_trace_text(void);
/* Forget the current error (tests). */
void whpc_err_clear(void);

/* Collective on comm. Every rank passes its local code; all return the same *global_rc
 * (the largest code). The message of the lowest failing rank is copied to every rank and
 * marked collective, so main() prints it once. Returns *global_rc. */
int whpc_agree(MPI_Comm comm, int local_rc, int *global_rc);
/* True when the current error is known on every rank (config errors, whpc_agree). */
int whpc_err_is_collective(void);
/* Mark the current error as known on every rank (deterministic collective parsing). */
void whpc_err_set_collective(int collective);

/* Only in main(): prints and ends the job, never returns. See the header comment. */
void whpc_abort(MPI_Comm comm, int code) __attribute__((noreturn));

#define WHPC_CALL(e)                                                       \
  do {                                                                     \
    int whpc_rc_ = (e);                                                    \
    if (whpc_rc_) return whpc_err_trace(whpc_rc_, __FILE__, __LINE__, __func__); \
  } while (0)

#define WHPC_CHECK(cond, code, ...)                                                \
  do {                                                                             \
    if (!(cond)) return whpc_err_raise((code), __FILE__, __LINE__, __func__, __VA_ARGS__); \
  } while (0)

#define WHPC_RAISE(code, ...) whpc_err_raise((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define WHPC_MPI(call)                                                       \
  do {                                                                       \
    int whpc_m_ = (call);                                                    \
    if (whpc_m_ != MPI_SUCCESS) return whpc_err_mpi(whpc_m_, __FILE__, __LINE__, __func__); \
  } while (0)

/* Allocation that raises WHPC_ERR_MEM naming what was allocated. */
#define WHPC_MALLOC(ptr, count)                                                          \
  do {                                                                                   \
    size_t whpc_n_ = (size_t)(count);                                                    \
    (ptr) = calloc(whpc_n_ ? whpc_n_ : 1, sizeof(*(ptr)));                               \
    if (!(ptr)) return whpc_err_raise(WHPC_ERR_MEM, __FILE__, __LINE__, __func__,        \
                                      "cannot allocate %zu x %zu bytes for %s", whpc_n_, \
                                      sizeof(*(ptr)), #ptr);                             \
  } while (0)

/* main() only: on error print and end the job (whpc_abort). */
#define WHPC_MAIN(comm, e)                   \
  do {                                       \
    int whpc_rc_ = (e);                      \
    if (whpc_rc_) whpc_abort((comm), whpc_rc_); \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
