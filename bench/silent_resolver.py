#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bind a UDP port on every loopback address and never respond, for timeout benchmarks.

Usage: silent_resolver.py PORT SECONDS

The socket is bound to 0.0.0.0 but tied to the loopback device with SO_BINDTODEVICE (which
needs root), so it receives only queries sent to 127.0.0.0/8. It reads nothing: queries fill
the receive buffer and the kernel then drops them, which makes every probe time out instead of
failing at once with ICMP port unreachable. The process exits by itself after SECONDS.
"""

import socket
import sys
import time


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        port = int(sys.argv[1])
        seconds = float(sys.argv[2])
    except ValueError:
        print(f"silent_resolver.py: invalid arguments {sys.argv[1:]}: expected PORT SECONDS",
              file=sys.stderr)
        return 2
    if not 0 < port < 65536 or not 0 < seconds <= 3600:
        print(f"silent_resolver.py: invalid PORT {port} or SECONDS {seconds}: expected a port "
              "from 1 to 65535 and 0 to 3600 seconds", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    sock.bind(("0.0.0.0", port))
    time.sleep(seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
