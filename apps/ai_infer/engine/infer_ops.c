/* infer_ops.c — the operator table: name, attribute check, shape inference, reference kernel. */
#include <string.h>
#include "infer_ops.h"

#define OP(name, fam) {name, infer_check_##fam, infer_shape_##fam, infer_run_##fam}
#define OP2(name, chk, shp, run) {name, infer_check_##chk, infer_shape_##shp, infer_run_##run}

const infer_op infer_ops[] = {
    OP("Conv", conv),
    OP2("ConvTranspose", conv, convt, convt),
    OP("BatchNormalization", bn),
    OP2("Relu", unary, unary, unary),
    OP2("LeakyRelu", unary, unary, unary),
    OP("PRelu", prelu),
    OP("Clip", clip),
    OP2("Sigmoid", unary, unary, unary),
    OP2("Tanh", unary, unary, unary),
    OP2("HardSigmoid", unary, unary, unary),
    OP2("HardSwish", unary, unary, unary),
    OP2("Add", binary, binary, binary),
    OP2("Sub", binary, binary, binary),
    OP2("Mul", binary, binary, binary),
    OP2("Div", binary, binary, binary),
    OP2("MaxPool", pool, pool, maxpool),
    OP2("AveragePool", pool, pool, avgpool),
    OP2("GlobalAveragePool", unary, global_pool, gap),
    OP2("GlobalMaxPool", unary, global_pool, gmp),
    OP("Gemm", gemm),
    OP2("MatMul", binary, matmul, matmul),
    OP("Flatten", flatten),
    OP("Reshape", reshape),
    OP("Transpose", transpose),
    OP("Concat", concat),
    OP("Softmax", softmax),
    OP("Resize", resize),
    OP2("Upsample", resize, resize, resize),
    OP("Pad", pad),
    OP("Slice", slice),
    OP("Squeeze", squeeze),
    OP("Unsqueeze", unsqueeze),
    OP("Identity", identity),
    OP2("Dropout", identity, identity, identity),
    OP("Constant", constant),
    OP("Shape", shape),
    OP("Gather", gather),
    OP("ReduceMean", reducemean),
    OP2("ReduceSum", reducemean, reducemean, reducemean),
    OP2("ReduceMax", reducemean, reducemean, reducemean),
    OP2("ReduceMin", reducemean, reducemean, reducemean),
    OP2("ReduceProd", reducemean, reducemean, reducemean),
    OP2("ReduceSumSquare", reducemean, reducemean, reducemean),
    OP2("ReduceL1", reducemean, reducemean, reducemean),
    OP2("ReduceL2", reducemean, reducemean, reducemean),
    OP2("ReduceLogSum", reducemean, reducemean, reducemean),
    OP2("ReduceLogSumExp", reducemean, reducemean, reducemean),
    OP("ArgMax", argmax),
    OP2("ArgMin", argmax, argmax, argmax),
    OP("Cast", cast),
    OP2("Pow", binary, binary, binary),
    OP2("Exp", unary, unary, math),
    OP2("Log", unary, unary, math),
    OP2("Sqrt", unary, unary, math),
    OP2("Abs", unary, unary, math),
    OP2("Neg", unary, unary, math),
    OP2("Reciprocal", unary, unary, math),
    OP2("Floor", unary, unary, math),
    OP2("Ceil", unary, unary, math),
};
const int infer_nops = (int)(sizeof infer_ops / sizeof infer_ops[0]);

int infer_op_find(const char *name) {
  for (int i = 0; i < infer_nops; ++i)
    if (!strcmp(infer_ops[i].name, name)) return i;
  return -1;
}
