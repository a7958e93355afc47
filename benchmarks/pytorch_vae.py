"""Reference timing: the VAE of pytorch/examples (784-400-20, ReLU, Bernoulli, Adam 1e-3)
on Fashion-MNIST with the data held in memory, in PyTorch (Python). Prints one JSON line with
the median seconds per training epoch over --repeats epochs (after one warm-up epoch).
Written here for aezoo_bench --python; the model follows pytorch/examples/vae/main.py."""
import argparse
import gzip
import json
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = "/usr/share/datasets/fashion-mnist"


def load_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255.0


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.fc4(F.relu(self.fc3(z))), mu, logvar


def loss_fn(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.size(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.manual_seed(1)
    dev = torch.device(args.device)
    x_all = torch.from_numpy(load_images(f"{ROOT}/train-images-idx3-ubyte.gz")).to(dev)
    model = VAE().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = x_all.size(0)
    times = []
    for r in range(args.repeats + 1):
        perm = torch.randperm(n, device=dev)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for s in range(0, n, args.batch):
            x = x_all[perm[s:s + args.batch]]
            logits, mu, logvar = model(x)
            loss = loss_fn(logits, x, mu, logvar)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if r > 0:
            times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    print(json.dumps({"workload": "vae_pytorch", "torch": torch.__version__, "device": args.device,
                      "threads": torch.get_num_threads(), "seconds_per_epoch": sec,
                      "samples_per_second": n / sec,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
