"""``Study.trials_dataframe``: the trials as a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._internal.optional import import_optional

if TYPE_CHECKING:
    import pandas as pd

    from .study import Study

_DICT_ATTRS = ("params", "user_attrs", "system_attrs", "intermediate_values")

#: System attributes the library keeps for itself (sampler plans, fitted models), left out of
#: the table: ``hypersweep.`` is the library's prefix (e.g. ``hypersweep.tpe.planned``) and
#: ``gp:`` that of ``GPSampler``'s fit records. Documented ones (``lineage``, ``grid_id``,
#: ``fixed_params``, ...) stay.
INTERNAL_SYSTEM_ATTR_PREFIXES = ("hypersweep.", "gp:")


def trials_dataframe(study: Study, attrs: Sequence[str], multi_index: bool) -> pd.DataFrame:
    """One row per trial; dict attributes become one column per key (``params_x``).

    Columns follow ``attrs`` (so ``state`` comes last by default), the keys of a dict
    attribute sorted, as in Optuna; internal system attributes are left out.
    """
    pd = import_optional("pandas", "pandas", "Study.trials_dataframe()")
    multi = len(study.directions) > 1
    names = study.metric_names
    labels = names if names is not None else [str(i) for i in range(len(study.directions))]
    single_label = names[0] if names is not None else ""
    rows: list[dict[tuple[str, str], Any]] = []
    keys: dict[str, set[Any]] = {attr: set() for attr in attrs if attr in _DICT_ATTRS}
    for t in study.trials:
        row: dict[tuple[str, str], Any] = {}
        for attr in attrs:
            if attr in _DICT_ATTRS:
                for key, value in getattr(t, attr).items():
                    if attr == "system_attrs" and str(key).startswith(
                        INTERNAL_SYSTEM_ATTR_PREFIXES
                    ):
                        continue
                    keys[attr].add(key)
                    row[(attr, str(key))] = value
            elif attr in ("value", "values"):
                if multi or attr == "values":
                    for i, label in enumerate(labels):
                        row[("values", label)] = t.values[i] if t.values else None
                else:
                    row[("value", single_label)] = t.values[0] if t.values else None
            elif attr == "state":
                row[("state", "")] = t.state.name
            else:
                row[(attr, "")] = getattr(t, attr)
        rows.append(row)
    columns: list[tuple[str, str]] = []
    for attr in dict.fromkeys(attrs):
        if attr in _DICT_ATTRS:
            columns.extend((attr, str(key)) for key in sorted(keys[attr]))
        elif attr in ("value", "values") and (multi or attr == "values"):
            columns.extend(("values", label) for label in labels)
        elif attr == "value":
            columns.append(("value", single_label))
        else:
            columns.append((attr, ""))
    columns = list(dict.fromkeys(columns))  # "value" and "values" both give values_i
    if not rows:
        return pd.DataFrame()  # as Optuna: no trials, no columns
    df = pd.DataFrame([[row.get(c) for c in columns] for row in rows])
    if multi_index:
        df.columns = pd.MultiIndex.from_tuples(columns)
    else:
        df.columns = ["_".join(p for p in col if p) for col in columns]
    return df
