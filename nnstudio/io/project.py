"""Project files (``.nnsp``): a zip of ``project.json`` and, once trained, ``weights.npz``.

Saved atomically; versioned (``format``, ``schema_version``: older files are migrated,
newer ones refused); loaded safely: only the two known members, sizes checked before
reading (no zip bombs), no pickle.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from nnstudio.errors import NNStudioError
from nnstudio.io.atomic import write_atomically
from nnstudio.model.document import DocumentError
from nnstudio.model.project import Project

FORMAT = "nnstudio.project"
VERSION = 1
SUFFIX = ".nnsp"
MEMBERS = {"project.json": 16 << 20, "weights.npz": 512 << 20}
_MAX_RATIO = 200


class ProjectError(NNStudioError):
    """A project file that cannot be opened or saved."""


def save_project(project: Project, path, trained: bool = False) -> None:
    """Write ``project`` to ``path`` atomically; ``trained`` adds the weights."""
    body = {"format": FORMAT, "schema_version": VERSION, **project.to_dict()}
    text = json.dumps(body, indent=2, allow_nan=False)

    def write(f):
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.json", text)
            if trained:
                buffer = io.BytesIO()
                np.savez(buffer, **project.weights_arrays())
                archive.writestr("weights.npz", buffer.getvalue())

    write_atomically(path, write)


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
            weights = _read_limited(archive, "weights.npz") if "weights.npz" in infos else None
    except ProjectError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise ProjectError(f"{name} is not a readable project file ({exc})") from None
    try:
        body = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{name}: project.json is not valid JSON ({exc})") from None
    body = _migrate(body, name)
    try:
        project = Project.from_dict(body)
        if weights is not None:
            _load_weights(project, weights, name)
    except DocumentError as exc:
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
    return body  # version 1 is current: nothing to migrate yet


def _load_weights(project: Project, data: bytes, name: str) -> None:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.keys()}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ProjectError(f"{name}: weights.npz is not readable ({exc})") from None
    doc = project.document
    weights = []
    for layer in doc.layers[1:]:
        try:
            w = arrays[f"{layer.name}.weight"].astype(np.float32)
            b = arrays[f"{layer.name}.bias"].astype(np.float32)
        except KeyError:
            raise ProjectError(f"{name}: weights.npz lacks layer {layer.name!r}") from None
        weights.append((w, b))
    doc.set_weights(weights)
