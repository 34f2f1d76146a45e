"""A running instance in a child process, for the single-instance tests.

``python -m tests.helpers.instance_child [COUNT]`` listens like the app does (same config env,
so the same socket name), prints ``ready`` (or ``busy`` when another instance holds the name),
then one ``received:<text>`` line per hand-off; after COUNT hand-offs (default: never) it closes
the server and exits 0.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QTimer

from telephony_desktop.desktop.single_instance import InstanceServer


def main(argv: list[str]) -> int:
    limit = int(argv[0]) if argv else 0
    app = QCoreApplication(sys.argv[:1])
    server = InstanceServer()
    if not server.listen():
        print("busy", flush=True)
        return 3
    seen: list[str] = []

    def on_received(text: str) -> None:
        seen.append(text)
        print(f"received:{text}", flush=True)
        if limit and len(seen) >= limit:
            server.close()
            QTimer.singleShot(0, app.quit)

    server.received.connect(on_received)
    QTimer.singleShot(60_000, app.quit)  # never outlive a stuck test
    print(f"ready {server.full_server_name()}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
