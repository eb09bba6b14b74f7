"""Entry point for ``streamlit run dashboard/app.py [-- --data DIR]``: wiring only."""

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by Streamlit: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import ui  # noqa: E402
from dashboard.settings import current_settings  # noqa: E402

ui.run(current_settings())
