"""Layer types in the spec: their keys and checks, shapes and refusals, the weights
layout, and Dropout's training-only, seeded behaviour."""

import numpy as np
import pytest

import nnstudio
from nnstudio.engine.layers import LAYER_TYPES
from nnstudio.engine.network import Network
from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import SpecError

CNN = {
    "inputs": [28, 28, 1],
    "layers": [
        {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2, "stride": 2},
        {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.25},
        {"units": 10, "activation": "softmax"},
    ],
}


def _net(*layers, inputs=(6, 6, 1), **options):
    return Network.from_spec({"inputs": list(inputs), "layers": list(layers)}, **options)


def test_the_registry_has_the_types_by_their_spec_names():
    assert set(LAYER_TYPES) == {"dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "dropout"}
    for name, cls in LAYER_TYPES.items():
        assert cls.type_name == cls.Spec.type_name == name and cls.description


def test_shapes_parameter_formulas_and_counts_of_the_small_cnn():
    net = Network.from_spec(CNN)
    assert net.output_shapes == [
        (28, 28, 1),
        (26, 26, 16),
        (13, 13, 16),
        (11, 11, 32),
        (5, 5, 32),
        (800,),
        (800,),
        (10,),
    ]
    assert net.spec.shapes == net.output_shapes
    assert [layer.parameter_formula() for layer in net.layers] == [
        "3×3×1×16 + 16 = 160",
        "0",
        "3×3×16×32 + 32 = 4,640",
        "0",
        "0",
        "0",
        "800×10 + 10 = 8,010",
    ]
    assert net.count_params() == 160 + 4640 + 8010
    assert [layer.has_parameters for layer in net.layers] == [1, 0, 1, 0, 0, 0, 1]
    assert net.n_inputs == 784 and net.spec.sizes[:2] == [784, 26 * 26 * 16]


def test_same_padding_keeps_the_size_at_stride_1_and_rounds_up_at_stride_2():
    net = _net(
        {"type": "conv2d", "filters": 2, "kernel_size": 4, "padding": "same"},
        {"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 2, "padding": "same"},
        {"type": "flatten"},
        {"units": 1},
        inputs=(7, 6, 3),
    )
    assert net.output_shapes[1:3] == [(7, 6, 2), (4, 3, 2)]
    # Keras: the odd row/column of padding goes to the bottom/right
    assert net.layers[0].pads == (1, 2, 1, 2)
    assert net.layers[1].pads == (1, 1, 0, 1)


def test_to_dict_round_trips_every_type_and_old_dense_specs_load_unchanged():
    spec = NetworkSpec.from_dict(CNN)
    again = NetworkSpec.from_dict(spec.to_dict())
    assert again == spec and again.to_dict() == spec.to_dict()
    old = {"inputs": 2, "layers": [{"units": 3, "activation": "tanh"}, {"units": 1}]}
    assert NetworkSpec.from_dict(old).layers[0].type_name == "dense"
    assert NetworkSpec.from_dict(old).to_dict()["layers"][0]["type"] == "dense"


@pytest.mark.parametrize(
    "layer,message",
    [
        ({"type": "conv3d"}, r"layer 0: unknown layer type 'conv3d'; choose one of: .*conv2d"),
        ({"type": "conv2d"}, r'layer 0 \(conv2d\) needs "filters"'),
        ({"type": "conv2d", "filters": 2, "kernal_size": 3}, r"unknown keys \['kernal_size'\]"),
        ({"type": "conv2d", "filters": 0}, r"filters must be a whole number ≥ 1, got 0"),
        ({"type": "conv2d", "filters": 2, "kernel_size": 2.5}, "kernel_size must be a whole"),
        ({"type": "conv2d", "filters": 2, "stride": True}, "stride must be a whole number"),
        ({"type": "conv2d", "filters": 2, "padding": "full"}, "padding must be one of valid, same"),
        ({"type": "conv2d", "filters": 2, "activation": "softmax"}, "softmax is for a dense"),
        ({"type": "conv2d", "filters": 2, "use_bias": 1}, "use_bias must be true or false"),
        ({"type": "maxpool2d", "pool_size": 0}, r"layer 0 \(maxpool2d\) pool_size must be"),
        ({"type": "avgpool2d", "units": 3}, r"unknown keys \['units'\]; allowed: name, pool_size"),
        ({"type": "dropout", "rate": 1.0}, r"rate must be from 0 up to \(not including\) 1, got 1"),
        ({"type": "dropout", "rate": "0.5"}, "rate must be a number"),
        ({"type": "flatten", "rate": 0.5}, r"layer 0 \(flatten\) has unknown keys \['rate'\]"),
    ],
)
def test_each_type_checks_its_own_keys(layer, message):
    with pytest.raises(SpecError, match=message):
        _net(layer, {"type": "flatten"}, {"units": 2})


@pytest.mark.parametrize(
    "layers,inputs,message",
    [
        (
            [{"type": "conv2d", "filters": 4, "kernel_size": 7}],
            [6, 6, 1],
            r"conv2d layer 'conv2d_0': its 7×7 kernel is larger than its 6×6×1 input",
        ),
        (
            [{"type": "maxpool2d", "pool_size": 3}, {"type": "maxpool2d", "pool_size": 3}],
            [6, 6, 1],
            r"maxpool2d layer 'maxpool2d_1': its 3×3 pool is larger than its 2×2×1 input",
        ),
        (
            [{"type": "conv2d", "filters": 4}],
            36,
            r"conv2d layer 'conv2d_0' needs an image input \(height, width, channels\), got 36",
        ),
        ([], [6, 6, 1], r"dense layer 'dense_0' needs a flat input, got 6×6×1: put a flatten"),
        (
            [{"type": "flatten"}, {"type": "dropout"}],
            [6, 6, 1],
            r"the output layer must be dense .* got dropout layer 'dropout_1'",
        ),
    ],
)
def test_shapes_that_cannot_work_are_refused_naming_the_layer_and_shapes(layers, inputs, message):
    output = [] if layers and layers[-1]["type"] == "dropout" else [{"units": 2}]
    with pytest.raises(SpecError, match=message):
        NetworkSpec.from_dict({"inputs": inputs, "layers": layers + output})


@pytest.mark.parametrize("inputs", [[28, 28], [28, 0, 1], [28, 28, "1"]])
def test_image_inputs_are_three_whole_numbers(inputs):
    with pytest.raises(SpecError, match="inputs"):
        NetworkSpec.from_dict({"inputs": inputs, "layers": [{"type": "flatten"}, {"units": 2}]})


def test_weights_come_one_pair_per_layer_with_parameters_in_keras_layouts():
    net = Network.from_spec(CNN, seed=1)
    shapes = [(w.shape, b.shape) for w, b in net.get_weights()]
    assert shapes == [((3, 3, 1, 16), (16,)), ((3, 3, 16, 32), (32,)), ((800, 10), (10,))]
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=w.shape), rng.normal(size=b.shape)) for w, b in net.get_weights()]
    net.set_weights(weights)
    for (w, b), (w2, b2) in zip(weights, net.get_weights()):
        np.testing.assert_allclose(w2, w, rtol=1e-6)
        np.testing.assert_allclose(b2, b, rtol=1e-6)
    # the flat layout: every weight first, then every bias
    np.testing.assert_array_equal(net.weight_view[:144], net.layers[0].weight.reshape(-1))
    np.testing.assert_array_equal(net.parameters[net.n_weights :][:16], net.layers[0].bias)
    with pytest.raises(SpecError, match=r"expected weights for 3 layers with parameters, got 2"):
        net.set_weights(weights[:2])
    with pytest.raises(SpecError, match=r"'conv2d_0': W must have shape \(3, 3, 1, 16\)"):
        net.set_weights([(weights[0][0].T, weights[0][1])] + weights[1:])


