"""Layer types in the design: a small CNN is built, checked, edited and saved like an MLP."""

import numpy as np
import pytest

from nnstudio.engine.layers import LAYER_TYPES
from nnstudio.engine.network import Network
from nnstudio.model.document import DocumentError, LayerState, NetworkDocument, new_layer
from nnstudio.model.layer_types import palette_types, type_info
from nnstudio.model.project import Project


def mnist_cnn() -> NetworkDocument:
    """input 28×28×1 → conv 8 relu → maxpool → flatten → output 10 softmax, built as a
    user builds it: flatten first (the output needs flat input), then the image layers."""
    doc = NetworkDocument(inputs=2, outputs=1, hidden=())
    doc.bind_dataset(784, 10, "softmax", image_shape=(28, 28, 1))
    doc.insert_layer(1, new_layer("flatten", "flatten_1", 0, "linear"))
    doc.insert_layer(1, new_layer("conv2d", "conv2d_1", 8, "relu"))
    doc.insert_layer(2, new_layer("maxpool2d", "maxpool2d_1", 0, "linear"))
    return doc


def test_the_palette_lists_every_registered_type_dense_first_with_a_description():
    types = palette_types()
    assert [t.name for t in types][0] == "dense"
    assert {t.name for t in types} == set(LAYER_TYPES)
    assert all(t.description and t.title for t in types)
    conv = type_info("conv2d")
    assert conv.count_key == "filters" and conv.has_activation and conv.has_parameters
    assert conv.defaults == {"kernel_size": 3, "stride": 1, "padding": "valid", "use_bias": True}
    assert type_info("maxpool2d").count_key is None and not type_info("flatten").has_parameters


def test_a_cnn_has_its_shapes_formulas_and_weights_per_layer_with_parameters():
    doc = mnist_cnn()
    assert [layer.type for layer in doc.layers] == [
        "dense",
        "conv2d",
        "maxpool2d",
        "flatten",
        "dense",
    ]
    assert doc.shapes() == [(28, 28, 1), (26, 26, 8), (13, 13, 8), (1352,), (10,)]
    formulas = doc.parameter_formulas()
    assert formulas[1] == "3×3×1×8 + 8 = 80" and formulas[2] == "0"
    assert formulas[4] == "1352×10 + 10 = 13,530"
    assert doc.weighted() == [1, 4]
    assert [w.shape for w, _ in doc.weights()] == [(3, 3, 1, 8), (1352, 10)]
    net = Network.from_spec(doc.spec(), seed=doc.seed)
    for (w, b), (mine, my_b) in zip(net.get_weights(), doc.weights()):
        np.testing.assert_array_equal(w, mine)
        np.testing.assert_array_equal(b, my_b)
    assert net.predict(np.zeros((2, 784))).shape == (2, 10) and not doc.problems()


def test_shapes_that_cannot_work_are_refused_with_the_engines_message():
    doc = mnist_cnn()
    with pytest.raises(DocumentError, match="kernel"):
        doc.set_option(1, "kernel_size", 29)  # larger than the 28×28 image
    assert doc[1].option("kernel_size") == 3  # nothing changed
    with pytest.raises(DocumentError, match="flatten"):
        doc.remove_layer(3)  # a dense output layer cannot take 13×13×8
    flat = NetworkDocument()  # 2 features, no image
    with pytest.raises(DocumentError, match="conv2d"):
        flat.insert_layer(1, new_layer("conv2d", "conv2d_1", 8, "relu"))
    assert len(flat) == 3


def test_options_change_the_shapes_and_undo_gives_the_same_weights():
    doc = mnist_cnn()
    before = [(w.copy(), b.copy()) for w, b in doc.weights()]
    doc.set_option(1, "padding", "same")
    assert doc.shapes()[1] == (28, 28, 8) and doc.shapes()[3] == (1568,)
    assert doc[1].options == (("padding", "same"),)
    doc.set_option(1, "padding", "valid", weights=before)
    assert doc[1].options == ()  # the default is not written out
    for (w, b), (w0, b0) in zip(doc.weights(), before):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
    with pytest.raises(DocumentError, match="no option 'rate'"):
        doc.set_option(1, "rate", 0.5)


def test_fewer_feature_maps_keep_the_first_ones_weights():
    doc = mnist_cnn()
    doc.set_weights([(w + 1.0, b + 2.0) for w, b in doc.weights()])
    old_kernel, old_bias = doc.weights()[0]
    doc.set_units(1, 4)
    kernel, bias = doc.weights()[0]
    assert kernel.shape == (3, 3, 1, 4)
    np.testing.assert_array_equal(kernel, old_kernel[..., :4])
    np.testing.assert_array_equal(bias, old_bias[:4])


def test_sizes_and_activations_only_where_the_type_has_them():
    doc = mnist_cnn()
    with pytest.raises(DocumentError, match="size follows its input"):
        doc.set_units(2, 5)
    with pytest.raises(DocumentError, match="Flatten layer has no activation"):
        doc.set_activation(3, "relu")


def test_flat_data_under_an_image_network_is_kept_and_said_why_it_cannot_train():
    doc = mnist_cnn()
    doc.bind_dataset(2, 1, "sigmoid")  # the user picked XOR
    assert doc.weights() == [] and doc.problems()
    assert "conv2d" in doc.problems()[0]
    doc.remove_layer(1)  # mending it step by step is allowed
    doc.remove_layer(1)
    assert not doc.problems() and [w.shape for w, _ in doc.weights()] == [(2, 1)]


def test_a_cnn_project_round_trips_and_mlp_projects_keep_their_form(tmp_path):
    from nnstudio.io.project import load_project, save_project

    project = Project.example()
    mlp_layers = project.to_dict()["network"]["layers"]
    assert all(set(d) == {"name", "kind", "units", "activation"} for d in mlp_layers)
    project.document.set_layers(list(mnist_cnn().layers))
    project.document.set_option(1, "stride", 2)
    save_project(project, tmp_path / "cnn.nnsp")
    again = load_project(tmp_path / "cnn.nnsp")
    assert again.to_dict() == project.to_dict()
    assert again.document.spec() == project.document.spec()
    assert again.document[0].shape == (28, 28, 1)


def test_a_layer_with_an_option_its_type_lacks_is_refused():
    with pytest.raises(DocumentError, match="no option 'filters'"):
        LayerState.from_dict(
            {"name": "p", "kind": "dense", "units": 0, "activation": "linear",
             "type": "maxpool2d", "options": {"filters": 3}}
        )  # fmt: skip
