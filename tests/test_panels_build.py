"""Every interactive panel builds and redraws with the installed ipywidgets, 7.x (Colab) as well as 8.x.

Panels are found by name (every ``*_panel`` function in initviz.widgets), so a new panel is covered
without editing this file. Each is built with its defaults, driven to the low and high ends of all its
controls, and must hand back PNG bytes. Warnings are errors (pyproject), so an ipywidgets-8-only keyword,
which ipywidgets 7 accepts with a DeprecationWarning, fails here.

CI runs this file a second time in a venv with ipywidgets 7.x (see .ci/run).
"""

from __future__ import annotations

import warnings

import ipywidgets
import pytest
from ipywidgets.embed import embed_data

from initviz import widgets as panels

PANEL_NAMES = sorted(name for name in dir(panels) if name.endswith("_panel") and callable(getattr(panels, name)))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IPYWIDGETS_MAJOR = int(ipywidgets.__version__.split(".")[0])


def control_range(control):
    """The two extreme values of a control: (min, max) of a slider, first and last choice, False and True."""
    if isinstance(control, ipywidgets.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    if hasattr(control, "min") and hasattr(control, "max"):
        return control.min, control.max
    if hasattr(control, "options"):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return values[0], values[-1]
    if isinstance(control.value, bool):
        return False, True
    raise TypeError(f"no known range for a {type(control).__name__}; extend control_range in this test")


def shown(panel) -> bytes:
    """The PNG the panel's Image widget holds (ipywidgets 8 stores a memoryview, 7 bytes)."""
    return bytes(panel.image.value)


def corners(panel):
    """Two settings: every control at its low end, and every control at its high end."""
    ranges = {name: control_range(control) for name, control in panel.controls.items()}
    return [{name: pair[0] for name, pair in ranges.items()}, {name: pair[1] for name, pair in ranges.items()}]


@pytest.fixture(scope="module", params=PANEL_NAMES)
def panel(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return getattr(panels, request.param)()


def test_panels_are_found():
    assert PANEL_NAMES, "no *_panel function found in initviz.widgets"
    assert IPYWIDGETS_MAJOR in (7, 8), f"ipywidgets {ipywidgets.__version__}: only 7.x and 8.x are supported"


def test_panel_is_made_of_core_widgets(panel):
    assert isinstance(panel, panels.Panel)
    assert panel.controls, "a panel needs at least one control"
    # Only the core widget library (@jupyter-widgets/controls), which Colab and every JupyterLab ship with.
    for widget in [panel.widget, panel.image, *panel.controls.values()]:
        assert widget._model_module == "@jupyter-widgets/controls", f"{widget!r} is not a core widget"
    assert panel.image in panel.widget.children
    assert panel.image.format == "png"
    assert shown(panel).startswith(PNG_SIGNATURE), "a panel shows its default figure as soon as it is built"


def test_panel_redraws_at_the_corners_of_its_controls(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        default = bytes(panel.update())
        images = []
        for setting in corners(panel):
            png = bytes(panel.update(**setting))
            assert png.startswith(PNG_SIGNATURE), f"update({setting}) did not return PNG bytes"
            assert shown(panel) == png, "the Image widget must show what update() returned"
            images.append(png)
    assert any(png != default for png in images), "the figure is the same at both corners as by default"
    assert bytes(panel.update()) == default, "redrawing the default setting must give the default figure again"


def test_moving_a_control_redraws_the_image(panel):
    """What a learner does: change a control's value (the browser does this through the widget model)."""
    changed = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, control in panel.controls.items():
            start, before = control.value, shown(panel)
            low, high = control_range(control)
            control.value = high if start != high else low
            changed.append(shown(panel) != before)
            assert shown(panel).startswith(PNG_SIGNATURE), f"moving {name!r} broke the figure"
            control.value = start
    assert any(changed), "moving any one control never changed the figure"


def test_panel_state_serializes(panel):
    """The widget state (what a notebook front end receives, and what nbconvert would embed) is complete."""
    data = embed_data(views=[panel.widget])
    states = data["manager_state"]["state"]
    assert panel.widget.model_id in states
    for widget in [panel.image, *panel.controls.values()]:
        assert widget.model_id in states, f"{widget!r} is missing from the embedded state"
