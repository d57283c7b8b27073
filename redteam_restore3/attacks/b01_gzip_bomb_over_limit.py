"""One attack: b01_gzip_bomb_over_limit (see ../attacks_bounds.py for what it does)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run

sys.exit(run.main(["attacks_bounds:b01_gzip_bomb_over_limit"]))
