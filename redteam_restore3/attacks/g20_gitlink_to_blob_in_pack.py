"""One attack: g20_gitlink_to_blob_in_pack (see ../attacks_guard.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_guard:g20_gitlink_to_blob_in_pack"]))
