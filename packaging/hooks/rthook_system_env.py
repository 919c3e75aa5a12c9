"""PyInstaller runtime hook: give programs Slice starts the user's environment back.

On Linux the bootloader restarts the app with ``LD_LIBRARY_PATH`` pointing at the bundle's
libraries (the loader reads it once, at start). Programs the app starts inherit it, so a
link opened from a reply (``xdg-open``, then a browser) would load the bundle's OpenSSL,
zlib or SQLite instead of its own and may fail. The inference host is started through
the bootloader again, which sets the variable anew, so it loses nothing.
"""

import os
import sys

if sys.platform.startswith("linux"):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original
