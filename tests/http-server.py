"""An HTTP server that answers the way a server may, for grantctl's client.

usage: http-server.py DIR

Listens on DIR/NAME.sock for every reply NAME below. Each connection's
request is written to DIR/NAME.request as received; the reply goes out in
the pieces listed, with a pause between them so they reach grantctl in
separate reads (a header or a chunk split across reads). Prints "ready"
once every socket listens; runs until killed.
"""
import os
import socket
import sys
import threading
import time

STATUS = (b'{"version":"9.9.9","uptime_seconds":3723,"database":"up",'
          b'"schema_version":3,"schema_expected":3}')
BIG = b'{"version":"' + b"v" * 1000000 + b'","database":"up"}'


def chunk(data, ext=b""):
    return b"%x%s\r\n%s\r\n" % (len(data), ext, data)


def pieces(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


REPLIES = {
    # Content-Length, the head cut inside a header name and inside CRLF.
    "length": [b"HTTP/1.1 200 OK\r\nContent-Ty", b"pe: application/json\r",
               b"\nContent-Length: %d\r\n" % len(STATUS), b"\r\n",
               STATUS[:10], STATUS[10:]],
    # Chunked, cut inside a size line, inside data, between CR and LF,
    # with a chunk extension and a trailer.
    "chunked": [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1",
                b"3\r\n" + STATUS[:0x13], b"\r", b"\n",
                chunk(STATUS[0x13:40], b";note=x")[:5],
                chunk(STATUS[0x13:40], b";note=x")[5:],
                chunk(STATUS[40:]), b"0\r\nX-Trailer: yes\r\n", b"\r\n"],
    # No length at all: the body ends when the server closes.
    "close": [b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", STATUS],
    # An interim 100 Continue before the real reply.
    "continue": [b"HTTP/1.1 100 Continue\r\n\r\n",
                 b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(STATUS), STATUS)],
    "error": [b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n",
              chunk(b'{"error": "no such '), chunk(b'thing"}'), b"0\r\n\r\n"],
    "big": [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"] +
           [chunk(p) for p in pieces(BIG, 65536)] + [b"0\r\n\r\n"],
    "hangup": [],
    "truncated": [b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n",
                  STATUS[:20]],
    "badchunk": [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                 b"zz\r\n{}\r\n0\r\n\r\n"],
    "notjson": [b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"],
    "nothttp": [b"SSH-2.0-OpenSSH_9.2\r\n"],
    "silent": None,
}


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(65536)
        if not more:
            return data
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            want = int(line.split(b":", 1)[1])
            while len(body) < want:
                more = conn.recv(65536)
                if not more:
                    break
                body += more
    return head + b"\r\n\r\n" + body


def serve(sock, name, outdir):
    while True:
        conn, _ = sock.accept()
        with conn:
            request = read_request(conn)
            with open(os.path.join(outdir, name + ".request"), "wb") as f:
                f.write(request)
            if REPLIES[name] is None:
                time.sleep(30)
                continue
            for piece in REPLIES[name]:
                conn.sendall(piece)
                time.sleep(0.02)


def main():
    outdir = sys.argv[1]
    for name in REPLIES:
        path = os.path.join(outdir, name + ".sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path)
        sock.listen(8)
        threading.Thread(target=serve, args=(sock, name, outdir),
                         daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


main()
