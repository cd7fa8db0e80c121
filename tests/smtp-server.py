"""A real SMTP server for grantd's tests (aiosmtpd), on 127.0.0.1.

usage: smtp-server.py PORT OUTDIR [CERT KEY]

Every accepted message is written to OUTDIR/NNNN.eml as received, after a
line "X-Envelope: FROM -> RCPT". A recipient whose address contains
"reject" gets 550; one containing "defer" gets 451. With CERT and KEY it
offers STARTTLS and requires it. Runs until killed.
"""
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self, outdir):
        self.outdir = outdir
        # Number on from what an earlier run left, so a restart overwrites nothing.
        self.count = len([n for n in os.listdir(outdir) if n.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, options):
        if "reject" in address:
            return "550 5.1.1 No such user here"
        if "defer" in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.outdir, "%04d.eml" % self.count)
        tmp = name + ".tmp"
        with open(tmp, "wb") as f:
            f.write(("X-Envelope: %s -> %s\r\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content)
        os.rename(tmp, name)
        return "250 Message accepted"


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    tls = {}
    if len(sys.argv) > 4:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Capture(outdir), hostname="127.0.0.1", port=port,
                            **tls)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
