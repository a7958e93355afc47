"""Cross-version check of aezoo exports.

  export_compat.py write DIR   for every DIR/*.pt: run forward/encode/decode (and sample,
                               encode_distribution, score where present) on fixed inputs with
                               this PyTorch, store the results in DIR/<name>.expected.pt
  export_compat.py check DIR   load every DIR/*.pt with this PyTorch (e.g. 2.11), on CPU and,
                               when available, CUDA, and compare with the stored results.
Prints one line per model and method; exit status 1 if any difference exceeds 1e-5 (CPU) or
1e-4 (CUDA)."""
import json
import pathlib
import sys

import torch


def inputs(module, meta):
    g = torch.Generator().manual_seed(0)
    x = torch.rand([4] + meta["input_shape"], generator=g)
    h = torch.randn(4, meta["code_dim"], generator=g)
    return x, h


def run_all(module, meta, device):
    x, h = inputs(module, meta)
    x, h = x.to(device), h.to(device)
    out = {}
    with torch.no_grad():
        out["forward"] = module.forward(x)
        out["encode"] = module.encode(x)
        out["decode"] = module.decode(h)
        names = {n for n in ("encode_distribution", "score") if hasattr(module, n)}
        if "encode_distribution" in names:
            mu, logvar = module.encode_distribution(x)
            out["encode_distribution.mean"] = mu
            out["encode_distribution.logvar"] = logvar
    if "score" in names:
        out["score"] = module.score(x).detach()
    return {k: v.detach().cpu() for k, v in out.items()}


def load(path, device):
    extra = {"metadata.json": ""}
    m = torch.jit.load(str(path), map_location=device, _extra_files=extra)
    return m, json.loads(extra["metadata.json"])


def main():
    mode, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    models = sorted(p for p in folder.glob("*.pt") if not p.name.endswith(".expected.pt"))
    ok = True
    print(f"torch {torch.__version__}, cuda available: {torch.cuda.is_available()}")
    for path in models:
        if mode == "write":
            m, meta = load(path, "cpu")
            torch.save(run_all(m, meta, "cpu"), str(path) + ".expected.pt")
            print(f"{path.name}: reference written ({meta['model_type']}, exported by LibTorch "
                  f"{meta['torch_version']})")
            continue
        expected = torch.load(str(path) + ".expected.pt")
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        for device in devices:
            m, meta = load(path, device)
            got = run_all(m, meta, device)
            tol = 1e-5 if device == "cpu" else 1e-4
            for k, v in expected.items():
                diff = (got[k] - v).abs().max().item()
                status = "ok" if diff <= tol else "MISMATCH"
                ok = ok and diff <= tol
                print(f"{path.name} [{meta['model_type']}, exported by LibTorch "
                      f"{meta['torch_version']}] on {device}: {k} max abs diff {diff:.2e} {status}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
