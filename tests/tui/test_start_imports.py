"""Nothing heavy before the first frame: `ungtui` (no command) reaches the start screen's
first frame with Textual and sqlite3 (Min dag's first read among them), and the services,
SQLAlchemy and the models load after it (benchmarks/startup_speed.py measures the time
this saves)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).parents[2] / "sample.db"

# Run as `ungtui --db FILE` runs, up to the first frame of Min dag, in a fresh interpreter.
SCRIPT = """
import json, sys
from pathlib import Path
import ungtui.tui.app as app_module
loaded = {}
class Probe(app_module.UngApp):
    # A relative CSS path is read beside the class's module, and this one has none.
    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def run(self, **kwargs):
        return super().run(headless=True, size=(120, 40))

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if not loaded and self._first_frame_shown:
            loaded["modules"] = sorted(sys.modules)
            loaded["screen"] = type(self.screen).__name__
            loaded["parts"] = [p.key for p in getattr(self.screen, "parts", [])]
            self.exit()
app_module.UngApp = Probe
from ungtui.cli import main
main(["--db", sys.argv[1]])
print(json.dumps(loaded))
"""

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "openpyxl",
    "cryptography",
    "ungtui.store.models",
    "ungtui.services.meetings.meetings",
    "ungtui.services.my_day",
    "ungtui.services.people.individuals",
    "ungtui.services.sync.sync_files",
    "ungtui.sync.state",
    "ungtui.cli_sync",
)


def test_the_first_frame_comes_before_sqlalchemy_the_models_and_the_services(tmp_path):
    db = tmp_path / "app.db"
    shutil.copy(SAMPLE, db)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["screen"] == "MyDayScreen"
    modules = set(loaded["modules"])
    assert "textual.app" in modules  # the probe ran in the app, not before it
    assert "ungtui.services.start" in modules
    # Min dag's first read is in that frame: every part but the two the services read.
    assert "ungtui.services.my_day_first" in modules
    assert loaded["parts"] == ["moten", "remisser", "atgarder", "garanti", "uppfoljningar", "synk"]
    assert [name for name in HEAVY if name in modules] == []
