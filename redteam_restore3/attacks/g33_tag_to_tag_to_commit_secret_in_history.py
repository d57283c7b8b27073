"""One attack: g33_tag_to_tag_to_commit_secret_in_history (see ../attacks_guard.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_guard:g33_tag_to_tag_to_commit_secret_in_history"]))
