# monitor.sh: monitoring returns. A grant's plan from its fund (one return
# at the end of the project, or quarterly plus annual, then a follow-up),
# with due dates the test works out itself; reminders before and on the due date and the
# escalation of an overdue return to the grant's officer, each sent once
# by grantd's timer; returns read from realistic replies
# (tests/fixtures/monitoring), an incomplete one answered with exactly
# what is missing, a reply from elsewhere held; approving a return
# releases the payment held for it; chasing sends the reminder again; the
# follow-up asks only the wellbeing questions and keeps only those.
. "$top_srcdir/tests/integration/lib.sh"
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1

[monitoring]
remind_days = 14
end_weeks = 8
followup_weeks = 17
check_interval = 1"
setup
# Returns sent as documents are read by grantd-docread, as forms are.
stop_grantd
sed -i "s|^\[grantd\]|[grantd]\ndocument_reader = $top_builddir/grantd-docread|" \
    "$T/grantd.conf"
start_grantd
FIX="$top_srcdir/tests/fixtures/monitoring"
today=$(TZ=Europe/London date +%Y-%m-%d)
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
$GRANTCTL user add sam --uid 5002 --role assessor --email sam@example.org >/dev/null
PRIYA=$(sql "SELECT id FROM users WHERE name = 'priya'")
open_round
FG=$(sql "SELECT id FROM funds WHERE code = 'FG'")
RID=$(sql "SELECT id FROM rounds WHERE code = '$R'")
fails "a fund's monitoring is end or quarterly" 1 "--monitoring is end" \
    $GRANTCTL fund create SA --name "Social Action Fund" --budget 500000 \
    --monitoring monthly
ok "a fund whose grants report quarterly" $GRANTCTL fund create SA \
    --name "Social Action Fund" --budget 500000 --monitoring quarterly
same "its plan" "quarterly end" \
    "$(sql "SELECT f.monitoring_plan FROM funds f ORDER BY f.code = 'FG'" | paste -sd' ' -)"
SA=$(sql "SELECT id FROM funds WHERE code = 'SA'")

# grant N FUND STATE ACCEPTED [END-DATE]: grant MG-2027-000N, with its
# application (contact Joan, the project's end date in its form), to
# groupN@example.org, priya its officer.
grant() {
	fields='{}'
	[ -n "${5:-}" ] && fields="{\"end_date\": \"$5\"}"
	sql "INSERT INTO applications (reference, fund_id, round_id, year, seq, state, email, contact_name, organisation, project_title, amount_requested, fields, problems, officer_id) VALUES ('MG-2027-000$1', $2, $RID, 2027, $1, 'approved', 'group$1@example.org', 'Joan Smith', 'Group $1', 'Growing Together $1', 50000, '$fields', '[]', $PRIYA)"
	sql "INSERT INTO grants (reference, application_id, fund_id, organisation, email, amount, purpose, state, officer_id, accepted_at) SELECT reference, id, fund_id, organisation, email, 50000, project_title, '$3', $PRIYA, '$4 10:00:00' FROM applications WHERE reference = 'MG-2027-000$1'"
}
tranche() {	# tranche GRANT NUMBER DUE [STATE [HOLD-REASON]]
	sql "INSERT INTO tranches (grant_id, number, due_date, amount, state, hold_reason, end_to_end_id) SELECT id, $2, '$3', 25000, '${4:-scheduled}', NULLIF('${5:-}', ''), CONCAT('E2E-', reference, '-', $2) FROM grants WHERE reference = '$1'"
}
returns() {	# returns REF: kind, period, due date, state, one line each
	sql "SELECT r.kind, r.period, r.due_date, r.state FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference = '$1' ORDER BY r.due_date, r.kind" | tr '\t' ' '
}
rid() {		# rid REF: the id of the grant's first return
	sql "SELECT MIN(r.id) FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference = '$1'"
}

# ---- plans ----

