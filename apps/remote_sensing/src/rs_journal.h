/* rs_journal.h — resume of interrupted runs. Each rank appends one line per finished block to
 * parts/journal-<attempt>-<rank>.txt, after the block's tile is flushed to its part file:
 *   L <values per record> <block size> <blocks> <width> <height>     (once, the layout)
 *   B <block> <owner> <statistics partials and histogram counts as hex floats>
 * so a line exists only for a block whose pixels are on disk; journals of another layout
 * (block size, grid, statistics settings) are ignored. A resumed run (rs.resume=true)
 * reads every journal, reuses those blocks (and their exact statistics partials) and computes
 * the rest into part files of a new attempt. No MPI. */
#ifndef RS_JOURNAL_H
#define RS_JOURNAL_H
#include <stdio.h>

#include "rs_job.h"

typedef struct {
  FILE *fp;
  char path[4200];
  int nvals;
} rs_journal;

int rs_journal_open(const rs_job *job, int owner, int nvals, rs_journal *j);
/* Append and fsync the line of block b. */
int rs_journal_add(rs_journal *j, long b, int owner, const double *vals);
void rs_journal_close(rs_journal *j);
/* Scan parts_dir: for each journaled block whose part file exists, owner[b] and (when vals is
 * not NULL) vals[b * nvals ...] are set and done[b] = 1. *max_attempt: highest attempt seen
 * (-1 when none). Returns the number of blocks done. */
long rs_journal_load(const rs_job *job, int nvals, int *owner, double *vals, unsigned char *done, int *max_attempt);
/* Remove part files, journals and the VRT of an earlier run (a fresh start). */
void rs_parts_clear(const rs_job *job);

#endif
