"""Run the command line as `python -m dokureport`."""

from dokureport.cli import main

main()
