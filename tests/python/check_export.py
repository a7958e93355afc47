"""Loads an aezoo export with torch.jit.load (no aezoo code) and compares forward, encode and
decode with the values the C++ side wrote. Usage: check_export.py MODEL.pt EXPECTED.json
Exit status 0 when every method agrees to 1e-5, 1 otherwise."""
import json
import sys

import torch


def main() -> int:
    model_path, expected_path = sys.argv[1], sys.argv[2]
    extra = {"metadata.json": "", "config.yaml": ""}
    m = torch.jit.load(model_path, _extra_files=extra)
    meta = json.loads(extra["metadata.json"])
    with open(expected_path) as f:
        exp = json.load(f)
    x = torch.tensor(exp["x"], dtype=torch.float32).reshape(exp["x_shape"])
    h = torch.tensor(exp["h"], dtype=torch.float32).reshape(exp["h_shape"])
    worst = 0.0
    with torch.no_grad():
        for name, got in (("forward", m.forward(x)), ("encode", m.encode(x)), ("decode", m.decode(h))):
            want = torch.tensor(exp[name], dtype=torch.float32).reshape(got.shape)
            diff = (got - want).abs().max().item()
            print(f"{name}: max abs diff {diff:.3g}")
            worst = max(worst, diff)
    print(f"model_type {meta['model_type']}, torch {torch.__version__}")
    return 0 if worst <= 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
