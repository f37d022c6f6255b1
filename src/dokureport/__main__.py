"""Run the command line as `python -m dokureport`."""

from dokureport.cli import main

if __name__ == "__main__":
    main()
