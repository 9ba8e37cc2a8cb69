"""Times PyTorch training steps of one of our networks, for `deno task bench --compare-torch`.

Usage: python3 torch_bench.py SPEC.json
SPEC.json holds: "model" (a model.safetensors of the network's initial weights), "layers" and
"inputShape" (the layer specs torch_forward.py rebuilds a network from), "inputs" and "labels" (files of
"images" transformed images, float32 NCHW, and their int32 labels), "loss" ("softmax" or "sigmoid"),
"lr", "batch", "threads", "rounds", "warmup_s" and "unset_env" (variables to report). Trains with torch.optim.SGD as the suite trains
(the same weights, images, loss and learning rate), warms up, then times "rounds" rounds of about a
quarter of a second and prints JSON: the median microseconds per step, the PyTorch version and the
BLAS library the process loaded, and the values it saw of "unset_env".
"""
import json
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoint"))
from torch_forward import build, read_safetensors  # noqa: E402


def loaded_blas():
    """The BLAS and LAPACK libraries mapped into this process (after a matrix product has run)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line or "mkl" in line or "lapack" in line}
    return sorted(os.path.realpath(p) for p in paths if p.startswith("/"))


def read(path, dtype):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype)


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(spec["threads"])
    model = build(spec["layers"], read_safetensors(spec["model"])).train()
    n, batch = spec["images"], spec["batch"]
    x = read(spec["inputs"], torch.float32).reshape([n, *spec["inputShape"]])
    labels = read(spec["labels"], torch.int32).long()
    if spec["loss"] == "softmax":
        loss_fn, targets = torch.nn.CrossEntropyLoss(), labels
    else:  # one logit and a sigmoid in the loss, as sigmoidLogLoss
        loss_fn, targets = torch.nn.BCEWithLogitsLoss(), labels.float().reshape(-1, 1)
    batches = [(x[i : i + batch], targets[i : i + batch]) for i in range(0, n - batch + 1, batch)]
    optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    cursor = 0

    def steps(count):
        nonlocal cursor
        for _ in range(count):
            xb, yb = batches[cursor % len(batches)]
            cursor += 1
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xb), yb).backward()
            optimizer.step()

    began, count, per_step = time.perf_counter(), 10, float("inf")
    while time.perf_counter() - began < spec["warmup_s"]:
        t = time.perf_counter()
        steps(count)
        took = time.perf_counter() - t
        per_step = took / count
        if took < 0.2:
            count *= 2
    per_round = max(10, round(0.25 / per_step))
    timings = []
    for _ in range(spec["rounds"]):
        t = time.perf_counter()
        steps(per_round)
        timings.append((time.perf_counter() - t) * 1e6 / per_round)
    print(json.dumps({
        "us_per_step_median": statistics.median(timings),
        "torch": torch.__version__,
        "blas": loaded_blas(),
        "threads": torch.get_num_threads(),
        "env": {name: os.environ.get(name) for name in spec["unset_env"]},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
