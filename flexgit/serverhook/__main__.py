"""`python -m flexgit.serverhook`: what the installed pre-receive hook runs."""

from __future__ import annotations

import sys

from flexgit.serverhook import main

sys.exit(main())
