"""PyTorch on the same GPU, for issue 14's ratios: the cases scripts/cuda-device-check.ts times for
groundup's CUDA tensors (run both in one device-tool call; see ../shared/DEVICE.md), each the
median of its repetitions with torch.cuda.synchronize() around every timing.

  python3 scripts/torch-checks/cuda_device_peer.py

Cases: ch13's simple_cnn b64 SGD step (model and data on the device); a 3->64->64->64 conv net on
32x32 at b64, SGD step; conv 64->64 3x3 on 56^2 at b256, forward and both backward; SGEMM 4096^3 in
fp32 (TF32 off) and with TF32 (torch.backends.cuda.matmul.allow_tf32), kernel time by CUDA events.
No GPU: it says so and exits 0.
"""
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

if not torch.cuda.is_available():
    print("skipped: torch sees no CUDA device")
    raise SystemExit(0)
dev = torch.device("cuda")
torch.backends.cudnn.benchmark = True


def timed(fn, reps):
    fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ts.append((time.perf_counter() - t) * 1e3)
    return statistics.median(ts)


def conv(ni, nf, act=True):
    layer = nn.Conv2d(ni, nf, 3, stride=2, padding=1)
    return nn.Sequential(layer, nn.ReLU()) if act else layer


torch.manual_seed(0)
simple_cnn = nn.Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 10, False), nn.Flatten()).to(dev)
opt = torch.optim.SGD(simple_cnn.parameters(), lr=0.01)
x = torch.randn(64, 1, 28, 28, device=dev)
y = torch.randint(0, 10, (64,), device=dev)


def cnn_step():
    F.cross_entropy(simple_cnn(x), y).backward()
    opt.step()
    opt.zero_grad()


print(f"simple_cnn b64 SGD step on the device: {timed(cnn_step, 50):.3f} ms (median of 50)")

net = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
                    nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.Flatten()).to(dev)
copt = torch.optim.SGD(net.parameters(), lr=0.01)
cx = torch.randn(64, 3, 32, 32, device=dev)


def net_step():
    net(cx).mean().backward()
    copt.step()
    copt.zero_grad()


print(f"3->64->64->64 conv net, 32x32, b64, SGD step: {timed(net_step, 20):.3f} ms")

big = torch.randn(256, 64, 56, 56, device=dev, requires_grad=True)
w = torch.randn(64, 64, 3, 3, device=dev, requires_grad=True)
print(f"conv 64->64 3x3 on 56^2, b256, fwd + both backward: {timed(lambda: F.conv2d(big, w, padding=1).sum().backward(), 10):.3f} ms")

for tf32 in (False, True):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    a = torch.randn(4096, 4096, device=dev)
    b = torch.randn(4096, 4096, device=dev)
    a @ b
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    ts = []
    for _ in range(10):
        start.record()
        a @ b
        end.record()
        torch.cuda.synchronize()
        ts.append(start.elapsed_time(end))
    ms = statistics.median(ts)
    print(f"SGEMM 4096^3 {'TF32' if tf32 else 'fp32'}: {ms:.3f} ms ({2 * 4096 ** 3 / ms / 1e9:.1f} TFLOP/s)")
