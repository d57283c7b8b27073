"""One attack: s13_sudo_runas_alias_line_from_live (see ../attacks_priv.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_priv:s13_sudo_runas_alias_line_from_live"]))
