"""Declarative: a nested config space and a trainable that reports.

Run: python examples/declarative.py
"""

from __future__ import annotations

import hypersweep as hs


def train(config: dict) -> None:
    lr, depth = config["optimizer"]["lr"], config["model"]["depth"]
    loss = 1.0
    for _ in range(config["epochs"]):
        loss = loss * (1 - min(lr * 10, 0.9)) + 0.01 * abs(depth - 6)
        hs.report(loss=loss)


SPACE = {
    "optimizer": {"lr": hs.loguniform(1e-4, 1e-1), "name": "sgd"},
    "model": {"depth": hs.randint(1, 13)},
    "epochs": 20,
}

if __name__ == "__main__":
    result = hs.tune(
        train,
        SPACE,
        metric="loss",
        mode="min",
        num_samples=60,
        sampler=hs.samplers.QMCSampler(seed=0),
        scheduler=hs.schedulers.MedianScheduler(n_startup_trials=5),
    )
    print(f"best loss {result.best_result['loss']:.4f} with config {result.best_config}")
