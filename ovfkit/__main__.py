"""``python -m ovfkit``: the same as the ``ovfkit`` command."""

from ovfkit.cli.main import run

if __name__ == "__main__":
    run()
