/* whpc_report.h — report.json of a run (schema: docs/report-json.md).
 * The report always holds: app, version, git_revision, date, command_line, ranks, threads,
 * config (effective), timers (reduced over ranks), slurm_job_id when set. Apps add the case,
 * decomposition, problem size, figure of merit, validation verdicts and results. */
#ifndef WHPC_REPORT_H
#define WHPC_REPORT_H
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* All setters are not collective; call them on every rank or only rank 0 (only rank 0's
 * values are written). Setting a key twice replaces the value. */
void whpc_report_set_case(whpc_ctx_t ctx, const char *case_name);
/* Decomposition: process grid dims (ndims entries). */
void whpc_report_set_decomposition(whpc_ctx_t ctx, int ndims, const int *dims, const char *kind);
/* Problem size entries, e.g. ("nx", 128), ("cells", 16384), ("items", 1e6). */
void whpc_report_set_size(whpc_ctx_t ctx, const char *name, double value);
/* The figure of merit: name, value, unit ("cell_updates_per_second", 3.1e8, "cells/s"). */
void whpc_report_set_fom(whpc_ctx_t ctx, const char *name, double value, const char *unit);
/* A validation check. pass is 1/0. reference/tolerance may be NAN when not applicable;
 * source cites the table ("Ghia et al. 1982, Table I"). */
void whpc_report_add_validation(whpc_ctx_t ctx, const char *name, double value, double reference,
                                double tolerance, int pass, const char *source);
/* Free-form results under "results": numbers and strings. name may contain dots for nesting
 * ("diagnostics.mass_drift"). */
void whpc_report_set_number(whpc_ctx_t ctx, const char *name, double value);
void whpc_report_set_string(whpc_ctx_t ctx, const char *name, const char *value);
/* Output files the run produced (relative or absolute paths). */
void whpc_report_add_output(whpc_ctx_t ctx, const char *path);
/* 1 when every validation passed (or none exists), 0 otherwise. */
int whpc_report_all_passed(whpc_ctx_t ctx);

/* Collective (reduces timers). Rank 0 writes path atomically (temp file + rename). */
int whpc_report_write(whpc_ctx_t ctx, const char *path) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
