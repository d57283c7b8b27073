"""One attack: f09_store_head_dangling (see ../attacks_fail.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_fail:f09_store_head_dangling"]))
