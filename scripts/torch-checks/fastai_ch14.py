"""fastai ch14's three models in PyTorch 1.13, trained as book/fastai/14-resnets.ts trains them.

A cross-check of the lesson's training dynamics, not a fixture: the tests never read it. The
blocks are fastai's (ConvLayer: conv without bias, BatchNorm with beta 0.001 and gamma 1, or 0 for
BatchZero, ReLU with kaiming-uniform weights; ResBlock with the AvgPool2d(2, ceil_mode) and 1x1
ConvLayer shortcut), Adam with decoupled weight decay 0.01 and eps 1e-5 under a one-cycle schedule
(div 25, final div 1e5, 25% warm-up, momentum 0.95 -> 0.85 -> 0.95), batch size 128.
The subset is drawn with numpy, not the lesson's generator, so the numbers match the lesson's in
distribution, not digit for digit.

  /usr/bin/python3 scripts/torch-checks/fastai_ch14.py [--n 6000] [--width 8] [--epochs 5] [--seed 1]

Measured (seed 1, n 6000, width 8, 5 epochs): plain 0.8385, 1 ResBlock 0.8460, 2 ResBlocks 0.8375
(the lesson, seeds 1-3: 0.834-0.854, 0.832-0.852, 0.832-0.861): both start slowly with ResBlocks
(0.37 and 0.41 after the first epoch against 0.75 for the plain CNN) and end within 0.01 of it.
"""
import argparse
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument('--n', type=int, default=6000)
ap.add_argument('--width', type=int, default=8)
ap.add_argument('--epochs', type=int, default=5)
ap.add_argument('--seed', type=int, default=1)
args = ap.parse_args()
torch.set_num_threads(1)

DIR = '/usr/share/datasets/fashion-mnist/'


def idx(name):
    with gzip.open(os.path.join(DIR, name), 'rb') as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


rng = np.random.default_rng(args.seed)
ti, vi = rng.choice(60000, args.n, replace=False), rng.choice(10000, 2000, replace=False)
norm = lambda a: (torch.tensor(a / 255., dtype=torch.float32).unsqueeze(1) - 0.286) / 0.353  # noqa: E731
X, Y = norm(idx('train-images-idx3-ubyte.gz')[ti]), torch.tensor(idx('train-labels-idx1-ubyte.gz')[ti].astype(np.int64))
VX, VY = norm(idx('t10k-images-idx3-ubyte.gz')[vi]), torch.tensor(idx('t10k-labels-idx1-ubyte.gz')[vi].astype(np.int64))


def batchnorm(nf, zero=False):
    bn = nn.BatchNorm2d(nf)
    bn.bias.data.fill_(1e-3)
    bn.weight.data.fill_(0. if zero else 1.)
    return bn


def conv_layer(ni, nf, ks=3, stride=1, act=True, zero=False):
    conv = nn.Conv2d(ni, nf, ks, stride=stride, padding=ks // 2, bias=False)
    if act:
        nn.init.kaiming_uniform_(conv.weight)
    return nn.Sequential(conv, batchnorm(nf, zero), *([nn.ReLU()] if act else []))


class ResBlock(nn.Module):
    def __init__(self, ni, nf, stride=1):
        super().__init__()
        self.convs = nn.Sequential(conv_layer(ni, nf, stride=stride), conv_layer(nf, nf, act=False, zero=True))
        self.idconv = nn.Identity() if ni == nf else conv_layer(ni, nf, 1, act=False)
        self.pool = nn.Identity() if stride == 1 else nn.AvgPool2d(2, ceil_mode=True)

    def forward(self, x):
        return F.relu(self.convs(x) + self.idconv(self.pool(x)))


BLOCKS = {
    'plain CNN': lambda ni, nf: conv_layer(ni, nf, stride=2),
    '1 ResBlock per stage': lambda ni, nf: ResBlock(ni, nf, 2),
    '2 ResBlocks per stage': lambda ni, nf: nn.Sequential(ResBlock(ni, nf, 2), ResBlock(nf, nf)),
}
ws = [args.width * 2 ** i for i in range(5)]
for name, block in BLOCKS.items():
    torch.manual_seed(args.seed)
    m = nn.Sequential(*[block(1 if i == 0 else ws[i - 1], w) for i, w in enumerate(ws)], nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(ws[-1], 10))
    bs = 128
    steps = args.epochs * (args.n // bs)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3, betas=(0.95, 0.99), eps=1e-5, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.25, div_factor=25,
                                                final_div_factor=1e5, base_momentum=0.85, max_momentum=0.95)
    accs = []
    for epoch in range(args.epochs):
        m.train()
        perm = torch.randperm(args.n)
        for i in range(args.n // bs):
            b = perm[i * bs:(i + 1) * bs]
            loss = F.cross_entropy(m(X[b]), Y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        m.eval()
        with torch.no_grad():
            accs.append((m(VX).argmax(1) == VY).float().mean().item())
    print(f'{name:24s}' + ' '.join(f'{a:.4f}' for a in accs), flush=True)
