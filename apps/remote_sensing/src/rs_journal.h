/* rs_journal.h — resume of interrupted runs. Each rank appends one line per finished block to
 * parts/journal-<attempt>-<rank>.txt once the block's tile is written into the tile file:
 *   L <values per record> <block size> <blocks> <width> <height> <fingerprint>  (the layout)
 *   B <block> <owner> <statistics partials and histogram counts as hex floats>
 * so a line exists only for a block whose pixels are on disk; journals of another layout
 * (block size, grid, statistics settings) are ignored. A resumed run (rs.resume=true)
 * reads every journal, reuses those blocks (and their exact statistics partials) and computes
 * the rest into part files of a new attempt. No MPI. */
#ifndef RS_JOURNAL_H
#define RS_JOURNAL_H
#include <stdio.h>

#include "rs_job.h"

#define RS_JOURNAL_SYNC_S 1.0 /* the driver syncs pixels and journal about this often */

typedef struct {
  FILE *fp;
  char path[4200];
  int nvals;
  FILE *mem; /* lines not yet in the file (their pixels may not be on disk yet) */
  char *buf;
  size_t len;
  double t_sync;
} rs_journal;

int rs_journal_open(const rs_job *job, int owner, int nvals, rs_journal *j);
/* Queue the line of block b in memory; it reaches the file at the next rs_journal_sync. */
int rs_journal_add(rs_journal *j, long b, int owner, const double *vals);
/* Write the queued lines and fflush. Call only once the pixels of those blocks are written, so a
 * line never names a block whose pixels could be lost with the process. */
int rs_journal_sync(rs_journal *j);
/* Sync (sync = 0: drop the queued lines) and close; an error names the journal. */
int rs_journal_close(rs_journal *j, int sync);
/* parts_dir holds a journal of this job's layout and fingerprint (a run to continue). */
int rs_journal_resumable(const rs_job *job);
/* Scan parts_dir: (when the tile file exists) for each journaled block owner[b] and (when vals is
 * not NULL) vals[b * nvals ...] are set and done[b] = 1. *max_attempt: highest attempt seen
 * (-1 when none). Returns the number of blocks done. */
long rs_journal_load(const rs_job *job, int nvals, int *owner, double *vals, unsigned char *done, int *max_attempt);
/* Remove the tile file and journals of an earlier run (a fresh start). */
void rs_parts_clear(const rs_job *job);

#endif
