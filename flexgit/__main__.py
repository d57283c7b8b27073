"""`python -m flexgit` runs the flexgit command."""

import sys

try:  # a ^C even here is the one line of any other (flexgit/entry.py)
    from flexgit.entry import flexgit
except KeyboardInterrupt:
    sys.stderr.write("Error: cancelled\n")
    sys.exit(130)

flexgit()
