"""One attack: c13_voicemail_pin_reordered (see ../attacks_creds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_creds:c13_voicemail_pin_reordered"]))