def test_a_conv_kernel_computes_a_channels_last_cross_correlation():
    net = _net(
        {"type": "conv2d", "filters": 1, "kernel_size": 2},
        {"type": "flatten"},
        {"units": 1},
        inputs=(3, 3, 2),
        dtype="float64",
    )
    kernel = np.arange(8.0).reshape(2, 2, 2, 1)
    net.set_weights([(kernel, np.array([0.5])), (np.ones((4, 1)), np.zeros(1))])
    x = np.random.default_rng(0).normal(size=(1, 3, 3, 2))
    feature_map = net.layer_outputs(x)[0][0, :, :, 0]
    expected = [
        [np.sum(x[0, i : i + 2, j : j + 2] * kernel[..., 0]) + 0.5 for j in range(2)]
        for i in range(2)
    ]
    np.testing.assert_allclose(feature_map, expected)


def test_predict_takes_images_or_their_flat_rows():
    net = Network.from_spec(CNN)
    X = np.random.default_rng(0).random((5, 28, 28, 1))
    np.testing.assert_array_equal(net.predict(X), net.predict(X.reshape(5, 784)))
    with pytest.raises(nnstudio.TrainingConfigError, match=r"\(n_samples, 28, 28, 1\) or \(n_s"):
        net.predict(X[:, :27])


