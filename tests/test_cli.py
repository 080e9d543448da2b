"""``nnstudio train`` and friends, run as a user would, in a subprocess."""

import json

import numpy as np
import pytest
from cli_process import run_nnstudio

from nnstudio.engine import Network
from nnstudio.io.npz import load_npz


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(
        json.dumps(
            {"layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]}
        )
    )
    return path


def test_train_a_builtin_dataset_and_save_loadable_weights(tmp_path, spec_file):
    out = tmp_path / "w.npz"
    result = run_nnstudio(
        "train",
        spec_file,
        "--data",
        "circle",
        "--epochs",
        "150",
        "--lr",
        "0.02",
        "--seed",
        "3",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout
    test_accuracy = float(result.stdout.split("test accuracy:")[1].split()[0])
    assert test_accuracy > 0.9
    assert "epoch" in result.stderr  # the progress bar
    net, metadata = load_npz(out)
    assert net.spec.sizes == [2, 8, 1]
    assert metadata["dataset"] == "circle" and metadata["scaler"]["method"] == "standard"
    assert len(metadata["history"]["loss"]) == 150
    keys = set(np.load(out, allow_pickle=False).keys())
    assert {"dense_0.weight", "dense_0.bias", "dense_1.weight", "model.json"} <= keys


def test_train_is_reproducible_with_a_seed(tmp_path, spec_file):
    outs = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for out in outs:
        assert (
            run_nnstudio(
                "train",
                spec_file,
                "--data",
                "xor",
                "--epochs",
                "5",
                "--quiet",
                "--seed",
                "1",
                "--out",
                out,
            ).returncode
            == 0
        )
    a, b = (load_npz(o)[0] for o in outs)
    assert np.array_equal(a.parameters, b.parameters)


def test_train_from_a_csv_file_with_a_named_label_column(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    csv = tmp_path / "table.csv"
    csv.write_text(
        "answer,a,b,c\n" + "".join(f"{lab},{a},{b},{c}\n" for lab, (a, b, c) in zip(labels, X))
    )
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"inputs": 3, "layers": [{"units": 2, "activation": "softmax"}]}))
    out = tmp_path / "w.npz"
    result = run_nnstudio(
        "train",
        spec,
        "--data",
        csv,
        "--label-column",
        "answer",
        "--epochs",
        "100",
        "--lr",
        "0.05",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert load_npz(out)[1]["class_names"] == ["no", "yes"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--data", "nope"], "no built-in dataset or file called 'nope'"),
        (["--data", "iris"], "3 classes but the output layer has 1 unit"),
    ],
)
def test_errors_are_one_clear_line_not_a_traceback(tmp_path, spec_file, args, message):
    result = run_nnstudio("train", spec_file, *args, "--epochs", "2", "--out", tmp_path / "w.npz")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "w.npz").exists()


def test_a_bad_spec_file_is_reported(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text("{not json")
    result = run_nnstudio(
        "train", spec, "--data", "xor", "--epochs", "1", "--out", tmp_path / "w.npz"
    )
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_datasets_lists_every_builtin():
    result = run_nnstudio("datasets")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"circle", "spiral", "iris", "digits", "parity3"} <= set(names)


def test_export_a_trained_weights_file_to_onnx_and_code(tmp_path, spec_file):
    import onnxruntime

    weights = tmp_path / "w.npz"
    assert (
        run_nnstudio(
            "train", spec_file, "--data", "circle", "--epochs", "20", "--out", weights, "--quiet"
        ).returncode
        == 0
    )
    result = run_nnstudio("export", weights, "--format", "onnx", "-o", tmp_path / "w.onnx")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "w.onnx")
    net, metadata = load_npz(weights)
    X = np.random.default_rng(0).normal(size=(9, 2))
    scaled = (X - metadata["scaler"]["offset"]) / metadata["scaler"]["scale"]
    session = onnxruntime.InferenceSession(str(tmp_path / "w.onnx"))
    out = session.run(None, {"input": X.astype(np.float32)})[0]
    assert np.abs(out - net.predict(scaled.astype(np.float32))).max() <= 1e-5
    result = run_nnstudio("export", weights, "-f", "pytorch", "-o", tmp_path / "w.safetensors")
    assert result.stdout.split() == [
        str(tmp_path / "w.safetensors"),
        str(tmp_path / "w_pytorch.py"),
    ]


def test_export_of_an_untrained_project_explains_and_can_be_forced(tmp_path):
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = tmp_path / "p.nnsp"
    save_project(Project.example(), project)
    refused = run_nnstudio("export", project, "-f", "json", "-o", tmp_path / "p.json")
    assert refused.returncode == 2
    assert "untrained" in refused.stderr and "--untrained" in refused.stderr
    assert not (tmp_path / "p.json").exists()
    forced = run_nnstudio("export", project, "-f", "json", "-o", tmp_path / "p.json", "--untrained")
    assert forced.returncode == 0, forced.stderr
    assert json.loads((tmp_path / "p.json").read_text())["format"] == "nnstudio.model"


