"""Bad input, systematically: every public function and every CLI flag.

Each case must raise ValueError or TypeError whose message names the argument and
what is allowed (checked by a fragment of the message), without a warning; the CLI
must exit with status 2 and say why on stderr.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import initviz as iv
from initviz import chaos, experiment, optim, trainability
from initviz import random_nets as rn
from initviz.lessons import chaos as chaos_lesson

NAN, INF = float("nan"), float("inf")
X3 = np.zeros((4, 3))


def mlp():
    return iv.MLP([3, 2])


CASES = [
    # initialize
    ("initialize unknown name", lambda: iv.initialize("bogus", (3, 3)), ValueError, "allowed: constant"),
    ("initialize name type", lambda: iv.initialize(3, (3, 3)), TypeError, "initializer must be a string"),
    ("initialize negative std", lambda: iv.initialize("normal", (3, 3), std=-1), ValueError, "std must be >= 0"),
    ("initialize NaN std", lambda: iv.initialize("normal", (3, 3), std=NAN), ValueError, "std must be a finite"),
    ("initialize inf mean", lambda: iv.initialize("normal", (3, 3), mean=INF), ValueError, "mean must be a finite"),
    ("initialize std type", lambda: iv.initialize("normal", (3, 3), std="1"), TypeError, "std must be a real"),
    ("initialize 1-D fans", lambda: iv.initialize("he_normal", (3,)), ValueError, "at least 2 dimension"),
    ("initialize zero dim", lambda: iv.initialize("he_normal", (0, 3)), ValueError, "dimensions must be >= 1"),
    ("initialize negative dim", lambda: iv.initialize("zeros", (-2,)), ValueError, "dimensions must be >= 1"),
    ("initialize shape type", lambda: iv.initialize("he_normal", "33"), TypeError, "shape must be a tuple"),
    ("initialize float dim", lambda: iv.initialize("he_normal", (2.5, 3)), TypeError, "shape must hold positive ints"),
    ("initialize empty shape", lambda: iv.initialize("zeros", ()), ValueError, "at least 1 dimension"),
    (
        "initialize bad mode",
        lambda: iv.initialize("he_normal", (3, 3), mode="fan_max"),
        ValueError,
        "allowed: fan_avg, fan_in, fan_out",
    ),
    (
        "initialize negative gain",
        lambda: iv.initialize("xavier_normal", (3, 3), gain=-1),
        ValueError,
        "gain must be >= 0",
    ),
    ("initialize inf gain", lambda: iv.initialize("orthogonal", (3, 3), gain=INF), ValueError, "gain must be a finite"),
    (
        "initialize unknown option",
        lambda: iv.initialize("xavier_normal", (3, 3), foo=1),
        TypeError,
        "allowed: ['gain']",
    ),
    ("initialize rng type", lambda: iv.initialize("zeros", (3, 3), rng="a"), TypeError, "rng must be a numpy"),
    ("initialize negative seed", lambda: iv.initialize("zeros", (3, 3), rng=-1), ValueError, "seed must be >= 0"),
    (
        "initialize int dtype",
        lambda: iv.initialize("zeros", (3, 3), dtype=np.int32),
        TypeError,
        "dtype must be a floating",
    ),
    (
        "initialize low >= high",
        lambda: iv.initialize("uniform", (3, 3), low=1, high=0),
        ValueError,
        "high must be > low",
    ),
    (
        "initialize truncation mass",
        lambda: iv.initialize("truncated_normal", (3, 3), a=10, b=11),
        ValueError,
        "choose a and b",
    ),
    (
        "initialize gain and slope",
        lambda: iv.initialize("he_normal", (3, 3), gain=1, negative_slope=0.1),
        ValueError,
        "either gain or nonlinearity",
    ),
    (
        "initialize constant value type",
        lambda: iv.initialize("constant", (3, 3), value="x"),
        TypeError,
        "value must be a real",
    ),
    # gain, fans
    ("gain unknown", lambda: iv.gain("swish"), ValueError, "allowed: conv1d"),
    ("gain type", lambda: iv.gain(None), TypeError, "nonlinearity must be a string"),
    ("gain slope for relu", lambda: iv.gain("relu", 0.1), ValueError, "negative_slope applies only"),
    ("gain NaN slope", lambda: iv.gain("leaky_relu", NAN), ValueError, "negative_slope must be a finite"),
    ("fans 1-D", lambda: iv.fans((3,)), ValueError, "fans are undefined"),
    ("fans empty", lambda: iv.fans(()), ValueError, "at least 1 dimension"),
    ("fans type", lambda: iv.fans(None), TypeError, "shape must be a tuple"),
    # activations
    ("activation unknown", lambda: iv.activation("swish"), ValueError, "allowed: leaky_relu"),
    ("activation negative slope", lambda: iv.activation("leaky_relu", -0.1), ValueError, "negative_slope must be >= 0"),
    ("activation slope > 1", lambda: iv.activation("leaky_relu", 2), ValueError, "negative_slope must be <= 1"),
    # MLP
    ("MLP one size", lambda: iv.MLP([3]), ValueError, "sizes needs at least"),
    ("MLP zero width", lambda: iv.MLP([3, 0, 2]), ValueError, "dimensions must be >= 1"),
    ("MLP sizes type", lambda: iv.MLP("32"), TypeError, "sizes must be a list"),
    ("MLP activation", lambda: iv.MLP([3, 2], activation="nope"), ValueError, "unknown activation"),
    ("MLP init", lambda: iv.MLP([3, 2], init="bogus"), ValueError, "unknown initializer"),
    ("MLP init option", lambda: iv.MLP([3, 2], init="normal:std=-1"), ValueError, "std must be >= 0"),
    ("forward wrong width", lambda: mlp().forward(np.zeros((4, 5))), ValueError, "x must have 3 features"),
    ("forward empty", lambda: mlp().forward(np.zeros((0, 3))), ValueError, "x must not be empty"),
    ("forward NaN", lambda: mlp().forward(np.full((1, 3), NAN)), ValueError, "x must hold finite"),
    ("forward 1-D", lambda: mlp().forward(np.zeros(3)), ValueError, "x must be a 2-D array"),
    ("forward strings", lambda: mlp().forward([["a", "b", "c"]]), TypeError, "x must be a numeric"),
    ("trace X/y length", lambda: mlp().trace(X3, np.zeros(5, int)), ValueError, "same length, got 4 and 5"),
    ("trace label range", lambda: mlp().trace(X3, np.array([0, 1, 2, 0])), ValueError, "labels in 0..1"),
    ("trace float labels", lambda: mlp().trace(X3, np.zeros(4)), TypeError, "integer class labels"),
    ("trace grad shape", lambda: mlp().trace(X3, grad_output=np.zeros((4, 3))), ValueError, "grad_output must have"),
    ("step lr 0", lambda: mlp().step(X3, np.zeros(4, int), lr=0), ValueError, "lr must be > 0"),
    ("step lr NaN", lambda: mlp().step(X3, np.zeros(4, int), lr=NAN), ValueError, "lr must be a finite"),
    ("step momentum", lambda: mlp().step(X3, np.zeros(4, int), lr=0.1, momentum=1), ValueError, "momentum must be < 1"),
    (
        "from_weights mismatch",
        lambda: iv.MLP.from_weights([np.zeros((3, 2)), np.zeros((3, 2))]),
        ValueError,
        "weights[0] has shape",
    ),
    ("from_weights empty", lambda: iv.MLP.from_weights([]), ValueError, "at least one matrix"),
    # train
    ("train lr 0", lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), lr=0), ValueError, "lr must be > 0"),
    ("train lr negative", lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), lr=-1), ValueError, "lr must be > 0"),
    ("train lr inf", lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), lr=INF), ValueError, "lr must be a finite"),
    ("train steps 0", lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), steps=0), ValueError, "steps must be >= 1"),
    (
        "train steps float",
        lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), steps=1.5),
        TypeError,
        "steps must be an integer",
    ),
    (
        "train batch 0",
        lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), batch_size=0),
        ValueError,
        "batch_size must be >= 1",
    ),
    (
        "train momentum",
        lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), momentum=1.5),
        ValueError,
        "momentum must be < 1",
    ),
    (
        "train eval_every",
        lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), eval_every=0),
        ValueError,
        "eval_every must be >= 1",
    ),
    ("train misfit model", lambda: iv.train(iv.MLP([3, 2]), iv.make_circles()), ValueError, "do not fit the data"),
    ("train model type", lambda: iv.train("net", iv.make_circles()), TypeError, "model must be an initviz.MLP"),
    ("train data type", lambda: iv.train(iv.MLP([2, 2]), (1, 2)), TypeError, "data must be an initviz.Dataset"),
    # data
    ("digits test_fraction 0", lambda: iv.load_digits(test_fraction=0), ValueError, "test_fraction must be > 0"),
    ("digits test_fraction 1.5", lambda: iv.load_digits(test_fraction=1.5), ValueError, "test_fraction must be < 1"),
    ("digits seed type", lambda: iv.load_digits(seed="x"), TypeError, "seed must be"),
    ("circles n", lambda: iv.make_circles(n=-5), ValueError, "n must be >= 4"),
    ("circles noise", lambda: iv.make_circles(noise=-1), ValueError, "noise must be >= 0"),
    ("circles factor", lambda: iv.make_circles(factor=2), ValueError, "factor must be < 1"),
    ("spiral classes", lambda: iv.make_spiral(classes=1), ValueError, "classes must be >= 2"),
    ("spiral noise NaN", lambda: iv.make_spiral(noise=NAN), ValueError, "noise must be a finite"),
    # theory
    ("forward_variances depth", lambda: iv.forward_variances(0, 1.0), ValueError, "depth must be >= 1"),
    ("forward_variances sigma", lambda: iv.forward_variances(3, -1.0), ValueError, "sigma_w2 must be >= 0"),
    ("forward_variances bias", lambda: iv.forward_variances(3, 1.0, NAN), ValueError, "sigma_b2 must be a finite"),
    (
        "forward_variances activation",
        lambda: iv.forward_variances(3, 1.0, activation="x"),
        ValueError,
        "unknown activation",
    ),
    ("chi q", lambda: iv.chi(-1, 1.0), ValueError, "q must be >= 0"),
    ("chi sigma", lambda: iv.chi(1, INF), ValueError, "sigma_w2 must be a finite"),
    ("critical activation", lambda: iv.critical_sigma_w2("bogus"), ValueError, "unknown activation"),
    ("critical bias", lambda: iv.critical_sigma_w2("tanh", -1), ValueError, "sigma_b2 must be >= 0"),
    (
        "predict_profile weight_var",
        lambda: iv.predict_profile(3, -1, 100, "relu"),
        ValueError,
        "weight_var must be >= 0",
    ),
    ("predict_profile fan_in", lambda: iv.predict_profile(3, 0.01, 0, "relu"), ValueError, "fan_in must be >= 1"),
    (
        "predict_profile fan_out",
        lambda: iv.predict_profile(3, 0.01, 10, "relu", fan_out=0),
        ValueError,
        "fan_out must be >= 1",
    ),
    # stats
    ("layer_stats empty list", lambda: iv.layer_stats([]), TypeError, "non-empty list"),
    ("layer_stats empty array", lambda: iv.layer_stats([np.array([])]), ValueError, "arrays[0] is empty"),
    ("layer_stats strings", lambda: iv.layer_stats([np.array(["a"])]), TypeError, "must be numeric"),
    ("histogram bins", lambda: iv.histogram_counts([np.zeros(3)], bins=0), ValueError, "bins must be >= 1"),
    ("histogram range", lambda: iv.histogram_counts([np.zeros(3)], range=(1, 0)), ValueError, "high > low"),
    (
        "histogram range NaN",
        lambda: iv.histogram_counts([np.zeros(3)], range=(NAN, 1)),
        ValueError,
        "range[0] must be a finite",
    ),
    ("dead_fraction 1-D", lambda: iv.dead_fraction(np.zeros(3)), ValueError, "h must be a 2-D"),
    ("saturated activation", lambda: iv.saturated_fraction(np.zeros(3), "bogus"), ValueError, "unknown activation"),
    # the verdict
    ("judge lengths", lambda: iv.judge([1.0, 2.0], finite=[1.0]), ValueError, "one value per layer"),
    ("judge direction", lambda: iv.judge([1.0], direction="up"), ValueError, "allowed: backward, forward"),
    ("judge empty", lambda: iv.judge([]), ValueError, "non-empty 1-D"),
    ("judge scale", lambda: iv.judge([1.0], scale=0), ValueError, "scale must be > 0"),
    # probe, parse_init, weight_variance, predict_layers
    ("probe depth", lambda: iv.probe("he_normal", "relu", depth=0), ValueError, "depth must be >= 1"),
    ("probe width", lambda: iv.probe("he_normal", "relu", width=-1), ValueError, "width must be >= 1"),
    ("probe samples", lambda: iv.probe("he_normal", "relu", n_samples=0), ValueError, "n_samples must be >= 1"),
    ("probe init", lambda: iv.probe("bogus", "relu"), ValueError, "unknown initializer"),
    ("probe activation", lambda: iv.probe("he_normal", "swish"), ValueError, "unknown activation"),
    ("probe widths type", lambda: iv.probe("he_normal", widths="wide"), TypeError, "widths must be a list"),
    ("probe one width", lambda: iv.probe("he_normal", widths=[10]), ValueError, "at least [n_0, n_1]"),
    ("probe nets", lambda: iv.probe("he_normal", nets=0), ValueError, "nets must be >= 1"),
    ("probe bias", lambda: iv.probe("he_normal", bias_std=-1), ValueError, "bias_std must be >= 0"),
    ("probe option", lambda: iv.probe("he_normal:mode=sideways"), ValueError, "allowed: fan_avg, fan_in, fan_out"),
    ("layer_widths pattern", lambda: iv.layer_widths("zigzag", 3), ValueError, "allowed: alternating"),
    ("layer_widths depth", lambda: iv.layer_widths("funnel", 0), ValueError, "depth must be >= 1"),
    ("weight_variance name", lambda: iv.weight_variance("bogus", (3, 3)), ValueError, "unknown initializer"),
    ("weight_variance option", lambda: iv.weight_variance("he_normal:foo=1", (3, 3)), TypeError, "unknown option"),
    ("weight_variance std", lambda: iv.weight_variance("normal:std=-1", (3, 3)), ValueError, "std must be >= 0"),
    ("predict_layers widths", lambda: iv.predict_layers([10], 0.1, "relu"), ValueError, "at least [n_0, n_1]"),
    ("predict_layers vars", lambda: iv.predict_layers([10, 10, 10], [0.1], "relu"), ValueError, "one per layer"),
    ("predict_layers negative", lambda: iv.predict_layers([10, 10], -1, "relu"), ValueError, "must be >= 0"),
    ("parse_init no value", lambda: iv.parse_init("normal:std"), ValueError, "must look like key=value"),
    ("parse_init type", lambda: iv.parse_init(3), TypeError, "init must be a name"),
    # experiment library
    ("run_grid empty", lambda: experiment.run_grid([]), ValueError, "configs is empty"),
    (
        "run_grid workers",
        lambda: experiment.run_grid(experiment.design_grid(seeds=1)[:1], workers=0),
        ValueError,
        "workers must be >= 1",
    ),
    ("design_grid seeds", lambda: experiment.design_grid(seeds=0), ValueError, "seeds must be >= 1"),
    # the edge of chaos (initviz.chaos)
    ("q_star sigma", lambda: chaos.q_star(-1.0), ValueError, "sigma_w2 must be >= 0"),
    ("q_star bias", lambda: chaos.q_star(1.0, NAN), ValueError, "sigma_b2 must be a finite"),
    ("q_star activation", lambda: chaos.q_star(1.0, 0.0, "sigmoid"), ValueError, "allowed: linear, relu, tanh"),
    ("q_star q0", lambda: chaos.q_star(1.0, 0.0, "relu", q0=-1), ValueError, "q0 must be >= 0"),
    ("correlation_map c", lambda: chaos.correlation_map(1.5, 1.0), ValueError, "c must hold correlations in [-1, 1]"),
    ("correlation_map NaN", lambda: chaos.correlation_map([0.2, NAN], 1.0), ValueError, "c must hold finite"),
    ("correlation_map type", lambda: chaos.correlation_map("0.5", 1.0), TypeError, "c must be a numeric"),
    (
        "correlation_map no q*",
        lambda: chaos.correlation_map(0.5, 3.0, 0.1, "relu"),
        ValueError,
        "no fixed length q* for relu",
    ),
    ("correlation_map q", lambda: chaos.correlation_map(0.5, 1.0, q=-2), ValueError, "q must be >= 0"),
    ("pair_propagation depth", lambda: chaos.pair_propagation(0, 1.0), ValueError, "depth must be >= 1"),
    ("pair_propagation c0", lambda: chaos.pair_propagation(3, 1.0, c0=2), ValueError, "c0 must hold correlations"),
    ("pair_propagation q0", lambda: chaos.pair_propagation(3, 1.0, q0=INF), ValueError, "q0 must be a finite"),
    ("c_star linear", lambda: chaos.c_star(1.0, 0.0, "linear"), ValueError, "no unique c*"),
    ("chi_1 sigma type", lambda: chaos.chi_1("1"), TypeError, "sigma_w2 must be a real"),
    ("chi_c bias", lambda: chaos.chi_c(1.0, -0.1), ValueError, "sigma_b2 must be >= 0"),
    ("depth_scale activation", lambda: chaos.depth_scale(1.0, 0.0, "swish"), ValueError, "allowed: linear"),
    ("critical_line negative", lambda: chaos.critical_line([0.1, -1]), ValueError, "sigma_b2 must be >= 0, got -1"),
    ("critical_line type", lambda: chaos.critical_line("0.1"), TypeError, "sigma_b2 must be a numeric"),
    ("phase_diagram type", lambda: chaos.phase_diagram(["1"], [0.0]), TypeError, "sigma_w2s must be a numeric"),
    ("critical_line too large", lambda: chaos.critical_line(1000.0), ValueError, "critical sigma_w2 is above 50"),
    ("phase tol", lambda: chaos.phase(1.0, tol=-1), ValueError, "tol must be >= 0"),
    ("phase_diagram range", lambda: chaos.phase_diagram([2000.0], [0.0]), ValueError, "sigma_w2s must lie in"),
    ("phase_diagram bias", lambda: chaos.phase_diagram([1.0], [-0.1]), ValueError, "sigma_b2s must lie in"),
    ("critical_curve max", lambda: chaos.critical_curve(sigma_b2_max=0), ValueError, "sigma_b2_max must be > 0"),
    # simulated nets and Jacobians (initviz.random_nets)
    ("draw_weights kind", lambda: rn.draw_weights([3, 3], 1.0, "uniform"), ValueError, "allowed: gaussian, orthogonal"),
    ("draw_weights widths", lambda: rn.draw_weights([3], 1.0), ValueError, "at least [n_0, n_1]"),
    ("draw_weights widths type", lambda: rn.draw_weights(3, 1.0), TypeError, "widths must be a list"),
    ("draw_biases sigma", lambda: rn.draw_biases([3, 3], -1.0), ValueError, "sigma_b2 must be >= 0"),
    ("simulate_pair width", lambda: rn.simulate_pair(3, 1.0, width=1), ValueError, "width must be >= 2"),
    ("simulate_pair nets", lambda: rn.simulate_pair(3, 1.0, nets=0), ValueError, "nets must be >= 1"),
    ("simulate_pair q0", lambda: rn.simulate_pair(3, 1.0, q0=0), ValueError, "q0 must be > 0"),
    ("simulate_pair c0", lambda: rn.simulate_pair(3, 1.0, c0=-1.5), ValueError, "c0 must hold correlations"),
    ("simulate_pair weights", lambda: rn.simulate_pair(3, 1.0, weights="xavier"), ValueError, "allowed: gaussian"),
    ("jacobian empty", lambda: rn.jacobian([], None, np.zeros((1, 3))), ValueError, "at least one matrix"),
    (
        "jacobian shapes",
        lambda: rn.jacobian([np.zeros((3, 2)), np.zeros((3, 2))], None, np.zeros((1, 3))),
        ValueError,
        "weights[0] has shape",
    ),
    (
        "jacobian x",
        lambda: rn.jacobian([np.zeros((3, 2))], None, np.zeros((1, 4))),
        ValueError,
        "x must have 3 columns",
    ),
    (
        "jacobian biases",
        lambda: rn.jacobian([np.zeros((3, 2))], [np.zeros(2)] * 2, np.zeros((1, 3))),
        ValueError,
        "biases needs 1 vectors",
    ),
    (
        "jacobian depths",
        lambda: rn.jacobian([np.zeros((3, 3))], None, np.zeros((1, 3)), depths=[2]),
        ValueError,
        "depths[i] must be <= 1",
    ),
    ("jacobian x strings", lambda: rn.jacobian([np.zeros((3, 3))], None, [["a", "b", "c"]]), TypeError, "x must be"),
    ("jacobian_singular_values depths", lambda: rn.jacobian_singular_values(5, 1.0), TypeError, "non-empty list"),
    ("jacobian_singular_values width", lambda: rn.jacobian_singular_values([2], 1.0, width=0), ValueError, "width"),
    # the trainability grid (initviz.trainability)
    ("trainability grid seeds", lambda: trainability.grid([1.0], [3], seeds=0), ValueError, "seeds must be >= 1"),
    ("trainability grid sigma", lambda: trainability.grid([0.0], [3]), ValueError, "sigma_w2 must be > 0"),
    ("trainability grid depth", lambda: trainability.grid([1.0], [0]), ValueError, "depth must be >= 1"),
    ("trainability grid empty", lambda: trainability.grid([], [3]), ValueError, "at least one sigma_w2"),
    ("trainability run_grid empty", lambda: trainability.run_grid([]), ValueError, "cells is empty"),
    (
        "trainability settings lr",
        lambda: trainability.run_cell((1.0, 2, 0), trainability.Settings(lr=0)),
        ValueError,
        "lr",
    ),
    ("trainability boundary", lambda: trainability.boundary([], 0.05), ValueError, "records is empty"),
    ("trainability load", lambda: trainability.load("/nonexistent/grid.json"), FileNotFoundError, "no stored grid"),
    # notebook 06's exercise checks
    ("check_depth_scale chaotic", lambda: chaos_lesson.check_depth_scale(1.0, 3.0), ValueError, "not in the ordered"),
    ("check_critical bias", lambda: chaos_lesson.check_critical_sigma_w2(1.9, -1), ValueError, "sigma_b2 must be >= 0"),
    ("check_chi_1 not callable", lambda: chaos_lesson.check_chi_1(1.2), TypeError, "pass your function itself"),
    ("init_sigma_w2 width", lambda: chaos_lesson.init_sigma_w2("he_normal", 0), ValueError, "width must be >= 1"),
    # notebook 07: batch norm, residual blocks, Adam, LSUV, diagnostics, the cures grid
    ("MLP norm", lambda: iv.MLP([3, 4, 2], norm="layer"), ValueError, "allowed: batch"),
    ("MLP residual type", lambda: iv.MLP([3, 4, 2], residual="yes"), TypeError, "residual must be True or False"),
    ("MLP residual widths", lambda: iv.MLP([3, 4, 5, 2], residual=True), ValueError, "hidden layer of one width"),
    ("MLP residual no hidden", lambda: iv.MLP([3, 2], residual=True), ValueError, "at least one hidden layer"),
    ("MLP norm no head", lambda: iv.MLP([3, 4, 2], norm="batch", linear_head=False), ValueError, "linear_head=True"),
    ("MLP branch_scale alone", lambda: iv.MLP([3, 4, 2], branch_scale=0.5), ValueError, "residual nets only"),
    (
        "MLP branch_scale value",
        lambda: iv.MLP([3, 4, 4, 2], residual=True, branch_scale=0),
        ValueError,
        "branch_scale must be > 0",
    ),
    ("MLP lsuv without data", lambda: iv.MLP([3, 4, 2], init="lsuv"), ValueError, "lsuv needs a data batch"),
    ("MLP data without lsuv", lambda: iv.MLP([3, 2], data=X3), ValueError, "data is used by a data-driven init"),
    ("MLP lsuv tol", lambda: iv.MLP([3, 2], init="lsuv:tol=0", data=X3), ValueError, "tol must be > 0"),
    ("MLP lsuv option", lambda: iv.MLP([3, 2], init="lsuv:gain=2", data=X3), TypeError, "allowed: ['base'"),
    ("MLP lsuv base", lambda: iv.MLP([3, 2], init="lsuv:base=bogus", data=X3), ValueError, "unknown initializer"),
    ("MLP lsuv data width", lambda: iv.MLP([5, 2], init="lsuv", data=X3), ValueError, "x must have 5 features"),
    ("initialize lsuv", lambda: iv.initialize("lsuv", (3, 3)), ValueError, "lsuv needs a data batch"),
    ("weight_variance lsuv", lambda: iv.weight_variance("lsuv", (3, 3)), ValueError, "lsuv needs a data batch"),
    ("lsuv no data", lambda: iv.lsuv(mlp(), None), ValueError, "lsuv needs a data batch"),
    ("lsuv one row", lambda: iv.lsuv(mlp(), np.zeros((1, 3))), ValueError, "at least 2 rows"),
    ("lsuv net type", lambda: iv.lsuv("net", X3), TypeError, "net must be an initviz.MLP"),
    ("lsuv max_iter", lambda: iv.lsuv(mlp(), X3, max_iter=0), ValueError, "max_iter must be >= 1"),
    ("step optimizer", lambda: mlp().step(X3, np.zeros(4, int), 0.1, optimizer="rmsprop"), ValueError, "allowed: adam"),
    (
        "step adam momentum",
        lambda: mlp().step(X3, np.zeros(4, int), 0.1, momentum=0.9, optimizer="adam"),
        ValueError,
        "momentum applies to optimizer 'sgd' only",
    ),
    (
        "step batch norm one row",
        lambda: iv.MLP([3, 4, 2], norm="batch").step(X3[:1], np.zeros(1, int), 0.1),
        ValueError,
        "at least 2 rows per batch",
    ),
    (
        "train optimizer",
        lambda: iv.train(iv.MLP([2, 2]), iv.make_circles(), optimizer="lbfgs"),
        ValueError,
        "allowed: adam, sgd",
    ),
    (
        "train batch norm batch 1",
        lambda: iv.train(iv.MLP([2, 4, 2], norm="batch"), iv.make_circles(), batch_size=1),
        ValueError,
        "batch_size >= 2",
    ),
    ("BatchNorm features", lambda: iv.BatchNorm(0), ValueError, "features must be >= 1"),
    ("BatchNorm eps", lambda: iv.BatchNorm(3, eps=0), ValueError, "eps must be > 0"),
    ("BatchNorm momentum", lambda: iv.BatchNorm(3, momentum=2), ValueError, "momentum must be <= 1"),
    ("BatchNorm input width", lambda: iv.BatchNorm(3)(np.zeros((4, 5))), ValueError, "t must have 3 features"),
    ("Adam betas", lambda: optim.make("adam", betas=(1.0, 0.9)), ValueError, "betas[0] must be < 1"),
    ("Adam betas type", lambda: optim.make("adam", betas=0.9), TypeError, "betas must be a pair"),
    ("Adam eps", lambda: optim.make("adam", eps=0), ValueError, "eps must be > 0"),
    ("update_ratio shapes", lambda: iv.update_ratio(np.zeros(3), np.zeros(4)), ValueError, "one shape"),
    ("initial_loss model", lambda: iv.initial_loss("net", iv.load_digits()), TypeError, "model must be"),
    (
        "record_training every",
        lambda: iv.record_training(iv.MLP([2, 2]), iv.make_circles(), steps=5, every=10),
        ValueError,
        "every must be <= 5",
    ),
    ("record_training data", lambda: iv.record_training(iv.MLP([2, 2]), (1, 2)), TypeError, "data must be"),
    ("cures_grid treatment", lambda: experiment.cures_grid(treatments=["dropout"]), ValueError, "allowed: Adam"),
    ("cures_grid seeds", lambda: experiment.cures_grid(seeds=0), ValueError, "seeds must be >= 1"),
]


@pytest.mark.parametrize("call, error, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(call, error, fragment):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error) as info:
            call()
    assert fragment in str(info.value)


CLI_CASES = [
    (["--init", "bogus"], "allowed: constant"),
    (["--init", "normal:std"], "must look like key=value"),
    (["--init", "normal:std=-1"], "std must be >= 0"),
    (["--init", "he_normal:mode=sideways"], "allowed: fan_avg, fan_in, fan_out"),
    (["--init", "constant:value=abc"], "value must be a real number"),
    (["--init", "xavier_normal:foo=1"], "unknown option"),
    (["--init", "he_normal", "uniform:low=1,high=0"], "high must be > low"),
    (["--init"], "expected at least one argument"),
    (["--activation", "swish"], "invalid choice"),
    (["--depth", "0"], "must be >= 1"),
    (["--depth", "x"], "not an integer"),
    (["--depth", "1e9"], "not an integer"),
    (["--width", "-3"], "must be >= 1"),
    (["--width", "5000"], "<= 4096"),
    (["--steps", "0"], "must be >= 1"),
    (["--steps", "2.5"], "not an integer"),
    (["--lr", "-1"], "must be > 0"),
    (["--lr", "0"], "must be > 0"),
    (["--lr", "nan"], "must be > 0"),
    (["--lr", "inf"], "must be > 0"),
    (["--lr", "fast"], "not a number"),
    (["--batch-size", "0"], "must be >= 1"),
    (["--seeds", "0"], "must be >= 1"),
    (["--seeds", "-1"], "must be >= 1"),
    (["--workers", "0"], "must be >= 1"),
    (["--bogus-flag"], "unrecognized arguments"),
    (["--norm", "layer"], "invalid choice"),
    (["--optimizer", "rmsprop"], "invalid choice"),
    (["--residual", "--branch-scale", "0"], "must be a number > 0"),
    (["--residual", "--branch-scale", "half"], "allowed: 1/sqrt(L), zero or a number > 0"),
    (["--branch-scale", "zero"], "add --residual"),
    (["--grid", "bogus"], "invalid choice"),
    (["--grid", "cures", "--norm", "batch"], "sets its cures"),
    (["--grid", "cures", "--init", "lsuv"], "LSUV is one of its cures"),
    (["--init", "lsuv:tol=2"], "tol must be < 1"),
    (["--init", "lsuv:base=bogus"], "unknown initializer"),
    (["--init", "lsuv:base=normal:std=-1"], "std must be >= 0"),
    (["--init", "lsuv:foo=1"], "unknown option"),
]


@pytest.mark.parametrize("flags, fragment", CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_bad_flag_exits_2(tmp_path, flags, fragment):
    done = subprocess.run(
        [sys.executable, "-m", "initviz.experiment", *flags, "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert fragment in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "o").exists()


TRAINABILITY_CLI_CASES = [
    (["--sigma-w2", "0"], "must be > 0"),
    (["--sigma-w2", "200"], "<= 100"),
    (["--sigma-w2", "big"], "not a number"),
    (["--sigma-w2"], "expected at least one argument"),
    (["--depth", "0"], "must be >= 1"),
    (["--depth", "501"], "<= 500"),
    (["--depth", "2.5"], "not an integer"),
    (["--sigma-b2", "-0.1"], "must be >= 0"),
    (["--sigma-b2", "nan"], "must be >= 0"),
    (["--width", "0"], "must be >= 1"),
    (["--steps", "0"], "must be >= 1"),
    (["--lr", "0"], "must be > 0"),
    (["--lr", "inf"], "must be > 0"),
    (["--batch-size", "0"], "must be >= 1"),
    (["--seeds", "0"], "must be >= 1"),
    (["--workers", "0"], "must be >= 1"),
    (["--bogus-flag"], "unrecognized arguments"),
]


@pytest.mark.parametrize(
    "flags, fragment", TRAINABILITY_CLI_CASES, ids=[" ".join(c[0]) for c in TRAINABILITY_CLI_CASES]
)
def test_trainability_cli_bad_flag_exits_2(tmp_path, flags, fragment):
    out = tmp_path / "grid.json"
    done = subprocess.run(
        [sys.executable, "-m", "initviz.trainability", *flags, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert fragment in done.stderr
    assert done.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    "out, fragment", [("grid.txt", "ending in .json"), ("missing/grid.json", "does not exist"), (None, "--out")]
)
def test_trainability_cli_bad_out_exits_2(tmp_path, out, fragment):
    flags = [] if out is None else ["--out", str(tmp_path / out)]
    done = subprocess.run(
        [sys.executable, "-m", "initviz.trainability", *flags], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and fragment in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_cli_needs_out():
    done = subprocess.run([sys.executable, "-m", "initviz.experiment"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--out" in done.stderr
