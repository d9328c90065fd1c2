"""Drive an emulator's serial console from a test: start it on a pty (as a
person at a terminal would) or on pipes, wait for text with a timeout, type
lines, and wait for the process to end.

No pexpect: one select() loop reads the console, stderr and a pidfd, so the
exit is seen the moment it happens and output is never left unread (an
emulator blocked on a full pipe would look like a hang). Every chunk read is
timestamped, which the benchmarks use to time the first guest byte.
"""

import ctypes
import os
import re
import select
import signal
import subprocess
import time


_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # In the child before exec: an emulator must not outlive a test driver
    # killed by a timeout.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def kvm_usable():
    """Whether /dev/kvm opens read-write (tests needing it skip otherwise)."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def exit_on_signals():
    """Turn SIGTERM/SIGHUP into SystemExit, so `finally` blocks close the
    consoles (and kill the emulators) when a test runner stops the driver."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


class ConsoleError(Exception):
    """A wait ended without what it waited for (timeout, EOF or exit)."""


class GuestConsole:
    def __init__(self, argv, use_pty=True, env=None, sample_rss=False):
        self.argv = list(argv)
        self.use_pty = use_pty
        self.env = env
        self.sample_rss = sample_rss
        self.out = bytearray()        # everything the console printed
        self.err = bytearray()        # the emulator's stderr
        self.chunks = []              # (seconds since start, len(out) after the chunk)
        self.pos = 0                  # expect() searches from here
        self.status = None            # exit status, or -signal
        self.rusage = None
        self.hwm_kb = 0               # largest VmHWM sampled from /proc
        self.t_start = None
        self.t_exit = None
        self._proc = None
        self._out_fd = self._err_fd = self._in_fd = self._pidfd = None
        self._next_sample = 0.0

    # --- starting and stopping -------------------------------------------

    def start(self):
        if self.use_pty:
            master, slave = os.openpty()
            stdin = stdout = slave
        else:
            stdin = stdout = subprocess.PIPE
        self.t_start = time.monotonic()
        self._proc = subprocess.Popen(self.argv, stdin=stdin, stdout=stdout,
                                      stderr=subprocess.PIPE, env=self.env,
                                      start_new_session=True, preexec_fn=_die_with_parent)
        if self.use_pty:
            os.close(slave)
            self._out_fd = self._in_fd = master
        else:
            self._out_fd = self._proc.stdout.fileno()
            self._in_fd = self._proc.stdin.fileno()
        self._err_fd = self._proc.stderr.fileno()
        for fd in (self._out_fd, self._err_fd):
            os.set_blocking(fd, False)
        self._pidfd = os.pidfd_open(self._proc.pid)
        return self

    def close(self):
        """Kill the emulator if it still runs and release every descriptor."""
        if self.status is None and self._proc is not None:
            for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self._proc.pid, sig)
                except ProcessLookupError:
                    pass
                try:
                    self.wait_exit(grace)
                    break
                except ConsoleError:
                    continue
        if self._proc is not None:
            for f in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass
        if self.use_pty and self._in_fd is not None:
            os.close(self._in_fd)          # the pty master, ours alone
        if self._pidfd is not None:
            os.close(self._pidfd)
        self._out_fd = self._in_fd = self._err_fd = self._pidfd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # --- the event loop ----------------------------------------------------

    def _read(self, fd, buf, stamp):
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError:          # EIO: the pty's last slave end has closed
            data = b""
        if not data:
            return False
        buf += data
        if stamp:
            self.chunks.append((time.monotonic() - self.t_start, len(buf)))
        return True

    def _sample_hwm(self):
        try:
            with open("/proc/%d/status" % self._proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.hwm_kb = max(self.hwm_kb, int(line.split()[1]))
                        break
        except (OSError, ValueError):
            pass

    def _reap(self):
        _, st, ru = os.wait4(self._proc.pid, 0)
        self.t_exit = time.monotonic() - self.t_start
        self.rusage = ru
        self.status = os.waitstatus_to_exitcode(st)
        self._proc.returncode = self.status   # so Popen does not wait again
        os.close(self._pidfd)
        self._pidfd = None

    def _step(self, deadline):
        """Wait until something happens (output, stderr, exit) or the deadline."""
        fds = [fd for fd in (self._out_fd, self._err_fd, self._pidfd) if fd is not None]
        now = time.monotonic()
        timeout = max(0.0, deadline - now)
        if self.sample_rss and self.status is None:
            if now >= self._next_sample:
                self._sample_hwm()
                self._next_sample = now + 0.002
            timeout = min(timeout, max(0.0, self._next_sample - now))
        if not fds:
            time.sleep(timeout)
            return
        ready, _, _ = select.select(fds, [], [], timeout)
        for fd in ready:
            if fd == self._pidfd:
                self._reap()
            elif fd == self._out_fd:
                if not self._read(fd, self.out, True):
                    self._out_fd = None
            elif fd == self._err_fd:
                if not self._read(fd, self.err, False):
                    self._err_fd = None

    # --- what tests call -------------------------------------------------------

    def expect(self, pattern, timeout):
        """Wait until the console output after the last match matches pattern
        (bytes or str regex). Returns the match; raises ConsoleError on
        timeout, or if the emulator exits first."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            if self._out_fd is None:
                grace = time.monotonic() + 1.0
                while self.status is None and time.monotonic() < grace:
                    self._step(grace)
                how = "closed its console" if self.status is None else "exited with status %d" % self.status
                raise ConsoleError("emulator %s before %r appeared"
                                   % (how, pattern.decode(errors="replace")))
            if time.monotonic() >= deadline:
                raise ConsoleError("no %r within %g s" % (pattern.decode(errors="replace"), timeout))
            self._step(deadline)

    def send(self, text):
        data = text.encode() if isinstance(text, str) else text
        while data:
            try:
                n = os.write(self._in_fd, data)
            except BlockingIOError:
                select.select([], [self._in_fd], [], 1.0)
                continue
            except OSError as e:
                raise ConsoleError("cannot type into the console: %s" % e)
            data = data[n:]

    def sendline(self, line):
        # A terminal's Enter key sends CR; through pipes the guest gets LF.
        self.send(line + ("\r" if self.use_pty else "\n"))

    def wait_exit(self, timeout):
        """Wait for the emulator to end; its exit status (or -signal)."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            if time.monotonic() >= deadline:
                raise ConsoleError("emulator still running after %g s" % timeout)
            self._step(deadline)
        # What it wrote just before exiting; a second is plenty unless a
        # child process inherited its descriptors.
        grace = time.monotonic() + 1.0
        while (self._out_fd is not None or self._err_fd is not None) and time.monotonic() < grace:
            self._step(grace)
        return self.status

    def time_of_offset(self, offset):
        """Seconds from start until output byte `offset` had arrived."""
        for t, end in self.chunks:
            if end > offset:
                return t
        return None

    def tail(self, n=2048):
        return printable(self.out[-n:])

    def stderr_text(self):
        return self.err.decode(errors="replace")


def printable(data):
    """Console bytes as text a log can hold: CRs dropped, other control
    characters (terminal escapes) shown as \\xNN."""
    text = data.decode("utf-8", errors="replace").replace("\r", "")
    return "".join(c if c in "\n\t" or c >= " " else "\\x%02x" % ord(c) for c in text)
