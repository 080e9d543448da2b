"""Atomic writes replace only the file they were asked to write, keep its permissions, and
leave no temporary file behind."""

import os
import stat
import time

import pytest

from nnstudio.atomic import STALE_SECONDS, UnwritableTarget, write_atomically
from nnstudio.errors import NNStudioError


def write_text(text):
    return lambda f: f.write(text.encode())


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomically(link, write_text("new"))
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_folder_fifo_or_device_is_refused_and_left_alone(tmp_path, kind):
    path = tmp_path / kind
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        try:  # a /dev/null of our own: if it were replaced, only this copy would be
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device needs root")
    before = path.lstat()
    with pytest.raises(UnwritableTarget, match="not a file: choose a file name") as caught:
        write_atomically(path, write_text("data"))
    assert isinstance(caught.value, NNStudioError) and isinstance(caught.value, OSError)
    assert path.lstat().st_mode == before.st_mode and path.lstat().st_ino == before.st_ino
    assert os.listdir(tmp_path) == [kind]  # no temporary file either


def test_a_link_to_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "out.bin").symlink_to(fifo)
    with pytest.raises(UnwritableTarget, match="FIFO"):
        write_atomically(tmp_path / "out.bin", write_text("data"))


def test_an_existing_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomically(kept, write_text("new"))
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new"
    old_mask = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", write_text("x"))
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640  # 0666 & ~027


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.nnsp"
    path.write_text("the old project")

    def fail(f):
        f.write(b"half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomically(path, fail)
    assert path.read_text() == "the old project" and os.listdir(tmp_path) == ["model.nnsp"]


def test_a_killed_save_s_temporary_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "model.nnsp"
    stale = tmp_path / ".model.nnsp.abcd1234.tmp"
    fresh = tmp_path / ".model.nnsp.efgh5678.tmp"  # another save, still writing
    other = tmp_path / ".other.nnsp.abcd1234.tmp"
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"partial")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomically(path, write_text("saved"))
    assert not stale.exists() and fresh.exists() and other.exists()
    assert path.read_text() == "saved"


def test_a_save_killed_midway_leaves_the_old_file_and_the_next_save_no_temporary(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.nnsp"
    path.write_text("the saved project")
    slow_save = (
        "import sys, time\n"
        "from nnstudio.atomic import write_atomically\n"
        "def write(f):\n"
        "    for _ in range(1000):\n"
        "        f.write(b'x' * 1000); f.flush(); time.sleep(0.01)\n"
        "write_atomically(sys.argv[1], write)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", slow_save, str(path)])
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob(".model.nnsp.*.tmp")):
        assert time.monotonic() < deadline and child.poll() is None, "the save never began"
        time.sleep(0.01)
    time.sleep(0.1)  # well into writing
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    left = list(tmp_path.glob(".model.nnsp.*.tmp"))
    assert path.read_text() == "the saved project" and len(left) == 1  # as the kill left it
    assert left[0].name.startswith(f".model.nnsp.{child.pid}.")
    write_atomically(path, write_text("saved again"))  # the studio, restarted, saves
    assert path.read_text() == "saved again" and os.listdir(tmp_path) == ["model.nnsp"]
