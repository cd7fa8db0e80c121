# documents.sh: application forms sent as files (.docx with paragraphs, a
# table or content controls; .odt; a text PDF; a fillable PDF) read into
# the same fields as the same form in a body; hostile files answered and
# kept, quickly, with grantd alive; each limit of the sandboxed reader
# shown by a document over it; and the reader seen shut in.
. "$top_srcdir/tests/integration/lib.sh"
DOCREAD="$top_builddir/grantd-docread"
# A sanitizer build's reader runs without seccomp and without a memory
# limit: the sanitizers' runtime needs both.
SANITIZED=0
grep -q '^SAN_CFLAGS = -fsanitize' "$top_builddir/Makefile" && SANITIZED=1
D="$T/docs"
/usr/bin/python3 "$top_srcdir/tests/make-documents.py" "$D" || exit 1
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
EXTRA_CONFIG="
[limits]
document_timeout = ${DOC_TIMEOUT:-20}

[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1"
write_config
sed -i "s|^\[grantd\]|[grantd]\ndocument_reader = $DOCREAD|" "$T/grantd.conf"
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`" || exit 1
"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1 || {
	cat "$T/grantd.log"; exit 1; }
start_grantd
year=$(TZ=Europe/London date +%Y)
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
open_round

n=0
# send FROM FILE [TYPE]: a mail from FROM with FILE attached (or, with no
# FILE, the form in the body), delivered as an MTA would to $T/inbox (or
# to the Maildir $BOX).
send() {
	n=$((n + 1))
	box=${BOX:-$T/inbox}
	/usr/bin/python3 - "$1" "${2:-}" "${3:-application/octet-stream}" \
	    "$D/form.txt" "$n" "${BODY_TOO:-}" >"$box/tmp/$n.m" <<'PY' || exit 1
import os, sys
from email.message import EmailMessage
sender, path, ctype, form, n, body_too = sys.argv[1:]
m = EmailMessage()
m["From"] = "Joan Davies <%s>" % sender
m["To"] = "apply@grants.example.org"
m["Subject"] = "Our application"
m["Message-ID"] = "<doc-%s@example.org>" % n
if path:
    m.set_content(open(form).read() if body_too else
                  "Hello,\n\nOur application form is attached.\n\nJoan\n")
    main, sub = ctype.split("/")
    m.add_attachment(open(path, "rb").read(), maintype=main, subtype=sub,
                     filename=os.path.basename(path))
else:
    m.set_content(open(form).read())
sys.stdout.write(m.as_string())
PY
	mv "$box/tmp/$n.m" "$box/new/$n.m"
}
ref_of() {	# the reference of the application from address $1
	sql "SELECT reference FROM applications WHERE email = '$1'"
}
fields_of() {	# the fields read from the form, as sorted JSON
	$GRANTCTL --json app show "$1" | /usr/bin/python3 -c '
import json, sys
print(json.dumps(json.load(sys.stdin)["fields"], sort_keys=True, indent=1))'
}
sent_to() {	# the answer to address $1
	grep -l -a -i -E "^To:.*<?$1>?" "$T"/sent/new/* 2>/dev/null | head -1
}
has_app() {	# an application from address $1
	[ -n "$(ref_of "$1")" ]
}
answered() {	# an answer to address $1
	[ -n "$(sent_to "$1")" ]
}
unreadable_count() {	# $1 mails taken in as unreadable forms
	[ "$(sql "SELECT COUNT(*) FROM mail_in WHERE kind = 'unreadable-form'")" = "$1" ]
}

# The form in a body: what every document should read as.
send body@example.org
wait_for "the form in a body is an application" 15 has_app body@example.org
BODY=$(ref_of body@example.org)
fields_of "$BODY" >"$T/body.json"
run grep -c '"' "$T/body.json"
[ "$OUT" -ge 14 ] && pass "the body form has its fields" ||
    fail "the body form has its fields" "$(cat "$T/body.json")"

for f in paragraphs.docx table.docx controls.docx form.odt form.pdf \
    fillable.pdf; do
	addr="$(echo "$f" | tr . -)@example.org"
	send "$addr" "$D/$f"
	wait_for "$f is an application" 20 has_app "$addr"
	ref=$(ref_of "$addr")
	fields_of "$ref" >"$T/doc.json"
	run diff "$T/body.json" "$T/doc.json"
	same "$f: the same fields as the form in a body" "" "$OUT"
	wait_for "$f: answered" 15 answered "$addr"
	run grep -a -F -h "from the file you attached, $f" "$(sent_to "$addr")"
	has "$f: the answer says the form was read from it" "$f"
done

# The same form in the body and in a file: the body wins the tie.
BODY_TOO=1 send both@example.org "$D/table.docx"
wait_for "body and file: an application" 20 has_app both@example.org
wait_for "body and file: answered" 15 answered both@example.org
run grep -a -c -F "from the file you attached" "$(sent_to both@example.org)"
same "body and file: the form read from the body" "0" "$OUT"

# Hostile or broken files: each answered with the blank form and a
# request for the answers in the body, kept for the officer, quickly.
start=$(date +%s)
for f in bomb.docx lying-bomb.docx truncated.docx entities.docx \
    random.pdf pages.pdf deep.docx entries.docx notadocx.docx; do
	send "bad-$(echo "$f" | tr . -)@example.org" "$D/$f"
done
wait_for "every hostile file answered" 90 unreadable_count 9
took=$(( $(date +%s) - start ))
[ "$took" -lt 60 ] && pass "nine hostile files took ${took}s" ||
    fail "nine hostile files took ${took}s"
ok "grantd is alive" kill -0 "$GRANTD_PID"
ok "and answers" $GRANTCTL status
run sql "SELECT COUNT(*) FROM applications WHERE email LIKE 'bad-%'"
same "no application from a hostile file" "0" "$OUT"
run sql "SELECT COUNT(*) FROM attachments t JOIN mail_in m ON m.id = t.mail_id WHERE m.kind = 'unreadable-form' AND t.refused = 0"
same "every hostile file kept" "9" "$OUT"
run sql "SELECT COUNT(*) FROM staff_events WHERE text LIKE 'A form sent as a file by bad-%'"
same "the officer told of each" "9" "$OUT"
check_reply() {	# check_reply ADDRESS TEXT DESC
	A=$(sent_to "$1")
	run grep -a -F -c -e "We could not read the form" -e "$2" \
	    -e "Organisation name:" "$A"
	same "$3" "3" "$OUT"
}
check_reply bad-bomb-docx@example.org "expands to more than" \
    "zip bomb: refused by its declared size"
check_reply bad-lying-bomb-docx@example.org "expands past 20971520" \
    "zip bomb lying about its size: stopped while inflating"
check_reply bad-truncated-docx@example.org "not a readable zip" \
    "truncated zip: unreadable"
check_reply bad-entities-docx@example.org "declares a DTD" \
    "XML with an external entity: refused"
check_reply bad-random-pdf@example.org "PDF cannot be read" \
    "random bytes called .pdf: unreadable"
check_reply bad-pages-pdf@example.org "no answers to the form" \
    "10,000 pages of no form: answered"
check_reply bad-deep-docx@example.org "nests deeper than 128" \
    "XML nested too deep: refused"
check_reply bad-entries-docx@example.org "holds 3001 files" \
    "a zip of too many files: refused"
check_reply bad-notadocx-docx@example.org "not a Word document" \
    "a file that is not what it says: refused"
run grep -a -h "passwd\|root:" "$T"/sent/new/*
same "no file from the machine in any answer" "" "$OUT"

# Each limit of the reader, one document over it. Its output goes to a
# pipe, as in grantd: it may write no file (RLIMIT_FSIZE is 0).
docread() {	# docread FILE ARGS...: output in $T/out, exit status in rc
	file=$1; shift
	{ "$DOCREAD" "$@" 2>&1; echo $? >"$T/rc"; } <"$file" | cat >"$T/out"
	rc=$(cat "$T/rc")
}
limit() {	# limit DESC WANT-EXIT WANT-TEXT KIND FILE OPTIONS...
	desc=$1 want=$2 text=$3 kind=$4 file=$5; shift 5
	docread "$file" "$kind" "$@"
	if [ "$rc" = "$want" ] && { [ -z "$text" ] ||
	    grep -q -F -- "$text" "$T/out"; }; then
		pass "$desc"
	else
		fail "$desc" "wanted exit $want and '$text'" "got exit $rc: $(head -c 300 "$T/out")"
	fi
}
limit "document_max_size" 2 "the limit is 1024" docx "$D/table.docx" -s 1024
limit "document_max_expanded" 2 "expands to more than 1000000 bytes" docx \
    "$D/bomb.docx" -x 1000000
limit "document_max_entry" 2 "expands past 100000 bytes" docx \
    "$D/lying-bomb.docx" -e 100000
limit "document_max_entries" 2 "holds 3001 files; the limit is 3000" docx \
    "$D/entries.docx" -n 3000
limit "document_max_entries, just enough" 0 "" docx "$D/entries.docx" -n 3001
limit "document_max_depth" 2 "nests deeper than 50" docx "$D/deep.docx" -d 50
limit "document_max_pages" 0 "Page text" pdf "$D/pages.pdf" -p 3
run grep -c "Page text" "$T/out"
same "document_max_pages: three pages read" "3" "$OUT"
limit "document_max_text" 0 "Organisation name: Large" docx "$D/large.docx" \
    -e 100000000 -x 100000000 -t 2000 -c 60
run wc -c <"$T/out"
[ "$OUT" -le 2000 ] && [ "$OUT" -gt 1500 ] &&
    pass "document_max_text: $OUT bytes" || fail "document_max_text" "$OUT bytes"
if [ "$SANITIZED" = 0 ]; then
	docread "$D/large.docx" docx -e 100000000 -x 100000000 -t 100000000 \
	    -m 50000000
	[ "$rc" != 0 ] && pass "document_memory: stopped (exit $rc)" ||
	    fail "document_memory: not stopped"
fi
docread "$D/large.docx" docx -e 100000000 -x 100000000 -t 100000000 -c 60
same "the same document within the limits is read" "0" "$rc"
run "$DOCREAD" exe <"$D/table.docx"
same "an unknown kind is a usage error" "1" "$RC"

# The real-time deadline, and the reader seen shut in while it works.
stop_grantd
sed -i 's/^document_timeout = .*/document_timeout = 2\ndocument_max_entry = 100000000\ndocument_max_expanded = 100000000\ndocument_max_text = 67108864\ndocument_cpu = 60/' \
    "$T/grantd.conf"
start_grantd
send slow@example.org "$D/large.docx"
child=
shut="^Seccomp:	2"
[ "$SANITIZED" = 1 ] && shut="^NoNewPrivs:	1"
for _ in $(seq 1 200); do
	child=$(pgrep -P "$GRANTD_PID" -x grantd-docread) &&
	    grep -q "$shut" "/proc/$child/status" 2>/dev/null && break
	sleep 0.02
done
if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
	st=$(cat "/proc/$child/status")
	echo "$st" | grep -q "^NoNewPrivs:	1" && pass "reader: no new privileges" ||
	    fail "reader: no new privileges" "$st"
	if [ "$SANITIZED" = 0 ]; then
		echo "$st" | grep -q "^Seccomp:	2" &&
		    pass "reader: seccomp filter" ||
		    fail "reader: seccomp filter" "$st"
	fi
	if [ "$(id -u)" = 0 ]; then
		echo "$st" | grep -q "^Uid:	65534" && pass "reader: not root" ||
		    fail "reader: not root" "$st"
	fi
	run grep "Max file size" "/proc/$child/limits"
	has "reader: no files written" " 0 "
	# document_cpu is the kernel's to enforce; how long a document takes
	# depends on the machine, so the limit is read where the kernel keeps it.
	run grep "Max cpu time" "/proc/$child/limits"
	has "reader: CPU time limited to document_cpu" " 60 "
else
	fail "the reader was seen running"
fi
wait_for "the large file is answered" 30 answered slow@example.org

# The deadline itself, with a reader that never answers: how long a real
# document takes depends on the machine, a reader that sleeps does not.
stop_grantd
printf '#!/bin/sh\nexec sleep 60\n' >"$T/stuck-reader"
chmod 755 "$T/stuck-reader"
sed -i "s|^document_reader = .*|document_reader = $T/stuck-reader|" "$T/grantd.conf"
start_grantd
send stuck@example.org "$D/table.docx"
wait_for "the stuck file is answered" 30 answered stuck@example.org
run grep -a -F -c "took longer than 2 seconds" "$(sent_to stuck@example.org)"
same "killed at the deadline, and said so" "1" "$OUT"
same "the stuck reader is gone" "" "$(pgrep -P "$GRANTD_PID" -x sleep)"
ok "grantd is alive after the deadline" kill -0 "$GRANTD_PID"

# While a reader hangs, grantd's loop goes on: it answers at once, and
# another mailbox's application is taken in and acknowledged long before
# the deadline; the hung file is answered at the deadline as before.
# The same group's form is sent again and again here: let each count.
timed_status() {	# grantctl status, its time in $ms
	t0=$(date +%s%N)
	run $GRANTCTL status
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
$GRANTCTL round edit "$R" --many-per-org >/dev/null || exit 1
stop_grantd
mkdir -p "$T/inbox2/new" "$T/inbox2/cur" "$T/inbox2/tmp"
sed -i 's/^document_timeout = .*/document_timeout = 5/' "$T/grantd.conf"
cat >>"$T/grantd.conf" <<CONF

[intake other]
type = maildir
path = $T/inbox2
round = FG
poll_interval = 1
CONF
start_grantd
send hung@example.org "$D/table.docx"
hung=$n
for _ in $(seq 1 100); do
	pgrep -P "$GRANTD_PID" -x sleep >/dev/null && break
	sleep 0.02
done
ok "the hanging reader is running" pgrep -P "$GRANTD_PID" -x sleep
timed_status
same "status answers while a reader hangs" "0" "$RC"
[ "$ms" -lt 1000 ] && pass "status took ${ms} ms, not the deadline" ||
    fail "status took ${ms} ms while a reader hung"
BOX="$T/inbox2" send plain@example.org
wait_for "another mailbox's application is acknowledged meanwhile" 3 \
    answered plain@example.org
run sql "SELECT state FROM applications WHERE email = 'plain@example.org'"
same "and it is eligible" "eligible" "$OUT"
same "the hung file is not answered before its deadline" "" \
    "$(sent_to hung@example.org)"
same "its message is left unmarked in new/ meanwhile" "$hung.m" \
    "$(ls "$T/inbox/new")"
run sql "SELECT COUNT(*) FROM mail_in WHERE from_addr = 'hung@example.org'"
same "its message is not taken in while its reader runs" "0" "$OUT"
wait_for "the hung file is answered at the deadline" 30 answered hung@example.org
run grep -a -F -c "took longer than 5 seconds" "$(sent_to hung@example.org)"
same "and the answer says why" "1" "$OUT"
same "the hung reader is gone" "" "$(pgrep -P "$GRANTD_PID" -x sleep)"
# An officer's retry of a quarantined message reads its documents too,
# and answers once it is taken in; meanwhile grantd's loop goes on. It is
# quarantined for its size first; this reader gives the form back after
# two seconds.
stop_grantd
printf '#!/bin/sh\ncat >/dev/null\nsleep 2\ncat %s\n' "$D/form.txt" \
    >"$T/slow-reader"
chmod 755 "$T/slow-reader"
sed -i -e "s|^document_reader = .*|document_reader = $T/slow-reader|" \
    -e 's/^\[limits\]/[limits]\nmax_message = 2048/' "$T/grantd.conf"
start_grantd
send retry@example.org "$D/table.docx"
quarantined() {
	[ -n "$(sql "SELECT id FROM quarantine WHERE raw LIKE '%retry@example.org%'")" ]
}
wait_for "a message over max_message is quarantined" 15 quarantined
stop_grantd
sed -i '/^max_message = 2048$/d' "$T/grantd.conf"
start_grantd
qid=$(sql "SELECT id FROM quarantine WHERE raw LIKE '%retry@example.org%'")
$GRANTCTL intake quarantine retry "$qid" >"$T/retry.out" 2>&1 &
retry_pid=$!
for _ in $(seq 1 100); do
	pgrep -f "$T/slow-reader" >/dev/null && break
	sleep 0.02
done
ok "the retry's reader is running" pgrep -f "$T/slow-reader"
timed_status
same "status answers while a retry's file is read" "0" "$RC"
[ "$ms" -lt 1000 ] && pass "status took ${ms} ms, not the reader's 2 s" ||
    fail "status took ${ms} ms while a retry's file was read"
wait "$retry_pid"
same "retried" "0" "$?"
run grep -c "taken in" "$T/retry.out"
same "and taken in, once its file is read" "1" "$OUT"
ok "its file read into an application" has_app retry@example.org
wait_for "retry: answered" 15 answered retry@example.org
run grep -a -F -c "from the file you attached, table.docx" \
    "$(sent_to retry@example.org)"
same "retry: the answer says the form was read from the file" "1" "$OUT"
finish
