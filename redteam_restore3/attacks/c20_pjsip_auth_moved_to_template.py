"""One attack: c20_pjsip_auth_moved_to_template (see ../attacks_creds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_creds:c20_pjsip_auth_moved_to_template"]))
