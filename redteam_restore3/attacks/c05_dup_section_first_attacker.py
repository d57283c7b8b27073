"""One attack: c05_dup_section_first_attacker (see ../attacks_creds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_creds:c05_dup_section_first_attacker"]))
