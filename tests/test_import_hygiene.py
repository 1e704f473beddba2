"""What the import-linter contracts (pyproject.toml, [tool.importlinter]) cannot say.

The contracts hold the layers and keep textual in the tui; `.ci/run` checks them with
`lint-imports`. They read every import statement, those inside functions too, so they
cannot tell that `ungtui.cli` imports the app only when it opens it: that is checked here
by importing.
"""

import subprocess
import sys

import grimp
import pytest


def _is_cli(module: str) -> bool:
    return module == "ungtui.cli" or module.startswith("ungtui.cli.")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("ungtui", cache_dir=None)


def test_the_command_line_runs_without_textual(graph):
    """Sub-commands work on a database without loading the UI, on a server with no
    terminal to draw on; only `ungtui` with no sub-command imports the app."""
    cli = sorted(m for m in graph.modules if _is_cli(m))
    assert "ungtui.cli" in cli and len(cli) > 1
    code = f"import sys, {', '.join(cli)}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_command_line_reaches_the_tui_only_to_open_it(graph):
    """The contracts let `ungtui.cli.database` import the app (the launch); no other part
    of the command line may, or a command would pull Textual in."""
    into_tui = {
        (module, imported)
        for module in graph.modules
        if _is_cli(module)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported == "ungtui.tui" or imported.startswith("ungtui.tui.")
    }
    assert into_tui == {("ungtui.cli.database", "ungtui.tui.app")}
