/* infer_ops.h — kernel entry points of the operator table (engine-internal). */
#ifndef INFER_OPS_H
#define INFER_OPS_H
#include "infer_internal.h"

typedef struct {
  int nsp;
  int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
} infer_win;

int infer_window(const infer_node *n, int nsp, const int64_t *in, const int64_t *kernel,
                 int transposed, const int64_t *out_shape, infer_win *w);
float infer_apply_act(int act, float a, float b, float x);
void infer_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
                 const float *B, int64_t brs, int64_t bcs, float *C, float alpha);

#define INFER_DECL(x) \
  int infer_check_##x(const infer_node *n, int opset); \
  int infer_shape_##x(infer_plan *p, infer_node *n);   \
  int infer_run_##x(infer_plan *p, infer_node *n);
INFER_DECL(conv)
INFER_DECL(convt)
INFER_DECL(pool)
INFER_DECL(maxpool)
INFER_DECL(avgpool)
INFER_DECL(global_pool)
INFER_DECL(gap)
INFER_DECL(gmp)
INFER_DECL(bn)
INFER_DECL(gemm)
INFER_DECL(matmul)
INFER_DECL(unary)
INFER_DECL(clip)
INFER_DECL(prelu)
INFER_DECL(binary)
INFER_DECL(softmax)
INFER_DECL(reducemean)
INFER_DECL(cast)
INFER_DECL(argmax)
int infer_run_math(infer_plan *p, infer_node *n);
INFER_DECL(identity)
INFER_DECL(flatten)
INFER_DECL(reshape)
INFER_DECL(transpose)
INFER_DECL(concat)
INFER_DECL(resize)
INFER_DECL(pad)
INFER_DECL(slice)
INFER_DECL(squeeze)
INFER_DECL(unsqueeze)
INFER_DECL(constant)
INFER_DECL(shape)
INFER_DECL(gather)
#undef INFER_DECL
#endif
