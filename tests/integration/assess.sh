# assess.sh: panels. Conflicts declared by an officer and by an assessor
# themself (never assigned after), assignment spread evenly and refused
# when too few assessors are free, scores by grantctl, by a panel's CSV
# (all rows or none) and by email to the assignment's own address (held
# when the token or the sender is wrong), and the arithmetic of the
# summary in "app show", checked against numbers computed here.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
PRIYA=5001 ANN=5011 BOB=5012 DAN=5014

$GRANTCTL user add priya --uid $PRIYA --role officer --email priya@example.org >/dev/null
$GRANTCTL user add ann --uid $ANN --role assessor --email ann@example.org >/dev/null
$GRANTCTL user add bob --uid $BOB --role assessor --email bob@example.org >/dev/null
ok "an assessor who scores by email needs no uid" \
    $GRANTCTL user add vol --role assessor --email vol@example.org
has "said so" "Added user vol (no uid: by email only) with roles assessor."
fails "anyone else needs a uid" 1 "--uid is needed" \
    $GRANTCTL user add olga --role officer --email olga@example.org
fails "an assessor without a uid needs an address" 1 "--uid is needed" \
    $GRANTCTL user add nomail --role assessor

$GRANTCTL fund create FG --name "Fast Grants" --budget 100000 \
    --max-award 500 >/dev/null || exit 1
R=$($GRANTCTL round create FG --title "Spring 2027" \
    --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 90000 \
    --priority "Supporting the community to be fit and healthy" \
    --criterion "Need and evidence:30" --criterion "Innovation:20" \
    --criterion "Health and wellbeing:20" \
    --criterion "Pressure on services:15" --criterion "Strengths:15") ||
    exit 1
$GRANTCTL round open "$R" >/dev/null || exit 1

# apply N: a complete form from group N, through the Maildir.
apply() {
	cat >"$T/inbox/tmp/$1" <<MAIL
From: Group $1 <group$1@example.net>
To: apply@grants.example.org
Subject: Application
Message-ID: <apply-$1@example.net>
Date: Tue, 24 Nov 2026 10:00:00 +0000

Organisation name: Group $1 Allotments
Organisation type: Unincorporated community group
Contact name: Member $1
Phone: 0113 496 0000
Postcode: LS6 2AB
Project title: Growing Together $1
Project summary: Weekly gardening sessions for older neighbours who live
alone, with tea afterwards.
Priorities: 1
Amount requested: £4$10
Start date: 1 March 2027
End date: 31/08/2027
People who will benefit: 40 older residents
Budget: Seeds £100, tools £100
MAIL
	mv "$T/inbox/tmp/$1" "$T/inbox/new/$1"
}
for n in 1 2 3 4 5 6 7; do apply $n; done
wait_for "seven eligible applications" 20 sh -c \
    "[ \$($GRANTCTL app list --state eligible | grep -c 'FG-$year-') = 7 ]"
A() { echo "FG-$year-000$1"; }

# ---- conflicts ----
ok "an officer declares a conflict for bob" as $PRIYA $GRANTCTL assess \
    conflict "$(A 1)" --user bob --reason "Treasurer of the group"
has "said so" "Conflict declared: bob will not assess $(A 1)."
ok "ann declares her own" as $ANN $GRANTCTL assess conflict "$(A 2)" \
    --reason "My sister runs it"
has "for herself" "Conflict declared: ann will not assess $(A 2)."
fails "not for someone else" 1 "only your own conflicts" \
    as $ANN $GRANTCTL assess conflict "$(A 3)" --user bob --reason "x"
fails "not twice" 1 "already declared" \
    as $PRIYA $GRANTCTL assess conflict "$(A 2)" --user ann --reason "x"
fails "a reason is needed" 2 "needs --reason" \
    as $PRIYA $GRANTCTL assess conflict "$(A 3)" --user bob
run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.conflict'"
same "both audited" "2" "$OUT"

