"""One attack: a19_queue_agi_via_var (see ../attacks_priv.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_priv:a19_queue_agi_via_var"]))
