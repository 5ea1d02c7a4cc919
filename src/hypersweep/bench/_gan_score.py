"""The MNIST "inception score" of the GAN reproduction, from a classifier's predictions.

``IS = exp(E_x[KL(p(y|x) || p(y))])``: high when each sample is classified confidently
(sharp ``p(y|x)``) and the samples cover the classes evenly (flat ``p(y)``). With 10 classes
it lies in [1, 10]. Pure numpy, so the formula is tested without torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EPS = 1e-12


def inception_score(probs: Any) -> float:
    """The inception score of ``probs``, an (n, classes) array of class probabilities.

    >>> round(inception_score(np.full((100, 10), 0.1)), 6)
    1.0
    >>> round(inception_score(np.eye(10)[np.arange(1000) % 10]), 6)
    10.0
    >>> round(inception_score(np.eye(10)[np.zeros(50, dtype=int)]), 6)  # one mode only
    1.0
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"probs must be a non-empty (n, classes) array, got shape {p.shape}.")
    p = p / p.sum(axis=1, keepdims=True)
    marginal = p.mean(axis=0, keepdims=True)
    kl = np.sum(p * (np.log(p + EPS) - np.log(marginal + EPS)), axis=1)
    return float(np.exp(kl.mean()))
