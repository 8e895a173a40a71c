#!/usr/bin/python3
"""Benchmark models (random weights, onnx.helper): make_models.py OUTDIR
  resnet18.onnx  ResNet-18-shaped: [N,3,224,224] -> [N,1000], BatchNormalization nodes kept
  conv3x3.onnx   one 3x3 convolution, C = K = 64, 56x56, pad 1 (the GFLOP/s case)"""
import os
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1)
nodes, inits = [], []


def const(name, a):
    inits.append(numpy_helper.from_array(a.astype(np.float32), name))
    return name


def conv_bn(x, cin, cout, k, s, name, relu=True):
    w = rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))
    nodes.append(helper.make_node("Conv", [x, const(name + ".w", w)], [name + ".c"], name=name,
                                  kernel_shape=[k, k], strides=[s, s], pads=[k // 2] * 4))
    p = [const(f"{name}.bn{i}", a) for i, a in enumerate(
        (rng.uniform(0.5, 1.5, cout), rng.standard_normal(cout) * 0.1, rng.standard_normal(cout) * 0.1,
         rng.uniform(0.5, 1.5, cout)))]
    nodes.append(helper.make_node("BatchNormalization", [name + ".c"] + p, [name + ".bn"], name=name + ".bn"))
    if not relu:
        return name + ".bn"
    nodes.append(helper.make_node("Relu", [name + ".bn"], [name + ".r"], name=name + ".relu"))
    return name + ".r"


def resnet18():
    t = conv_bn("x", 3, 64, 7, 2, "stem")
    nodes.append(helper.make_node("MaxPool", [t], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4))
    t, cin = "pool", 64
    for stage, cout in enumerate((64, 128, 256, 512)):
        for blk in range(2):
            s = 2 if stage > 0 and blk == 0 else 1
            n = f"l{stage}.{blk}"
            a = conv_bn(t, cin, cout, 3, s, n + ".a")
            b = conv_bn(a, cout, cout, 3, 1, n + ".b", relu=False)
            sc = conv_bn(t, cin, cout, 1, s, n + ".down", relu=False) if (s != 1 or cin != cout) else t
            nodes.append(helper.make_node("Add", [b, sc], [n + ".add"]))
            nodes.append(helper.make_node("Relu", [n + ".add"], [n + ".out"]))
            t, cin = n + ".out", cout
    nodes.append(helper.make_node("GlobalAveragePool", [t], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"]))
    nodes.append(helper.make_node("Gemm", ["flat", const("fc.w", rng.standard_normal((1000, 512)) * 0.03),
                                           const("fc.b", np.zeros(1000))], ["logits"], transB=1))
    g = helper.make_graph(nodes, "resnet18", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])], inits)
    return g


def conv3x3():
    w = rng.standard_normal((64, 64, 3, 3)) * 0.05
    n = [helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])]
    return helper.make_graph(n, "conv3x3", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64, 56, 56])],
                             [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 64, 56, 56])],
                             [numpy_helper.from_array(w.astype(np.float32), "w")])


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, g in (("resnet18", resnet18()), ("conv3x3", conv3x3())):
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="whpc bench/ai")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, name + ".onnx"))
