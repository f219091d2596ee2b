"""Which warnings fail a test: ours always, other libraries' deprecations never.

Every warning is an error (pyproject's ``filterwarnings = ["error"]``), except the deprecation warnings
listed here, which other libraries raise from their own code under the pinned environments that CI
tests (the floor and the Colab venvs of ``.ci/run``). Each is filtered by its category *and* by the
module that raises it, so the same warning raised from initviz's code, or from a notebook cell, still
fails. The same list is applied inside the notebook kernels (``tests/test_notebooks.py``).
"""

THIRD_PARTY = [
    # pyparsing >= 3.3 deprecates the camelCase names and arguments (parseString, enablePackrat, oneOf,
    # unquoteResults) that matplotlib 3.7 to 3.10 still use in their font-pattern and mathtext parsers.
    ("ignore", r".*deprecated", "DeprecationWarning", r"(matplotlib|pyparsing)\."),
    # IPython >= 8.24 deprecates pylabtools.backends and .backend2gui, which matplotlib < 3.9 (the floor's
    # 3.7) still reads when %matplotlib inline switches the backend.
    ("ignore", r"(backends|backend2gui) is deprecated since IPython", "DeprecationWarning", r"IPython\."),
    # ipywidgets 7 builds its comms on ipykernel.comm.Comm, which ipykernel >= 6.18 deprecates.
    ("ignore", r".*The `ipykernel.comm.Comm` class has been deprecated", "DeprecationWarning", r"ipywidgets\."),
]
"""(action, message regex, category, module regex) for ``warnings.filterwarnings``."""


def ini_lines():
    """The entries as pytest ``filterwarnings`` lines."""
    return [f"{action}:{message}:{category}:{module}" for action, message, category, module in THIRD_PARTY]


def kernel_source():
    """Code that makes a notebook kernel treat warnings as this policy does."""
    lines = ["import warnings", "warnings.simplefilter('error')"]
    for action, message, category, module in THIRD_PARTY:
        lines.append(
            f"warnings.filterwarnings({action!r}, message={message!r}, category={category}, module={module!r})"
        )
    return "\n".join(lines)