def test_export_a_project_diagram_as_png_and_svg(tmp_path):
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = tmp_path / "p.nnsp"
    save_project(Project.example(), project)
    for fmt in ("png", "svg"):
        result = run_nnstudio("export", project, "-f", fmt, "-o", tmp_path / f"d.{fmt}")
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "d.svg").read_bytes()[:2000]
    bad = run_nnstudio("export", tmp_path / "missing.npz", "-f", "onnx", "-o", tmp_path / "x")
    assert bad.returncode == 2 and "no such file" in bad.stderr


def test_train_a_project_from_its_weights_then_export_it(tmp_path, spec_file):
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = tmp_path / "p.nnsp"
    save_project(Project.example(), project)
    weights = tmp_path / "p.npz"
    result = run_nnstudio(
        "train", project, "--epochs", "60", "--lr", "0.05", "--out", weights, "--quiet"
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split("test accuracy:")[1].split()[0]) > 0.85
    net, metadata = load_npz(weights)
    assert net.spec.sizes == [2, 4, 4, 1] and metadata["dataset"] == "circle"
    exported = run_nnstudio("export", weights, "-f", "numpy", "-o", tmp_path / "predict.py")
    assert exported.returncode == 0, exported.stderr
    without_data = run_nnstudio("train", spec_file, "--epochs", "1", "--out", weights)
    assert without_data.returncode == 2 and "--data is needed" in without_data.stderr


def test_a_project_trains_with_its_own_settings_exactly_as_the_studio_would(tmp_path):
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project
    from nnstudio.model.training import make_run

    project = Project.example()
    project.training = {
        **project.training,
        "optimizer": "sgd",
        "lr": 0.05,
        "batch_size": 8,
        "validation_split": 0.25,
        "seed": 3,
    }
    path, weights = tmp_path / "p.nnsp", tmp_path / "w.npz"
    save_project(project, path)
    result = run_nnstudio("train", path, "--epochs", "3", "--out", weights, "--quiet")
    assert result.returncode == 0, result.stderr
    net, metadata = load_npz(weights)
    training = metadata["training"]
    assert (training["optimizer"], training["lr"], training["batch_size"]) == ("sgd", 0.05, 8)
    assert len(metadata["history"]["val_loss"]) == 3
    project.training["epochs"] = 3
    studio = make_run(project)  # what Play runs, here in this process
    list(studio.trainer.run())
    for (w, b), (w_studio, b_studio) in zip(net.get_weights(), studio.net.get_weights()):
        assert np.array_equal(w, w_studio) and np.array_equal(b, b_studio)
    result = run_nnstudio(
        "train", path, "--epochs", "1", "--batch-size", "16", "--out", weights, "--quiet"
    )
    assert result.returncode == 0 and load_npz(weights)[1]["training"]["batch_size"] == 16
    refused = run_nnstudio("train", path, "--epochs", "1", "--scaling", "minmax", "--out", weights)
    assert refused.returncode == 2 and "scaled as in the studio" in refused.stderr


def test_a_truth_table_trains_on_every_row_unless_a_split_is_asked_for(tmp_path, spec_file):
    out = tmp_path / "w.npz"
    args = ("train", spec_file, "--data", "parity3", "--epochs", "5", "--out", out)
    result = run_nnstudio(*args)
    assert result.returncode == 0, result.stderr
    assert "no test split: every sample trained" in result.stdout
    result = run_nnstudio(*args, "--split", "0.75")
    assert result.returncode == 0, result.stderr
    assert "test accuracy" in result.stdout


PETS_ROWS = [
    (4.1, "black", "cat"),
    (30.0, "brown", "dog"),
    (3.8, "white", "cat"),
    (40.2, "white", "dog"),
]


def _table(path, rows):
    path.write_text("weight,colour,kind\n" + "".join(f"{w},{c},{k}\n" for w, c, k in rows))
    return path


def test_train_on_a_table_with_a_test_file_read_the_same_way(tmp_path, spec_file):
    train = _table(tmp_path / "train.csv", PETS_ROWS * 10)
    test = _table(tmp_path / "test.csv", PETS_ROWS * 2)
    out = tmp_path / "w.npz"
    args = ["train", spec_file, "--data", train, "--test-data", test, "--label-column", "kind"]
    result = run_nnstudio(*args, "--epochs", "60", "--lr", "0.05", "--out", out)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split("test accuracy:")[1].split()[0]) == 1.0
    net, _ = load_npz(out)
    assert net.spec.sizes[0] == 4  # weight and the three colours, one-hot
    unseen = _table(tmp_path / "unseen.csv", [(5.0, "black", "bird")])
    args[5] = unseen
    result = run_nnstudio(*args, "--epochs", "1", "--out", out)
    assert result.returncode != 0 and "bird" in result.stderr and "Traceback" not in result.stderr


