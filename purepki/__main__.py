"""Run the ``purepki`` command: ``python -m purepki``."""

from purepki.cli import run

if __name__ == "__main__":
    run()
