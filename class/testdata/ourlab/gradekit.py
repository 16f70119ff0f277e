"""gradekit: the grading harness of rvemu's own xv6 lab (a test fixture of
the class grader, written for this repository).

A grade script declares tests with @test(POINTS, TITLE, parent=FN) and ends
with run_tests(). Its report has the layout the course's graders print, so
one reader serves both:

    == Test TITLE == TITLE: OK (1.2s)
    == Test OTHER == OTHER: FAIL
        why it failed, indented
    Score: N/M

run_machine() boots the kernel with `make qemu-gdb` (the board held at
reset, a gdb stub on GDBPORT), continues it over the gdb port, types each
command at a shell prompt, and ends at the prompt after the last. The
console goes to xv6.out; a failed test's run is kept as xv6.out.NAME (NAME:
the test function without test_).
"""

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

__all__ = ["test", "run_tests", "run_machine", "expect", "make_value",
           "check_time_file", "HostServer"]

_tests = []
_console = ""          # the last run's console output
_current = None        # the test running now


class Failure(Exception):
    pass


_PANIC = re.compile(rb"panic: [^\n]*\n")  # the kernel prints it after what the line held


def test(points, title, parent=None):
    def register(fn):
        def run():
            global _current
            if run.done:
                return run.ok
            run.done = True
            parent_ok = parent() if parent else True
            print("== Test %s == " % title, end="", flush=True)
            if parent:
                print()
            start = time.time()
            why = None
            _current = run
            try:
                if not parent_ok:
                    raise Failure("Parent failed: %s" % parent.__name__)
                fn()
            except Failure as e:
                why = str(e)
            _current = None
            took = time.time() - start
            if points:
                print("%s: %s" % (title, "FAIL" if why else "OK"), end=" ")
            if took > 0.1:
                print("(%.1fs)" % took, end=" ")
            print()
            if why:
                print("    " + why.replace("\n", "\n    "))
            run.ok = why is None
            run.earned = 0 if why else points
            for hook in run.after:
                hook(run.ok)
            return run.ok
        run.__name__ = fn.__name__
        run.points, run.title = points, title
        run.done, run.ok, run.earned, run.after = False, False, 0, []
        _tests.append(run)
        return run
    return register


def run_tests():
    words = [w.lower() for w in sys.argv[1:] if not w.startswith("-")]
    if subprocess.call(["make", "-s", "--no-print-directory"]) != 0:
        sys.exit(1)
    for t in _tests:
        if not words or any(w in t.title.lower() for w in words):
            t()
    total = sum(t.earned for t in _tests)
    possible = sum(t.points for t in _tests)
    if not words:
        print("Score: %d/%d" % (total, possible))
    sys.exit(0 if total == possible else 1)


def make_value(target):
    """What `make -s TARGET` prints (a port the Makefile derives)."""
    out = subprocess.check_output(["make", "-s", "--no-print-directory", target])
    return int(out.decode().strip())


class HostServer:
    """The host side of nettests: answers every datagram on 127.0.0.1:port."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                _, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.sock.sendto(b"this is the host!", peer)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.sock.close()


def _connect_gdb(port, proc, out, deadline):
    """Connects to the gdb stub once the machine listens, reading its
    output meanwhile; None if it never does before deadline."""
    while time.time() < deadline:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            pass
        if proc.poll() is not None:
            return None
        r, _, _ = select.select([proc.stdout], [], [], 0.1)
        if r:
            out.extend(os.read(proc.stdout.fileno(), 4096))
    return None


def run_machine(commands, timeout=30):
    """Boots the kernel, types commands at the shell, and returns when the
    prompt after the last one appears, when the kernel panics, or at the
    timeout (it then prints "Timeout! "); the tests then judge what the
    console holds."""
    global _console
    port = make_value("print-gdbport")
    proc = subprocess.Popen(["make", "-s", "--no-print-directory", "qemu-gdb"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    boot = bytearray()
    saved = open("xv6.out", "wb")
    try:
        gdb = _connect_gdb(port, proc, boot, time.time() + 30)
        if gdb is None:
            raise Failure("the machine never listened on gdb port %d; output:\n%s"
                          % (port, boot.decode("utf-8", "replace")))
        gdb.sendall(b"$c#63")
        console = bytearray()
        pending = list(commands)
        deadline = time.time() + timeout
        finished = False
        seen = 0  # console bytes already searched for a prompt
        while not finished:
            left = deadline - time.time()
            if left <= 0:
                print("Timeout! ", end="", flush=True)
                break
            r, _, _ = select.select([proc.stdout, gdb], [], [], left)
            if gdb in r:
                if not gdb.recv(4096):
                    break
            if proc.stdout in r:
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                # A panic line may have begun in the previous read.
                start = max(len(console) - 256, 0)
                console.extend(data)
                saved.write(data)
                if _PANIC.search(console, start):
                    break  # a panicked kernel prints nothing more
                i = console.find(b"$ ", seen)
                if i >= 0:
                    seen = i + 2
                    if pending:
                        try:
                            proc.stdin.write(pending.pop(0).encode() + b"\n")
                            proc.stdin.flush()
                        except OSError:
                            break  # the machine is gone
                    else:
                        finished = True
                else:
                    seen = max(seen, len(console) - 1)
        _console = console.decode("utf-8", "replace")
    finally:
        saved.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        name = "xv6.out." + _current.__name__[len("test_"):]
        _current.after.append(lambda ok: _keep_run(ok, name))


def _keep_run(ok, name):
    if not ok:
        shutil.copyfile("xv6.out", name)
        print("    console saved to %s" % name)
    elif os.path.exists(name):
        os.unlink(name)


def expect(pattern):
    """Fails unless a line of the last run's console matches pattern."""
    lines = _console.splitlines()
    if any(re.match(pattern, l) for l in lines):
        return
    tail = ["    " + l for l in lines[-5:]]
    raise Failure("\n".join(["..."] + tail + ["MISSING '%s'" % pattern]))


def check_time_file():
    try:
        with open("time.txt") as f:
            if not re.match(r"^\d+$", f.read().strip()):
                raise Failure("time.txt does not hold one integer (the hours you spent)")
    except IOError:
        raise Failure("Cannot read time.txt")
