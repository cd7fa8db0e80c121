"""Read a letter grantd sent, strictly, for the golden-file tests.

usage: letter.py show FILE
       letter.py find MAILDIR ADDRESS

show: parse FILE with Python's email package under policy.strict (any
defect is an error) and print its headers and body as an applicant's mail
program would show them:

    From: ...
    To: ...
    Reply-To: ...        (if present)
    Subject: ...
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: ...

    the body, with LF line ends

It fails (exit 1, the reason on stderr) unless the header block is ASCII,
every RFC 2047 encoded word is labelled UTF-8 and its bytes decode as
strict UTF-8, the message is one text/plain part labelled charset=utf-8,
the transfer encoding is one of 7bit, 8bit, quoted-printable or base64
(7bit only for ASCII), and the decoded body bytes are strict UTF-8.

Values that differ from run to run are replaced, in headers and body,
before printing; nothing else is:
    a year inside a reference or round code   FG-2026-0001 -> FG-YYYY-0001
    a date and time   "23 Nov 2026 10:15"     -> "D Mon YYYY HH:MM"
    a date            "28 February 2027"      -> "D Month YYYY"
    a day's name before such a date "Friday"  -> "Weekday"

find: print the path of the one message in MAILDIR/new addressed (To) to
ADDRESS; exit 1 if there is none yet, 2 if there are several.
"""
import email
import email.header
import email.policy
import os
import re
import sys

MONTHS = ("January|February|March|April|May|June|July|August|September|"
          "October|November|December")
VARYING = [
    (re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(19|20)\d\d-"), r"\1-YYYY-"),
    (re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                r" \d{4} \d\d:\d\d\b"), "D Mon YYYY HH:MM"),
    (re.compile(r"\b\d{1,2} (" + MONTHS + r") \d{4}\b"), "D Month YYYY"),
    (re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                r"Sunday) D Month YYYY"), "Weekday D Month YYYY"),
]
SHOWN = ("From", "To", "Reply-To", "Subject")
ENCODED_WORD = re.compile(rb"=\?([^?*]+)(\*[^?]*)?\?([QqBb])\?([^?]*)\?=")


class Bad(Exception):
    pass


def fixed(text):
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return text


def header_block(raw):
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    if end < 0:
        raise Bad("no blank line after the headers")
    return raw[:end]


def check_raw_headers(raw):
    block = header_block(raw)
    try:
        block.decode("ascii")
    except UnicodeDecodeError as e:
        raise Bad("8-bit byte in the headers at offset %d: %r" %
                  (e.start, block[max(0, e.start - 30):e.start + 10]))
    unfolded = re.sub(rb"\r?\n[ \t]", b" ", block)
    for line in unfolded.split(b"\n"):
        name = line.split(b":", 1)[0].decode().strip()
        if name not in SHOWN:
            continue
        for word in ENCODED_WORD.finditer(line):
            charset = word.group(1).decode().lower()
            if charset != "utf-8":
                raise Bad("%s: encoded word in %s, not UTF-8: %s" %
                          (name, charset, word.group(0).decode()))
        value = line.split(b":", 1)[1].decode()
        for data, charset in email.header.decode_header(value):
            if isinstance(data, bytes):
                try:
                    data.decode("utf-8", "strict")
                except UnicodeDecodeError as e:
                    raise Bad("%s: not UTF-8: %s" % (name, e))


def shown_header(msg, name):
    value = msg[name]
    if value is None:
        return None
    if name == "Subject":
        return str(value)
    return ", ".join("%s <%s>" % (a.display_name, a.addr_spec)
                     if a.display_name else a.addr_spec
                     for a in value.addresses)


def show(path):
    raw = open(path, "rb").read()
    try:
        check_raw_headers(raw)
        bad_headers = None
    except Bad as e:
        bad_headers = e     # reported with whatever the body has wrong
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
    except Exception as e:
        raise Bad("the mail parser refused it: %s" % e)
    if msg.is_multipart() or msg.get_content_type() != "text/plain":
        raise Bad("not one text/plain part: %s" % msg.get_content_type())
    charset = msg.get_param("charset")
    if charset is None or charset.lower() != "utf-8":
        raise Bad("charset is %r, not utf-8" % charset)
    cte = str(msg.get("Content-Transfer-Encoding", "7bit")).lower()
    if cte not in ("7bit", "8bit", "quoted-printable", "base64"):
        raise Bad("Content-Transfer-Encoding %s" % cte)
    body = msg.get_payload(decode=True)
    if cte == "7bit" and any(b > 0x7f for b in body):
        raise Bad("8-bit bytes in a 7bit body")
    try:
        text = body.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        raise Bad("%sthe body is not UTF-8: %s (bytes %r)" %
                  ("%s; " % bad_headers if bad_headers else "", e,
                   body[max(0, e.start - 20):e.start + 10]))
    if bad_headers:
        raise bad_headers
    out = []
    for name in SHOWN:
        value = shown_header(msg, name)
        if value is not None:
            out.append("%s: %s" % (name, value))
    out.append("Content-Type: text/plain; charset=%s" % charset.lower())
    out.append("Content-Transfer-Encoding: %s" % cte)
    out.append("")
    out.append(text.replace("\r\n", "\n"))
    sys.stdout.write(fixed("\n".join(out)))


def find(maildir, address):
    found = []
    new = os.path.join(maildir, "new")
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        path = os.path.join(new, name)
        msg = email.message_from_bytes(open(path, "rb").read(),
                                       policy=email.policy.default)
        to = msg["To"]
        if to is not None and any(a.addr_spec.lower() == address.lower()
                                  for a in to.addresses):
            found.append(path)
    if not found:
        return 1
    if len(found) > 1:
        sys.stderr.write("%d messages to %s: %s\n" %
                         (len(found), address, " ".join(found)))
        return 2
    print(found[0])
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "show":
        try:
            show(sys.argv[2])
        except Bad as e:
            sys.stderr.write("%s: %s\n" % (sys.argv[2], e))
            return 1
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "find":
        return find(sys.argv[2], sys.argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
