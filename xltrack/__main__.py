"""`python -m xltrack` runs the command line."""

from xltrack.cli import main

main()
