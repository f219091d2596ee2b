import os

import warning_policy

os.environ.setdefault("MPLBACKEND", "Agg")  # no display here; set before anything imports matplotlib


def pytest_configure(config):
    # added after pyproject's "error", so these narrow exceptions win (see warning_policy.py)
    for line in warning_policy.ini_lines():
        config.addinivalue_line("filterwarnings", line)
