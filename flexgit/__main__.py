"""`python -m flexgit` runs the flexgit command."""

from flexgit.cli import main

main()
