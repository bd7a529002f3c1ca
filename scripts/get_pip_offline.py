"""Offline stand-in for the get-pip.py bootstrap that ansible-test downloads.

ansible-test runs this script to put pip into a fresh virtual environment. The public URL it normally
fetches is unreachable here, so we bootstrap pip from the interpreter's bundled ensurepip wheel and then
upgrade to the version ansible-test asked for from the package index that is reachable.
"""
import subprocess
import sys


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    # get-pip.py takes pip's own install arguments: requirement specifiers plus flags such as
    # --no-setuptools / --no-wheel (which only mean "do not add them"), so keep just the specifiers.
    requirements = [a for a in sys.argv[1:] if not a.startswith("-")] or ["pip==24.2"]
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q"] + requirements)


if __name__ == "__main__":
    main()
