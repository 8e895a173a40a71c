#!/usr/bin/python3
"""PyTorch eager throughput: bench_torch.py resnet18|tile_classifier BATCH SECONDS THREADS
Prints "images_per_s X" (mean) and "best_images_per_s X" (fastest run), both in process CPU
time (time.process_time, all threads), like infer_bench and bench_ort.js. The architectures match make_models.py / export_models.py (random
weights; BatchNorm in eval mode, as the ONNX files keep it)."""
import sys
import time
import torch
import torch.nn as nn


def conv_bn(cin, cout, k, s, relu=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*(layers + [nn.ReLU(inplace=True)] if relu else layers))


class Block(nn.Module):
    def __init__(self, cin, cout, s):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, s)
        self.b = conv_bn(cout, cout, 3, 1, relu=False)
        self.down = conv_bn(cin, cout, 1, s, relu=False) if (s != 1 or cin != cout) else nn.Identity()

    def forward(self, x):
        return torch.relu(self.b(self.a(x)) + self.down(x))


def resnet18():
    layers = [conv_bn(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, cout in enumerate((64, 128, 256, 512)):
        for blk in range(2):
            layers.append(Block(cin, cout, 2 if stage > 0 and blk == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers), (3, 224, 224)


class TileClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Sequential(nn.Conv2d(4, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.c2 = nn.Sequential(nn.Conv2d(16, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU())
        self.c3 = nn.Conv2d(32, 32, 3, 1, 1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        s = self.c2(self.c1(x))
        x = torch.relu(self.c3(s) + s).mean(dim=(2, 3))
        return torch.softmax(self.fc(x), dim=1)


def main():
    name, batch, secs, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    model, chw = resnet18() if name == "resnet18" else (TileClassifier(), (4, 64, 64))
    model.eval()
    x = torch.rand(batch, *chw)
    with torch.inference_mode():
        model(x)
        runs, t0, best = 0, time.process_time(), 1e30
        while True:
            t1 = time.process_time()
            model(x)
            best = min(best, time.process_time() - t1)
            runs += 1
            t = time.process_time() - t0
            if t >= secs and runs >= 2:
                break
    print(f"images_per_s {runs * batch / t:.3f}")
    print(f"best_images_per_s {batch / best:.3f}")


if __name__ == "__main__":
    main()
