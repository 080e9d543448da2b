"""Keras export: a ``.weights.h5`` that Keras 3's ``model.load_weights`` accepts for the
equivalent ``Sequential``, plus a ``model.py`` that builds it.

Keras 3 keeps each layer's variables under ``layers/<class>/vars/<index>``, where
<class> is the snake-case class name made unique in order (dense, dense_1, conv2d,
max_pooling2d, leaky_re_lu; not the layer's name), 0 = kernel (Dense (in, out), Conv2D
(kh, kw, in_channels, filters): nnstudio's layouts) and 1 = bias, and the model's own
under ``vars``. Each layer type gives its Keras layers (:data:`LAYERS`); activations
with a parameter (leaky_relu, elu) and step are layers of their own. Needs h5py (the
``keras`` extra).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportError, ExportLayer, ExportModel, writer

KerasLayer = tuple[str, str, list[np.ndarray]]  # class's snake-case name, code, variables

STEP = """

def step(x):
    \"\"\"Heaviside step: 1 where x >= 0, else 0.\"\"\"
    return keras.ops.cast(keras.ops.greater_equal(x, 0), x.dtype)
"""


def snake_case(name: str) -> str:
    """A class name as Keras 3 names its layers' groups: MaxPooling2D → max_pooling2d,
    LeakyReLU → leaky_re_lu (keras.src.utils.naming.to_snake_case)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _separate(kind: str, code: str):
    """An activation as a layer of its own after the layer (its parameter is the
    layer's: Keras's activation strings take none)."""

    def layers(layer: ExportLayer, name: str) -> tuple[str, list[KerasLayer]]:
        return "linear", [(kind, code.format(layer=layer, name=name), [])]

    return layers


def _named(activation: str):
    """An activation Keras's layers take by name."""
    return lambda layer, name: (activation, [])


ACTIVATIONS = {
    **{
        name: _named(name)
        for name in ("linear", "sigmoid", "tanh", "relu", "softmax", "softplus", "silu")
    },
    "gelu": _named("gelu"),  # keras.activations.gelu: approximate=False, exact
    "leaky_relu": _separate(
        "leaky_re_lu",
        'keras.layers.LeakyReLU(negative_slope={layer.alpha!r}, name="{name}_leaky_relu")',
    ),
    "elu": _separate("elu", 'keras.layers.ELU(alpha={layer.alpha!r}, name="{name}_elu")'),
    "step": _separate("lambda", 'keras.layers.Lambda(step, name="{name}_step")'),
}


def _weighted(kind: str, arguments):
    """A layer with kernel and bias and an activation (``arguments``: its own)."""

    def layers(layer: ExportLayer, name: str) -> list[KerasLayer]:
        activation, after = writer(ACTIVATIONS, layer, "Keras", activation=True)(layer, name)
        code = f'keras.layers.{kind}({arguments(layer)}, activation="{activation}", name="{name}")'
        return [(snake_case(kind), code, [layer.weight, layer.bias]), *after]

    return layers


def _conv2d(layer: ExportLayer) -> str:
    spec = layer.spec
    return f'{layer.units}, {spec.kernel_size}, strides={spec.stride}, padding="{spec.padding}"'


def _plain(kind: str, arguments=lambda layer: ""):
    """A layer without variables."""

    def layers(layer: ExportLayer, name: str) -> list[KerasLayer]:
        given = arguments(layer)
        code = f'keras.layers.{kind}({given}{", " if given else ""}name="{name}")'
        return [(snake_case(kind), code, [])]

    return layers


def _pool(layer: ExportLayer) -> str:
    return f"pool_size={layer.spec.pool_size}, strides={layer.spec.stride}"


LAYERS = {
    "dense": _weighted("Dense", lambda layer: f"{layer.units}"),
    "conv2d": _weighted("Conv2D", _conv2d),
    "maxpool2d": _plain("MaxPooling2D", _pool),
    "avgpool2d": _plain("AveragePooling2D", _pool),
    "flatten": _plain("Flatten"),
    "dropout": _plain("Dropout", lambda layer: f"{layer.spec.rate!r}"),
}


def keras_layers(model: ExportModel) -> list[tuple[str, str, list[np.ndarray]]]:
    """(weights-file group, constructor code, variables) per Keras layer, the groups
    named as Keras 3 names them: the class's snake-case name, made unique in order."""
    layers, counts = [], {}
    for name, layer in zip(codegen.identifiers(model), model.layers):
        for kind, code, variables in writer(LAYERS, layer, "Keras")(layer, name):
            counts[kind] = counts.get(kind, -1) + 1
            group = f"{kind}_{counts[kind]}" if counts[kind] else kind
            layers.append((group, code, variables))
    return layers


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    codes = [code for _, code, _ in keras_layers(model)]
    built = "\n".join(f"        {code}," for code in codes)
    helpers = STEP if any("Lambda(step" in code for code in codes) else ""
    return codegen.module(
        model,
        script,
        weights_file,
        f"Builds the same keras.Sequential and loads its weights from {weights_file}\n"
        "(pip install keras and a backend: jax, tensorflow or torch).",
        "import keras\nimport numpy as np\n",
        f"""{helpers}

def build() -> keras.Sequential:
    return keras.Sequential([
        keras.Input(shape={model.input_shape!r}),
{built}
    ])


def load() -> keras.Sequential:
    model = build()
    model.load_weights(WEIGHTS)
    return model


def predict(X) -> np.ndarray:
    \"\"\"Outputs for raw samples: rows of features, images (n, h, w, c) or their rows.\"\"\"
    X = np.asarray(X, dtype=np.float64)
    scaled = ((X.reshape(len(X), -1) - OFFSET) / SCALE).reshape(-1, *{model.input_shape!r})
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
            for name, _, variables in keras_layers(model):
                group = h5.create_group(f"layers/{name}/vars")
                for index, values in enumerate(variables):
                    group.create_dataset(str(index), data=values)

    write_atomically(path, write_weights)
    code = module_code(model, path.name, script.name).encode("utf-8")
    write_atomically(script, lambda f: f.write(code))
    return [path, script]
