# imap.sh: applications read from a real Dovecot IMAP server over
# libcurl on grantd's event loop: fetched by UID, flagged seen and moved to
# the processed folder only after they are stored; nothing read twice.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
IMAP_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
IMAP="$T/imap"
mkdir -p "$IMAP"
dovecot_start "$IMAP" "$IMAP_PORT" grants s3cret || exit 1
trap 'dovecot_stop "$IMAP"; cleanup' EXIT
echo s3cret >"$T/imap-password"
INBOX="$IMAP/mail/grants"

deliver() {	# deliver FILE NAME: straight into Dovecot's Maildir
	mkdir -p "$INBOX/new" "$INBOX/cur" "$INBOX/tmp"
	cp "$1" "$INBOX/tmp/$2" && mv "$INBOX/tmp/$2" "$INBOX/new/$2"
	chown -R nobody:nogroup "$INBOX"
}
imap() {	# imap COMMAND: one command against the test mailbox
	curl -s --user grants:s3cret "imap://127.0.0.1:$IMAP_PORT/INBOX" -X "$1"
}

EXTRA_CONFIG="
[intake fg-imap]
type = imap
url = imap://127.0.0.1:$IMAP_PORT/INBOX
user = grants
password_file = $T/imap-password
processed_folder = Processed
starttls = off
round = FG
poll_interval = 1"
setup
year=$(TZ=Europe/London date +%Y)
open_round

deliver "$F/plain-form.eml" 2001.imap
deliver "$F/windows-1252.eml" 2002.imap
deliver "$F/auto-reply.eml" 2003.imap
ok "poll now" $GRANTCTL intake poll
wait_for "an application from IMAP" 15 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
wait_for "the inbox is emptied" 15 sh -c "[ -z \"\$(curl -s --user grants:s3cret 'imap://127.0.0.1:$IMAP_PORT/INBOX' -X 'SEARCH ALL' | sed -n 's/^\* SEARCH *//p' | tr -d '\r ')\" ]"
run imap 'STATUS "Processed" (MESSAGES)'
has "all three moved to the processed folder" "MESSAGES 3"
run curl -s --user grants:s3cret "imap://127.0.0.1:$IMAP_PORT/Processed" -X 'SEARCH SEEN'
has "and flagged seen" "* SEARCH 1 2 3"
ok "intake status" $GRANTCTL --json intake status
has "last UID remembered" '"last_uid": 3'
has "no error" '"last_error": null'

# More mail later: only the new message is fetched.
deliver "$F/alternative.eml" 2004.imap
$GRANTCTL intake poll >/dev/null
wait_for "the new message is taken" 15 sh -c "$GRANTCTL --json intake status | grep -q '\"last_uid\": 4'"
run sql "SELECT COUNT(*) FROM mail_in WHERE source = 'fg-imap'"
same "each message stored once" "4" "$OUT"

# The server gone: the error shows, grantd carries on, and picks up after.
dovecot_stop "$IMAP"
sleep 2
ok "status while IMAP is down" $GRANTCTL intake status
has "the error is shown" "IMAP"
ok "grantd still serves" $GRANTCTL app list
dovecot_start "$IMAP" "$IMAP_PORT" grants s3cret
deliver "$F/plain-form.eml" 2005.imap
wait_for "carries on once the server is back" 20 sh -c "$GRANTCTL --json intake status | grep -q '\"last_error\": null'"
wait_for "the same message again made nothing new" 10 sh -c "[ \$(curl -s --user grants:s3cret 'imap://127.0.0.1:$IMAP_PORT/Processed' -X 'STATUS \"Processed\" (MESSAGES)' | grep -c 'MESSAGES 5') -eq 1 ]"
same "still three applications" "3" "$(sql "SELECT COUNT(*) FROM applications")"

