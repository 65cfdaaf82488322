#!/usr/bin/env python
"""Django's command-line utility; ``atiende`` wraps the same commands."""

import sys

from atiende.cli import manage

if __name__ == "__main__":
    manage(sys.argv)
