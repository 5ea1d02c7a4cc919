"""Multi-fidelity: ASHA pauses unpromising configurations at rungs and resumes the promoted
ones from their checkpoints, on a SQLite study that outlives the process.

Run: python examples/multi_fidelity.py
"""

from __future__ import annotations

import math
import os
import tempfile

import hypersweep as hs


def objective(trial: hs.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    state = trial.load_checkpoint()  # None on a fresh start, the saved dict when resumed
    epoch, loss = (0, 1.0) if state is None else (state["epoch"], state["loss"])
    while epoch < 27:
        epoch += 1
        # A learning curve whose final value is best near lr = 0.03.
        loss = 0.9 * loss + 0.1 * abs(math.log10(lr) + 1.5) / 4
        trial.report(loss, epoch)
        if trial.should_prune():  # true for a stop and for a pause
            if trial.paused:
                trial.save_checkpoint({"epoch": epoch, "loss": loss})
            raise hs.TrialPruned()
    return loss


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "asha.db")
    study = hs.create_study(
        storage=f"sqlite:///{path}",
        sampler=hs.samplers.TPESampler(seed=0),
        scheduler=hs.schedulers.ASHAScheduler(1, 27, 3, pause=True),
    )
    study.optimize(objective, n_trials=40)
    finished = [t for t in study.trials if t.state is hs.TrialState.COMPLETE]
    resumed = [t for t in study.trials if "resume_from" in t.system_attrs]
    print(
        f"best loss {study.best_value:.4f} with lr={study.best_params['lr']:.4g}; "
        f"{len(finished)} of 40 configurations ran all 27 epochs; "
        f"{len(resumed)} promotions resumed from a checkpoint"
    )
