"""Make ``tests/monitor/reportkit.py`` importable from this folder (test folders are not packages)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
