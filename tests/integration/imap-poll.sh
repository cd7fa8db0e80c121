# imap-poll.sh: "grantctl intake poll" reads an IMAP mailbox at once, long
# before its poll_interval, even one grantd has read before over the same
# connection; asked for during a poll, it polls again right after it.
. "$top_srcdir/tests/integration/lib.sh"
IMAP_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
IMAP="$T/imap"
mkdir -p "$IMAP"
dovecot_start "$IMAP" "$IMAP_PORT" grants s3cret || exit 1
trap 'dovecot_stop "$IMAP"; cleanup' EXIT
# Every command grantd sends, logged by the server.
mkdir -p "$IMAP/rawlog"
chown nobody:nogroup "$IMAP/rawlog"
echo "rawlog_dir = $IMAP/rawlog" >>"$IMAP/dovecot.conf"
dovecot -c "$IMAP/dovecot.conf" reload || exit 1
echo s3cret >"$T/imap-password"

EXTRA_CONFIG="
[intake fg-imap]
type = imap
url = imap://127.0.0.1:$IMAP_PORT/INBOX
user = grants
password_file = $T/imap-password
processed_folder = Processed
starttls = off
round = FG
poll_interval = 600"
setup
open_round

append() {	# append FROM TO: applications FROM..TO, over IMAP as an MTA would
	/usr/bin/python3 - "$IMAP_PORT" "$1" "$2" <<'PY'
import imaplib, sys
port, first, last = (int(a) for a in sys.argv[1:])
imap = imaplib.IMAP4("127.0.0.1", port)
imap.login("grants", "s3cret")
for i in range(first, last + 1):
    msg = (f"From: Group {i} <group{i}@example.org>\r\n"
           f"To: apply@grants.example.org\r\nSubject: Application {i}\r\n"
           f"Message-ID: <imap-poll-{i}@example.org>\r\n\r\n"
           f"Organisation name: Group {i}\r\nProject title: Project {i}\r\n"
           "Amount requested: 250\r\n")
    imap.append("INBOX", None, None, msg.encode())
imap.logout()
PY
}
taken() { sql "SELECT COUNT(*) FROM mail_in WHERE source = 'fg-imap'"; }
taken_is() { [ "$(taken)" = "$1" ]; }

wait_for "the first poll finds the inbox empty" 10 sh -c \
    "$GRANTCTL --json intake status | grep -q '\"last_poll_at\": \"'"
same "nothing taken" "0" "$(taken)"

ok "thirty applications appended" append 1 30
sleep 2
same "not read before it is asked for" "0" "$(taken)"
ok "intake poll" $GRANTCTL intake poll
same "says it polls the IMAP mailbox now" "Polling fg-imap (imap) now." "$OUT"
wait_for "all 30 taken within 10 s" 10 taken_is 30
run sql "SELECT COUNT(*) FROM applications"
same "thirty applications" "30" "$OUT"

# Asked for while a poll is under way: another follows right after it and
# takes what came once the first had searched the mailbox.
taken_over() { [ "$(taken)" -gt "$1" ]; }
ok "120 more appended" append 31 150
ok "intake poll" $GRANTCTL intake poll
wait_for "the poll is under way" 10 taken_over 30
ok "one more appended" append 151 151
ok "intake poll while one is under way" $GRANTCTL intake poll
same "says it polls again after it" \
    "Polling fg-imap (imap) after the poll under way." "$OUT"
wait_for "all 151 taken" 30 taken_is 151

# Nothing new: a poll is one STATUS, and the connections stay open.
commands() { cat "$IMAP"/rawlog/*.in | sort -n | cut -d' ' -f3- | tr -d '\r'; }
sleep 1
before=$(commands | wc -l)
for _ in 1 2 3; do
	$GRANTCTL intake poll >/dev/null
	sleep 1
done
OUT=$(commands | tail -n +$((before + 1)))
same "three idle polls: three STATUS commands" "STATUS \"INBOX\" (UIDVALIDITY UIDNEXT MESSAGES)
STATUS \"INBOX\" (UIDVALIDITY UIDNEXT MESSAGES)
STATUS \"INBOX\" (UIDVALIDITY UIDNEXT MESSAGES)" "$OUT"
finish
