"""What the frozen Slice runs: the same entry point as the ``slice-chat`` console script.

The inference host starts as ``<this executable> --inference-host`` (see
``inference.host_client.host_command``), which :func:`app.main.main` dispatches first.
"""

import sys

from app.main import main

if __name__ == "__main__":
    sys.exit(main())