# Fast Grants: one return, end_weeks after the later of the last payment
# and the project's end (the form's end date here), and the follow-up
# followup_weeks after that.
grant 1 "$FG" accepted 2027-01-15 2027-06-30
tranche MG-2027-0001 1 2027-02-01
tranche MG-2027-0001 2 2027-05-20
ok "an officer schedules a Fast Grant's returns" setpriv --reuid=5001 $GRANTCTL monitor plan MG-2027-0001
want=$(date -d "2027-06-30 +8 weeks" +%Y-%m-%d)
has "the plan is printed" "$want  end of project  scheduled"
same "one end-of-project return, 8 weeks after the project's end, the follow-up 17 after it" \
    "end end of project $want scheduled
followup follow-up $(date -d "$want +17 weeks" +%Y-%m-%d) scheduled" \
    "$(returns MG-2027-0001)"

# Without an end date in the form, from the last payment.
grant 2 "$FG" active 2027-01-15
tranche MG-2027-0002 1 2027-02-01
tranche MG-2027-0002 2 2027-09-10
ok "the plan of a grant with no end date" $GRANTCTL monitor plan MG-2027-0002
same "due 8 weeks after the last payment" \
    "end end of project $(date -d '2027-09-10 +8 weeks' +%Y-%m-%d) scheduled" \
    "$(returns MG-2027-0002 | grep -v followup)"

# Social Action Fund: a return every quarter from acceptance to the end
# of the project, and an annual one each year.
grant 3 "$SA" accepted 2027-01-15 2028-01-15
ok "a Social Action Fund grant's plan" $GRANTCTL monitor plan MG-2027-0003
want=""
for q in 1 2 3 4; do
	want="$want
quarterly quarter $q $(date -d "2027-01-15 +$((3 * q)) months" +%Y-%m-%d) scheduled"
done
want="annual year 1 $(date -d '2027-01-15 +12 months' +%Y-%m-%d) scheduled${want}
followup follow-up $(date -d '2027-01-15 +12 months +17 weeks' +%Y-%m-%d) scheduled"
same "four quarterly returns, one annual, three months apart, then the follow-up" \
    "$(printf '%s\n' "$want" | sort)" "$(returns MG-2027-0003 | sort)"
ok "planning again" $GRANTCTL monitor plan MG-2027-0003
has "adds nothing" "owes 6 monitoring returns (0 new)"
same "nothing doubled" 6 "$(returns MG-2027-0003 | wc -l)"

grant 9 "$FG" offered 2027-01-15
fails "a grant not yet accepted owes nothing" 1 \
    "grant MG-2027-0009 is offered: only an accepted or active grant" \
    $GRANTCTL monitor plan MG-2027-0009
fails "an unknown grant" 1 "there is no grant MG-2027-0099" \
    $GRANTCTL monitor plan MG-2027-0099
fails "an assessor cannot plan" 1 "" setpriv --reuid=5002 $GRANTCTL monitor plan MG-2027-0001

# ---- reminders, on the timer ----

# Three grants whose returns are due in 5 days, today, and 3 days ago.
grant 4 "$FG" active 2027-01-15
grant 5 "$FG" active 2027-01-15
grant 6 "$FG" active 2027-01-15
for n in 4 5 6; do $GRANTCTL monitor plan MG-2027-000$n >/dev/null; done
same "with neither payments nor an end date, a year from acceptance" \
    "end end of project $(date -d '2027-01-15 +12 months +8 weeks' +%Y-%m-%d) scheduled" \
    "$(returns MG-2027-0004 | grep -v followup)"
# MG-2027-0004's second payment waits for its return.
tranche MG-2027-0004 1 2027-02-01 paid
tranche MG-2027-0004 2 "$(date -d "$today +20 days" +%Y-%m-%d)" held \
    "waiting for the end-of-project monitoring return"
