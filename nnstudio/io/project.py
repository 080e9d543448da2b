"""Project files (``.nnsp``): a zip of ``project.json`` (the design, the data choice,
the training settings, the runs' descriptions), ``weights.npz`` (the network's current
weights in their own precision, once trained, imported or edited: until then they are
the ones its seed draws) and ``runs.npz`` (the runs' histories, checkpoints
and weights).

Saved atomically; versioned (``format``, ``schema_version``: version 1 files — no runs,
weights only if saved trained — are read as they are; newer ones refused); loaded
safely: only the known members, sizes checked before reading (no zip bombs), no pickle.

Saving is two steps: :func:`gather_project` takes what the file will hold (cheap: the
JSON text, and arrays that nothing changes afterwards, most of them the runs' read-only
checkpoints, not copied), :func:`write_project` writes it, which may happen on another
thread while the project goes on changing (autosave). :func:`save_project` does both.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnstudio.atomic import write_atomically
from nnstudio.engine.network import checked_seed
from nnstudio.errors import NNStudioError, TrainingConfigError
from nnstudio.io.npz import WEIGHT_BYTES
from nnstudio.io.own_data import OwnDataError, own_data_arrays, own_data_from_file
from nnstudio.io.runs import (
    RunsFileError,
    check_values,
    runs_from_file,
    runs_to_file,
)
from nnstudio.limits import size_text
from nnstudio.model.document import DocumentError
from nnstudio.model.project import FILE, OWN, Project
from nnstudio.model.runs import frozen
from nnstudio.model.training import check_training
from nnstudio.safe_npz import read_arrays

FORMAT = "nnstudio.project"
VERSION = 3  # 3: the project's own datasets (data.npz); 2: runs; 1: design and weights
SUFFIX = ".nnsp"
MEMBERS = {  # the most each member may hold; a save past one is refused
    "project.json": 16 << 20,
    "weights.npz": WEIGHT_BYTES,
    "runs.npz": 2 << 30,
    "data.npz": 256 << 20,
}
_TOO_BIG = {  # what fills each array member, and what the user can do about it
    "weights.npz": ("the network's weights", "use fewer or narrower layers"),
    "runs.npz": ("the runs' weights and checkpoints", "delete some runs"),
    "data.npz": ("the datasets typed, pasted or drawn", "delete some of them"),
}
_MAX_RATIO = 200
# weights hardly compress: stored as they are, a save of a big project takes a fraction
# of the time deflating them would take
STORED = zipfile.ZIP_STORED


class ProjectError(NNStudioError):
    """A project file that cannot be opened or saved."""


@dataclass(frozen=True)
class ProjectContents:
    """What a project file holds, taken from a project at one moment: ``text`` is
    project.json, ``weights`` the arrays of weights.npz (None: the seed's weights),
    ``run_arrays`` those of runs.npz and ``data_arrays`` those of data.npz (the
    project's own datasets). No array in it changes afterwards."""

    text: str
    weights: dict[str, np.ndarray] | None
    run_arrays: dict[str, np.ndarray]
    data_arrays: dict[str, np.ndarray]


def gather_project(project: Project, folder=None) -> ProjectContents:
    """What ``project`` saved now would hold; copies only what can still change (the
    runs' histories, the document's weights unless read-only), so it is cheap. Saved in
    ``folder``, a data file is also named relative to it (they may move together)."""
    runs, run_arrays = runs_to_file(project.runs)
    body = {"format": FORMAT, "schema_version": VERSION, **project.to_dict(), "runs": runs}
    dataset = body.get("dataset")
    if folder is not None and isinstance(dataset, dict) and dataset.get("source") == FILE:
        body["dataset"] = _with_relative(dataset, Path(folder))
    text = json.dumps(body, indent=2, allow_nan=False)
    doc, weights = project.document, None
    if doc.explicit_weights() is not None:
        weights = {}
        for layer, (w, b) in zip(doc.layers[1:], frozen(doc.explicit_weights())):
            weights[f"{layer.name}.weight"], weights[f"{layer.name}.bias"] = w, b
    # a project's own datasets are replaced by edits, never changed: no copy needed
    return ProjectContents(text, weights, run_arrays, own_data_arrays(project.own_data))


def write_project(contents: ProjectContents, path) -> None:
    """Write gathered ``contents`` to ``path`` atomically (any thread: it touches no
    project). The arrays go straight into the file, not through a copy in memory. A
    project that could not be opened again (a member past its limit) is refused first."""
    for member, arrays in (
        ("weights.npz", contents.weights),
        ("runs.npz", contents.run_arrays),
        ("data.npz", contents.data_arrays),
    ):
        _check_fits(member, arrays or {}, Path(path).name)

    def write(f):
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.json", contents.text)
            if contents.weights is not None:
                _write_npz(archive, "weights.npz", contents.weights)
            if contents.run_arrays:
                _write_npz(archive, "runs.npz", contents.run_arrays)
            if contents.data_arrays:
                _write_npz(archive, "data.npz", contents.data_arrays)

    write_atomically(path, write)


def save_project(project: Project, path) -> None:
    """Write ``project`` — its weights and runs included — to ``path`` atomically."""
    write_project(gather_project(project, Path(path).resolve().parent), path)


def _with_relative(reference: dict, folder: Path) -> dict:
    """A file reference that also names the file relative to ``folder``, if it can."""
    try:
        relative = os.path.relpath(reference["name"], folder)
    except ValueError:  # another drive
        return reference
    return {**reference, "relative": Path(relative).as_posix()}


def _found_again(reference: dict, folder: Path) -> dict:
    """A file reference as read: where its file is now, if it is not where it was but
    where it was relative to the project (both moved together)."""
    if reference.get("source") != FILE:
        return reference
    reference = dict(reference)
    relative = reference.pop("relative", None)  # only the file knows it
    if Path(reference["name"]).exists() or not isinstance(relative, str):
        return reference
    moved = (folder / relative).resolve()
    return {**reference, "name": str(moved)} if moved.is_file() else reference


def _check_fits(member: str, arrays: dict[str, np.ndarray], name: str) -> None:
    size = sum(array.nbytes + 256 for array in arrays.values())  # 256: a header, at most
    if size > MEMBERS[member]:
        what, advice = _TOO_BIG[member]
        raise ProjectError(
            f"{name} cannot be saved: {what} take {size_text(size)}, more than the "
            f"{size_text(MEMBERS[member])} a project holds; {advice}, then save again"
        )


def _write_npz(archive: zipfile.ZipFile, member: str, arrays: dict[str, np.ndarray]) -> None:
    """``arrays`` as an NPZ member (what ``np.savez`` writes), each array's memory
    written as it is: no copy of it, and the GIL free while it is checksummed and
    written (the GUI thread runs on while an autosave writes)."""
    info = zipfile.ZipInfo(member, time.localtime()[:6])
    info.compress_type = STORED
    with (
        archive.open(info, "w", force_zip64=True) as f,  # its size is not known yet
        zipfile.ZipFile(f, "w", STORED, allowZip64=True) as npz,
    ):
        for key, array in arrays.items():
            array = np.ascontiguousarray(array)
            if array.dtype.hasobject:
                raise ValueError(f"{key}: an object array cannot be saved")
            with npz.open(f"{key}.npy", "w", force_zip64=True) as out:
                np.lib.format.write_array_header_1_0(
                    out, np.lib.format.header_data_from_array_1_0(array)
                )
                out.write(array.reshape(-1).view(np.uint8))


def load_project(path) -> Project:
    """Open a project file; raise :class:`ProjectError` saying what is wrong."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ProjectError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            unknown = sorted(set(infos) - set(MEMBERS))
            if unknown:
                raise ProjectError(
                    f"{name} holds unexpected files ({', '.join(unknown)}); "
                    "it is not an nnstudio project"
                )
            if "project.json" not in infos:
                raise ProjectError(f"{name} has no project.json: not an nnstudio project")
            for member, info in infos.items():
                if info.file_size > MEMBERS[member] or (
                    info.compress_size
                    and info.file_size / info.compress_size > _MAX_RATIO
                    and info.file_size > 1 << 20
                ):
                    raise ProjectError(
                        f"{name}: {member} unpacks to {info.file_size / 2**20:.0f} MiB; refusing it"
                    )
            text = _read_limited(archive, "project.json")
            weights, runs, data = (
                _read_limited(archive, member) if member in infos else None
                for member in ("weights.npz", "runs.npz", "data.npz")
            )
    except ProjectError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise ProjectError(f"{name} is not a readable project file ({exc})") from None
    try:
        body = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{name}: project.json is not valid JSON ({exc})") from None
    except RecursionError:
        raise ProjectError(f"{name}: project.json is nested too deeply to be a project") from None
    body = _migrate(body, name)
    try:
        project = Project.from_dict(body)
        check_training(project.training)
        checked_seed(project.document.seed)
        project.dataset = _found_again(project.dataset, path.resolve().parent)
        if weights is not None:
            _load_weights(project, weights, name)
        project.runs = runs_from_file(
            body.get("runs", []), _arrays(runs, name, "runs.npz") if runs else {}
        )
        project.own_data = own_data_from_file(
            body.get("own_data", []), _arrays(data, name, "data.npz") if data else {}
        )
        if project.dataset.get("source") == OWN and project.dataset["name"] not in project.own_data:
            raise OwnDataError(f"its dataset {project.dataset['name']!r} is missing from it")
    except (DocumentError, RunsFileError, OwnDataError, TrainingConfigError) as exc:
        raise ProjectError(f"{name}: {exc}") from None
    return project


def _read_limited(archive: zipfile.ZipFile, member: str) -> bytes:
    with archive.open(member) as f:
        data = f.read(MEMBERS[member] + 1)
    if len(data) > MEMBERS[member]:
        raise ProjectError(f"{member} is larger than it says; refusing it")
    return data


def _migrate(body, name: str) -> dict:
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ProjectError(f"{name} is not an nnstudio project (format is not {FORMAT})")
    version = body.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ProjectError(f"{name} has no valid schema_version")
    if version > VERSION:
        raise ProjectError(
            f"{name} was saved by a newer nnstudio (project format version "
            f"{version}, this one reads up to {VERSION}); please update"
        )
    if version == 1:  # no runs yet; weights.npz only if saved trained
        body = {**body, "schema_version": VERSION, "runs": []}
    return body


def _arrays(data: bytes, name: str, member: str) -> dict[str, np.ndarray]:
    """The arrays of an NPZ member, never unpickled (an object array is an error)."""
    return read_arrays(data, f"{name}: {member}", MEMBERS[member], ProjectError)


def _load_weights(project: Project, data: bytes, name: str) -> None:
    arrays = _arrays(data, name, "weights.npz")
    doc = project.document
    weights = []
    for layer in doc.layers[1:]:
        try:
            w, b = arrays[f"{layer.name}.weight"], arrays[f"{layer.name}.bias"]
        except KeyError:
            raise ProjectError(f"{name}: weights.npz lacks layer {layer.name!r}") from None
        try:
            check_values(w, b, f"layer {layer.name!r}")
        except ValueError as exc:
            raise ProjectError(f"{name}: weights.npz, {exc}") from None
        weights.append((w, b))
    doc.set_weights(weights)