# The mailbox recreated (a new UIDVALIDITY): old UIDs mean nothing, so it
# is read afresh from the first UID.
old_validity=$(sql "SELECT uidvalidity FROM intake_mailboxes")
dovecot_stop "$IMAP"
rm -f "$INBOX"/dovecot-uidlist "$INBOX"/dovecot.index* "$INBOX"/dovecot-uidvalidity*
sleep 1	# UIDVALIDITY is a time in seconds
dovecot_start "$IMAP" "$IMAP_PORT" grants s3cret
sed "s/^Message-ID: .*/Message-ID: <after-reset@example.org>/" \
    "$F/plain-form.eml" >"$T/after-reset.eml"
deliver "$T/after-reset.eml" 2006.imap
wait_for "a message after the reset is taken" 20 sh -c "[ \$(mariadb --no-defaults --socket='$GRANTD_TEST_DB_SOCKET' -uroot -N -B '$DB' -e 'SELECT COUNT(*) FROM applications') -eq 4 ]"
new_validity=$(sql "SELECT uidvalidity FROM intake_mailboxes")
if [ "$new_validity" != "$old_validity" ]; then pass "the new UIDVALIDITY is remembered"; else
	fail "the new UIDVALIDITY is remembered" "still $old_validity"; fi
run grep -c "UIDVALIDITY changed" "$T/grantd.log"
same "and logged" "1" "$OUT"
# A form sent as a file: the message stays in the inbox, unmarked, while
# its reader works, and grantd serves meanwhile; then it is taken in and
# moved. This reader prints the form after a pause, as a slow real one
# would, whatever the machine.
sed -n '/^Organisation name:/,/^- Tea/p' "$F/plain-form.eml" |
    sed -e 's/Oakfield Allotment Society/Larkhill Bowls Club/' \
    -e 's/joan.davies@example.org/bowls@example.org/' >"$T/doc-form.txt"
printf '#!/bin/sh\ncat >/dev/null\nsleep 3\ncat %s\n' "$T/doc-form.txt" \
    >"$T/slow-reader"
chmod 755 "$T/slow-reader"
/usr/bin/python3 - >"$T/doc.eml" <<'PY' || exit 1
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Bowls Club <bowls@example.org>"
m["To"] = "apply@grants.example.org"
m["Subject"] = "Our application"
m["Message-ID"] = "<imap-doc@example.org>"
m.set_content("Hello,\n\nOur application form is attached.\n")
m.add_attachment(b"PK\x03\x04 not read here", maintype="application",
                 subtype="octet-stream", filename="form.docx")
print(m.as_string())
PY
stop_grantd
sed -i "s|^\[grantd\]|[grantd]\ndocument_reader = $T/slow-reader|" \
    "$T/grantd.conf"
start_grantd
deliver "$T/doc.eml" 2007.imap
$GRANTCTL intake poll >/dev/null
wait_for "the reader of the file is started" 15 \
    pgrep -P "$GRANTD_PID" -f slow-reader
t0=$(date +%s%N)
ok "status while the file is read" $GRANTCTL status
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 1000 ] && pass "status took ${ms} ms, not the reader's time" ||
    fail "status took ${ms} ms while a file was read"
run imap 'SEARCH ALL'
has "the message is still in the inbox meanwhile" "* SEARCH 1"
wait_for "the form in the file is an application" 20 sh -c \
    "[ -n \"\$(mariadb --no-defaults --socket='$GRANTD_TEST_DB_SOCKET' -uroot -N -B '$DB' -e \"SELECT reference FROM applications WHERE email = 'bowls@example.org'\")\" ]"
wait_for "then the message is moved" 15 sh -c "[ -z \"\$(curl -s --user grants:s3cret 'imap://127.0.0.1:$IMAP_PORT/INBOX' -X 'SEARCH ALL' | sed -n 's/^\* SEARCH *//p' | tr -d '\r ')\" ]"
run sql "SELECT COUNT(*) FROM mail_in WHERE from_addr = 'bowls@example.org'"
same "and stored once" "1" "$OUT"
finish
