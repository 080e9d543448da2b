"""Runs in words: the phrases and numbers that the runs table and the timeline show
("optimizer adam → sgd", "510 (+10)", "step 1,234 · epoch 12 · loss 0.1234")."""

from __future__ import annotations

from nnstudio.model.runs import BEST, END, PAUSE, START, Checkpoint, Run, Runs, differences
from nnstudio.model.training import SETTING_NAMES
from nnstudio.ui.number_text import percent_text, value_text

OTHER_NAMES = {"network": "network", "dataset": "data"}
REASONS = {START: "start", PAUSE: "paused here", BEST: "best", END: "end"}
LR = SETTING_NAMES["lr"]
# no line break inside "adam → sgd" or "step 1,234" where the table wraps its text
ARROW, STEP = "\u00a0→\u00a0", "step\u00a0"
CHAINED_LR_CHANGES = 2  # more changes than this are summed up in the table


def number(value) -> str:
    """A loss to four significant digits ("0.1234", "15 M"); empty for None."""
    return "" if value is None else value_text(value, nonnegative=True)


def duration(seconds: float) -> str:
    """ "< 0.1 s", "4.2 s", "12 s", "3 min 4 s", "2 h 5 min"."""
    if 0 < seconds < 0.05:
        return "< 0.1 s"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


# what a setting left to the studio (None) is called, where "none" would mislead
AUTOMATIC = {"test_split": "auto", "loss": "auto", "scaling": "auto"}


def _value(value, key: str | None = None) -> str:
    if value is None:
        return AUTOMATIC.get(key, "none")
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _base(run: Run, runs: Runs) -> tuple[Run | None, str | None]:
    """What ``run`` is compared with (the run it started from, else the run before it),
    and a phrase for where a branch started."""
    if run.parent is None:
        return runs.previous(run), None
    base = runs.get(run.parent[0])
    name = base.name if base is not None else f"run {run.parent[0]}"
    if base is not None and run.parent[1] == base.start.step:
        return base, f"from the start of {name}"
    return base, f"from {name} @\u00a0{STEP}{run.parent[1]:,}"


def _lr_at(run: Run, step: int) -> float | None:
    """The learning rate ``run`` trained the step after ``step`` with."""
    lr = run.settings.get("lr")
    for changed, value in run.lr_changes:
        if changed <= step:
            lr = value
    return lr


def _settings_changed(run: Run, base: Run | None) -> list[str]:
    """ "optimizer adam → sgd", …: what differs from ``base``. A branch from the middle
    of a run is compared with the learning rate that run had there."""
    changed = differences(run, base)
    if base is not None and run.parent is not None and run.parent[1] != base.start.step:
        before, after = _lr_at(base, run.parent[1]), run.settings.get("lr")
        changed.pop("lr", None)
        if before != after:
            changed["lr"] = (before, after)
    return [
        f"{SETTING_NAMES.get(key) or OTHER_NAMES.get(key, key)} "
        f"{_value(old, key)}{ARROW}{_value(new, key)}"
        for key, (old, new) in changed.items()
    ]


def _lr_change_lines(run: Run) -> list[str]:
    """Each change of the learning rate while ``run`` trained, in its own phrase:
    "learning rate 0.01 → 0.03 at step 500"."""
    phrases, lr = [], run.settings.get("lr")
    for step, value in run.lr_changes:
        phrases.append(f"{LR} {_value(lr)}{ARROW}{_value(value)} at {STEP}{step:,}")
        lr = value
    return phrases


def _lr_changes_in_short(run: Run) -> list[str]:
    """The learning rate changes in at most one phrase: "learning rate 0.01 → 0.03 at
    step 500 → 0.01 at step 800", or "… 0.01 → 0.05 in 7 changes (steps 120–900)"."""
    steps = run.lr_changes
    if not steps:
        return []
    start = _value(run.settings.get("lr"))
    if len(steps) > CHAINED_LR_CHANGES:
        return [
            f"{LR} {start}{ARROW}{_value(steps[-1][1])} in {len(steps)} changes "
            f"(steps {steps[0][0]:,}–{steps[-1][0]:,})"
        ]
    chain = ARROW.join(f"{_value(lr)} at {STEP}{step:,}" for step, lr in steps)
    return [f"{LR} {start}{ARROW}{chain}"]


def changes(run: Run, runs: Runs) -> tuple[str, str]:
    """What ``run`` changed, and its tooltip: where a branch started, then its settings
    compared with the run it started from (else with the run before it), then the
    learning rate changes made while it trained (every one of them in the tooltip).
    Nothing for the first run."""
    base, origin = _base(run, runs)
    settings = ([origin] if origin else []) + _settings_changed(run, base)
    phrases, lines = settings + _lr_changes_in_short(run), settings + _lr_change_lines(run)
    if phrases:
        return ", ".join(phrases), "\n".join(lines)
    if base is None:
        return "", ""  # the first run: nothing to compare it with
    return "no change", "The same settings as the run before"


def epochs(run: Run) -> tuple[str, str]:
    """The Epochs cell and its tooltip. A branch counts on from the epoch it started
    at: "510 (+10)", the epoch it reached and the epochs it trained itself."""
    trained = run.epoch - run.start.epoch
    count = f"{trained:,} epoch{'s' if trained != 1 else ''}"
    if not run.start.epoch:
        return f"{run.epoch:,}", f"{count} trained"
    return (
        f"{run.epoch:,} (+{trained:,})",
        f"At epoch {run.epoch:,}: {count} trained in this run, on from epoch "
        f"{run.start.epoch:,} where it started",
    )


def checkpoint_text(checkpoint: Checkpoint) -> str:
    """ "step 1,234 · epoch 12 · loss 0.1234 · accuracy 97.5% · best"."""
    parts = [f"step {checkpoint.step:,}", f"epoch {checkpoint.epoch:,}"]
    metrics = checkpoint.metrics
    for key, label in (("loss", "loss"), ("val_loss", "validation loss")):
        if metrics.get(key) is not None:
            parts.append(f"{label} {number(metrics[key])}")
    accuracy = metrics.get("val_accuracy", metrics.get("accuracy"))
    if accuracy is not None:
        parts.append(f"accuracy {percent_text(accuracy, 4)}")
    if checkpoint.reason in REASONS:
        parts.append(REASONS[checkpoint.reason])
    return " · ".join(parts)


def change_marks(run: Run, runs: Runs) -> list[tuple[int, str]]:
    """Where the loss curve of ``run`` should be marked, step order: where a branch
    started with another network, data or learning rate than the run it started from
    ("network, data"), and each change of the learning rate ("lr 0.03")."""
    marks = {}
    base, _ = _base(run, runs)
    if run.parent is not None and base is not None:
        changed = differences(run, base)
        words = [OTHER_NAMES[key] for key in OTHER_NAMES if key in changed]
        before = _lr_at(base, run.parent[1])
        if before != run.settings.get("lr"):
            words.append(f"lr {_lr_value(run.settings.get('lr'))}")
        if words:
            marks[run.start.step] = ", ".join(words)
    for step, lr in run.lr_changes:
        marks[step] = f"lr {_lr_value(lr)}"
    return sorted(marks.items())


def _lr_value(lr) -> str:
    return "auto" if lr is None else value_text(lr)
