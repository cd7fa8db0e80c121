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
finish