def _dropout_run(seed=0, rate=0.5, epochs=2):
    net = _net(
        {"type": "flatten"},
        {"units": 16, "activation": "relu"},
        {"type": "dropout", "rate": rate},
        {"units": 3, "activation": "softmax"},
        inputs=(4, 4, 1),
        seed=0,
    )
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(64, 4, 4, 1)), rng.integers(0, 3, 64)
    history = nnstudio.fit(
        net, X, y, optimizer="sgd", lr=0.1, epochs=epochs, batch_size=16, seed=seed
    )
    return net, history


def test_dropout_changes_training_but_not_inference():
    with_dropout, history = _dropout_run(rate=0.5)
    without, history0 = _dropout_run(rate=0.0)
    assert not np.allclose(with_dropout.parameters, without.parameters)
    assert history["loss"] != history0["loss"]
    # the same weights: a dropout layer passes its input on unchanged at inference
    without.parameters[...] = with_dropout.parameters
    X = np.random.default_rng(2).normal(size=(10, 4, 4, 1))
    np.testing.assert_array_equal(with_dropout.predict(X), without.predict(X))
    np.testing.assert_array_equal(with_dropout.predict(X), with_dropout.predict(X))


def test_a_seeded_dropout_run_repeats_bit_for_bit_and_another_seed_differs():
    a, history_a = _dropout_run(seed=3)
    b, history_b = _dropout_run(seed=3)
    c, _ = _dropout_run(seed=4)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert history_a == history_b
    assert not np.array_equal(a.parameters, c.parameters)


def test_dropout_masks_are_inverted_and_drawn_anew_each_batch():
    net = _net(
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.25},
        {"units": 2},
        inputs=(100, 100, 1),
        dtype="float64",
    )
    dropout, ws = net.layers[1], net.workspace(2)
    x = np.ones((2, 10_000))
    first = dropout.forward(x, ws.outputs[1], ws.scratch[1], True).copy()
    second = dropout.forward(x, ws.outputs[1], ws.scratch[1], True)
    assert set(np.unique(first)) == {0.0, 1 / 0.75}
    assert abs(np.mean(first == 0) - 0.25) < 0.02
    assert not np.array_equal(first, second)
    assert dropout.forward(x, ws.outputs[1], ws.scratch[1], False) is x


def test_elu_takes_its_alpha_from_the_spec_with_pytorchs_default_of_one():
    default = NetworkSpec.from_dict({"inputs": 2, "layers": [{"units": 1, "activation": "elu"}]})
    assert default.layers[0].alpha == 1.0 and default.to_dict()["layers"][0]["alpha"] == 1.0
    given = {"inputs": 2, "layers": [{"units": 1, "activation": "elu", "alpha": 0.3}]}
    net = Network.from_spec(given, dtype="float64")
    assert net.layers[0].activation.alpha == 0.3
    assert NetworkSpec.from_dict(given).to_dict()["layers"][0]["alpha"] == 0.3
    tanh = NetworkSpec.from_dict({"inputs": 2, "layers": [{"units": 1, "activation": "tanh"}]})
    assert "alpha" not in tanh.to_dict()["layers"][0]
