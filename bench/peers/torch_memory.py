"""N SGD steps of ch13's simple_cnn (batch 64) in PyTorch, the counterpart of
bench/memory/simple-cnn-steps.mjs. Prints one JSON line: {peakRssMB, baseRssMB, msPerStep, steps}
(peak RSS of the whole process, ru_maxrss; base is the RSS once torch is imported).
Run with /usr/bin/python3 (Debian python3-torch): python3 torch_memory.py [steps]"""
import json
import resource
import sys
import time


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": f"cannot import torch: {e}"}))
        return
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    torch.manual_seed(0)

    def conv(ni, nf, act=True):
        layer = nn.Conv2d(ni, nf, kernel_size=3, stride=2, padding=1)
        return nn.Sequential(layer, nn.ReLU()) if act else layer
    model = nn.Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, act=False), nn.Flatten())
    x, y = torch.rand(64, 1, 28, 28) * 2 - 1, torch.tensor([(i * 7) % 2 for i in range(64)])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    t0 = time.perf_counter()
    for _ in range(steps):
        F.cross_entropy(model(x), y).backward()
        opt.step()
        opt.zero_grad()
    ms = (time.perf_counter() - t0) * 1e3 / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peakRssMB": round(peak / 1024, 1), "baseRssMB": round(base / 1024, 1), "msPerStep": ms, "steps": steps,
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
