"""Every key hypersweep reserves in a study's records, in one registry.

Trial system attributes, study system attributes, study-level shared-state records and
checkpoint names written by the library all take their key from here, so that no two parts
of the library can pick the same name and a user can see which names to avoid. The values
are the names stored in existing databases: they never change.

>>> from hypersweep.trial import keys
>>> keys.LINEAGE in keys.TRIAL_SYSTEM_ATTRS
True
>>> keys.is_reserved("my_note")
False
"""

from __future__ import annotations

# -- trial system attributes: pause, resume and lineage (see trial/lineage.py) ----------------
#: On a continuation: the number of its configuration's first trial (the lineage's root).
LINEAGE = "lineage"
#: On the first record of a clone (a continuation that starts a new lineage, PBT's exploit):
#: the number of the trial it was cloned from.
LINEAGE_PARENT = "lineage_parent"
#: On a continuation: the number of the trial it continues (or replaces, for a clone).
RESUME_FROM = "resume_from"
#: On a continuation: the step of the checkpoint it resumes from (``None``: it restarts).
RESUME_STEP = "resume_step"
#: On a PRUNED trial waiting for a promotion: the step at which it was paused.
PAUSED_AT = "paused_at"
#: On a trial that saved a checkpoint: the last step it had reported then.
CHECKPOINT_STEP = "checkpoint_step"
#: On a continuation: the trial whose checkpoint ``load_checkpoint()`` returns.
CHECKPOINT_OF = "checkpoint_of"

# -- trial system attributes: other roles ---------------------------------------------------
#: Why the scheduler pruned the trial, in words.
PRUNE_REASON = "prune_reason"
#: Parameters fixed by ``enqueue_trial`` (or a retry), suggested as given.
FIXED_PARAMS = "fixed_params"
#: The grid point a ``GridSampler`` assigned to the trial.
GRID_ID = "grid_id"
#: Parameters TPE planned for a trial while other trials were pending.
TPE_PLANNED = "hypersweep.tpe.planned"
#: The GP sampler's record of the model behind a proposal.
GP_MODEL = "gp:model"
#: CMA-ES's record of a proposal (run, generation, slot, point).
CMAES_PROPOSAL = "hypersweep.cmaes"
#: Gaussian ES's record of a proposal.
GAUSSIAN_ES_PROPOSAL = "hypersweep.gaussian_es"
#: CFOSampler's record of a proposal (thread, proposal id, unit-box point).
CFO_PROPOSAL = "hypersweep.cfo"
#: BlendSearchSampler's record of a proposal (thread, proposal id, unit-box point).
BLENDSEARCH_PROPOSAL = "hypersweep.blendsearch"
#: Which sampler proposed the trial, in words (``AutoSampler`` writes it; plots read it).
PROPOSED_BY = "hypersweep.proposed_by"
#: ``AutoSampler``'s record of its choice for the trial: ``{"phase": ..., "reason": ...}``.
AUTO_PHASE = "hypersweep.auto"
#: Every metric a ``hs.tune`` trainable reported, by step.
METRICS = "metrics"
#: ``RetryFailedTrialCallback``: the first failed trial of a chain of retries.
RETRY_OF = "retry_of"
#: ``RetryFailedTrialCallback``: how many times the configuration was retried.
RETRY_COUNT = "retry_count"
#: ``RetryFailedTrialCallback``: the failed trial this retry re-runs.
RETRIED_FROM = "retried_from"
#: ``constraints_func`` of ``TPESampler``/``GPSampler``: the trial's constraint values (a list
#: of floats; feasible when all are <= 0). Optuna's name, so constrained studies read alike.
CONSTRAINTS = "constraints"
#: ``hs.terminator.report_cross_validation_scores``: the trial's cross-validation scores.
CV_SCORES = "terminator:cv_scores"

# -- trial and study system attributes: name prefixes ---------------------------------------
#: ``hs.artifacts``: ``"artifacts:<artifact id>"`` holds one artifact's metadata (JSON), on
#: the trial or the study it is attached to (Optuna's key).
ARTIFACT_PREFIX = "artifacts:"

# -- study system attributes ----------------------------------------------------------------
#: The study's sampler and scheduler as a JSON specification (rebuilt by ``load_study``).
SPEC = "hypersweep.spec"

# -- study-level shared-state records (compare-and-set blobs) -------------------------------
#: The numbers of the paused trials already claimed for a continuation.
PROMOTION_CLAIMS = "hypersweep.promotions"
#: CMA-ES's distribution, shared by every worker.
CMAES_STATE = "cmaes"
#: Gaussian ES's distribution, shared by every worker.
GAUSSIAN_ES_STATE = "gaussian_es"
#: CFOSampler's pool of FLOW2 threads, shared by every worker.
CFO_STATE = "cfo"
#: BlendSearchSampler's threads (and its global sampler's state), shared by every worker.
BLENDSEARCH_STATE = "blendsearch"

# -- checkpoint names -----------------------------------------------------------------------
#: The name under which ``Trial.save_checkpoint`` / ``hs.report(checkpoint=...)`` store state.
CHECKPOINT = "checkpoint"

TRIAL_SYSTEM_ATTRS = frozenset(
    {
        LINEAGE,
        LINEAGE_PARENT,
        RESUME_FROM,
        RESUME_STEP,
        PAUSED_AT,
        CHECKPOINT_STEP,
        CHECKPOINT_OF,
        PRUNE_REASON,
        FIXED_PARAMS,
        GRID_ID,
        TPE_PLANNED,
        GP_MODEL,
        CMAES_PROPOSAL,
        GAUSSIAN_ES_PROPOSAL,
        CFO_PROPOSAL,
        BLENDSEARCH_PROPOSAL,
        PROPOSED_BY,
        AUTO_PHASE,
        METRICS,
        RETRY_OF,
        RETRY_COUNT,
        RETRIED_FROM,
        CONSTRAINTS,
        CV_SCORES,
    }
)
#: Prefixes of reserved names (a key starting with one is reserved).
PREFIXES = (ARTIFACT_PREFIX,)
STUDY_SYSTEM_ATTRS = frozenset({SPEC})
STUDY_STATES = frozenset(
    {PROMOTION_CLAIMS, CMAES_STATE, GAUSSIAN_ES_STATE, CFO_STATE, BLENDSEARCH_STATE}
)
CHECKPOINT_NAMES = frozenset({CHECKPOINT})


def is_reserved(key: str) -> bool:
    """Whether ``key`` is a name hypersweep itself writes (trial or study level)."""
    return key.startswith(PREFIXES) or any(
        key in names
        for names in (TRIAL_SYSTEM_ATTRS, STUDY_SYSTEM_ATTRS, STUDY_STATES, CHECKPOINT_NAMES)
    )