def test_train_on_an_idx_pair_with_its_test_pair(tmp_path, spec_file):
    from nnstudio.datasets import write_idx

    rng = np.random.default_rng(0)
    files = {}
    for part, n in (("train", 60), ("test", 20)):
        labels = rng.integers(0, 2, n).astype(np.uint8)
        images = (labels[:, None, None] * 200 + rng.integers(0, 50, (n, 4, 4))).astype(np.uint8)
        write_idx(tmp_path / f"{part}-images.idx", images)
        write_idx(tmp_path / f"{part}-labels.idx", labels)
        files[part] = f"{tmp_path / f'{part}-images.idx'},{tmp_path / f'{part}-labels.idx'}"
    out = tmp_path / "w.npz"
    result = run_nnstudio(
        "train", spec_file, "--data", files["train"], "--test-data", files["test"],
        "--epochs", "20", "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split("test accuracy:")[1].split()[0]) >= 0.9


def test_several_label_columns_train_a_multi_output_regression(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {"layers": [{"units": 8, "activation": "tanh"}, {"units": 2, "activation": "linear"}]}
        )
    )
    rows = "".join(f"{x},{2 * x},{-x}\n" for x in np.linspace(-1, 1, 40))
    (tmp_path / "t.csv").write_text("x,a,b\n" + rows)
    out = tmp_path / "w.npz"
    result = run_nnstudio(
        "train", spec, "--data", tmp_path / "t.csv", "--label-column", "a",
        "--label-column", "b", "--epochs", "30", "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test mse" in result.stdout
    net, _ = load_npz(out)
    assert net.spec.sizes == [1, 8, 2]


def test_weights_trained_for_no_step_are_exported_only_on_purpose(tmp_path):
    spec = tmp_path / "s.json"
    spec.write_text(
        json.dumps(
            {
                "inputs": 2,
                "layers": [
                    {"units": 3, "activation": "tanh"},
                    {"units": 1, "activation": "sigmoid"},
                ],
            }
        )
    )
    weights = tmp_path / "w.npz"
    trained = run_nnstudio("train", spec, "--data", "xor", "--epochs", "0", "--out", weights)
    assert trained.returncode == 0, trained.stderr
    refused = run_nnstudio("export", weights, "-f", "onnx", "-o", tmp_path / "w.onnx")
    assert refused.returncode == 2 and "w.npz: the network is untrained" in refused.stderr
    assert not (tmp_path / "w.onnx").exists()
    forced = run_nnstudio("export", weights, "-f", "onnx", "-o", tmp_path / "w.onnx", "--untrained")
    assert forced.returncode == 0 and (tmp_path / "w.onnx").is_file()
    once = run_nnstudio(
        "train", spec, "--data", "xor", "--epochs", "1", "--out", tmp_path / "t.npz"
    )
    assert once.returncode == 0
    assert (
        run_nnstudio("export", tmp_path / "t.npz", "-f", "onnx", "-o", tmp_path / "t").returncode
        == 0
    )


def test_train_a_small_cnn_on_the_digits_images_and_save_its_weights(tmp_path):
    spec = tmp_path / "cnn.json"
    spec.write_text(
        json.dumps(
            {
                "inputs": [8, 8, 1],
                "layers": [
                    {"type": "conv2d", "filters": 8, "kernel_size": 3, "activation": "relu"},
                    {"type": "maxpool2d"},
                    {"type": "flatten"},
                    {"units": 10, "activation": "softmax"},
                ],
            }
        )
    )
    out = tmp_path / "cnn.npz"
    result = run_nnstudio(
        "train", spec, "--data", "digits", "--epochs", "5", "--lr", "0.01", "--out", out
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split("test accuracy:")[1].split()[0]) > 0.85
    net, metadata = load_npz(out)
    assert net.spec.shapes[1:3] == [(6, 6, 8), (3, 3, 8)] and metadata["dataset"] == "digits"


def test_a_summed_loss_at_lr_trains_as_the_mean_at_lr_times_the_batch(tmp_path):
    table = tmp_path / "neuron.csv"
    rows = ([0, 0, 1, 0], [1, 1, 1, 1], [1, 0, 1, 1], [0, 1, 1, 0])
    table.write_text("a,b,c,y\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    spec = tmp_path / "neuron.json"
    spec.write_text(json.dumps({"layers": [{"units": 1, "activation": "sigmoid"}]}))
    common = ("--data", table, "--task", "regression", "--scaling", "none", "--loss", "mse")
    common += ("--optimizer", "sgd", "--batch-size", "4", "--epochs", "50", "--dtype", "float64")
    nets = []
    for name, reduction, lr in (("sum", "sum", 0.5), ("mean", "mean", 2.0)):
        out = tmp_path / f"{name}.npz"
        result = run_nnstudio(
            "train", spec, *common, "--loss-reduction", reduction, "--lr", lr, "--quiet",
            "--out", out,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        nets.append(load_npz(out)[0])
    np.testing.assert_allclose(nets[0].parameters, nets[1].parameters, rtol=1e-9)
    start = Network({**json.loads(spec.read_text()), "inputs": 3}, seed=0, dtype="float64")
    assert not np.allclose(nets[0].parameters, start.parameters)  # it did train
