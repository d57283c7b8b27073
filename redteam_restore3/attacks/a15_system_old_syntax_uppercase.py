"""One attack: a15_system_old_syntax_uppercase (see ../attacks_priv.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_priv:a15_system_old_syntax_uppercase"]))
