"""Population based training on a real model: a small neural network on scikit-learn's digits,
whose learning rate, momentum and weight decay can change between epochs. PBT and PB2
against random search and ASHA at equal epochs trained.

    python benchmarks/pbt_mlp.py                   # 10 seeds, population 8, 30 epochs each
    python benchmarks/pbt_mlp.py --seeds 3 --methods random pbt

The model: a 64-64-10 multilayer perceptron (ReLU, softmax) trained by mini-batch SGD with
momentum and L2 weight decay, written with numpy so that the optimiser's hyperparameters
are plain numbers the trainable re-reads after every restore. Data: ``load_digits`` split
once per seed into train (60 %), validation (20 %) and test (20 %). Every method picks its
best model by validation accuracy after the last epoch; the score is that model's **test**
accuracy (median over seeds). Random search and PBT train ``population`` configurations for
``epochs`` epochs each; ASHA gets the same total epochs with more configurations.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import hypersweep as hs
from hypersweep.trial import keys

SPACE = {
    "lr": hs.loguniform(1e-4, 1.0),
    "momentum": hs.uniform(0.0, 0.99),
    "weight_decay": hs.loguniform(1e-6, 1e-2),
}
HIDDEN = 64
BATCH = 32


@dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    valid: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def load(seed: int) -> Data:
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    a, b = int(0.6 * len(y)), int(0.8 * len(y))
    return Data((x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:]))


def init_state(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0.0, np.sqrt(2.0 / 64), (64, HIDDEN))
    w2 = rng.normal(0.0, np.sqrt(2.0 / HIDDEN), (HIDDEN, 10))
    params = [w1, np.zeros(HIDDEN), w2, np.zeros(10)]
    return {"params": params, "velocity": [np.zeros_like(p) for p in params], "epoch": 0}


def accuracy(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    w1, b1, w2, b2 = params
    hidden = np.maximum(x @ w1 + b1, 0.0)
    return float(np.mean(np.argmax(hidden @ w2 + b2, axis=1) == y))


def train_epoch(state: dict[str, Any], config: dict[str, Any], data: Data, seed: int) -> None:
    """One epoch of mini-batch SGD with momentum and weight decay, in place."""
    x, y = data.train
    w1, b1, w2, b2 = state["params"]
    velocity = state["velocity"]
    lr, momentum, decay = (
        float(config["lr"]),
        float(config["momentum"]),
        float(config["weight_decay"]),
    )
    order = np.random.default_rng([seed, state["epoch"]]).permutation(len(y))
    for start in range(0, len(y), BATCH):
        idx = order[start : start + BATCH]
        xb, yb = x[idx], y[idx]
        pre = xb @ w1 + b1
        hidden = np.maximum(pre, 0.0)
        logits = hidden @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        prob[np.arange(len(yb)), yb] -= 1.0
        prob /= len(yb)
        g_w2 = hidden.T @ prob + decay * w2
        g_b2 = prob.sum(axis=0)
        back = (prob @ w2.T) * (pre > 0)
        g_w1 = xb.T @ back + decay * w1
        g_b1 = back.sum(axis=0)
        for p, v, g in zip((w1, b1, w2, b2), velocity, (g_w1, g_b1, g_w2, g_b2), strict=True):
            v *= momentum
            v -= lr * np.clip(g, -10.0, 10.0)
            p += v
    state["epoch"] += 1


def make_trainable(epochs: int, data: Data, seed: int) -> Callable[[dict[str, Any]], None]:
    def train(config: dict[str, Any]) -> None:
        state = hs.get_checkpoint()
        if state is None:
            state = init_state(seed)
        else:  # a copy: the stored checkpoint may be another member's (a clone)
            state = {
                "params": [p.copy() for p in state["params"]],
                "velocity": [v.copy() for v in state["velocity"]],
                "epoch": state["epoch"],
            }
        while state["epoch"] < epochs:
            train_epoch(state, config, data, seed)
            valid = accuracy(state["params"], *data.valid)
            test = accuracy(state["params"], *data.test)
            checkpoint = {k: state[k] for k in ("params", "velocity", "epoch")}
            hs.report(valid=valid if np.isfinite(valid) else 0.0, test=test, checkpoint=checkpoint)

    return train


def run_method(method: str, epochs: int, population: int, seed: int) -> tuple[float, int, float]:
    """(test accuracy of the best member by validation, epochs trained, seconds)."""
    data = load(seed)
    interval = max(1, epochs // 10)
    kwargs: dict[str, Any] = {"num_samples": population}
    scheduler: Any = None
    if method == "asha":
        scheduler = hs.schedulers.ASHAScheduler(max(1, epochs // 9), epochs, 3)
        kwargs["num_samples"] = population * 3
    elif method == "pbt":
        scheduler = hs.schedulers.PBTScheduler(
            perturbation_interval=interval, hyperparam_mutations=dict(SPACE), seed=seed
        )
    elif method == "pb2":
        scheduler = hs.schedulers.PB2Scheduler(
            perturbation_interval=interval, hyperparam_bounds=dict(SPACE), seed=seed
        )
    elif method != "random":
        raise ValueError(method)
    start = time.perf_counter()
    result = hs.tune(
        make_trainable(epochs, data, seed),
        SPACE,
        metric="valid",
        mode="max",
        sampler=hs.samplers.RandomSampler(seed=seed),
        scheduler=scheduler,
        **kwargs,
    )
    seconds = time.perf_counter() - start
    trained = sum(
        max(t.intermediate_values, default=0) - (t.system_attrs.get("resume_step") or 0)
        for t in result.trials
    )
    finished = [t for t in result.trials if t.intermediate_values and t.last_step == epochs]
    best = max(finished, key=lambda t: t.intermediate_values[epochs])
    return float(best.user_attrs[keys.METRICS]["test"]), trained, seconds


METHODS = ("random", "asha", "pbt", "pb2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--population", type=int, default=8)
    args = parser.parse_args()
    print(f"MLP on digits: population {args.population}, {args.epochs} epochs, {args.seeds} seeds")
    print(f"{'method':<8} {'median test acc':>16} {'epochs trained':>15} {'seconds':>8}")
    for method in args.methods:
        runs = [run_method(method, args.epochs, args.population, s) for s in range(args.seeds)]
        print(
            f"{method:<8} {statistics.median(r[0] for r in runs):>16.4f} "
            f"{statistics.median(r[1] for r in runs):>15.0f} "
            f"{statistics.median(r[2] for r in runs):>8.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
