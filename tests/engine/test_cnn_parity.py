"""Image layers against PyTorch (float64): the same forward pass, and the same weights
after 3 epochs of SGD and of Adam. PyTorch computes in NCHW with (F, C, kh, kw) kernels;
the reference permutes to nnstudio's channels-last layout before each flatten."""

import numpy as np
import pytest

from nnstudio.engine.fit import fit
from nnstudio.engine.network import Network

torch = pytest.importorskip("torch")
F = torch.nn.functional
ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z}


def _torch_parameters(net):
    """Leaf tensors holding ``net``'s weights in PyTorch's layouts."""
    params = []
    for layer, (w, b) in zip(net.weighted_layers, net.get_weights()):
        w = w.transpose(3, 2, 0, 1) if layer.type_name == "conv2d" else w.T
        params.append(torch.tensor(np.ascontiguousarray(w), requires_grad=True))
        params.append(torch.tensor(b, requires_grad=True))
    return params


def _torch_logits(net, params, X, training=False):
    """The output layer's pre-activations, computed by PyTorch for NHWC ``X``."""
    a = torch.tensor(X).permute(0, 3, 1, 2)
    weights = iter(params)
    for layer in net.layers:
        spec = layer.spec
        if layer.type_name == "conv2d":
            w, b = next(weights), next(weights)
            top, bottom, left, right = layer.pads
            a = F.conv2d(F.pad(a, (left, right, top, bottom)), w, b, stride=spec.stride)
            a = ACTIVATIONS[spec.activation](a)
        elif layer.type_name in ("maxpool2d", "avgpool2d"):
            pool = F.max_pool2d if layer.type_name == "maxpool2d" else F.avg_pool2d
            a = pool(a, spec.pool_size, spec.stride)
        elif layer.type_name == "flatten":
            a = a.permute(0, 2, 3, 1).flatten(1)
        elif layer.type_name == "dropout":
            a = F.dropout(a, spec.rate, training=training)
        else:
            w, b = next(weights), next(weights)
            a = F.linear(a, w, b)
            if layer is not net.layers[-1]:
                a = ACTIVATIONS[spec.activation](a)
    return a


def _conv_net(conv, pool=None, dropout=None, seed=0):
    layers = [{"type": "conv2d", "filters": 3, "activation": "relu", **conv}]
    if pool:
        layers.append(pool)
    layers += [{"type": "flatten"}]
    if dropout is not None:
        layers.append({"type": "dropout", "rate": dropout})
    layers.append({"units": 4, "activation": "softmax"})
    net = Network.from_spec({"inputs": [8, 9, 2], "layers": layers}, seed=seed, dtype="float64")
    net.parameters[net.n_weights :] = np.random.default_rng(seed).normal(
        scale=0.1, size=net.parameters.size - net.n_weights
    )
    return net


CASES = {
    "conv valid": ({"kernel_size": 3}, None),
    "conv same": ({"kernel_size": 3, "padding": "same"}, None),
    "conv same, even kernel": ({"kernel_size": 4, "padding": "same"}, None),
    "conv stride 2": ({"kernel_size": 3, "stride": 2}, None),
    "conv stride 2 same": ({"kernel_size": 3, "stride": 2, "padding": "same"}, None),
    "maxpool": ({"kernel_size": 3}, {"type": "maxpool2d"}),
    "maxpool 3/2": ({"kernel_size": 2}, {"type": "maxpool2d", "pool_size": 3, "stride": 2}),
    # a 4×4 output that 2×2 windows tile: the conv writes it in phase order, the pooling
    # applies the ReLU
    "maxpool, phase order": ({"kernel_size": 2, "stride": 2}, {"type": "maxpool2d"}),
    "avgpool": ({"kernel_size": 3, "padding": "same"}, {"type": "avgpool2d"}),
    "avgpool 2/1": ({"kernel_size": 3}, {"type": "avgpool2d", "pool_size": 2, "stride": 1}),
}


def _data(n=24):
    rng = np.random.default_rng(7)
    return rng.normal(size=(n, 8, 9, 2)), rng.integers(0, 4, n)


@pytest.mark.parametrize("case", sorted(CASES))
def test_forward_equals_pytorchs(case):
    net = _conv_net(*CASES[case])
    X, _ = _data()
    expected = torch.softmax(_torch_logits(net, _torch_parameters(net), X), 1).detach().numpy()
    assert np.max(np.abs(net.predict(X) - expected)) <= 1e-6


@pytest.mark.parametrize("batch", [8, 16])  # 16: trained as two halves (engine/halves.py)
@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.1), ("adam", 0.01)])
@pytest.mark.parametrize("case", sorted(CASES) + ["dropout rate 0"])
def test_three_epochs_of_training_equal_pytorchs(case, optimizer, lr, batch):
    conv, pool = CASES.get(case, ({"kernel_size": 3}, {"type": "maxpool2d"}))
    net = _conv_net(conv, pool, dropout=0.0 if case == "dropout rate 0" else None)
    X, y = _data()
    params = _torch_parameters(net)
    opt = (torch.optim.SGD if optimizer == "sgd" else torch.optim.Adam)(params, lr=lr)
    for _ in range(3):
        for start in range(0, len(X), batch):
            loss = F.cross_entropy(
                _torch_logits(net, params, X[start : start + batch], training=True),
                torch.tensor(y[start : start + batch]),
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
    fit(net, X, y, optimizer=optimizer, lr=lr, epochs=3, batch_size=batch, shuffle=False)
    ours = net.get_weights()
    for (w, b), layer, (tw, tb) in zip(ours, net.weighted_layers, zip(params[::2], params[1::2])):
        tw = tw.detach().numpy()
        tw = tw.transpose(2, 3, 1, 0) if layer.type_name == "conv2d" else tw.T
        assert np.max(np.abs(w - tw)) <= 1e-6
        assert np.max(np.abs(b - tb.detach().numpy())) <= 1e-6


def test_dropout_in_inference_mode_equals_pytorchs_eval_mode():
    net = _conv_net({"kernel_size": 3}, {"type": "maxpool2d"}, dropout=0.5)
    X, _ = _data()
    logits = _torch_logits(net, _torch_parameters(net), X, training=False)
    assert np.max(np.abs(net.logits(X) - logits.detach().numpy())) <= 1e-6
