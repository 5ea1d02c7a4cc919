"""``python -m hypersweep`` runs the console script."""

import sys

from .cli.main import main

sys.exit(main())
