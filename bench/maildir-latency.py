"""maildir-latency.py: messages renamed one by one from tmp/ into a
Maildir's new/; for each, the time until it shows up in cur/, which the
reader under test does only once it is done with it. Prints one latency in
milliseconds a line.

    maildir-latency.py MAILDIR N GAP_MS [watch]

With "watch", it is itself the reader: a plain inotify watcher in a process
of its own that moves each arrival to cur/ at once, doing nothing else."""
import ctypes
import os
import select
import struct
import sys
import time

IN_MOVED_TO = 0x80
libc = ctypes.CDLL("libc.so.6", use_errno=True)


def watch(path):
    fd = libc.inotify_init1(os.O_NONBLOCK)
    if fd < 0 or libc.inotify_add_watch(fd, path.encode(), IN_MOVED_TO) < 0:
        sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
    return fd


def names(fd):
    """The names in every event waiting on fd."""
    out, buf = [], b""
    while True:
        try:
            buf += os.read(fd, 65536)
        except BlockingIOError:
            break
    i = 0
    while i < len(buf):
        _, _, _, length = struct.unpack_from("iIII", buf, i)
        out.append(buf[i + 16:i + 16 + length].rstrip(b"\0").decode())
        i += 16 + length
    return out


def watcher(maildir):
    """The baseline reader: each arrival straight to cur/."""
    fd = watch(maildir + "/new")
    os.write(1, b"ready\n")
    while True:
        select.select([fd], [], [])
        for name in names(fd):
            os.rename(f"{maildir}/new/{name}", f"{maildir}/cur/{name}:2,S")


def application(i):
    return f"""From: Group {i} <group{i}@example.org>
To: apply@grants.example.org
Subject: Application {i}
Message-ID: <latency-{i}-{os.getpid()}@example.org>

Organisation name: Community Group {i}
Organisation type: unincorporated group
Contact name: Person {i}
Postcode: LS1 1AA
Project title: Project {i}
Project summary: Things that help the neighbourhood.
Priorities: 1
Amount requested: £250
Start date: 1 March 2027
End date: 31 August 2027
People who will benefit: 40 neighbours
Budget: Materials £250
""".encode()


def main():
    maildir, n, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) / 1000
    if len(sys.argv) > 4 and sys.argv[4] == "watch":
        watcher(maildir)
    fd = watch(maildir + "/cur")
    for i in range(1, n + 1):
        name = f"{int(time.time())}.M{i}P{os.getpid()}.latency"
        with open(f"{maildir}/tmp/{name}", "wb") as f:
            f.write(application(i))
        t0 = time.perf_counter_ns()
        os.rename(f"{maildir}/tmp/{name}", f"{maildir}/new/{name}")
        while True:
            if not select.select([fd], [], [], 30)[0]:
                sys.exit(f"message {i} not read within 30 s")
            t1 = time.perf_counter_ns()
            if any(x.split(":")[0] == name for x in names(fd)):
                break
        print(f"{(t1 - t0) / 1e6:.3f}", flush=True)
        time.sleep(gap)


main()
