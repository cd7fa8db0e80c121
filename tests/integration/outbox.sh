# outbox.sh: email leaving through a real SMTP server (aiosmtpd on
# loopback): correct MIME, UTF-8 names, no header injection, a server that
# is down, a 550, retries, staff alerts and digests, Maildir delivery, and
# templates checked when they are loaded.
. "$top_srcdir/tests/integration/lib.sh"
MAIL_TRANSPORT=smtp
start_smtp
write_config
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`"
"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1
# msmtp, a real sendmail, finds its settings in grantd's $HOME.
printf 'account default\nhost 127.0.0.1\nport %s\nauth off\ntls off\n' \
    "$SMTP_PORT" >"$T/.msmtprc"
chmod 600 "$T/.msmtprc"
HOME=$T start_grantd

# header NAME FILE: a decoded header of a captured message
header() {
	/usr/bin/python3 - "$2" "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(m.get(sys.argv[2], ""))
PY
}
body() {
	/usr/bin/python3 - "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())
PY
}
count_smtp() { ls "$T/smtp" | grep -c '\.eml$'; }

ok "queue a test message" $GRANTCTL outbox test --to jo@example.org \
    --name "Café Ūnion" --note "ڈاک کی جانچ"
wait_for "it arrives" 10 test -f "$T/smtp/0001.eml"
M="$T/smtp/0001.eml"
run header To "$M"
same "UTF-8 display name survives" "Café Ūnion <jo@example.org>" "$OUT"
run grep -a '^To:' "$M"
has "and is RFC 2047 encoded on the wire" "=?"
run header Subject "$M"
same "Urdu text in the subject" "Test message from Fast Grants: ڈاک کی جانچ" "$OUT"
run header From "$M"
same "from the fund's address" "Fast Grants <grants@example.org>" "$OUT"
run header Auto-Submitted "$M"
same "marked auto-generated" "auto-generated" "$OUT"
run grep -a -i '^Content-Transfer-Encoding:' "$M"
has "quoted-printable" "quoted-printable"
run grep -a -i '^Content-Type:' "$M"
has "UTF-8 text" "text/plain; charset=utf-8"
run body "$M"
has "body decodes" "(ڈاک کی جانچ)"
run awk 'length > 998' "$M"
same "no line over 998 characters" "" "$OUT"
run header Message-ID "$M"
mid=${OUT#<}
ok "outbox shows it sent" $GRANTCTL --json outbox show 1
has "state sent" '"state": "sent"'
has "same Message-ID as on the wire" "\"message_id\": \"${mid%>}\""
run sh -c "head -1 '$M' | tr -d '\r'"
same "envelope from the fund" "X-Envelope: grants@example.org -> jo@example.org" "$OUT"

# Header injection through the name and the subject text.
ok "hostile name and note" $GRANTCTL outbox test --to jo@example.org \
    --name "$(printf 'Evil\r\nBcc: victim@example.com')" \
    --note "$(printf 'hi\r\nX-Injected: yes\nBcc: victim@example.com')"
wait_for "it arrives" 10 test -f "$T/smtp/0002.eml"
run sh -c "sed -n '1,/^\r*$/p' '$T/smtp/0002.eml' | grep -a -i -E '^(Bcc|X-Injected):'"
same "no header was created" "" "$OUT"
run sh -c "head -1 '$T/smtp/0002.eml' | tr -d '\r'"
same "only the one recipient" "X-Envelope: grants@example.org -> jo@example.org" "$OUT"

# A 550 fails at once, shows, and tells the officers.
ok "an officer who wants to know at once" $GRANTCTL user add priya \
    --uid 5001 --role officer --email priya@example.org
ok "immediate" $GRANTCTL user notify priya --digest immediate
ok "a rejected address" $GRANTCTL outbox test --to reject@example.org
wait_for "failed at once" 10 sh -c "$GRANTCTL outbox list --failed | grep -q reject@example.org"
ok "list failed" $GRANTCTL outbox list --failed
has "the server's reason shows" "550"
rid=$($GRANTCTL --json outbox list --failed | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"][0]["id"])')
wait_for "the officer was told" 10 sh -c "grep -l -a 'priya@example.org' '$T'/smtp/*.eml"
ok "retry it" $GRANTCTL outbox retry "$rid"
same "retry says so" "Message $rid queued to send again." "$OUT"
wait_for "tried again and failed again" 10 sh -c "$GRANTCTL --json outbox show $rid | grep -q '\"attempts\": 2'"
fails "only failed messages can be retried" 1 "only failed messages can be retried" \
    $GRANTCTL outbox retry 1
fails "no such message" 1 "no outbox message 999" $GRANTCTL outbox show 999

# Daily digests: several events, one email.
ok "back to daily" $GRANTCTL user notify priya --digest daily
before=$(count_smtp)
$GRANTCTL outbox test --to reject@example.org >/dev/null
$GRANTCTL outbox test --to reject2@example.org >/dev/null
wait_for "both failed" 10 sh -c "[ \$($GRANTCTL --json outbox list --failed | grep -c '\"id\"') -ge 3 ]"
sleep 1
same "no email per event" "$before" "$(count_smtp)"
ok "send digests now" $GRANTCTL notify digests
same "one digest" "1 digest queued." "$OUT"
wait_for "the digest arrives" 10 sh -c "[ \$(ls '$T/smtp' | grep -c eml) -gt $before ]"
last=$(ls "$T/smtp"/*.eml | tail -1)
run header Subject "$last"
same "digest counts both" "grantd: 2 things need you" "$OUT"
ok "nothing left to digest" $GRANTCTL notify digests
same "none" "0 digests queued." "$OUT"

# A staff alert that cannot be delivered raises no alert of its own (it
# would loop): it is logged, and nobody is mailed about it.
ok "an officer whose address is refused" $GRANTCTL user add sam \
    --uid 5002 --role officer --email reject-sam@example.org
ok "who wants to know at once" $GRANTCTL user notify sam --digest immediate
events=$(sql "SELECT COUNT(*) FROM staff_events")
ok "a failure to alert about" $GRANTCTL outbox test --to reject3@example.org
wait_for "sam's alert failed" 10 sh -c "$GRANTCTL outbox list --failed | grep -q reject-sam@example.org"
sleep 2
same "one alert to sam, not an alert about the alert" "1" \
    "$(sql "SELECT COUNT(*) FROM outbox WHERE to_addr = 'reject-sam@example.org'")"
same "priya's digest holds only the first failure" "$((events + 1))" \
    "$(sql "SELECT COUNT(*) FROM staff_events")"
run grep -c "outbox: staff email .* to reject-sam@example.org failed" "$T/grantd.log"
same "the failure is logged instead" "1" "$OUT"
ok "sam leaves" $GRANTCTL user disable sam

# The SMTP server down: messages wait, then all arrive, once each.
stop_smtp
before=$(count_smtp)
for i in 1 2 3 4 5; do $GRANTCTL outbox test --to "wait$i@example.org" >/dev/null; done
sleep 2
ok "they wait" $GRANTCTL outbox list --state queued
has "with the reason" "Couldn't connect to server"
start_smtp
wait_for "all five arrive" 30 sh -c "[ \$(ls '$T/smtp' | grep -c eml) -ge $((before + 5)) ]"
sleep 2
same "once each" "5" "$(grep -l -a -E '^X-Envelope: .* -> wait[0-9]@' "$T"/smtp/*.eml | wc -l)"

# The rate limit holds the relay to rate_per_minute.
sed -i 's/^rate_per_minute = .*/rate_per_minute = 6/' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
sleep 10	# the bucket refills to at most 6
before=$(count_smtp)
for i in $(seq 1 10); do $GRANTCTL outbox test --to "rate$i@example.org" >/dev/null; done
sleep 3
sent=$(( $(count_smtp) - before ))
if [ "$sent" -ge 1 ] && [ "$sent" -le 7 ]; then pass "rate limited: $sent of 10 in 3 s"; else
	fail "rate limited" "$sent of 10 sent in 3 s at 6 a minute"; fi
sed -i 's/^rate_per_minute = .*/rate_per_minute = 60000/' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
wait_for "the rest follow" 20 sh -c "[ \$(ls '$T/smtp' | grep -c eml) -ge $((before + 10)) ]"

# A server that keeps deferring: retried until max_age, then failed.
sed -i 's/^max_age = .*/max_age = 10/' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
ok "a deferred address" $GRANTCTL outbox test --to defer@example.org
wait_for "retried, then failed after max_age" 30 sh -c "$GRANTCTL outbox list --failed | grep -q defer@example.org"
ok "with the server's reason" $GRANTCTL --json outbox list --failed
has "451 kept" "451"
sed -i 's/^max_age = .*/max_age = 600/' "$T/grantd.conf"

# The sendmail transport, through msmtp to the same SMTP server.
sed -i 's/^transport = smtp/transport = sendmail/' "$T/grantd.conf"
printf '[mail]\nsendmail = /usr/bin/msmtp\n' >>"$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
ok "queue through sendmail" $GRANTCTL outbox test --to viasendmail@example.org --note sendmail
wait_for "arrives through sendmail" 10 sh -c "grep -l -a 'viasendmail@example.org' '$T'/smtp/*.eml"
run sh -c "grep -l -a 'viasendmail@example.org' '$T'/smtp/*.eml | head -1 | xargs head -1 | tr -d '\r'"
same "envelope from the fund" "X-Envelope: grants@example.org -> viasendmail@example.org" "$OUT"
sed -i 's/^transport = sendmail/transport = smtp/' "$T/grantd.conf"

# Switch to the Maildir transport with a reload.
sed -i 's/^transport = smtp/transport = maildir/' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
ok "queue to the Maildir" $GRANTCTL outbox test --to jo@example.org --note maildir
wait_for "written to new/" 10 sh -c "ls '$T/sent/new' | grep -q ."
run sh -c "cat '$T'/sent/new/*"
has "a whole message" "Subject: Test message from Fast Grants: maildir"

# Templates: listed, previewed, overridden, and checked at load time.
ok "list templates" $GRANTCTL template list
has "acknowledgement listed" "acknowledgement"
ok "preview" $GRANTCTL template preview incomplete
has "reference tag in the subject" "Subject: [FG-2026-0042] A few things missing"
has "problems listed" "  - Postcode is missing"
has "named officer" "Priya Shah (priya@example.org)"
fails "unknown template" 1 "no template called nope" $GRANTCTL template preview nope
mkdir "$T/overrides"
printf 'Subject: [{{reference}}] Got it\nThanks, {{contact_name}}. {{nonsense}}\n' \
    >"$T/overrides/acknowledgement.txt"
printf '[grantd]\ntemplate_overrides = %s\n' "$T/overrides" >>"$T/grantd.conf"
fails "an unknown placeholder is caught at load" 1 "acknowledgement.txt:2: unknown placeholder '{{nonsense}}'" \
    "$GRANTD" -c "$T/grantd.conf" -t
printf 'Subject: [{{reference}}] Got it\nThanks, {{contact_name}}.\n' \
    >"$T/overrides/acknowledgement.txt"
ok "a good override loads" "$GRANTD" -c "$T/grantd.conf" -t
finish
