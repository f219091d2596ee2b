"""initviz: see why weight initialization matters, and which scheme to use.

The notebooks call a few functions from here:

- initializers: :func:`initialize`, :func:`gain`, :func:`fans` (``initviz.init``);
- activations: :func:`activation` and ``ACTIVATIONS`` (``initviz.activations``);
- a recording network and its training: :class:`MLP`, :func:`train` (``initviz.mlp``, ``initviz.train``);
- data: :func:`load_digits`, :func:`make_circles`, :func:`make_spiral` (``initviz.data``);
- theory: :func:`forward_variances`, :func:`chi`, :func:`critical_sigma_w2`,
  :func:`predict_profile` (``initviz.theory``);
- statistics: :func:`layer_stats`, :func:`histogram_counts`, :func:`signal_state` (``initviz.stats``).

Plotting lives in ``initviz.plots`` and the interactive panels in ``initviz.widgets``;
neither is imported here, so the numerics run without matplotlib or ipywidgets.
"""

from .activations import ACTIVATIONS
from .activations import get as activation
from .data import Dataset, load_digits, make_circles, make_spiral
from .init import INITIALIZERS, fans, gain, init_label, initialize, parse_init
from .mlp import MLP, Trace, propagate
from .stats import dead_fraction, histogram_counts, layer_stats, saturated_fraction, signal_state
from .theory import chi, critical_sigma_w2, forward_variances, predict_profile
from .train import History, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Dataset",
    "History",
    "INITIALIZERS",
    "MLP",
    "Trace",
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
    "layer_stats",
    "load_digits",
    "make_circles",
    "make_spiral",
    "parse_init",
    "predict_profile",
    "propagate",
    "saturated_fraction",
    "signal_state",
    "train",
]
