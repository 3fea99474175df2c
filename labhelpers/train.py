"""``python -m labhelpers.train ...``: the instructors' command line (see :mod:`labhelpers.cli`).

The code lives in ``cli.py`` so that importing it never hides the function
``labhelpers.train`` behind a module of the same name.
"""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
