"""One attack: f14_lock_left_by_kill (see ../attacks_fail.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_fail:f14_lock_left_by_kill"]))
