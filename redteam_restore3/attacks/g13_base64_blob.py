"""One attack: g13_base64_blob (see ../attacks_guard.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_guard:g13_base64_blob"]))
