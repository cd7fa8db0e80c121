# tls.sh: mail over TLS with a certificate grantd is told to trust: IMAPS
# and IMAP with STARTTLS required (Dovecot), each login seen by Dovecot as
# TLS, and SMTP with STARTTLS required (aiosmtpd); a server whose STARTTLS
# offer is stripped gets nothing, and the outbox says why.
. "$top_srcdir/tests/integration/lib.sh"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
IMAP_PORT=$(free_port)
IMAPS_PORT=$(free_port)
IMAP="$T/imap"
mkdir -p "$IMAP"
dovecot_start "$IMAP" "$IMAP_PORT" grants s3cret "$IMAPS_PORT" || exit 1
trap 'dovecot_stop "$IMAP"; cleanup' EXIT
echo s3cret >"$T/imap-password"
INBOX="$IMAP/mail/grants"
deliver() {
	mkdir -p "$INBOX/new" "$INBOX/cur" "$INBOX/tmp"
	sed "s/^Message-ID: .*/Message-ID: <$2@example.org>/" "$1" >"$INBOX/tmp/$2"
	mv "$INBOX/tmp/$2" "$INBOX/new/$2"
	chown -R nobody:nogroup "$INBOX"
}
SMTP_TLS="$IMAP/cert.pem $IMAP/key.pem"
MAIL_TRANSPORT=smtp
start_smtp

# intake_config URL STARTTLS: the config with one IMAP mailbox.
intake_config() {
	EXTRA_CONFIG="smtp_ca_file = $IMAP/cert.pem

[intake tls]
type = imap
url = $1
user = grants
password_file = $T/imap-password
starttls = $2
ca_file = $IMAP/cert.pem
round = FG
poll_interval = 1"
	write_config
	sed -i "s/^smtp_starttls = off/smtp_starttls = required/" "$T/grantd.conf"
}

intake_config "imaps://127.0.0.1:$IMAPS_PORT/INBOX" off
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`"
"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1
start_grantd
year=$(TZ=Europe/London date +%Y)
open_round

deliver "$top_srcdir/tests/fixtures/mail/plain-form.eml" tls-1
wait_for "read over IMAPS" 15 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
wait_for "answered over SMTP with STARTTLS" 15 sh -c "grep -l -a -F '[FG-$year-0001]' '$T'/smtp/*.eml"
# Dovecot logs each login with how its connection was secured ("TLS");
# logins_since N: grantd's login lines after line N of its log.
logins_since() {
	tail -n +"$(($1 + 1))" "$IMAP/dovecot.log" |
	    grep -a -E '^.* imap-login: Info: Login: user=<grants>, method=PLAIN, rip=127\.0\.0\.1, '
}
run logins_since 0
[ -n "$OUT" ] && pass "Dovecot logged grantd's IMAPS login" ||
	fail "Dovecot logged grantd's IMAPS login" "$(cat "$IMAP/dovecot.log")"
run sh -c "echo \"\$0\" | grep -v -c ', TLS, session=<'" "$OUT"
same "each over TLS" "0" "$OUT"

stop_grantd
intake_config "imap://127.0.0.1:$IMAP_PORT/INBOX" required
seen=$(wc -l <"$IMAP/dovecot.log")
start_grantd
deliver "$top_srcdir/tests/fixtures/mail/plain-form.eml" tls-2
wait_for "read over IMAP with STARTTLS" 15 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0002'"
run logins_since "$seen"
[ -n "$OUT" ] && pass "Dovecot logged grantd's IMAP login" ||
	fail "Dovecot logged grantd's IMAP login" "$(cat "$IMAP/dovecot.log")"
run sh -c "echo \"\$0\" | grep -v -c ', TLS, session=<'" "$OUT"
same "each turned to TLS by STARTTLS" "0" "$OUT"

# A certificate grantd does not trust is refused, and the error shown.
stop_grantd
intake_config "imaps://127.0.0.1:$IMAPS_PORT/INBOX" off
sed -i '/^ca_file = /d' "$T/grantd.conf"
start_grantd
wait_for "an untrusted certificate is refused" 15 sh -c "$GRANTCTL intake status | grep -q -i 'certificate'"

# STARTTLS stripped: an SMTP server that does not offer it (as when someone
# on the path removes the offer) with smtp_starttls = required. Nothing is
# sent, and the outbox says why.
stop_grantd
stop_smtp
SMTP_TLS="" SMTP_PORT=$(free_port)
rm -rf "$T/smtp"
start_smtp
MAIL_MAX_AGE=10
intake_config "imaps://127.0.0.1:$IMAPS_PORT/INBOX" off
start_grantd
ok "queue a letter" $GRANTCTL outbox test --to someone@example.org
wait_for "it fails, unsent" 30 sh -c "$GRANTCTL outbox list --failed | grep -q someone@example.org"
ok "the failed list" $GRANTCTL outbox list --failed
has "says why" "the server did not offer STARTTLS and smtp_starttls is required: nothing sent"
id=$(echo "$OUT" | awk '/someone@example.org/ { print $1 }')
ok "the letter" $GRANTCTL outbox show "$id"
has "its problem" "problem        the server did not offer STARTTLS and smtp_starttls is required: nothing sent"
run sh -c "ls '$T/smtp' | wc -l"
same "the server received nothing" "0" "$OUT"
finish
