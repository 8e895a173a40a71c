/* infer_ops.c — the operator table: name, attribute check, shape inference, reference kernel. */
#include <string.h>
#include "infer_ops.h"

#define OP(name, fam) {name, infer_check_##fam, infer_shape_##fam, infer_run_##fam}
#define OP2(name, chk, shp, run) {name, infer_check_##chk, infer_shape_##shp, infer_run_##run}
/* families whose check, shape and kernel are shared by several operators */
#define UNARY(name) OP2(name, unary, unary, unary)
#define BINARY(name) OP2(name, binary, binary, binary)
#define REDUCE(name) OP2(name, reducemean, reducemean, reducemean)
#define MATH(name) OP2(name, unary, unary, math)

const infer_op infer_ops[] = {
    OP("Conv", conv),
    OP2("ConvTranspose", conv, convt, convt),
    OP("BatchNormalization", bn),
    UNARY("Relu"),
    UNARY("LeakyRelu"),
    OP("PRelu", prelu),
    OP("Clip", clip),
    UNARY("Sigmoid"),
    UNARY("Tanh"),
    UNARY("HardSigmoid"),
    UNARY("HardSwish"),
    BINARY("Add"),
    BINARY("Sub"),
    BINARY("Mul"),
    BINARY("Div"),
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
    REDUCE("ReduceSum"),
    REDUCE("ReduceMax"),
    REDUCE("ReduceMin"),
    REDUCE("ReduceProd"),
    REDUCE("ReduceSumSquare"),
    REDUCE("ReduceL1"),
    REDUCE("ReduceL2"),
    REDUCE("ReduceLogSum"),
    REDUCE("ReduceLogSumExp"),
    OP("ArgMax", argmax),
    OP2("ArgMin", argmax, argmax, argmax),
    OP("Cast", cast),
    BINARY("Pow"),
    MATH("Exp"),
    MATH("Log"),
    MATH("Sqrt"),
    MATH("Abs"),
    MATH("Neg"),
    MATH("Reciprocal"),
    MATH("Floor"),
    MATH("Ceil"),
};
const int infer_nops = (int)(sizeof infer_ops / sizeof infer_ops[0]);

int infer_op_find(const char *name) {
  for (int i = 0; i < infer_nops; ++i)
    if (!strcmp(infer_ops[i].name, name)) return i;
  return -1;
}

/* ONNX lets only optional inputs be empty; every input of an operator not listed here is required.
   Kernels test in[k] >= 0 only for the optional ones. */
int infer_op_required_inputs(int op, int opset, int nin) {
  static const struct { const char *name; int required; } optional_tail[] = {
      {"Conv", 2},      {"ConvTranspose", 2}, {"Gemm", 2},     {"Clip", 1},        {"Resize", 1},
      {"Upsample", 1},  {"Squeeze", 1},       {"Unsqueeze", 1}, {"Dropout", 1},    {"ReduceMean", 1},
      {"ReduceSum", 1}, {"ReduceMax", 1},     {"ReduceMin", 1}, {"ReduceProd", 1}, {"ReduceSumSquare", 1},
      {"ReduceL1", 1},  {"ReduceL2", 1},      {"ReduceLogSum", 1}, {"ReduceLogSumExp", 1},
  };
  if (op < 0 || op >= infer_nops) return 0; /* unsupported: reported by name elsewhere */
  const char *name = infer_ops[op].name;
  int required = nin;
  if (!strcmp(name, "Pad")) required = opset >= 11 ? 2 : 1;       /* pads became an input in opset 11 */
  else if (!strcmp(name, "Slice")) required = opset >= 10 ? 3 : 1; /* starts, ends inputs since 10 */
  for (size_t i = 0; i < sizeof optional_tail / sizeof optional_tail[0]; ++i)
    if (!strcmp(name, optional_tail[i].name)) required = optional_tail[i].required;
  return required < nin ? required : nin;
}
