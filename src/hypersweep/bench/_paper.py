"""The published cells of Yang & Shami (2020), Tables 4-9: (metric, CT in seconds).

Accuracy in percent for the classifiers (digits), MSE for the regressors (Boston housing);
CT is the wall time of the whole HPO run on the paper's machine (Core i7-8700, Python 3.5).
The paper gives the majority vote (classifiers) or the mean (regressors) over ten seeds,
and no spread.
"""

from __future__ import annotations

PAPER_ROWS = ("Default HPs", "GS", "RS", "BO-GP", "BO-TPE", "Hyperband", "BOHB", "GA", "PSO")

PAPER: dict[str, dict[str, tuple[float, float]]] = {
    "rf-clf": {  # Table 4
        "Default HPs": (90.65, 0.09),
        "GS": (93.32, 48.62),
        "RS": (93.38, 16.73),
        "BO-GP": (93.38, 20.60),
        "BO-TPE": (93.88, 12.58),
        "Hyperband": (93.38, 8.89),
        "BOHB": (93.38, 9.45),
        "GA": (93.83, 19.19),
        "PSO": (93.73, 12.43),
    },
    "svm-clf": {  # Table 5
        "Default HPs": (97.05, 0.29),
        "GS": (97.44, 32.90),
        "RS": (97.35, 12.48),
        "BO-GP": (97.50, 17.56),
        "BO-TPE": (97.44, 3.02),
        "Hyperband": (97.44, 11.37),
        "BOHB": (97.44, 8.18),
        "GA": (97.44, 16.89),
        "PSO": (97.44, 8.33),
    },
    "knn-clf": {  # Table 6
        "Default HPs": (96.27, 0.24),
        "GS": (96.22, 7.86),
        "RS": (96.33, 6.44),
        "BO-GP": (96.83, 1.12),
        "BO-TPE": (96.83, 2.33),
        "Hyperband": (96.22, 4.54),
        "BOHB": (97.44, 3.84),
        "GA": (96.83, 2.34),
        "PSO": (96.83, 1.73),
    },
    "rf-reg": {  # Table 7
        "Default HPs": (31.26, 0.08),
        "GS": (29.02, 4.64),
        "RS": (27.92, 3.42),
        "BO-GP": (26.79, 17.94),
        "BO-TPE": (25.42, 1.53),
        "Hyperband": (26.14, 2.56),
        "BOHB": (25.56, 1.88),
        "GA": (26.95, 4.73),
        "PSO": (25.69, 3.20),
    },
    "svm-reg": {  # Table 8
        "Default HPs": (77.43, 0.02),
        "GS": (67.07, 1.33),
        "RS": (61.40, 0.48),
        "BO-GP": (61.27, 5.87),
        "BO-TPE": (59.40, 0.33),
        "Hyperband": (73.44, 0.32),
        "BOHB": (59.67, 0.31),
        "GA": (60.17, 1.12),
        "PSO": (58.72, 0.53),
    },
    "knn-reg": {  # Table 9
        "Default HPs": (81.48, 0.004),
        "GS": (81.53, 0.12),
        "RS": (80.77, 0.11),
        "BO-GP": (80.77, 0.49),
        "BO-TPE": (80.83, 0.08),
        "Hyperband": (80.87, 0.10),
        "BOHB": (80.77, 0.09),
        "GA": (80.77, 0.33),
        "PSO": (80.74, 0.19),
    },
}

# Cells above the optimum of their own space (an exhaustive sweep of n_neighbors 1-20 under
# the same unshuffled 3-fold CV gives 96.83 %): not a target.
UNREACHABLE = {("knn-clf", "BOHB")}


def best_cell(model: str, maximize: bool) -> tuple[str, float]:
    """The paper's best reachable cell of ``model``: (row, value).

    >>> best_cell("knn-clf", maximize=True)
    ('BO-GP', 96.83)
    >>> best_cell("svm-reg", maximize=False)
    ('PSO', 58.72)
    """
    cells = [(row, v) for row, (v, _) in PAPER[model].items() if (model, row) not in UNREACHABLE]
    pick = max if maximize else min
    return pick(cells, key=lambda cell: cell[1])
