"""One attack: c09_php_attacker_value (see ../attacks_creds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_creds:c09_php_attacker_value"]))
