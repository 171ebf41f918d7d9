# PyInstaller runtime hook, run before softphone/__main__.py in the frozen app.
#
# The bootloader points LD_LIBRARY_PATH at the bundle (keeping any earlier value in
# LD_LIBRARY_PATH_ORIG) so that the bundled libraries find each other. This process has already
# been loaded with it; the programs it starts must not inherit it, or system tools (xdg-mime is
# a shell script, and /bin/bash would pick up the bundled libreadline) load our copies of the
# system's libraries. The app's own helper processes are the frozen executable again, whose
# bootloader sets it anew.
import os

_original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
if _original is None:
    os.environ.pop("LD_LIBRARY_PATH", None)
else:
    os.environ["LD_LIBRARY_PATH"] = _original