# ... and its third, not held, waits all the same (payments after the
# first wait for the latest return due by their date to be approved).
tranche MG-2027-0004 3 "$(date -d "$today +40 days" +%Y-%m-%d)" due
sql "UPDATE monitoring_returns r JOIN grants g ON g.id = r.grant_id SET r.due_date = CASE g.reference WHEN 'MG-2027-0004' THEN DATE_ADD('$today', INTERVAL 5 DAY) WHEN 'MG-2027-0005' THEN '$today' ELSE DATE_SUB('$today', INTERVAL 3 DAY) END WHERE g.reference IN ('MG-2027-0004', 'MG-2027-0005', 'MG-2027-0006') AND r.kind = 'end'"
# Returns of other grants are not due for months: no letters for them.
sent_of() {	# sent_of REF TEMPLATE: how many such letters were queued
	sql "SELECT COUNT(*) FROM outbox WHERE reference = '$1' AND template = '$2'"
}
sent_one() { [ "$(sent_of "$1" "$2")" = 1 ]; }
wait_for "the reminder before the due date" 10 \
    sent_one MG-2027-0004 monitoring-reminder
wait_for "the reminder on the due date" 10 sent_one MG-2027-0005 monitoring-due
wait_for "the overdue letter" 10 sent_one MG-2027-0006 monitoring-overdue
sleep 3	# three more turns of the timer
same "each reminder sent once, and only the one that fits the day" \
    "1 0 0 0 1 0 0 0 1" \
    "$(for r in 4 5 6; do for t in reminder due overdue; do
	printf '%s ' "$(sent_of MG-2027-000$r monitoring-$t)"; done; done |
	sed 's/ $//')"
same "each marked when it went" "1 0 0 0 1 0 0 0 1" \
    "$(sql "SELECT r.reminded_at IS NOT NULL, r.due_reminded_at IS NOT NULL, r.escalated_at IS NOT NULL FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference IN ('MG-2027-0004', 'MG-2027-0005', 'MG-2027-0006') AND r.kind = 'end' ORDER BY g.reference" | tr '\t\n' '  ' | sed 's/ $//')"
same "no letter for returns not yet near" 0 \
    "$(sql "SELECT COUNT(*) FROM outbox WHERE reference IN ('MG-2027-0001', 'MG-2027-0002', 'MG-2027-0003')")"
same "the officer is told of the overdue return, once" 1 \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE user_id = $PRIYA AND text LIKE 'MG-2027-0006 (Group 6): monitoring return % is overdue%'")"
same "the escalation is audited" 1 \
    "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.overdue' AND entity = 'MG-2027-0006'")"

# letter_file ADDRESS TEMPLATE: the latest letter of TEMPLATE sent
# there, once it is sent.
letter_file() {
	mid=$(sql "SELECT message_id FROM outbox WHERE id = (SELECT MAX(id) FROM outbox WHERE to_addr = '$1' AND template = '$2') AND state = 'sent'")
	[ -n "$mid" ] && grep -l -F "<$mid>" "$T/sent/new/"* 2>/dev/null | head -1
}
letter() {	# letter NAME ADDRESS TEMPLATE: checked whole against its golden file
	wait_for "$1 sent" 15 letter_file "$2" "$3"
	if /usr/bin/python3 "$top_srcdir/tests/letter.py" show \
	    "$(letter_file "$2" "$3")" >"$T/$1.txt" 2>"$T/stderr"; then
		golden "$1 as the group reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
}
letter monitoring-reminder group4@example.org monitoring-reminder
letter monitoring-overdue group6@example.org monitoring-overdue

ok "list overdue returns" $GRANTCTL monitor list --overdue
same "only the overdue one, 3 days late" 1 "$(printf '%s\n' "$OUT" | grep -c 'MG-2027-')"
has "with its lateness" "3 days"
has "and its grant" "MG-2027-0006"
fails "a fund that does not exist" 1 "no fund XX" $GRANTCTL monitor list --fund XX
fails "an assessor does not read returns" 1 "" setpriv --reuid=5002 $GRANTCTL monitor list
ok "list a fund's returns" $GRANTCTL monitor list --fund SA
same "the Social Action Fund's six" 6 "$(printf '%s\n' "$OUT" | grep -c 'MG-2027-0003')"

# ---- returns by email ----

