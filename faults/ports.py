import random
import socket
import time

# Below Linux's ephemeral range (32768–60999): the broker and the database are stopped and started again on the
# same port, and while they are down no other program's bind(0) or outgoing connection can take it.
SUITE_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port nothing is bound to now, from SUITE_PORTS."""
    while True:
        port = random.choice(SUITE_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(what: str, condition, seconds: float, interval: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(interval)
