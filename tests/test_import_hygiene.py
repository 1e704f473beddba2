"""Rules, store and services run without the UI: they must not import textual."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "ungtui.domain.identity",
        "ungtui.domain.target_groups",
        "ungtui.store.database",
        "ungtui.services.individuals",
        "ungtui.services.consents",
        "ungtui.services.demo",
        "ungtui.services.dump",
        "ungtui.services.way",
        "ungtui.services.guarantee",
        "ungtui.services.way_summary",
        "ungtui.domain.way",
        "ungtui.cli",
    ],
)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
