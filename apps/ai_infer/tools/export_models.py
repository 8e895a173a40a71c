#!/usr/bin/python3
"""Build the small test models of apps/ai_infer with onnx.helper and compute their
reference outputs with an independent numpy implementation.

Debian's python3-torch pulls ~160 packages (GStreamer, codecs) onto a build machine, so the
models are written with the ONNX helper API instead; the weights are random (seeded) and
the references come from plain numpy below, not from the engine.

Writes into apps/ai_infer/models/:
  tile_classifier.onnx   4-band 64x64 tile -> 10 classes (Conv+BN+Relu, residual Add, GAP, Gemm, Softmax)
  segmenter.onnx         4-band 64x64 tile -> 3-class per-pixel logits (encoder, Resize x2, Concat, 1x1 Conv)
  op_mix.onnx            grouped/dilated/strided Conv, fused Clip/HardSwish/Add+LeakyRelu, AveragePool,
                         ConvTranspose, Gemm, Sigmoid (the operator paths the CNNs do not reach)
  <model>.input.npy, <model>.ref.npy   a batch of 4 inputs and the numpy outputs
Run: /usr/bin/python3 apps/ai_infer/tools/export_models.py
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
rng = np.random.default_rng(20261129)


def w(*shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    s = scale if scale is not None else np.sqrt(2.0 / fan_in)
    return (rng.standard_normal(shape) * s).astype(np.float32)


# ---- numpy reference operators (NCHW, float64 accumulation) ----
def conv(x, wt, b, pad=1, stride=1):
    n, c, h, wd = x.shape
    m, _, kh, kw = wt.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).astype(np.float64)
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            y += np.einsum("nchw,mc->nmhw", patch, wt[:, :, i, j].astype(np.float64))
    return y + b.reshape(1, -1, 1, 1)


def conv_g(x, wt, b, pad, stride=1, dil=1, groups=1):
    """grouped, dilated convolution"""
    n, c, h, wd = x.shape
    m, cg, kh, kw = wt.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).astype(np.float64)
    oh = (h + 2 * pad - dil * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * pad - dil * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil:i * dil + stride * oh:stride, j * dil:j * dil + stride * ow:stride]
                y[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch,
                                                       wt[g * mg:(g + 1) * mg, :, i, j].astype(np.float64))
    return y + b.reshape(1, -1, 1, 1)


def conv_t(x, wt, b, stride):
    """ConvTranspose, no padding, kernel == stride (no overlap)"""
    n, c, h, wd = x.shape
    _, m, kh, kw = wt.shape
    y = np.zeros((n, m, h * stride, wd * stride))
    for i in range(kh):
        for j in range(kw):
            y[:, :, i::stride, j::stride] += np.einsum("nchw,cm->nmhw", x, wt[:, :, i, j].astype(np.float64))
    return y + b.reshape(1, -1, 1, 1)


def avgpool3_excl(x):
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    one = np.pad(np.ones((h, wd)), 1)
    s = sum(xp[:, :, i:i + h, j:j + wd] for i in range(3) for j in range(3))
    cnt = sum(one[i:i + h, j:j + wd] for i in range(3) for j in range(3))
    return s / cnt


def hardswish(x):
    return x * np.clip(x / 6 + 0.5, 0, 1)


def bn(x, g, beta, mu, var, eps=1e-5):
    r = lambda a: a.reshape(1, -1, 1, 1).astype(np.float64)
    return (x - r(mu)) / np.sqrt(r(var) + eps) * r(g) + r(beta)


def relu(x):
    return np.maximum(x, 0)


def maxpool2(x):
    n, c, h, wd = x.shape
    return x.reshape(n, c, h // 2, 2, wd // 2, 2).max(axis=(3, 5))


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name


def bn_params(c):
    return (rng.uniform(0.5, 1.5, c).astype(np.float32), (rng.standard_normal(c) * 0.1).astype(np.float32),
            (rng.standard_normal(c) * 0.1).astype(np.float32), rng.uniform(0.5, 2.0, c).astype(np.float32))


def tile_classifier():
    g = Builder()
    W1, b1 = w(16, 4, 3, 3), np.zeros(16, np.float32)
    p1 = bn_params(16)
    W2, b2 = w(32, 16, 3, 3), (rng.standard_normal(32) * 0.1).astype(np.float32)
    p2 = bn_params(32)
    W3, b3 = w(32, 32, 3, 3), (rng.standard_normal(32) * 0.1).astype(np.float32)
    Wf, bf = w(10, 32, scale=0.5), (rng.standard_normal(10) * 0.1).astype(np.float32)
    t = g.node("Conv", ["x", g.const("W1", W1), g.const("b1", b1)], "conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    t = g.node("BatchNormalization", [t] + [g.const(f"bn1_{k}", a) for k, a in enumerate(p1)], "bn1", epsilon=1e-5)
    t = g.node("Relu", [t], "relu1")
    t = g.node("MaxPool", [t], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    t = g.node("Conv", [t, g.const("W2", W2), g.const("b2", b2)], "conv2", pads=[1, 1, 1, 1])
    t = g.node("BatchNormalization", [t] + [g.const(f"bn2_{k}", a) for k, a in enumerate(p2)], "bn2", epsilon=1e-5)
    s = g.node("Relu", [t], "relu2")
    t = g.node("Conv", [s, g.const("W3", W3), g.const("b3", b3)], "conv3", pads=[1, 1, 1, 1])
    t = g.node("Add", [t, s], "add3")
    t = g.node("Relu", [t], "relu3")
    t = g.node("GlobalAveragePool", [t], "gap")
    t = g.node("Flatten", [t], "flat", axis=1)
    t = g.node("Gemm", [t, g.const("Wf", Wf), g.const("bf", bf)], "fc", transB=1)
    g.nodes.append(helper.make_node("Softmax", [t], ["prob"], name="softmax", axis=1))
    graph = helper.make_graph(g.nodes, "tile_classifier",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 64, 64])],
                              [helper.make_tensor_value_info("prob", TensorProto.FLOAT, ["N", 10])], g.inits)

    def ref(x):
        a = relu(bn(conv(x, W1, b1), *p1))
        a = maxpool2(a)
        s_ = relu(bn(conv(a, W2, b2), *p2))
        a = relu(conv(s_, W3, b3) + s_)
        a = a.mean(axis=(2, 3))
        return softmax(a @ Wf.T.astype(np.float64) + bf)
    return graph, ref


def segmenter():
    g = Builder()
    W1, b1 = w(8, 4, 3, 3), (rng.standard_normal(8) * 0.1).astype(np.float32)
    W2, b2 = w(16, 8, 3, 3), (rng.standard_normal(16) * 0.1).astype(np.float32)
    W3, b3 = w(3, 24, 1, 1), (rng.standard_normal(3) * 0.1).astype(np.float32)
    e = g.node("Conv", ["x", g.const("W1", W1), g.const("b1", b1)], "conv1", pads=[1, 1, 1, 1])
    e = g.node("Relu", [e], "relu1")
    t = g.node("MaxPool", [e], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    t = g.node("Conv", [t, g.const("W2", W2), g.const("b2", b2)], "conv2", pads=[1, 1, 1, 1])
    t = g.node("Relu", [t], "relu2")
    t = g.node("Resize", [t, "", g.const("scales", np.array([1, 1, 2, 2], np.float32))], "up",
               mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    t = g.node("Concat", [e, t], "cat", axis=1)
    g.nodes.append(helper.make_node("Conv", [t, g.const("W3", W3), g.const("b3", b3)], ["logits"], name="head"))
    graph = helper.make_graph(g.nodes, "segmenter",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 64, 64])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3, 64, 64])],
                              g.inits)

    def ref(x):
        e_ = relu(conv(x, W1, b1))
        t_ = relu(conv(maxpool2(e_), W2, b2))
        t_ = t_.repeat(2, axis=2).repeat(2, axis=3)
        return conv(np.concatenate([e_, t_], axis=1), W3, b3, pad=0)
    return graph, ref


def op_mix():
    """strided, grouped + dilated convolutions with fused Clip/HardSwish/Add+LeakyRelu, average
    pooling without padded cells, ConvTranspose, Gemm and Sigmoid: the oneDNN paths beyond
    the two CNNs above"""
    g = Builder()
    W1, b1 = w(8, 4, 3, 3), (rng.standard_normal(8) * 0.1).astype(np.float32)
    W2, b2 = w(8, 1, 3, 3), (rng.standard_normal(8) * 0.1).astype(np.float32)
    W3, b3 = w(8, 8, 1, 1), (rng.standard_normal(8) * 0.1).astype(np.float32)
    Wt, bt = w(8, 4, 2, 2), (rng.standard_normal(4) * 0.1).astype(np.float32)
    Wf, bf = w(4, 5, scale=0.5), (rng.standard_normal(5) * 0.1).astype(np.float32)
    t = g.node("Conv", ["x", g.const("W1", W1), g.const("b1", b1)], "conv1", pads=[1, 1, 1, 1], strides=[2, 2])
    a = g.node("Clip", [t, g.const("lo", np.array(0, np.float32)), g.const("hi", np.array(6, np.float32))], "relu6")
    t = g.node("Conv", [a, g.const("W2", W2), g.const("b2", b2)], "dw", pads=[2, 2, 2, 2], dilations=[2, 2], group=8)
    t = g.node("HardSwish", [t], "hswish")
    p = g.node("AveragePool", [t], "avg", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0)
    t = g.node("Conv", [p, g.const("W3", W3), g.const("b3", b3)], "pw")
    t = g.node("Add", [t, p], "res")
    t = g.node("LeakyRelu", [t], "lrelu", alpha=0.1)
    t = g.node("ConvTranspose", [t, g.const("Wt", Wt), g.const("bt", bt)], "up", strides=[2, 2], kernel_shape=[2, 2])
    t = g.node("GlobalAveragePool", [t], "gap")
    t = g.node("Flatten", [t], "flat")
    t = g.node("Gemm", [t, g.const("Wf", Wf), g.const("bf", bf)], "fc")
    g.nodes.append(helper.make_node("Sigmoid", [t], ["y"], name="sig"))
    graph = helper.make_graph(g.nodes, "op_mix",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 32, 32])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], g.inits)

    def ref(x):
        a_ = np.clip(conv_g(x, W1, b1, 1, stride=2), 0, 6)
        t_ = hardswish(conv_g(a_, W2, b2, 2, dil=2, groups=8))
        p_ = avgpool3_excl(t_)
        t_ = conv_g(p_, W3, b3, 0) + p_
        t_ = np.where(t_ >= 0, t_, 0.1 * t_)
        t_ = conv_t(t_, Wt, bt, 2).mean(axis=(2, 3))
        return 1 / (1 + np.exp(-(t_ @ Wf.astype(np.float64) + bf)))
    return graph, ref, (4, 4, 32, 32)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in (("tile_classifier", tile_classifier), ("segmenter", segmenter), ("op_mix", op_mix)):
        graph, ref, *shape = make()
        shape = shape[0] if shape else (4, 4, 64, 64)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14 if name == "op_mix" else 13)],
                                  producer_name="whpc export_models.py")
        model.ir_version = 8
        onnx.checker.check_model(model)
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(model, path)
        x = rng.uniform(0.0, 1.0, shape).astype(np.float32)
        y = ref(x.astype(np.float64)).astype(np.float32)
        np.save(os.path.join(OUT, name + ".input.npy"), x)
        np.save(os.path.join(OUT, name + ".ref.npy"), y)
        print(f"{path}: {os.path.getsize(path)} bytes, output {y.shape}")


if __name__ == "__main__":
    main()
