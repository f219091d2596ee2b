"""initviz: see why weight initialization matters, and which scheme to use.

The notebooks call a few functions from here:

- initializers: :func:`initialize`, :func:`gain`, :func:`fans` (``initviz.init``);
- activations: :func:`activation` and ``ACTIVATIONS`` (``initviz.activations``);
- a recording network and its training: :class:`MLP`, :func:`train` (``initviz.mlp``, ``initviz.train``),
  with optional batch norm (:class:`BatchNorm`, ``initviz.norm``), residual blocks (``initviz.blocks``), Adam
  (``initviz.optim``) and LSUV (:func:`lsuv`, ``initviz.lsuv``);
- diagnostics during training: :func:`record_training`, :func:`update_ratio`, :func:`initial_loss`
  (``initviz.diagnostics``);
- data: :func:`load_digits`, :func:`make_circles`, :func:`make_spiral` (``initviz.data``);
- theory: :func:`forward_variances`, :func:`chi`, :func:`critical_sigma_w2`,
  :func:`predict_profile`, :func:`predict_layers` (``initviz.theory``);
- statistics: :func:`layer_stats`, :func:`histogram_counts` (``initviz.stats``);
- the one verdict on a per-layer profile: :func:`judge` (``initviz.verdict``);
- the one probe of a net at init, measured and predicted: :func:`probe` (``initviz.probe``).

These are the numerics; they draw nothing. The drawing kit is ``initviz.draw`` (the palette, generic
views, the Panel) and each notebook has its own module in ``initviz.lessons``. Neither is imported
here, so the numerics run without matplotlib or ipywidgets.
"""

from .activations import ACTIVATIONS
from .activations import get as activation
from .data import Dataset, load_digits, make_circles, make_spiral
from .diagnostics import Diagnostics, initial_loss, record_training, update_ratio
from .init import INITIALIZERS, fans, gain, init_label, initialize, parse_init, weight_variance
from .lsuv import LSUVReport, lsuv
from .mlp import MLP, Trace
from .norm import BatchNorm
from .probe import Probe, layer_widths, probe
from .stats import dead_fraction, histogram_counts, input_driven_std, layer_stats, saturated_fraction
from .theory import chi, critical_sigma_w2, forward_variances, predict_layers, predict_profile
from .train import History, train
from .verdict import Verdict, judge

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "BatchNorm",
    "Diagnostics",
    "LSUVReport",
    "initial_loss",
    "lsuv",
    "record_training",
    "update_ratio",
    "Dataset",
    "History",
    "INITIALIZERS",
    "MLP",
    "Probe",
    "Trace",
    "Verdict",
    "activation",
    "chi",
    "critical_sigma_w2",
    "dead_fraction",
    "fans",
    "forward_variances",
    "gain",
    "histogram_counts",
    "init_label",
    "initialize",
    "input_driven_std",
    "judge",
    "layer_stats",
    "layer_widths",
    "load_digits",
    "make_circles",
    "make_spiral",
    "parse_init",
    "predict_layers",
    "predict_profile",
    "probe",
    "saturated_fraction",
    "train",
    "weight_variance",
]
