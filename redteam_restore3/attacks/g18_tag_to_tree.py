"""One attack: g18_tag_to_tree (see ../attacks_guard.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_guard:g18_tag_to_tree"]))
