"""The name of every stored result and the named groups of them, each defined here once.

Light on purpose (no torch): the registry (:mod:`solutions.experiments.registry`) gives each
name its config and key, and the page declarations, the page modules, the notebooks and the
command line read the names and groups from here.

Names. One name per result. A colourization run is named by what it changes from the
assignment's defaults (the CNN ``cnn``; the UNet at batch size *b* ``unet-b<b>``, of which
``unet-b100`` is the UNet with the defaults; ``cnn-a2-b0``, a network trained on 2·x + 0;
``unet-no-input``, the UNet without a skip); seed 0 has that name, seeds 1 and 2 add ``-s1``,
``-s2`` (:func:`seed_name`); a bf16 twin adds ``-bf16`` (:func:`precision_name`).

Network kinds. ``"cnn"`` and ``"unet"`` (:data:`MODELS`) also name the two kinds of network
(``TrainConfig.model``, and the ``models`` of the stored measurements that run both, whose keys
contain them); :data:`WEIGHTS_KEPT` maps a kind to the run whose trained weights are stored.

Groups (``solutions run GROUP``; :data:`GROUPS`): the batch-size sweep, 7 batch sizes × 3 seeds
(:data:`SWEEP`); the learning-rate-scaled pair (:data:`LR_SCALED`); the CNN's seeds
(:data:`CNN_SEEDS`); the 1(d) runs (:data:`C1D_RUNS`); the 2(c) ablations
(:data:`C2_ABLATIONS`); the Q4 sweeps (:data:`Q4_SWEEPS`); the bf16 twins (:data:`BF16_RUNS`).

>>> SWEEP[50]
('unet-b50', 'unet-b50-s1', 'unet-b50-s2')
>>> WEIGHTS_KEPT, UNET_SEEDS
({'cnn': 'cnn', 'unet': 'unet-b100'}, ('unet-b100', 'unet-b100-s1', 'unet-b100-s2'))
>>> {group: len(members) for group, members in GROUPS.items()}
{'sweep': 21, 'lr-scaled': 2, 'cnn-seeds': 3, 'c1d-runs': 24, 'c2-ablations': 6, 'q4': 4, 'bf16': 24}
"""

from __future__ import annotations

from solutions.answers.ensemble_setup import SWEEPS

# ---------------------------------------------------------------------------------------------
# The results that are not colourization runs.

PALETTE = "palette"  # the 24-colour palette of the horses
Q1_READINGS = "q1-digit-readings"  # CS5242 Q1.1: what the digit classifiers read (scikit-learn SVCs)
C1D_PROBE = "c1d-test-time"  # CSC413 1(d): a·x + b fed to the stored CNN and UNet at test time
C2_EDGES = "c2-edge-split"  # CSC413 2(c): the stored CNN and UNet on flat regions vs edges
C3DE_SWEEPS = "c3de-sweeps"  # CSC413 3(d), 3(e): memory and FLOPs measured against depth and side
Q3_PEAK = "q3-peak"  # CS5242 Q3: the measured peak of a training step with the blocks
Q1_HALVES = "q1-half-crops"  # CS5242 Q1.1: the crops' judge on the halves of the test 8s
C3DE_WORKING = "c3de-working-memory"  # CSC413 3(d): BERT-base's forward working memory, body frozen

# ---------------------------------------------------------------------------------------------
# What the colourization runs vary, as far as their names tell it.

MODELS = ("cnn", "unet")  # the two kinds of network (TrainConfig.model)
BATCH_SIZES = (5, 10, 20, 50, 100, 200, 500)
DEFAULT_BATCH = 100  # the assignment's batch size: the CNN's, the 2(c) UNet's, the 1(d) runs'
LR_SCALED_BATCHES = (10, 500)  # learning rate ∝ batch size, from 0.001 at batch 100
SWEEP_SEEDS = (0, 1, 2)  # the seeds of every setting that has seeds
# (a, b) of the 1(d) runs trained on transformed inputs: none (the baseline at their length), a
# rescaling, a sign flip, the inversion 1 - x
TRANSFORMS: tuple[tuple[float, float], ...] = ((1.0, 0.0), (2.0, 0.0), (-1.0, 0.0), (-1.0, 1.0))
ABLATED_SKIPS = ("no_input", "no_encoder")  # 2(c): the UNet without its raw-input or encoder skips
BF16 = "bf16"  # the precision of the runs that check that mixed precision changes no answer


def seed_name(name: str, seed: int) -> str:
    """The name of seed ``seed`` of the run named ``name`` (seed 0): ``unet-b50`` → ``unet-b50-s1``.

    >>> seed_name("cnn", 0), seed_name("cnn", 2)
    ('cnn', 'cnn-s2')
    """
    return name if seed == 0 else f"{name}-s{seed}"


def batch_name(batch: int) -> str:
    """The UNet trained with batch size ``batch``, seed 0: ``unet-b5``."""
    return f"unet-b{batch}"


def lr_scaled_name(batch: int) -> str:
    """The UNet trained with batch size ``batch`` and the learning rate scaled with it."""
    return f"{batch_name(batch)}-lr-scaled"


def transform_name(model: str, a: float, b: float) -> str:
    """The run of network ``model`` trained and validated on ``a·x + b`` (CSC413 1(d)).

    >>> transform_name("unet", -1.0, 1.0), transform_name("cnn", 2.0, 0.0)
    ('unet-a-1-b1', 'cnn-a2-b0')
    """
    return f"{model}-a{a:g}-b{b:g}"


