"""A client for mimic's human monitor on a unix socket (-monitor
unix:PATH,server,nowait): send a command line, read until the next
"(qemu) " prompt, and return what the command printed."""

import socket
import time

PROMPT = b"(qemu) "


class MonitorError(Exception):
    pass


class Monitor:
    def __init__(self, path, connect_timeout=30.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise MonitorError("cannot connect to the monitor at %s" % path)
                time.sleep(0.05)
        self.buf = b""

    def command(self, line, timeout=30.0):
        """Run one command; its output without the echo, "\\r\\n" as "\\n"."""
        self.sock.sendall(line.encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            # the reply ends with a prompt after the echoed line
            echo_end = self.buf.find(b"\r\n")
            if echo_end >= 0 and self.buf.endswith(PROMPT):
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise MonitorError("no prompt after %r; got %r" % (line, self.buf[-300:]))
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise MonitorError("monitor closed during %r" % line)
            self.buf += data
        out = self.buf[:-len(PROMPT)]
        self.buf = b""
        # drop everything up to the echo of our line (a banner, an old prompt)
        echo = line.encode() + b"\r\n"
        pos = out.find(echo)
        if pos >= 0:
            out = out[pos + len(echo):]
        return out.decode(errors="replace").replace("\r\n", "\n")

    def close(self):
        self.sock.close()


def read_ppm(path):
    """(width, height, pixel bytes) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1  # the single whitespace byte after maxval
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s: not a P6 PPM with maxval 255" % path)
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:]
    if len(pixels) != w * h * 3:
        raise ValueError("%s: %d pixel bytes, expected %d" % (path, len(pixels), w * h * 3))
    return w, h, pixels
