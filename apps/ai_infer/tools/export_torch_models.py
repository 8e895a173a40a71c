#!/usr/bin/python3
"""Export small CNNs with Debian's python3-torch (torch.onnx.export) and save PyTorch's own
outputs as references. Complements export_models.py (onnx.helper + numpy): these files carry
what a real exporter writes (BatchNormalization nodes kept with do_constant_folding=False,
Shape->Gather->Unsqueeze->Concat->Reshape chains from x.view(x.size(0), -1), Clip from ReLU6,
HardSwish, Resize from F.interpolate, Dropout in eval mode).

Writes into apps/ai_infer/models/:
  torch_classifier.onnx  [N,4,64,64] -> [N,10] logits
  torch_segmenter.onnx   [N,4,64,64] -> [N,5,64,64] logits
  <model>.input.npy, <model>.ref.npy   a batch of 4 inputs and PyTorch's float32 outputs
Run: /usr/bin/python3 apps/ai_infer/tools/export_torch_models.py
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(4, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(16, 16, 3, 1, 2, dilation=2, groups=16, bias=False),
                                nn.BatchNorm2d(16), nn.Hardswish())
        self.pw = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32))
        self.skip = nn.Conv2d(16, 32, 1)
        self.pool = nn.AvgPool2d(2)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(32 * 16 * 16, 10))

    def forward(self, x):
        x = self.stem(x)
        x = F.leaky_relu(self.pw(self.dw(x)) + self.skip(x), 0.1)
        x = self.pool(x)
        return self.head(x.view(x.size(0), -1))


class Segmenter(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(4, 8, 3, 1, 1), nn.BatchNorm2d(8), nn.ReLU())
        self.enc2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, 2)
        self.head = nn.Conv2d(16 + 8, 5, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        u = torch.cat([self.up(e2), F.interpolate(e2, scale_factor=2, mode="bilinear", align_corners=False)], 1)
        return self.head(torch.cat([u[:, :8] + e1, u[:, 8:]], 1))


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def main():
    torch.manual_seed(20261129)
    gen = torch.Generator().manual_seed(7)
    os.makedirs(OUT, exist_ok=True)
    for name, model in (("torch_classifier", Classifier()), ("torch_segmenter", Segmenter())):
        with torch.no_grad():
            randomize_bn(model, gen)
        model.eval()
        x = torch.rand(4, 4, 64, 64, generator=gen)
        with torch.no_grad():
            y = model(x)
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=13, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, do_constant_folding=False)
        np.save(os.path.join(OUT, name + ".input.npy"), x.numpy())
        np.save(os.path.join(OUT, name + ".ref.npy"), y.numpy().astype(np.float32))
        print(f"{path}: {os.path.getsize(path)} bytes, output {tuple(y.shape)}, torch {torch.__version__}")


if __name__ == "__main__":
    main()