# reply FIXTURE FROM REF TEMPLATE: the corpus reply, as an answer to the
# letter of TEMPLATE about REF, delivered; waits until it is read.
reply() {
	mid=$(sql "SELECT message_id FROM outbox WHERE reference = '$3' AND template = '$4' ORDER BY id DESC LIMIT 1")
	name=$(basename "$1" .eml).$$
	case $1 in /*) file=$1 ;; *) file=$FIX/$1 ;; esac
	sed -e "s|%FROM%|$2|" -e "s|%IN_REPLY_TO%|<$mid>|g" -e "s|%REF%|$3|" \
	    -e "s|%DUE%|soon|" "$file" >"$T/inbox/tmp/$name"
	mv "$T/inbox/tmp/$name" "$T/inbox/new/$name"
	for _ in $(seq 1 100); do
		[ -e "$T/inbox/new/$name" ] || return 0
		sleep 0.1
	done
	fail "reply $1 read" "still in new/ after 10 s"
}
state_of() {	# state_of REF: the state of the grant's first return
	sql "SELECT state FROM monitoring_returns WHERE id = $(rid "$1")"
}

# A reply from another address, threaded under the reminder: held.
reply 16-quarterly.eml "Someone Else <someone@example.net>" MG-2027-0004 monitoring-reminder
same "a reply from elsewhere is held" "monitoring-held held" \
    "$(sql "SELECT kind, held_state FROM mail_in WHERE from_addr = 'someone@example.net'" | tr '\t' ' ')"
same "and changes nothing" "due" "$(state_of MG-2027-0004)"
ok "the officer sees it held" $GRANTCTL intake held list
has "held with why" "not from the address on record (group4@example.org)"
same "nobody is answered" 0 "$(sql "SELECT COUNT(*) FROM outbox WHERE to_addr = 'someone@example.net'")"
HELD=$(sql "SELECT id FROM mail_in WHERE from_addr = 'someone@example.net'")
ok "an officer accepts it" $GRANTCTL intake held accept "$HELD"
has "and is told it counts only from the address on record" \
    "a monitoring return counts only from the grant's address on record"
same "still nothing changes, nobody is answered" "due 0" \
    "$(state_of MG-2027-0004) $(sql "SELECT COUNT(*) FROM outbox WHERE to_addr = 'someone@example.net'")"

# The complete return, as the form filled in.
reply 01-form-filled.eml "Joan Smith <group4@example.org>" MG-2027-0004 monitoring-reminder
same "a complete return is received" received "$(state_of MG-2027-0004)"
same "spend, people and volunteers in their columns" "123450 42 6" \
    "$(sql "SELECT spend, people, volunteers FROM monitoring_returns WHERE id = $(rid MG-2027-0004)" | tr '\t' ' ')"
same "wellbeing as counts, each score's people" \
    "baseline life 4 3,baseline life 6 5,end life 6 2,end life 8 6,baseline anxious 6 8" \
    "$(sql "SELECT stage, question, score, people FROM wellbeing_counts WHERE return_id = $(rid MG-2027-0004) AND question IN ('life', 'anxious') ORDER BY question = 'anxious', stage = 'end', score" | head -5 | tr '\t' ' ' | paste -sd, -)"
same "twelve counts in all" 12 \
    "$(sql "SELECT COUNT(*) FROM wellbeing_counts WHERE return_id = $(rid MG-2027-0004)")"
letter monitoring-received group4@example.org monitoring-received
same "the officer hears it is ready" 1 \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE user_id = $PRIYA AND text LIKE 'MG-2027-0004: monitoring return % is in, ready to approve%'")"

# A part return: answered with exactly what is missing, and kept.
reply 15-partial.eml "Amira <group5@example.org>" MG-2027-0005 monitoring-due
same "an incomplete return is kept as incomplete" "incomplete 25000 14" \
    "$(sql "SELECT state, spend, people FROM monitoring_returns WHERE id = $(rid MG-2027-0005)" | tr '\t' ' ')"
letter monitoring-incomplete group5@example.org monitoring-incomplete
fails "an incomplete return cannot be approved" 1 \
    "is incomplete: only a received return can be approved" \
    $GRANTCTL monitor approve "$(rid MG-2027-0005)"
# The rest, in answer to that letter: merged with what came before.
cat >"$T/rest.eml" <<'EOF'
From: %FROM%
To: Fast Grants <grants@example.org>
Subject: Re: [%REF%] A few things missing
Message-ID: <rest-of-return@mail.example.net>
In-Reply-To: %IN_REPLY_TO%
References: %IN_REPLY_TO%
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Volunteers: 5
Activities delivered: weekly knit and natter
A short story: June finished her first jumper for her grandson.
Baseline life satisfaction: 14 people scored 5
End life satisfaction: 14 people scored 7

Amira
EOF
reply "$T/rest.eml" "Amira <group5@example.org>" MG-2027-0005 monitoring-incomplete
same "the rest completes it, what came before kept" "received 25000 14 5" \
    "$(sql "SELECT state, spend, people, volunteers FROM monitoring_returns WHERE id = $(rid MG-2027-0005)" | tr '\t' ' ')"

# HTML only, to the overdue return.
reply 04-html-only.eml "Tom <group6@example.org>" MG-2027-0006 monitoring-overdue
same "an HTML-only return is read" "received 60000 25 3 5" \
    "$(sql "SELECT state, spend, people, volunteers, (SELECT COUNT(*) FROM wellbeing_counts WHERE return_id = r.id) FROM monitoring_returns r WHERE id = $(rid MG-2027-0006)" | tr '\t' ' ')"
ok "list overdue returns again" $GRANTCTL monitor list --overdue
lacks "a return that came in is overdue no more" "MG-2027-0006"

# ---- chase ----

Q1=$(sql "SELECT r.id FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference = 'MG-2027-0003' AND r.period = 'quarter 1'")
ok "chase a return" setpriv --reuid=5001 $GRANTCTL monitor chase "$Q1"
has "says so" "Monitoring return $Q1 for MG-2027-0003: the group has been reminded again."
same "the reminder is sent now, with the form" 1 "$(sent_of MG-2027-0003 monitoring-reminder)"
same "chasing is audited" "priya" \
    "$(sql "SELECT actor FROM audit_log WHERE action = 'monitoring.chase' AND entity = 'MG-2027-0003'")"
same "and marked" 1 "$(sql "SELECT chased_at IS NOT NULL FROM monitoring_returns WHERE id = $Q1")"
fails "an assessor cannot chase" 1 "" setpriv --reuid=5002 $GRANTCTL monitor chase "$Q1"
fails "chasing a return that is in" 1 "is already received: there is nothing to chase" \
    $GRANTCTL monitor chase "$(rid MG-2027-0004)"
fails "an unknown return" 1 "there is no monitoring return 99999" $GRANTCTL monitor chase 99999
fails "a return is named by its number" 1 "a monitoring return is named by its number" \
    $GRANTCTL monitor chase MG-2027-0003

# The quarterly return, with a photo: kept as an application's files are.
reply 11-base64-photo.eml "Kai's Mum <group3@example.org>" MG-2027-0003 monitoring-reminder
same "a quarterly return needs no wellbeing" received \
    "$(sql "SELECT state FROM monitoring_returns WHERE id = $Q1")"
ok "show the return" $GRANTCTL monitor show "$Q1"
has "its spend" "spend          £2,000.00"
has "its people" "people         120"
has "its story" "Kai, who wouldn’t speak in the first week, played the lead."
has "its photo" "show.jpg (image/jpeg"
has "its wellbeing, as the form has it" "baseline, happiness: 20 scored 5"
ok "show a return with a story over two lines" $GRANTCTL monitor show "$(rid MG-2027-0004)"
has "each line shown" "  Margaret had not left her flat for months. By week four she
  was bringing cuttings from her windowsill for everyone."
has "counts joined" "baseline, life satisfaction: 3 scored 4, 5 scored 6"

# A reply with no return in it: the form again, and the officer told.
R1=$(rid MG-2027-0001)
$GRANTCTL monitor chase "$R1" >/dev/null
cat >"$T/later.eml" <<'EOF'
From: %FROM%
To: Fast Grants <grants@example.org>
Subject: Re: [%REF%] Your end-of-project monitoring return
Message-ID: <need-more-time@mail.example.net>
In-Reply-To: %IN_REPLY_TO%
References: %IN_REPLY_TO%
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi, we are still collecting the forms from our members. Is it all right
if we send everything next month?

Joan
EOF
reply "$T/later.eml" "Joan Smith <group1@example.org>" MG-2027-0001 monitoring-reminder
same "a reply with no return in it changes nothing" due "$(state_of MG-2027-0001)"
letter monitoring-form group1@example.org monitoring-form
same "and the officer reads it" 1 \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE user_id = $PRIYA AND text LIKE 'MG-2027-0001: a reply about monitoring return % held no return%'")"

# A return written in a Word document, attached to a reply to the chase.
R2=$(rid MG-2027-0002)
$GRANTCTL monitor chase "$R2" >/dev/null
/usr/bin/python3 - "$T/return.docx" <<'PY'
import sys, zipfile
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
      'openxmlformats.org/package/2006/content-types"><Default Extension="xml"'
      ' ContentType="application/xml"/><Override PartName="/word/document.xml"'
      ' ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.document.main+xml"/></Types>')
lines = ["End of project report", "", "Spend to date: \u00a31,980",
    "People reached: 64", "Volunteers: 7",
    "Activities delivered: weekly chair yoga in two sheltered housing schemes",
    "A short story: Edna, 91, now leads the warm-up.", "",
    "Baseline life satisfaction: 30 people scored 5, 34 scored 6",
    "End life satisfaction: 64 people scored 7"]
body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
    % l.replace("&", "&amp;") for l in lines)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8" '
        'standalone="yes"?><w:document xmlns:w="%s"><w:body>%s</w:body>'
        '</w:document>' % (W, body))
PY
mid=$(sql "SELECT message_id FROM outbox WHERE reference = 'MG-2027-0002' AND template = 'monitoring-reminder'")
/usr/bin/python3 - "$T/return.docx" "$mid" >"$T/inbox/tmp/docx.m" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "Joan Smith <group2@example.org>"
m["To"] = "grants@example.org"
m["Subject"] = "Re: [MG-2027-0002] Your end-of-project monitoring return"
m["Message-ID"] = "<docx-return@mail.example.net>"
m["In-Reply-To"] = "<%s>" % sys.argv[2]
m["References"] = "<%s>" % sys.argv[2]
m.set_content("Hello,\n\nOur report is attached.\n\nJoan\n")
m.add_attachment(open(sys.argv[1], "rb").read(), maintype="application",
    subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
    filename="report.docx")
sys.stdout.write(m.as_string())
PY
mv "$T/inbox/tmp/docx.m" "$T/inbox/new/docx.m"
in_state() { [ "$(sql "SELECT state FROM monitoring_returns WHERE id = $2")" = "$1" ]; }
wait_for "a return in a Word document is read" 20 in_state received "$R2"
same "from the document, not the body" "198000 64 7 3" \
    "$(sql "SELECT spend, people, volunteers, (SELECT COUNT(*) FROM wellbeing_counts WHERE return_id = r.id) FROM monitoring_returns r WHERE id = $R2" | tr '\t' ' ')"
ok "show it" $GRANTCTL monitor show "$R2"
has "the document is kept" "report.docx (application/vnd.openxmlformats"

# ---- the follow-up ----

# followup_reply FILE ID: a reply about the follow-up, its text on stdin
followup_reply() {
	{
		printf '%s\n' "From: %FROM%" "To: Fast Grants <grants@example.org>" \
		    "Subject: Re: [%REF%] Your follow-up wellbeing return" \
		    "Message-ID: <$2@mail.example.net>" \
		    "In-Reply-To: %IN_REPLY_TO%" "References: %IN_REPLY_TO%" \
		    "MIME-Version: 1.0" \
		    "Content-Type: text/plain; charset=utf-8" ""
		cat
	} >"$T/$1.eml"
}
# MG-2027-0005's follow-up, due in 5 days: the reminder asks only the
# wellbeing questions again.
FU=$(sql "SELECT r.id FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference = 'MG-2027-0005' AND r.kind = 'followup'")
sql "UPDATE monitoring_returns SET due_date = DATE_ADD('$today', INTERVAL 5 DAY) WHERE id = $FU"
letter monitoring-reminder-followup group5@example.org monitoring-reminder
# The group fills in the whole form again: only the follow-up is kept,
# as the rest was counted in the return before; scores with no stage
# named are the follow-up's.
followup_reply followup follow-up-return <<'EOF'
People reached: 14
Baseline life satisfaction: 14 people scored 5
Follow-up life satisfaction: 9 people scored 8, 3 scored 7
Happiness: 12 people scored 8

Amira
EOF
reply "$T/followup.eml" "Amira <group5@example.org>" MG-2027-0005 monitoring-reminder
same "the follow-up is received with only its own counts" \
    "received - followup life 7 3,followup life 8 9,followup happy 8 12" \
    "$(sql "SELECT state, COALESCE(people, '-') FROM monitoring_returns WHERE id = $FU" | tr '\t' ' ') $(sql "SELECT stage, question, score, people FROM wellbeing_counts WHERE return_id = $FU ORDER BY question = 'happy', score" | tr '\t' ' ' | paste -sd, -)"
letter monitoring-received-followup group5@example.org monitoring-received
# No payment waits for a follow-up: with the end return approved, a
# payment due after the follow-up's date may be paid.
tranche MG-2027-0005 1 2027-02-01 paid
tranche MG-2027-0005 2 "$(date -d "$today +30 days" +%Y-%m-%d)" due
ok "the end return approved" $GRANTCTL monitor approve "$(rid MG-2027-0005)"
ok "tranche list" $GRANTCTL tranche list --grant MG-2027-0005
lacks "the payment waits for no follow-up" "monitoring return"
# Not asking the questions again is an answer too.
followup_reply no-followup no-follow-up <<'EOF'
Sorry, we did not manage to ask everyone again, the group has finished
for the summer.

Amira
EOF
sql "DELETE FROM wellbeing_counts WHERE return_id = $FU"
sql "UPDATE monitoring_returns SET state = 'due', fields = NULL, received_at = NULL WHERE id = $FU"
reply "$T/no-followup.eml" "Amira <group5@example.org>" MG-2027-0005 monitoring-reminder
same "a follow-up without figures is received all the same" "received 0" \
    "$(sql "SELECT state, (SELECT COUNT(*) FROM wellbeing_counts WHERE return_id = $FU) FROM monitoring_returns WHERE id = $FU" | tr '\t' ' ')"
letter monitoring-received-no-figures group5@example.org monitoring-received

# ---- approval ----

fails "an assessor cannot approve" 1 "" setpriv --reuid=5002 $GRANTCTL monitor approve "$(rid MG-2027-0004)"
same "the payment still waits" held \
    "$(sql "SELECT t.state FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = 'MG-2027-0004' AND t.number = 2")"
ok "an officer approves the return" setpriv --reuid=5001 $GRANTCTL monitor approve "$(rid MG-2027-0004)"
has "and is told the payment is released" "Payment 2 of MG-2027-0004, held for it, is due again."
has "and which payment may now be paid" "Payment 3 of MG-2027-0004, which waited for it, may now be paid."
same "approved, by whom" "approved priya" \
    "$(sql "SELECT state, approved_by FROM monitoring_returns WHERE id = $(rid MG-2027-0004)" | tr '\t' ' ')"
same "the held payment is due" "due " \
    "$(sql "SELECT t.state, COALESCE(t.hold_reason, '') FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = 'MG-2027-0004' AND t.number = 2" | tr '\t' ' ')"
same "both audited" "monitoring.approve tranche.release" \
    "$(sql "SELECT action FROM audit_log WHERE entity = 'MG-2027-0004' AND action IN ('monitoring.approve', 'tranche.release') ORDER BY action" | paste -sd' ' -)"
fails "approving twice" 1 "is approved: only a received return can be approved" \
    $GRANTCTL monitor approve "$(rid MG-2027-0004)"
ok "the audit chain holds" $GRANTCTL audit verify

finish
