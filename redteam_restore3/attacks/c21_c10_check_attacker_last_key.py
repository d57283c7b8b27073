"""One attack: c21_c10_check_attacker_last_key (see ../attacks_creds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_creds:c21_c10_check_attacker_last_key"]))
