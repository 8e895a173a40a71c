/* infer_prefetch.c — a reader thread per rank decodes the next chunk while the engine runs
 * on the current one (two slots, alternating). No MPI calls in the thread. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "infer_driver.h"

struct infer_prefetch_s {
  const infer_params *p;
  const infer_geom *g;
  const infer_items *it;
  const long *todo;
  long chunk;
  int threaded;
  infer_chunk slot[2];
  int fill;            /* slot the next request decodes into */
  int pending, ready, quit;
  long req_first, req_count;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

typedef struct {
  infer_prefetch *pf;
  infer_chunk *c;
  int t, nt;
  double t_read, t_prep;
} decode_part;

/* items t, t + nt, t + 2 nt, ... of the chunk */
static void *decode_some(void *arg) {
  decode_part *d = arg;
  infer_prefetch *pf = d->pf;
  infer_chunk *c = d->c;
  size_t per = (size_t)pf->g->c * pf->g->h * pf->g->w;
  for (long i = d->t; i < c->count; i += d->nt) {
    long item = pf->todo[c->first + i];
    infer_georef_free(&c->geo[i]);
    c->status[i] = infer_input_load(pf->p, pf->g, pf->it->path[item], c->data + i * per, &c->geo[i], &d->t_read,
                                    &d->t_prep, c->msg[i]);
  }
  return NULL;
}

static void decode(infer_prefetch *pf, infer_chunk *c, long first, long count) {
  c->first = first;
  c->count = count;
  c->t_read = c->t_prep = 0;
  int nt = (int)(pf->p->readers < count ? pf->p->readers : count);
  if (nt < 1) nt = 1;
  decode_part part[64];
  pthread_t th[64];
  int started[64] = {0};
  for (int t = 0; t < nt; ++t) part[t] = (decode_part){pf, c, t, nt, 0, 0};
  for (int t = 1; t < nt; ++t) started[t] = !pthread_create(&th[t], NULL, decode_some, &part[t]);
  decode_some(&part[0]);
  for (int t = 1; t < nt; ++t) {
    if (started[t]) pthread_join(th[t], NULL);
    else decode_some(&part[t]); /* no thread: do its share here */
  }
  for (int t = 0; t < nt; ++t) c->t_read += part[t].t_read, c->t_prep += part[t].t_prep;
}

static void *worker(void *arg) {
  infer_prefetch *pf = arg;
  pthread_mutex_lock(&pf->mu);
  for (;;) {
    while (!pf->pending && !pf->quit) pthread_cond_wait(&pf->cv, &pf->mu);
    if (pf->quit) break;
    long first = pf->req_first, count = pf->req_count;
    infer_chunk *c = &pf->slot[pf->fill];
    pthread_mutex_unlock(&pf->mu);
    decode(pf, c, first, count);
    pthread_mutex_lock(&pf->mu);
    pf->pending = 0;
    pf->ready = 1;
    pthread_cond_broadcast(&pf->cv);
  }
  pthread_mutex_unlock(&pf->mu);
  return NULL;
}

int infer_prefetch_create(const infer_params *p, const infer_geom *g, const infer_items *it, const long *todo,
                          long chunk, int threaded, infer_prefetch **out) {
  infer_prefetch *pf = calloc(1, sizeof *pf);
  WHPC_CHECK(pf, WHPC_ERR_MEM, "out of memory");
  pf->p = p, pf->g = g, pf->it = it, pf->todo = todo, pf->chunk = chunk, pf->threaded = threaded;
  size_t per = (size_t)g->c * g->h * g->w;
  for (int s = 0; s < 2; ++s) {
    pf->slot[s].data = malloc((size_t)chunk * per * sizeof(float));
    pf->slot[s].status = calloc((size_t)chunk, sizeof(int));
    pf->slot[s].msg = calloc((size_t)chunk, sizeof *pf->slot[s].msg);
    pf->slot[s].geo = calloc((size_t)chunk, sizeof(infer_georef));
    if (!pf->slot[s].data || !pf->slot[s].status || !pf->slot[s].msg || !pf->slot[s].geo) {
      *out = pf;
      infer_prefetch_destroy(out);
      return WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate 2 chunks of %ld inputs (sched.chunk)", chunk);
    }
  }
  pthread_mutex_init(&pf->mu, NULL);
  pthread_cond_init(&pf->cv, NULL);
  if (threaded && pthread_create(&pf->th, NULL, worker, pf)) pf->threaded = threaded = 0;
  *out = pf;
  return WHPC_OK;
}

int infer_prefetch_submit(infer_prefetch *pf, long first, long count) {
  if (!pf->threaded) {
    pf->req_first = first, pf->req_count = count;
    return WHPC_OK;
  }
  pthread_mutex_lock(&pf->mu);
  pf->req_first = first, pf->req_count = count;
  pf->ready = 0;
  pf->pending = 1;
  pthread_cond_broadcast(&pf->cv);
  pthread_mutex_unlock(&pf->mu);
  return WHPC_OK;
}

infer_chunk *infer_prefetch_wait(infer_prefetch *pf) {
  infer_chunk *c = &pf->slot[pf->fill];
  if (!pf->threaded) {
    decode(pf, c, pf->req_first, pf->req_count);
  } else {
    pthread_mutex_lock(&pf->mu);
    while (!pf->ready) pthread_cond_wait(&pf->cv, &pf->mu);
    pthread_mutex_unlock(&pf->mu);
  }
  pf->fill ^= 1;
  return c;
}

void infer_prefetch_destroy(infer_prefetch **ppf) {
  infer_prefetch *pf = *ppf;
  if (!pf) return;
  if (pf->threaded) {
    pthread_mutex_lock(&pf->mu);
    while (pf->pending) pthread_cond_wait(&pf->cv, &pf->mu);
    pf->quit = 1;
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
    pthread_join(pf->th, NULL);
  }
  for (int s = 0; s < 2; ++s) {
    for (long i = 0; pf->slot[s].geo && i < pf->chunk; ++i) infer_georef_free(&pf->slot[s].geo[i]);
    free(pf->slot[s].data);
    free(pf->slot[s].status);
    free(pf->slot[s].msg);
    free(pf->slot[s].geo);
  }
  free(pf);
  *ppf = NULL;
}
