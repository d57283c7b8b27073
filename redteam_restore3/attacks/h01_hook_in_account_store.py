"""One attack: h01_hook_in_account_store (see ../attacks_priv.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_priv:h01_hook_in_account_store"]))
