"""The referral rules, services and command run without the UI."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "ungtui.domain.referral_states",
        "ungtui.domain.working_days",
        "ungtui.services.referrals",
        "ungtui.services.demo_referrals",
        "ungtui.cli.referrals",
    ],
)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
