"""What the experiment-tracking callbacks (MLflow, Weights & Biases) share."""

from __future__ import annotations

from collections.abc import Sequence


def metric_names(metric_name: str | Sequence[str], n_values: int, owner: str) -> list[str]:
    """The names the objective values are logged under: ``metric_name`` itself for one
    objective, ``<name>_<i>`` for several, or one given name per objective.

    >>> metric_names("value", 1, "X"), metric_names("value", 2, "X")
    (['value'], ['value_0', 'value_1'])
    >>> metric_names(["loss", "acc"], 2, "X")
    ['loss', 'acc']
    """
    if isinstance(metric_name, str):
        if n_values == 1:
            return [metric_name]
        return [f"{metric_name}_{i}" for i in range(n_values)]
    names = list(metric_name)
    if len(names) != n_values:
        raise ValueError(
            f"{owner}: metric_name has {len(names)} names but the study has {n_values} "
            "objectives; give one name per objective."
        )
    return names
