"""One attack: g01_clean_snapshot_accepted (see ../attacks_guard.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_guard:g01_clean_snapshot_accepted"]))