def precision_name(name: str, precision_: str) -> str:
    """The name of colourization run ``name`` trained in ``precision_`` (itself for fp32).

    >>> precision_name("unet-b50-s1", "bf16"), precision_name("cnn", "fp32")
    ('unet-b50-s1-bf16', 'cnn')
    """
    return name if precision_ == "fp32" else f"{name}-{precision_}"


def q4_name(sweep: str) -> str:
    """The stored ensembles of CS5242 Q4's sweep ``sweep`` (one of ensemble_setup.SWEEPS)."""
    return f"q4-{sweep}"


def _seeds(name: str) -> tuple[str, ...]:
    return tuple(seed_name(name, s) for s in SWEEP_SEEDS)


CNN = "cnn"  # the CNN of Part 1 with the assignment's settings, seed 0
UNET = batch_name(DEFAULT_BATCH)  # the UNet of Part 2 with the assignment's settings, seed 0
# network kind → the run whose trained weights are stored (what 1(d) probes and 2(c) splits)
WEIGHTS_KEPT: dict[str, str] = {"cnn": CNN, "unet": UNET}


def ablation_name(skips: str) -> str:
    """The UNet run with skips ``skips`` (models.SKIPS; CSC413 2(c)): ``no_input`` → ``unet-no-input``."""
    return UNET if skips == "all" else f"unet-{skips.replace('_', '-')}"


# ---------------------------------------------------------------------------------------------
# The groups.

SWEEP: dict[int, tuple[str, ...]] = {b: _seeds(batch_name(b)) for b in BATCH_SIZES}  # batch → seeds
LR_SCALED: dict[int, str] = {b: lr_scaled_name(b) for b in LR_SCALED_BATCHES}  # seed 0 only
CNN_SEEDS: tuple[str, ...] = _seeds(CNN)
UNET_SEEDS: tuple[str, ...] = SWEEP[DEFAULT_BATCH]
# (network kind, a, b) → seeds: both networks trained on a·x + b
C1D_RUNS: dict[tuple[str, float, float], tuple[str, ...]] = {
    (m, a, b): _seeds(transform_name(m, a, b)) for m in MODELS for a, b in TRANSFORMS
}
C2_ABLATIONS: dict[str, tuple[str, ...]] = {s: _seeds(ablation_name(s)) for s in ABLATED_SKIPS}
Q4_SWEEPS: dict[str, str] = {s: q4_name(s) for s in SWEEPS}  # sweep → name
# every seed of the sweep and of the CNN, in bf16: fp32 name → bf16 name
BF16_TWINS: dict[str, str] = {
    n: precision_name(n, BF16) for n in (*(n for b in BATCH_SIZES for n in SWEEP[b]), *CNN_SEEDS)
}
BF16_RUNS: tuple[str, ...] = tuple(BF16_TWINS.values())

# name, what it holds (for `solutions list`), its runs
_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "sweep",
        "the 2(d) batch-size sweep of the UNet: 7 batch sizes × 3 seeds",
        tuple(n for seeds in SWEEP.values() for n in seeds),
    ),
    ("lr-scaled", "the 2(d) UNet runs whose learning rate is scaled with the batch size", tuple(LR_SCALED.values())),
    ("cnn-seeds", "the CNN of 1(b) and 2(c), every seed", CNN_SEEDS),
    (
        "c1d-runs",
        "1(d): both networks trained on a·x + b, every seed",
        tuple(n for seeds in C1D_RUNS.values() for n in seeds),
    ),
    (
        "c2-ablations",
        "2(c): the UNet without some of its skips, every seed",
        tuple(n for seeds in C2_ABLATIONS.values() for n in seeds),
    ),
    ("q4", "CS5242 Q4: the ensembles of each sweep", tuple(Q4_SWEEPS.values())),
    (BF16, "the sweep and the CNN, every seed, trained in bf16", BF16_RUNS),
)
GROUPS: dict[str, tuple[str, ...]] = {group: runs for group, _, runs in _GROUPS}
GROUP_TITLES: dict[str, str] = {group: title for group, title, _ in _GROUPS}


def colour_run(model: str, batch_size: int, seed: int) -> str:
    """The run of network ``model`` ("cnn" or "unet") trained with the assignment's settings but
    ``batch_size`` and ``seed``: the CNN's seeds (batch 100) or the batch-size sweep's.

    >>> colour_run("unet", 5, 2), colour_run("cnn", 100, 0)
    ('unet-b5-s2', 'cnn')
    """
    runs = {"cnn": {DEFAULT_BATCH: CNN_SEEDS}, "unet": SWEEP}
    if not isinstance(model, str) or model not in runs:
        raise ValueError(f"model must be one of {', '.join(runs)}, got {model!r}")
    if isinstance(batch_size, bool) or batch_size not in runs[model]:
        raise ValueError(
            f"batch_size must be one of {', '.join(map(str, runs[model]))} for the {model}, got {batch_size!r}"
        )
    if isinstance(seed, bool) or seed not in SWEEP_SEEDS:
        raise ValueError(f"seed must be one of {', '.join(map(str, SWEEP_SEEDS))}, got {seed!r}")
    return runs[model][batch_size][SWEEP_SEEDS.index(seed)]