# ---- assignment ----
fails "too few free assessors: refused, naming the application" 1 \
    "$(A 1) has 2 assessors without a conflict; 3 are needed" \
    as $PRIYA $GRANTCTL assess assign "$R" --per-app 3
run sql "SELECT COUNT(*) FROM assessment_assignments"
same "and nothing assigned" "0" "$OUT"
fails "an assessor cannot assign" 1 "may not do this" \
    as $ANN $GRANTCTL assess assign "$R" --per-app 2
ok "assign two per application" as $PRIYA $GRANTCTL assess assign "$R" \
    --per-app 2
has "said so" "Assigned 7 applications of $R, 2 assessors each."
# queue NAME: an assessor's references, from assess list --json.
queue() {
	$GRANTCTL --json assess list --round "$R" | /usr/bin/python3 -c '
import json, sys
print(" ".join(a["reference"][-4:] for a in json.load(sys.stdin)["assignments"]
               if a["assessor"] == sys.argv[1]))' "$1"
}
loads=$($GRANTCTL --json assess list | /usr/bin/python3 -c '
import collections, json, sys
c = collections.Counter(a["assessor"] for a in json.load(sys.stdin)["assignments"])
print(" ".join(str(n) for _, n in sorted(c.items())))')
same "loads ann bob vol spread evenly" "5 5 4" "$loads"
run queue bob
lacks "bob never has the application he is conflicted on" "0001"
run queue ann
lacks "ann never has the one she declared" "0002"
run sql "SELECT COUNT(DISTINCT token), MIN(token REGEXP '^[0-9a-f]{32}\$') FROM assessment_assignments"
same "every assignment has its own 32-hex token" "14	1" "$OUT"
run sql "SELECT COUNT(*) FROM applications WHERE state = 'shortlisted'"
same "all seven shortlisted" "7" "$OUT"
run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'application.state' AND detail LIKE '%shortlisted%'"
same "each move audited" "7" "$OUT"
fails "a second run finds nothing" 1 "no eligible applications" \
    as $PRIYA $GRANTCTL assess assign "$R" --per-app 2

# letter NAME ADDRESS: the one letter sent to ADDRESS, with the tokens
# (random each run) written TOKEN, must equal tests/golden/letters/NAME.txt.
letter() {
	wait_for "$1 sent" 15 /usr/bin/python3 "$top_srcdir/tests/letter.py" \
	    find "$T/sent" "$2"
	f=$(/usr/bin/python3 "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if /usr/bin/python3 "$top_srcdir/tests/letter.py" show "$f" \
	    >"$T/$1.raw" 2>"$T/stderr"; then
		sed -E 's/score-[0-9a-f]{32}/score-TOKEN/g' "$T/$1.raw" >"$T/$1.txt"
		golden "$1 as the assessor reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
}
# Letters already checked move aside, so "find" sees only the next one.
mkdir -p "$T/seen"
seen() { sleep 1; mv "$T"/sent/new/* "$T/seen/" 2>/dev/null; }
letter assessor-assignment vol@example.org
vol5=$(sql "SELECT s.token FROM assessment_assignments s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'vol' AND a.reference = '$(A 5)'")
run cat "$T/assessor-assignment.raw"
has "the letter carries vol's own address for each application" \
    "grants+score-$vol5@example.org"
run sh -c "grep -c '^Subject: Applications for you to assess' $T/sent/new/*"
same "one letter for each assessor" "3" "$(printf '%s\n' "$OUT" | grep -c ':1$')"
seen

# An eighth application, three assessors: ann, bob and vol all score it.
apply 8
wait_for "the eighth is eligible" 20 sh -c \
    "$GRANTCTL app list --state eligible | grep -q '$(A 8)'"
ok "assign three to it" as $PRIYA $GRANTCTL assess assign "$R" --per-app 3
has "one application" "Assigned 1 application of $R, 3 assessors each."
wait_for "its letters sent" 15 sh -c \
    "[ \$(grep -l '^Subject: Applications for you' $T/sent/new/* | wc -l) = 3 ]"
seen
$GRANTCTL user add dan --uid $DAN --role assessor >/dev/null

# An assessor with no address is assigned, and the officer told so.
apply 9
wait_for "the ninth is eligible" 20 sh -c \
    "$GRANTCTL app list --state eligible | grep -q '$(A 9)'"
$GRANTCTL user disable bob >/dev/null
ok "assign one to it" as $PRIYA $GRANTCTL assess assign "$R" --per-app 1
has "dan, the least loaded, has no address" "dan has no email address, so was sent nothing"
run queue dan
same "but has it in his queue" "0009" "$OUT"
run queue bob
lacks "a disabled assessor is given nothing" "0009"
$GRANTCTL user enable bob >/dev/null

# ---- scores by grantctl ----
W="30 20 20 15 15"
# weighted S1..S5: sum of score x weight, in hundredths.
weighted() { set -- $W "$@"; echo $(($1*$6 + $2*$7 + $3*$8 + $4*$9 + $5*${10})); }
# mean TOTAL N: hundredths, rounded once, half up.
mean() { echo $(( ($1 * 2 + $2) / ($2 * 2) )); }
text() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

fails "an unassigned assessor cannot score" 1 "not assigned to you" \
    as $DAN $GRANTCTL assess score "$(A 3)" --criterion need=3
fails "nor an officer who is not assigned" 1 "not assigned to you" \
    as $PRIYA $GRANTCTL assess score "$(A 3)" --criterion need=3
fails "out of range refused" 1 "5 for Need and evidence is outside the scale" \
    as $ANN $GRANTCTL assess score "$(A 3)" --criterion need=5 \
    --criterion 2=2 --criterion health=4 --criterion pressure=1 \
    --criterion str=3
fails "every criterion the first time" 1 "no score for Innovation, Health and wellbeing" \
    as $ANN $GRANTCTL assess score "$(A 3)" --criterion need=3 \
    --criterion pressure=1 --criterion str=3
fails "an unknown criterion named" 1 "'cost' is no criterion of this round" \
    as $ANN $GRANTCTL assess score "$(A 3)" --criterion cost=3
fails "not a whole number" 1 "'2.5' for Innovation is not a whole number" \
    as $ANN $GRANTCTL assess score "$(A 3)" --criterion innov=2.5
run sql "SELECT COUNT(*) FROM assessment_scores"
same "nothing recorded by refusals" "0" "$OUT"

ok "ann scores application 3" as $ANN $GRANTCTL assess score "$(A 3)" \
    --criterion need=3 --criterion 2=2 --criterion Health=4 \
    --criterion pressure=1 --criterion str=3 --comment "Clear need"
has "her weighted score" "Weighted score: $(text $(weighted 3 2 4 1 3)) out of 4"
run sql "SELECT state FROM applications WHERE reference = '$(A 3)'"
same "still shortlisted while bob has not scored" "shortlisted" "$OUT"
ok "bob scores it, changing his mind once" as $BOB $GRANTCTL assess score \
    "$(A 3)" --criterion 1=4 --criterion 2=4 --criterion 3=3 \
    --criterion 4=2 --criterion 5=2
ok "a later call may change one" as $BOB $GRANTCTL assess score "$(A 3)" \
    --criterion strengths=1
run sql "SELECT state FROM applications WHERE reference = '$(A 3)'"
same "scored once both have" "scored" "$OUT"
run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'application.state' AND entity = '$(A 3)' AND detail LIKE '%\"to\":\"scored\"%'"
same "the move audited" "1" "$OUT"

# summary REF: assessors' weighted, total, mean, count, moderation and
# the criteria means, from app show --json.
summary() {
	$GRANTCTL --json app show "$1" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["assessment"]
print(" ".join(str(a["weighted"]) for a in s["assessors"]), "|", s["total"],
      s["mean"], s["count"], s["moderation"], "|",
      " ".join(str(c["mean"]) for c in s["criteria"]))'
}
a=$(weighted 3 2 4 1 3) b=$(weighted 4 4 3 2 1)
t=$((a + b))
same "application 3: each weighted, total, a mean rounded half up, means" \
    "$a $b | $t $(mean $t 2) 2 False | $(mean 700 2) $(mean 600 2) $(mean 700 2) $(mean 300 2) $(mean 400 2)" \
    "$(summary "$(A 3)")"
same "and that mean is a half rounded up" "288" "$(mean $t 2)"

# ---- scores by a panel's spreadsheet ----
run queue ann
has "application 4 is ann's" "0004"
run queue bob
has "and bob's" "0004"
printf 'Reference,Assessor,Need,Innovation,Health,Pressure,Strengths,Comment\r\n%s,ann,2,3,3,2,2,"Good, but ""costs"" unclear"\r\n%s,bob,1,1,2,2,1,\r\n%s,bob,1,1,1,1,1,\r\n' \
    "$(A 4)" "$(A 4)" "$(A 5)" >"$T/bad.csv"
fails "a row for an assessor not assigned: refused, by its line" 1 \
    "line 4: bob is not assigned $(A 5)" \
    as $PRIYA $GRANTCTL assess import "$T/bad.csv"
run sql "SELECT COUNT(*) FROM assessment_scores s JOIN applications a ON a.id = s.application_id WHERE a.reference = '$(A 4)'"
same "and no row of it recorded" "0" "$OUT"
printf 'reference,assessor,need,innovation,health,pressure,strengths,comment\r\n%s,ann,2,3,3,2,9,\r\n' \
    "$(A 4)" >"$T/range.csv"
fails "a score out of range, by its line" 1 \
    "line 2: 9 for Strengths is outside the scale" \
    as $PRIYA $GRANTCTL assess import "$T/range.csv"
head -3 "$T/bad.csv" >"$T/good.csv"
ok "the good rows import" as $PRIYA $GRANTCTL assess import "$T/good.csv"
has "said so" "Imported 2 rows of scores."
run sql "SELECT comment, source FROM assessment_assignments s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'ann' AND a.reference = '$(A 4)'"
same "a quoted comment with a comma and quotes" 'Good, but "costs" unclear	import' "$OUT"
run sql "SELECT state FROM applications WHERE reference = '$(A 4)'"
same "application 4 scored" "scored" "$OUT"

# ---- scores by email ----
token() { sql "SELECT s.token FROM assessment_assignments s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = '$1' AND a.reference = '$2'"; }
# mail NAME FROM TO: a message (body on stdin) into the intake Maildir.
mail() {
	{ printf 'From: %s\nTo: %s\nSubject: Scores\nMessage-ID: <%s@example.net>\nDate: Wed, 2 Dec 2026 10:00:00 +0000\n\n' "$2" "$3" "$1"; cat; } >"$T/inbox/tmp/$1"
	mv "$T/inbox/tmp/$1" "$T/inbox/new/$1"
}
ok "ann scores application 8" as $ANN $GRANTCTL assess score "$(A 8)" \
    --criterion 1=3 --criterion 2=2 --criterion 3=4 --criterion 4=1 \
    --criterion 5=3
ok "bob too" as $BOB $GRANTCTL assess score "$(A 8)" --criterion 1=4 \
    --criterion 2=4 --criterion 3=3 --criterion 4=2 --criterion 5=1
mail vol8 "Volunteer <vol@example.org>" "grants+score-$(token vol "$(A 8)")@example.org" <<'BODY'
Hello, here are my scores:

- Need - 0
* innovation = 3/4
  3. Health and wellbeing (20%): 3
4: 4
strengths: 2
Comment: Strong local roots.

Vol

On Tue, 1 Dec 2026, Fast Grants wrote:
> 1: 4
BODY
# taken N: N messages for scoring are stored.
taken() { [ "$(sql "SELECT COUNT(*) FROM mail_in WHERE kind LIKE 'score%'")" = "$1" ]; }
wait_for "vol's email is taken in" 15 taken 1
letter assessor-scores-recorded vol@example.org
run sql "SELECT source, comment FROM assessment_assignments s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'vol' AND a.reference = '$(A 8)'"
same "recorded as sent by email" "email	Strong local roots." "$OUT"
a=$(weighted 3 2 4 1 3) b=$(weighted 4 4 3 2 1) v=$(weighted 0 3 3 4 2)
t=$((a + b + v))
same "application 8: three assessors, a mean that rounds" \
    "$a $b $v | $t $(mean $t 3) 3 True | $(mean 700 3) $(mean 900 3) $(mean 1000 3) $(mean 700 3) $(mean 600 3)" \
    "$(summary "$(A 8)")"
same "rounded up from 261.67" "262" "$(mean $t 3)"
ok "an officer sees the panel in app show" as $PRIYA $GRANTCTL app show "$(A 8)"
has "each assessor's weighted score" "ann       3 2 4 1 3  $(text $a)"
has "the mean" "mean           $(text $(mean $t 3))"
has "the total" "total          $(text $t)"
has "the moderation flag" "moderation     needed"
has "a criterion's mean" "Need and evidence"
ok "an assessor sees only their own" as $ANN $GRANTCTL --json app show "$(A 8)"
lacks "not bob's" '"bob"'
lacks "nor the panel's mean" '"mean"'
has "but her own" '"ann"'
seen

# A wrong token, and the right token from the wrong address: held.
mail wrong "Volunteer <vol@example.org>" \
    "grants+score-0123456789abcdef0123456789abcdef@example.org" <<'BODY'
1: 4
BODY
mail forged "Mallory <mallory@example.net>" \
    "grants+score-$(token vol "$(A 5)")@example.org" <<'BODY'
1: 4
2: 4
3: 4
4: 4
5: 4
BODY
wait_for "both taken in" 15 taken 3
ok "the held list" as $PRIYA $GRANTCTL intake held list
has "the wrong token is held" "without a token that matches an assignment"
has "the wrong address is held" "$(A 5)"
has "naming the sender" "mallory@example.net"
run sql "SELECT COUNT(*) FROM assessment_scores s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'vol' AND a.reference = '$(A 5)'"
same "the forged scores changed nothing" "0" "$OUT"
run sql "SELECT COUNT(*) FROM outbox WHERE template = 'assessor-scores-recorded'"
same "and nobody was answered" "1" "$OUT"
forged=$(sql "SELECT id FROM mail_in WHERE from_addr = 'mallory@example.net'")
ok "an officer accepting it" as $PRIYA $GRANTCTL intake held accept "$forged"
has "is told it is only noted" "scores count only from the assessor's address on record"
run sql "SELECT COUNT(*) FROM assessment_scores s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'vol' AND a.reference = '$(A 5)'"
same "and it still changes nothing" "0" "$OUT"


# Scores with something missing: nothing recorded, and the assessor is
# told what (the quoted letter's lines are not read).
mail partial "Volunteer <vol@example.org>" "grants+score-$(token vol "$(A 5)")@example.org" <<'BODY'
Need: 2
Health: lots

> 2: 4
BODY
wait_for "the partial scores are taken in" 15 taken 4
letter assessor-scores-refused vol@example.org
run sql "SELECT COUNT(*) FROM assessment_scores s JOIN users u ON u.id = s.user_id JOIN applications a ON a.id = s.application_id WHERE u.name = 'vol' AND a.reference = '$(A 5)'"
same "nothing recorded from them" "0" "$OUT"

# A conflict declared after assignment takes the assignment and scores.
ok "bob's conflict on 3, after scoring" as $BOB $GRANTCTL assess conflict \
    "$(A 3)" --reason "Joined their committee"
run queue bob
lacks "his assignment is gone" "0003"
same "with his scores" "$a | $a $a 1 False | 300 200 400 100 300" \
    "$(summary "$(A 3)")"
fails "conflicted: never assigned again, nor may he score" 1 "not assigned" \
    as $BOB $GRANTCTL assess score "$(A 3)" --criterion 1=4
finish
