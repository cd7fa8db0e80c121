# lengths.sh: outside input longer than its column. A message with a
# 5,000-byte display name, a 1,000-byte Message-ID and a 20,000-byte
# References header is taken in and answered, each value stored shortened
# with a marker, as is a 2 MB body; a ~1 MB API request (a budget
# transfer's reason) is recorded with its reason and its audit row
# bounded, and the audit chain still verifies.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
setup_maildir_intake
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
open_round

name=$(head -c 5000 /dev/zero | tr '\0' 'N')
mid="$(head -c 988 /dev/zero | tr '\0' 'm')@example.org"
refs=$(for i in $(seq 1 600); do printf ' <ref-%05d-abcdefghijklmn@example.org>' "$i"; done)
sed -e "s/^From: .*/From: \"$name\" <joan.davies@example.org>/" \
    -e "s/^Message-ID: .*/Message-ID: <$mid>/" \
    "$F/plain-form.eml" | sed "/^Message-ID:/a References:$refs" >"$T/long.eml"
same "the References header is long" "1" "$([ "$(grep '^References:' "$T/long.eml" | wc -c)" -gt 20000 ] && echo 1)"
cp "$T/long.eml" "$T/inbox/tmp/2001.a" && mv "$T/inbox/tmp/2001.a" "$T/inbox/new/2001.a"

wait_for "taken in" 10 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
run sh -c "$GRANTCTL intake quarantine list | awk 'NR > 1' | wc -l"
same "not quarantined" "0" "$OUT"
run sql "SELECT LENGTH(message_id), RIGHT(message_id, 3) FROM mail_in"
same "Message-ID stored shortened, marked" "250	..." "$OUT"
wait_for "answered" 10 sh -c "grep -l -a -F '[FG-$year-0001]' '$T'/sent/new/*"
run sql "SELECT LENGTH(to_name), RIGHT(to_name, 3), LENGTH(in_reply_to),
    RIGHT(in_reply_to, 3), LENGTH(refs) <= 2300,
    refs LIKE 'ref-00001-abcdefghijklmn@example.org %',
    refs LIKE '% ref-00600-abcdefghijklmn@example.org %' FROM outbox"
# The answer goes to the name on record (the form's contact), not the long
# display name, which mime.c bounds where it reads it (test-mime).
same "the answer's name on record, In-Reply-To and References bounded" "11	ies	250	...	1	1	1" "$OUT"
A=$(grep -l -a -F "[FG-$year-0001]" "$T"/sent/new/* | head -1)
run grep -a -c '^References:' "$A"
same "the answer still has References" "1" "$OUT"

# A body past what is kept (1 MiB) is kept in part, marked.
{ sed -e "s/^Message-ID: .*/Message-ID: <long-body@example.org>/" \
    -e "s/^Organisation name: .*/Organisation name: Long Letter Club/" \
    "$F/plain-form.eml"
  yes "More about our project, at some length." | head -c 2000000; } >"$T/body.eml"
cp "$T/body.eml" "$T/inbox/tmp/2002.a" && mv "$T/inbox/tmp/2002.a" "$T/inbox/new/2002.a"
wait_for "a long body is taken in" 10 sh -c "$GRANTCTL app list | grep -q 'Long Letter Club'"
run sql "SELECT LENGTH(body), RIGHT(body, 3) FROM mail_in WHERE message_id = 'long-body@example.org'"
same "its body kept in part, marked" "1048576	..." "$OUT"

# A ~1 MB request: the reason is kept (shortened to its column, marked),
# the audit row stays bounded, and the chain verifies.
ok "a second fund" $GRANTCTL fund create SAF --name "Social Action Fund" --budget 1000
/usr/bin/python3 - "$GRANTD_SOCKET" >"$T/big.out" <<'PY'
import json, socket, sys
body = json.dumps({"from": "FG", "to": "SAF", "amount": "1.00",
                   "reason": "R" * 1000000}).encode()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"POST /v1/budget/transfers HTTP/1.1\r\nHost: grantd\r\n"
          b"Content-Type: application/json\r\nConnection: close\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)
answer = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    answer += chunk
print(answer.split(b"\r\n", 1)[0].decode().split(" ")[1])
PY
run cat "$T/big.out"
same "the ~1 MB request is accepted" "201" "$OUT"
run sql "SELECT LENGTH(reason), RIGHT(reason, 3) FROM budget_transfers"
same "its reason stored shortened, marked" "65535	..." "$OUT"
run sql "SELECT LENGTH(detail) <= 65535, detail LIKE '%RRR...%' FROM audit_log WHERE action = 'budget.transfer'"
same "the audit row bounded, marked" "1	1" "$OUT"
run sql "SELECT MAX(LENGTH(detail)) < 10000 FROM audit_log"
same "no audit row is large" "1" "$OUT"
ok "the chain verifies" $GRANTCTL audit verify
ok "the transfer is listed" $GRANTCTL budget list
has "with its reason" "RRRR"
finish
