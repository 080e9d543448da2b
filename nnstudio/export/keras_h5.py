"""Keras export: a ``.weights.h5`` that Keras 3's ``model.load_weights`` accepts for the
equivalent ``Sequential`` of ``Dense`` layers, plus a ``model.py`` that builds it.

Keras 3 keeps each layer's variables under ``layers/<class>/vars/<index>``, where
<class> is the snake-case class name made unique in order (dense, dense_1, …,
leaky_re_lu; not the layer's name), Dense's 0 = kernel (in, out) and 1 = bias, and the
model's own under ``vars``. Needs h5py (the ``keras`` extra).
"""

from __future__ import annotations

from pathlib import Path

from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportError, ExportModel


def keras_layers(model: ExportModel) -> list[tuple[str, str, object]]:
    """(weights-file group, constructor code, layer or None) per Keras layer."""
    layers, counts = [], {}

    def group(kind: str) -> str:
        counts[kind] = counts.get(kind, -1) + 1
        return f"{kind}_{counts[kind]}" if counts[kind] else kind

    for name, layer in zip(codegen.identifiers(model), model.layers):
        if layer.activation == "leaky_relu":
            layers.append(
                (group("dense"), f'keras.layers.Dense({layer.units}, name="{name}")', layer)
            )
            layers.append(
                (
                    group("leaky_re_lu"),
                    "keras.layers.LeakyReLU(negative_slope="
                    f'{layer.alpha!r}, name="{name}_leaky_relu")',
                    None,
                )
            )
        else:
            layers.append(
                (
                    group("dense"),
                    f"keras.layers.Dense({layer.units}, activation="
                    f'"{layer.activation}", name="{name}")',
                    layer,
                )
            )
    return layers


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    built = "\n".join(f"        {code}," for _, code, _ in keras_layers(model))
    return codegen.module(
        model,
        script,
        weights_file,
        f"Builds the same keras.Sequential and loads its weights from {weights_file}\n"
        "(pip install keras and a backend: jax, tensorflow or torch).",
        "import keras\nimport numpy as np\n",
        f"""

def build() -> keras.Sequential:
    return keras.Sequential([
        keras.Input(shape=({model.inputs},)),
{built}
    ])


def load() -> keras.Sequential:
    model = build()
    model.load_weights(WEIGHTS)
    return model


def predict(X) -> np.ndarray:
    scaled = (np.asarray(X, dtype=np.float64) - OFFSET) / SCALE
    return np.asarray(load().predict(scaled.astype("float32"), verbose=0))
""",
    )


def script_for(path: Path) -> Path:
    """The loader written beside ``path`` (m.weights.h5 → m_keras.py)."""
    return path.with_name(path.name.removesuffix(".h5").removesuffix(".weights") + "_keras.py")


def write(model: ExportModel, path: Path) -> list[Path]:
    """``path`` (.weights.h5) and its loader :func:`script_for` beside it."""
    try:
        import h5py
    except ImportError:
        raise ExportError("the Keras export needs h5py: pip install 'nnstudio[keras]'") from None
    script = script_for(path)

    def write_weights(f) -> None:
        with h5py.File(f, "w") as h5:
            h5.create_group("vars")
            for name, _, layer in keras_layers(model):
                group = h5.create_group(f"layers/{name}/vars")
                if layer is not None:
                    group.create_dataset("0", data=layer.weight)
                    group.create_dataset("1", data=layer.bias)

    write_atomically(path, write_weights)
    code = module_code(model, path.name, script.name).encode("utf-8")
    write_atomically(script, lambda f: f.write(code))
    return [path, script]
