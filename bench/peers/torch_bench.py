"""Times the bench's cases with PyTorch and prints one JSON object.

Reads {"cases": [...], "threads": n, "maxTime": s, "minSamples": n, "singleShot": s} on stdin
(cases as in bench/lib/types.ts) and prints
{"torch": version, "threads": n, "rows": [{"id", "samplesMs"} | {"id", "skipped"}]}.
Run with Debian's /usr/bin/python3 (python3-torch); the caller sets OMP/OPENBLAS thread counts.
"""
import json
import math
import sys
import time


def main():
    spec = json.load(sys.stdin)
    try:
        import torch
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001 - any import failure is a reason to skip
        print(json.dumps({"error": f"cannot import torch: {e}"}))
        return
    torch.set_num_threads(int(spec["threads"]))
    torch.manual_seed(0)
    rows = []
    for case in spec["cases"]:
        try:
            fn = make(torch, F, case)
            if fn is None:
                continue
            samples, note = measure(fn, float(spec["maxTime"]), int(spec["minSamples"]), float(spec["singleShot"]))
            row = {"id": case["id"], "samplesMs": samples}
            if note:
                row["note"] = note
            rows.append(row)
        except Exception as e:  # noqa: BLE001
            rows.append({"id": case["id"], "skipped": f"torch failed: {type(e).__name__}: {e}".splitlines()[0]})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}))


def measure(fn, max_time, min_samples, single_shot):
    t0 = time.perf_counter()
    fn()
    pilot = time.perf_counter() - t0
    if pilot > single_shot:
        return [pilot * 1e3], f"1 sample: one call takes {pilot:.0f} s"
    if pilot > 2:  # slow calls: two more, timed directly
        samples = []
        for _ in range(2):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1e3)
        return samples, None
    if pilot < 0.1:
        until = time.perf_counter() + min(max_time / 4, 1.0)
        while time.perf_counter() < until:
            fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, math.ceil(0.02 / one))  # each sample at least ~20 ms, like Benchmark.js
    if pilot > 0.3:
        min_samples = min(min_samples, 3)
    samples = []
    start = time.perf_counter()
    while len(samples) < min_samples or time.perf_counter() - start < max_time:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t0) / reps * 1e3)
        if len(samples) >= 10000:
            break
    return samples, None


def make(torch, F, c):
    kind = c["kind"]
    if kind == "gemm":
        m, n, k = c["m"], c["n"], c["k"]
        a = torch.rand(k, m).t() if c["transA"] else torch.rand(m, k)
        b = torch.rand(n, k).t() if c["transB"] else torch.rand(k, n)
        out = torch.empty(m, n)
        return lambda: torch.mm(a, b, out=out)
    if kind == "conv":
        x = torch.rand(c["n"], c["c"], c["h"], c["w"])
        if c["mode"] == "im2col":
            ks, s, p = (c["kh"], c["kw"]), c["stride"], c["pad"]
            return lambda: F.unfold(x, ks, padding=p, stride=s)
        w = torch.rand(c["o"], c["c"], c["kh"], c["kw"])
        b = torch.rand(c["o"])
        s, p = c["stride"], c["pad"]
        if c["mode"] == "fwd":
            def fwd():
                with torch.no_grad():
                    F.conv2d(x, w, b, stride=s, padding=p)
            return fwd
        for t in (x, w, b):
            t.requires_grad_(True)
        dy = torch.rand_like(F.conv2d(x, w, b, stride=s, padding=p))

        def fwd_bwd():
            for t in (x, w, b):
                t.grad = None
            F.conv2d(x, w, b, stride=s, padding=p).backward(dy)
        return fwd_bwd
    if kind == "train":
        return train_step(torch, F, c)
    if kind == "rnn":
        return lm_model6(torch, F, c)
    if kind == "overhead":
        a, b = torch.rand(c["size"]), torch.rand(c["size"])
        if c["op"] == "add":
            return lambda: torch.add(a, b)
        s = torch.full((c["size"],), 0.5)
        half = c["ops"] // 2

        def chain():
            x = a
            for _ in range(half):
                x = torch.add(torch.mul(x, s), b)
            return x
        return chain
    return None


def train_step(torch, F, c):
    nn = torch.nn
    bs = c["batch"]
    if c["model"] == "simple_cnn":
        def conv(ni, nf, act=True):
            layer = nn.Conv2d(ni, nf, kernel_size=3, stride=2, padding=1)
            return nn.Sequential(layer, nn.ReLU()) if act else layer
        model = nn.Sequential(conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 32), conv(32, 2, act=False), nn.Flatten())
        x, y = torch.rand(bs, 1, 28, 28), torch.randint(0, 2, (bs,))
        loss_fn, lr = F.cross_entropy, 0.1
    else:
        model = nn.Sequential(nn.Linear(28 * 28, 30), nn.ReLU(), nn.Linear(30, 1))
        x, y = torch.rand(bs, 28 * 28), torch.randint(0, 2, (bs, 1)).float()

        def loss_fn(pred, targ):
            pred = pred.sigmoid()
            return torch.where(targ == 1, 1 - pred, pred).mean()
        lr = 1.0
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step():
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return step


def lm_model6(torch, F, c):
    """fastai ch12's LMModel6 (the book's code): the LSTM state is carried across batches, detached."""
    nn = torch.nn
    V, H, L, bs, sl = c["vocab"], c["hidden"], c["layers"], c["batch"], c["seqLen"]

    class LMModel6(nn.Module):
        def __init__(self):
            super().__init__()
            self.i_h = nn.Embedding(V, H)
            self.rnn = nn.LSTM(H, H, L, batch_first=True)
            self.h_o = nn.Linear(H, V)
            self.h = [torch.zeros(L, bs, H) for _ in range(2)]

        def forward(self, x):
            res, h = self.rnn(self.i_h(x), self.h)
            self.h = [h_.detach() for h_ in h]
            return self.h_o(res)

    model = LMModel6()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    n = max(c["batches"], c["validBatches"], 1)
    xs, ys = torch.randint(0, V, (n, bs, sl)), torch.randint(0, V, (n, bs, sl))

    def loss(i):
        return F.cross_entropy(model(xs[i]).view(-1, V), ys[i].view(-1))

    def run():
        model.train()
        for i in range(c["batches"]):
            loss(i).backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            for i in range(c["validBatches"]):
                loss(i)
    return run


if __name__ == "__main__":
    main()
