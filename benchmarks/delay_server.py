"""A tiny HTTP/1.1 keep-alive server that sleeps a known delay per request: 20 ms + Exp(mean 30 ms).

`python delay_server.py PORT`. Responses go out in one write with TCP_NODELAY (no Nagle/delayed-ACK
40 ms artefact). GET /__times returns the service times (ms, request parsed -> response written) recorded
since the last call, one per line, and clears them: the server-side truth for the accuracy benchmark.
"""

from __future__ import annotations

import asyncio
import math
import random
import socket
import sys
import time

BASE_MS = 20.0
MEAN_EXTRA_MS = 30.0
_rng = random.Random(42)
_times: list[float] = []


def true_quantile_ms(q: float) -> float:
    """The injected delay's q-quantile: 20 - 30 ln(1 - q) ms."""
    return BASE_MS - MEAN_EXTRA_MS * math.log(1 - q)


def _response(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nContent-Type: text/plain\r\n\r\n"
    return head.encode() + body


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            start = time.perf_counter()
            if head.startswith(b"GET /__times"):
                body = "".join(f"{t:.3f}\n" for t in _times).encode()
                _times.clear()
                writer.write(_response(body))
                continue
            await asyncio.sleep((BASE_MS + _rng.expovariate(1 / MEAN_EXTRA_MS)) / 1000)
            writer.write(_response(b"ok\n"))
            _times.append((time.perf_counter() - start) * 1000)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
