"""Click-to-call from anywhere: a `tel:`, `sip:` or `callto:` link opened in a browser or mail
client starts `softphone LINK`. One app runs per user: a second start hands its link (or just
"show yourself") to the running one over a local socket in the user's runtime dir, and exits.

A link comes from another program, so by default the number is shown and the user is asked
before anything is dialled; a malformed or unsupported link is refused with the reason.
"""

from __future__ import annotations

import platformdirs
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

HANDOVER_TIMEOUT_MS = 2000
LINK_SCHEMES = ("tel:", "sip:", "sips:", "callto:")


def server_path() -> str:
    """A per-user socket path, so two users on one machine each have their own app."""
    folder = platformdirs.user_runtime_path("softphone")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return str(folder / "app.sock")


def hand_over(link: str | None) -> bool:
    """Give `link` (None: only bring the window up) to an app already running; False if none."""
    socket = _connected(server_path())
    if socket is None:
        return False
    socket.write(((link or "") + "\n").encode())
    delivered = socket.waitForBytesWritten(HANDOVER_TIMEOUT_MS)
    socket.disconnectFromServer()
    return delivered


def _connected(path: str) -> QLocalSocket | None:
    """A connection to the app answering on `path`; None if none does (a socket file left by
    a crash answers nothing)."""
    socket = QLocalSocket()
    socket.connectToServer(path)
    return socket if socket.waitForConnected(HANDOVER_TIMEOUT_MS) else None


class LinkServer(QObject):
    """Listens for links handed over by later starts; `received` carries each ("" = show)."""

    received = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Listen, unless an app already answers (False: it is the one to hand links to). It
        is asked first, as Qt would put our socket in place of its, leaving that app deaf; a
        socket file left by a crash is taken over. Should listening fail anyway, the app still
        runs, without links from other programs."""
        path = server_path()
        if (running := _connected(path)) is not None:
            running.abort()
            return False
        QLocalServer.removeServer(path)
        self._server.listen(path)
        return True

    def close(self) -> None:
        """Stop listening (the socket file goes too), so a successor can listen."""
        self._server.close()

    def _accept(self) -> None:
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            return
        link = bytes(connection.readLine()).decode(errors="replace").strip()
        connection.disconnectFromServer()
        self.received.emit(link)
