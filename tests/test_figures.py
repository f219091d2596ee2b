import subprocess
import sys

from initviz import figures

QUICK = ["teaser.png", "Weight_init_2.PNG", "Weight_init_3.PNG", "04_he.png"]


def make(out):
    done = subprocess.run(
        [sys.executable, "-m", "initviz.figures", "--only", *QUICK, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return {name: (out / name).read_bytes() for name in QUICK}


def test_figures_command_is_deterministic(tmp_path):
    first, second = make(tmp_path / "a"), make(tmp_path / "b")
    for name in QUICK:
        assert first[name][:8] == b"\x89PNG\r\n\x1a\n" and len(first[name]) > 20_000, name
        assert first[name] == second[name], f"{name} differs between two runs"


def test_every_image_the_note_links_to_is_made():
    made = set(figures.figures())
    assert {f"Weight_init_{k}.PNG" for k in range(1, 5)} <= made
    assert {
        "teaser.png",
        "01_constant.png",
        "02_gaussian.png",
        "03_xavier.png",
        "04_he.png",
        "05_experiment.png",
    } <= made


def test_unknown_figure_name_exits_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "initviz.figures", "--only", "nope.png", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "invalid choice" in done.stderr
