# decide.sh: ranking a scored round, deciding it and its applications,
# the grants offered, the letters, and decision targets in working days.
#
# A Social Action Fund round (£850,000, five weighted criteria, twelve
# applications scored by three assessors): the ranking, its means and
# its recommendation are checked against what this test computes itself
# from the same scores (Python, exact decimals); the round is decided by
# the recommendation. A Fast Grants rolling round without scoring is
# decided application by application, to its budget's end. Two officers
# deciding at once, through two grantd instances on one database, never
# commit more than the round has. Each letter is checked whole.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
PY=/usr/bin/python3
HOLIDAYS=$top_srcdir/data/bank-holidays.txt

$GRANTCTL user add priya --uid 5001 --role officer \
    --email priya@example.org >/dev/null || exit 1
for n in 1 2 3 4; do
	$GRANTCTL user add "assessor$n" --uid "600$n" --role assessor \
	    --email "assessor$n@example.org" >/dev/null || exit 1
done
PRIYA=$(sql "SELECT id FROM users WHERE name = 'priya'")
ASSESSORS=$(sql "SELECT GROUP_CONCAT(id ORDER BY name) FROM users WHERE name LIKE 'assessor%'")

# same_file DESC WANT GOT: two files, byte for byte.
same_file() {
	if cmp -s "$2" "$3"; then pass "$1"; else
		fail "$1" "$(diff -u "$2" "$3" | head -40)"; fi
}

# ---- Social Action Fund: the ranking ----

$GRANTCTL fund create SA --name "Social Action Fund" --budget 850000 \
    --max-award 300000 >/dev/null || exit 1
SA=$($GRANTCTL round create SA --title "Social Action 2026" \
    --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 850000 \
    --priority "Older people who live alone" --priority "Young carers" \
    --criterion "Tackling social isolation:30" \
    --criterion "Being transformational or innovative:20" \
    --criterion "Improving mental and physical health and wellbeing:20" \
    --criterion "Reducing pressure on health services:15" \
    --criterion "A strength-based approach:15") || exit 1
for step in open close assess; do
	$GRANTCTL round "$step" "$SA" >/dev/null || exit 1
done
SA_ID=$(sql "SELECT id FROM rounds WHERE code = '$SA'")
SA_FUND=$(sql "SELECT id FROM funds WHERE code = 'SA'")

# The scores, the applications, and what the ranking must be, computed
# here from the published rule: weighted = Σ score × weight (hundredths),
# mean = total ÷ assessors rounded once, half up; ties by the mean on the
# first criterion, then receipt.
cat >"$T/sa.py" <<'PYEOF'
import random, sys
from decimal import Decimal, ROUND_HALF_UP
round_id, fund_id, officer, assessors, out = sys.argv[1:6]
users = [int(x) for x in assessors.split(",")]
W = [30, 20, 20, 15, 15]
BUDGET = 85000000
rng = random.Random(2026)
apps = {}
for i in range(1, 13):
    lo, hi = (0, 4) if i % 2 else (1, 3)	# even: no moderation needed
    apps[i] = {"sheets": {u: [rng.randint(lo, hi) for _ in W] for u in users[:3]},
               "received": "2026-10-%02d 09:00:00" % (i + 1)}
# the same scores, shuffled between assessors, received earlier: a tie
# on both means, broken by receipt
apps[5]["sheets"] = {users[0]: apps[3]["sheets"][users[2]],
                     users[1]: apps[3]["sheets"][users[0]],
                     users[2]: apps[3]["sheets"][users[1]]}
apps[5]["received"] = "2026-09-30 09:00:00"
# the same weighted total as 2, one point more on the first criterion
apps[8]["sheets"] = {users[0]: [2, 3, 3, 2, 2], users[1]: [1, 4, 0, 3, 3],
                     users[2]: [4, 4, 4, 1, 1]}
apps[2]["sheets"] = {users[0]: [1, 3, 3, 3, 3], users[1]: [1, 4, 0, 3, 3],
                     users[2]: [4, 4, 4, 1, 1]}
# a fourth assessor who scored only three criteria does not count
apps[10]["partial"] = {users[3]: [4, 4, 4]}

def half_up(num, den):
    return int((Decimal(num) / Decimal(den)).quantize(Decimal(1), ROUND_HALF_UP))

for i, a in apps.items():
    sh = list(a["sheets"].values())
    a["total"] = sum(sum(x * w for x, w in zip(s, W)) for s in sh)
    a["n"] = len(sh)
    a["mean"] = half_up(a["total"], a["n"])
    a["first"] = half_up(sum(s[0] for s in sh) * 100, a["n"])
    a["moderate"] = any(max(s[c] for s in sh) - min(s[c] for s in sh) > 2
                        for c in range(len(W)))
order = sorted(apps, key=lambda i: (-apps[i]["mean"], -apps[i]["first"],
                                    apps[i]["received"], i))
assert apps[8]["mean"] == apps[2]["mean"] and apps[8]["first"] > apps[2]["first"]
assert apps[5]["mean"] == apps[3]["mean"] and apps[5]["first"] == apps[3]["first"]
# amounts by rank: the first five fit £850,000 (£840,000), the sixth
# does not, and the seventh, which would, is not funded past it
amounts = [16000000, 17500000, 17000000, 16500000, 17000000, 9000000,
           500000, 6000000, 8000000, 7000000, 4500000, 5500000]
names = [("Café Ūnion’s £1 Lunch Club", "Zoë O’Brien"),
         ("Friends of \"The Green\", Oldham", "Renée Dupré")] + \
        [("Chloé’s £%d Club" % k, "Chloé O’Hara %d" % k) for k in range(3, 13)]
prio = ["Older people who live alone"] * 12
prio[8] = prio[10] = "Young carers"	# ranks 9 and 11
for r, i in enumerate(order):
    apps[i].update(amount=amounts[r], org=names[r][0], contact=names[r][1],
                   prio=prio[r], rank=r + 1)

def recommend(min_per):
    fund, total = set(), 0
    for p in ["Older people who live alone", "Young carers"]:
        got = 0
        for i in order:
            if got >= min_per:
                break
            if i in fund or apps[i]["prio"] != p or total + apps[i]["amount"] > BUDGET:
                continue
            fund.add(i); total += apps[i]["amount"]; got += 1
    for i in order:
        if i in fund:
            continue
        if total + apps[i]["amount"] > BUDGET:
            break
        fund.add(i); total += apps[i]["amount"]
    return fund

def money(p):
    return "%d.%02d" % (p // 100, p % 100)

def csv(min_per, name):
    fund = recommend(min_per)
    def q(s):
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\r\n') else s
    lines = ["rank,reference,organisation,amount_requested,mean,total,"
             "assessors,moderation,running_total,recommendation"]
    run = 0
    for r, i in enumerate(order):
        a = apps[i]
        if i in fund:
            run += a["amount"]
        lines.append(",".join([str(r + 1), "SA-2026-%04d" % i, q(a["org"]),
            money(a["amount"]), money(a["mean"]), money(a["total"]),
            str(a["n"]), "yes" if a["moderate"] else "no", money(run),
            "fund" if i in fund else "waitlist"]))
    open(out + "/" + name, "w", newline="").write("\r\n".join(lines) + "\r\n")
    return fund

fund = csv(0, "want.csv")
csv(1, "want-priority.csv")
open(out + "/fund.txt", "w").write(" ".join("SA-2026-%04d" % i for i in sorted(fund)) + "\n")
open(out + "/committed.txt", "w").write(str(sum(apps[i]["amount"] for i in fund)) + "\n")
open(out + "/order.txt", "w").write("\n".join("SA-2026-%04d" % i for i in order) + "\n")
def q(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
sql = []
for i, a in apps.items():
    fields = '{"organisation": %s, "contact_name": %s, "project_title": "Project %d", "priorities": [%s], "amount_pence": %d}' % (
        __import__("json").dumps(a["org"]), __import__("json").dumps(a["contact"]), i, __import__("json").dumps(a["prio"]), a["amount"])
    sql.append("INSERT INTO applications (id, reference, fund_id, round_id, year, seq, state, email, contact_name, organisation, project_title, amount_requested, fields, problems, officer_id, received_at) VALUES (%d, 'SA-2026-%04d', %s, %s, 2026, %d, 'scored', 'sa%d@example.org', %s, %s, 'Project %d', %d, %s, '[]', %s, '%s');" % (
        100 + i, i, fund_id, round_id, i, i, q(a["contact"]), q(a["org"]), i, a["amount"], q(fields), officer, a["received"]))
    for k, (u, sh) in enumerate(list(a["sheets"].items()) + list(a.get("partial", {}).items())):
        comment = "NULL"
        if a["rank"] == 12 and k < 2:
            comment = q(["Strong local links; the room hire looks high.",
                         "Say more about how you’ll reach people who don’t\ncome to the café."][k])
        sql.append("INSERT INTO assessment_assignments (application_id, user_id, token, scored_at, comment) VALUES (%d, %d, '%032x', '2026-11-0%d 10:00:00', %s);" % (100 + i, u, (100 + i) * 10 + k, k + 1, comment))
        for pos, sc in enumerate(sh):
            sql.append("INSERT INTO assessment_scores (application_id, user_id, position, score) VALUES (%d, %d, %d, %d);" % (100 + i, u, pos, sc))
open(out + "/apps.sql", "w").write("\n".join(sql) + "\n")
last = order[-1]
open(out + "/last.txt", "w").write("SA-2026-%04d %d\n" % (last, last))
PYEOF
$PY "$T/sa.py" "$SA_ID" "$SA_FUND" "$PRIYA" "$ASSESSORS" "$T" || exit 1
sql "$(cat "$T/apps.sql")" || exit 1

$GRANTCTL round rank "$SA" --csv >"$T/got.csv"
same "rank the round as CSV" 0 "$?"
same_file "the ranking, means, totals, moderation and recommendation are as computed" \
    "$T/want.csv" "$T/got.csv"
ok "rank the round for people" $GRANTCTL round rank "$SA"
printf '%s\n' "$OUT" >"$T/rank.txt"
golden "the ranking lines up in columns" "decide-rank.txt" "$T/rank.txt"
has "the ranking ends with the money it recommends" \
    "Uncommitted £850,000.00; recommended £840,000.00."

sql "UPDATE rounds SET min_per_priority = 1 WHERE id = $SA_ID"
$GRANTCTL round rank "$SA" --csv >"$T/got-priority.csv"
same_file "with a minimum per priority, the best-ranked young carers' project is recommended first" \
    "$T/want-priority.csv" "$T/got-priority.csv"
sql "UPDATE rounds SET min_per_priority = 0 WHERE id = $SA_ID"

fails "an assessor may not see the ranking" 1 "may not do this" \
    setpriv --reuid=6001 --regid=6001 --clear-groups $GRANTCTL round rank "$SA"

# ---- deciding the round by the recommendation ----

sql "INSERT INTO applications (reference, fund_id, round_id, year, seq, state, email, fields, problems, officer_id) VALUES ('SA-2026-0013', $SA_FUND, $SA_ID, 2026, 13, 'shortlisted', 'sa13@example.org', '{}', '[]', $PRIYA)"
fails "a round with applications not yet scored is not decided by its ranking" \
    1 "has 1 application not yet scored" \
    $GRANTCTL round decide "$SA" --accept-recommendation
fails "an application not yet scored cannot be awarded" 1 \
    "is shortlisted; only an application that is scored or waitlisted" \
    $GRANTCTL app decide SA-2026-0013 --award
$GRANTCTL app withdraw SA-2026-0013 --reason "Merged with another bid" >/dev/null
fails "the plain decide still refuses while applications are undecided" \
    1 "has 12 applications still undecided" $GRANTCTL round decide "$SA"

set -- $(cat "$T/last.txt")
LAST=$1
ok "decline the last-ranked application before the panel" \
    $GRANTCTL app decide "$LAST" --decline \
    --reason "The panel funded projects that reach more people who live alone."
same "declined" "Application $LAST is declined." "$OUT"
fails "a decline needs a reason" 2 "needs --reason" \
    $GRANTCTL app decide SA-2026-0001 --decline

ok "decide the round by the recommendation" \
    $GRANTCTL round decide "$SA" --accept-recommendation
same "five awarded, six waitlisted" \
    "Round $SA is now decided: 5 awarded, 6 waitlisted." "$OUT"
same "exactly the recommended applications are approved" "$(cat "$T/fund.txt")" \
    "$(sql "SELECT GROUP_CONCAT(reference ORDER BY reference SEPARATOR ' ') FROM applications WHERE round_id = $SA_ID AND state = 'approved'")"
same "the round's committed money is their sum" "$(cat "$T/committed.txt")" \
    "$(sql "SELECT committed FROM rounds WHERE id = $SA_ID")"
same "each award is a grant offered, at the amount requested, with the officer" \
    "5 $(cat "$T/committed.txt") 5" \
    "$(sql "SELECT COUNT(*), SUM(g.amount), SUM(g.officer_id = $PRIYA AND g.amount = a.amount_awarded AND g.purpose = a.project_title AND g.organisation = a.organisation) FROM grants g JOIN applications a ON a.id = g.application_id WHERE g.round_id = $SA_ID AND g.state = 'offered'" | tr '\t' ' ')"
same "the rest are waitlisted" "6" \
    "$(sql "SELECT COUNT(*) FROM applications WHERE round_id = $SA_ID AND state = 'waitlisted'")"
same "the round is decided" "decided" \
    "$(sql "SELECT state FROM rounds WHERE id = $SA_ID")"
same "each decision is audited with its decider" "11" \
    "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'application.state' AND actor = 'root' AND entity LIKE 'SA-%' AND (detail LIKE '%\"to\":\"approved\"%' OR detail LIKE '%\"to\":\"waitlisted\"%')")"
fails "a decided round is not decided again" 1 "round $SA is decided, so it cannot be moved to decided" \
    $GRANTCTL round decide "$SA" --accept-recommendation

# letters: Python's email package, strictly, then compared whole
outbox_settled() {
	[ "$(sql "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')")" = 0 ]
}
letter() {
	# an award is followed by the formal offer: kept aside, in a
	# mailbox of its own
	wait_for "outbox settled" 15 outbox_settled
	mkdir -p "$T/offers/new"
	grep -l -a 'the words "I accept"' "$T"/sent/new/* \
	    2>/dev/null | xargs -r mv -t "$T/offers/new"
	wait_for "$1 sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2"
	f=$($PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if $PY "$top_srcdir/tests/letter.py" show "$f" >"$T/$1.txt" \
	    2>"$T/stderr"; then
		golden "$1 as the group reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
}
FIRST=$(sed -n 2p "$T/want.csv" | cut -d, -f2)
SEVENTH=$(sed -n 8p "$T/want.csv" | cut -d, -f2)
n1=$(echo "$FIRST" | sed 's/SA-2026-0*//'); n7=$(echo "$SEVENTH" | sed 's/SA-2026-0*//')
n12=$(echo "$LAST" | sed 's/SA-2026-0*//')
letter decision-award-scored "sa$n1@example.org"
letter decision-waitlist "sa$n7@example.org"
letter decision-decline-scored "sa$n12@example.org"

# ---- Fast Grants: a rolling round without scoring, decided directly ----

$GRANTCTL fund create FG --name "Fast Grants" --budget 1000 --max-award 500 \
    >/dev/null || exit 1
FG=$($GRANTCTL round create FG --title "Rolling round" --rolling \
    --opens "$(date -u +%Y-%m-%d)" --budget 1000 \
    --priority "Supporting the community to be fit and healthy" \
    --priority "Developing skills of local people") || exit 1
$GRANTCTL round open "$FG" >/dev/null || exit 1
sql "UPDATE rounds SET scoring = 0, decision_days = 10 WHERE code = '$FG'"

mail() {
	$PY -c '
import sys
from email.message import EmailMessage
from email.headerregistry import Address
m = EmailMessage()
m["From"] = Address(sys.argv[2], addr_spec=sys.argv[3])
m["To"] = "apply@grants.example.org"
m["Subject"] = "Application"
m["Message-ID"] = "<fg-%s@example.net>" % sys.argv[1]
m.set_content(sys.stdin.read())
sys.stdout.buffer.write(m.as_bytes())
' "$@" >"$T/inbox/tmp/$1" && mv "$T/inbox/tmp/$1" "$T/inbox/new/$1"
}
form() {	# ORGANISATION CONTACT EMAIL AMOUNT
	cat <<FORM
Organisation name: $1
Organisation type: Unincorporated community group
Contact name: $2
Email: $3
Phone: 0113 496 0001
Postcode: OL1 2AB
Project title: Chai & Chat at the café
Project summary: Weekly café mornings for older neighbours who live alone.
Priorities: 1
Amount requested: $4
Start date: 01/03/2027
End date: 31/08/2027
People who will benefit: 40 older residents
Budget: Tea and cake, room hire
FORM
}
form "Café Ūnion’s £1 Club" "Zoë O’Brien" zoe@example.org "£450" |
    mail 1 "Zoë O’Brien" zoe@example.org
form "Renée’s Reading Room" "Renée Dupré" renee@example.org "£400" |
    mail 2 "Renée Dupré" renee@example.org
form "Saira’s Sewing Circle" "Saira Begum" saira@example.org "£300" |
    mail 3 "Saira Begum" saira@example.org
eligible() {
	[ "$(sql "SELECT COUNT(*) FROM applications a JOIN rounds r ON r.id = a.round_id WHERE r.code = '$FG' AND a.state = 'eligible'")" = 3 ]
}
wait_for "three Fast Grants applications are eligible" 20 eligible
ZOE=$(sql "SELECT reference FROM applications WHERE email = 'zoe@example.org'")
RENEE=$(sql "SELECT reference FROM applications WHERE email = 'renee@example.org'")
SAIRA=$(sql "SELECT reference FROM applications WHERE email = 'saira@example.org'")

# The acknowledgement promises a day ten working days after receipt,
# counted here with the same holidays file.
want_day=$($PY - "$HOLIDAYS" "$(sql "SELECT received_at FROM applications WHERE reference = '$ZOE'")" <<'PYEOF'
import sys, datetime, zoneinfo
hol = {l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")}
t = datetime.datetime.fromisoformat(sys.argv[2]).replace(tzinfo=datetime.timezone.utc)
d = t.astimezone(zoneinfo.ZoneInfo("Europe/London")).date()
n = 0
while n < 10:
    d += datetime.timedelta(days=1)
    if d.weekday() < 5 and d.isoformat() not in hol:
        n += 1
print(d.strftime("%A ") + str(d.day) + d.strftime(" %B %Y"))
PYEOF
)
wait_for "the acknowledgement is sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" zoe@example.org
ack=$($PY -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(" ".join(m.get_content().split()))
' "$($PY "$top_srcdir/tests/letter.py" find "$T/sent" zoe@example.org)")
OUT=$ack
has "the acknowledgement gives the decision target in working days" \
    "tell you our decision by $want_day."
letter acknowledgement-target zoe@example.org
rm -f "$T"/sent/new/*

fails "an award above the request is refused" 1 \
    "£450.00 is more than the £400.00 that $RENEE asked for" \
    $GRANTCTL app decide "$RENEE" --award --amount 450
sql "UPDATE applications SET amount_requested = 60000 WHERE reference = '$SAIRA'"
fails "an award above the round's maximum is refused" 1 \
    "£600.00 is more than this round's maximum award of £500.00" \
    $GRANTCTL app decide "$SAIRA" --award
sql "UPDATE applications SET amount_requested = 30000 WHERE reference = '$SAIRA'"
fails "an award of nothing is refused" 1 "more than £0.00" \
    $GRANTCTL app decide "$ZOE" --award --amount 0
fails "award and decline at once is a usage error" 2 "one of --award" \
    $GRANTCTL app decide "$ZOE" --award --decline --reason x

ok "an officer awards an eligible application directly, with a condition" \
    $GRANTCTL app decide "$ZOE" --award \
    --conditions "Send us two photos of the café’s first session."
same "the award is confirmed" "Application $ZOE is awarded £450.00; the offer is made." "$OUT"
letter decision-award zoe@example.org
f=$($PY "$top_srcdir/tests/letter.py" find "$T/offers" zoe@example.org) &&
    $PY "$top_srcdir/tests/letter.py" show "$f" >"$T/offer-award.txt" &&
    golden "the offer after the award, as the group reads it" \
    "letters/offer-award.txt" "$T/offer-award.txt" ||
    fail "the offer after the award is sent" "$f"
ok "a smaller award than requested" $GRANTCTL app decide "$RENEE" --award --amount 350
same "the round's money is committed" "80000" \
    "$(sql "SELECT committed FROM rounds WHERE code = '$FG'")"
fails "when the budget runs out the award is refused, saying what is left" 1 \
    "the round has only £200.00 uncommitted" \
    $GRANTCTL app decide "$SAIRA" --award
same "a refused award changes nothing" "eligible 80000 2" \
    "$(sql "SELECT a.state, r.committed, (SELECT COUNT(*) FROM grants WHERE round_id = r.id) FROM applications a JOIN rounds r ON r.id = a.round_id WHERE a.reference = '$SAIRA'" | tr '\t' ' ')"
ok "decline it instead, with the reason" $GRANTCTL app decide "$SAIRA" \
    --decline --reason "This round’s money is all promised; please apply again in April."
letter decision-decline saira@example.org
same "a decline keeps its reason, its decider and no amount" \
    "declined NULL root This round’s money is all promised; please apply again in April." \
    "$(sql "SELECT CONCAT_WS(' ', state, COALESCE(amount_awarded, 'NULL'), decided_by, decision_reason) FROM applications WHERE reference = '$SAIRA'")"
fails "a decided application is not decided again" 1 "is approved" \
    $GRANTCTL app decide "$ZOE" --award
same "the awards are recorded with who decided" \
    "45000 Send us two photos of the café’s first session. root|35000 NULL root" \
    "$(sql "SELECT CONCAT_WS(' ', amount_awarded, COALESCE(conditions, 'NULL'), decided_by) FROM applications WHERE reference IN ('$ZOE', '$RENEE') ORDER BY reference" | paste -sd'|')"

# ---- two officers at once, through two grantd instances ----

$GRANTCTL fund create RC --name "Race Fund" --budget 1000 --max-award 500 \
    >/dev/null || exit 1
RACE=$($GRANTCTL round create RC --title "Race" --rolling \
    --opens "$(date -u +%Y-%m-%d)" --budget 500) || exit 1
$GRANTCTL round open "$RACE" >/dev/null
RC_ID=$(sql "SELECT id FROM rounds WHERE code = '$RACE'")
RC_FUND=$(sql "SELECT id FROM funds WHERE code = 'RC'")
sql "UPDATE rounds SET scoring = 0 WHERE id = $RC_ID"
for i in 1 2; do
	sql "INSERT INTO applications (reference, fund_id, round_id, year, seq, state, email, contact_name, organisation, project_title, amount_requested, fields, problems, officer_id) VALUES ('RC-2026-000$i', $RC_FUND, $RC_ID, 2026, $i, 'eligible', 'rc$i@example.org', 'Contact $i', 'Group $i', 'Project $i', 40000, '{}', '[]', $PRIYA)"
done
sed -e "s|^socket = $GRANTD_SOCKET\$|socket = $T/grantd2.sock|" \
    -e '/^\[intake fg\]/,$d' "$T/grantd.conf" >"$T/grantd2.conf"
"$GRANTD" -c "$T/grantd2.conf" -f >>"$T/grantd2.log" 2>&1 &
GRANTD2_PID=$!
for _ in $(seq 1 100); do [ -S "$T/grantd2.sock" ] && break; sleep 0.1; done
$GRANTCTL app decide RC-2026-0001 --award >"$T/race1.out" 2>&1 &
p1=$!
GRANTD_SOCKET=$T/grantd2.sock $GRANTCTL app decide RC-2026-0002 --award \
    >"$T/race2.out" 2>&1 &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
same "exactly one of two simultaneous awards succeeds" "1" \
    "$(( (rc1 == 0) + (rc2 == 0) ))"
same "the other is refused for want of money" "1" \
    "$(cat "$T/race1.out" "$T/race2.out" | grep -c "the round has only £100.00 uncommitted")"
same "committed never exceeds the budget" "40000 50000 1" \
    "$(sql "SELECT committed, budget, (SELECT COUNT(*) FROM grants WHERE round_id = $RC_ID) FROM rounds WHERE id = $RC_ID" | tr '\t' ' ')"
kill -TERM "$GRANTD2_PID"; wait "$GRANTD2_PID" 2>/dev/null

# deciding a round without scoring: application by application; the
# application that lost the race is still eligible
LOSER=$(sql "SELECT reference FROM applications WHERE round_id = $RC_ID AND state = 'eligible'")
fails "a round still open is not decided" 1 \
    "round $RACE is open, so it cannot be moved to decided" \
    $GRANTCTL round decide "$RACE" --accept-recommendation
$GRANTCTL round close "$RACE" >/dev/null && $GRANTCTL round assess "$RACE" >/dev/null
fails "a round without scoring has no ranking to accept" 1 \
    "is not scored, so there is no ranking to accept" \
    $GRANTCTL round decide "$RACE" --accept-recommendation
fails "a round with an undecided application is not marked decided" 1 \
    "has 1 application still undecided" $GRANTCTL round decide "$RACE"
ok "an eligible application is waitlisted directly without scoring" \
    $GRANTCTL app decide "$LOSER" --waitlist
ok "with every application decided, the round is decided" \
    $GRANTCTL round decide "$RACE"
same "it says so" "Round $RACE is now decided." "$OUT"
fails "a waitlisted application can still be awarded, if the money is there" 1 \
    "the round has only £100.00 uncommitted" \
    $GRANTCTL app decide "$LOSER" --award
ok "an award smaller than requested fits what is left" \
    $GRANTCTL app decide "$LOSER" --award --amount 100
same "the round is fully committed, and two grants are offered" "50000 2" \
    "$(sql "SELECT committed, (SELECT COUNT(*) FROM grants WHERE round_id = $RC_ID AND state = 'offered') FROM rounds WHERE id = $RC_ID" | tr '\t' ' ')"
same "each grant's creation is audited" "2" \
    "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'grant.create' AND entity LIKE 'RC-%'")"

# ---- decision targets: round sla ----

$GRANTCTL round create RC --title "Targets" --rolling \
    --opens "$(date -u +%Y-%m-%d)" --budget 400 >"$T/code" || exit 1
TG=$(cat "$T/code")
TG_ID=$(sql "SELECT id FROM rounds WHERE code = '$TG'")
fails "a round without a target has no sla" 1 "has no decision target" \
    $GRANTCTL round sla "$TG"
sql "UPDATE rounds SET decision_days = 5 WHERE id = $TG_ID"
# Received on Friday 18 December 2026: five working days skip Christmas
# and the Monday that stands in for Boxing Day. Others are placed so that
# one is at risk today (two working days left), one is not (three) and one is overdue, as the test counts them.
$PY - "$HOLIDAYS" >"$T/sla.txt" <<'PYEOF'
import sys, datetime, zoneinfo
hol = {l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")}
work = lambda d: d.weekday() < 5 and d.isoformat() not in hol
def add(d, n):
    while n > 0:
        d += datetime.timedelta(days=1)
        n -= work(d)
    return d
def between(a, b):
    if b < a:
        return -between(b, a)
    return sum(work(a + datetime.timedelta(days=k)) for k in range(1, (b - a).days + 1))
today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date()
back = lambda n: [d for d in (today - datetime.timedelta(days=k) for k in range(0, 60)) if between(d, today) == n][0]
# two working days left is at risk, three is not; past the target, overdue
rows = [("TG-1", datetime.date(2026, 12, 18)), ("TG-2", back(3)),
        ("TG-3", back(9)), ("TG-4", back(2))]
for ref, recv in rows:
    t = add(recv, 5)
    left = between(today, t)
    status = "overdue" if left < 0 else "at risk" if left <= 2 else ""
    print("%s|%s 12:00:00|%s|%d|%s" % (ref, recv.isoformat(), t.isoformat(), left, status))
PYEOF
i=0
while IFS='|' read -r ref recv target left status; do
	i=$((i + 1))
	sql "INSERT INTO applications (reference, fund_id, round_id, year, seq, state, email, fields, problems, officer_id, received_at) VALUES ('$ref', $RC_FUND, $TG_ID, 2025, $i, 'eligible', 'tg$i@example.org', '{}', '[]', $PRIYA, '$recv')"
done <"$T/sla.txt"
same "Friday 18 December 2026 plus five working days is Tuesday 29 December" \
    "2026-12-29" "$(sed -n 1p "$T/sla.txt" | cut -d'|' -f3)"
ok "list the round's decision targets" $GRANTCTL --json round sla "$TG"
printf '%s' "$OUT" | $PY -c '
import json, sys
for a in json.load(sys.stdin)["applications"]:
    print("%s|%s|%s|%d|%s" % (a["reference"], a["received_at"][:19].replace("T", " "), a["target"], a["days_left"], a["status"]))
' >"$T/sla-got.txt"
sort "$T/sla.txt" >"$T/sla-want.txt"; sort -o "$T/sla-got.txt" "$T/sla-got.txt"
same_file "targets, working days left and at risk or overdue are as counted here" \
    "$T/sla-want.txt" "$T/sla-got.txt"
ok "round sla for people" $GRANTCTL round sla "$TG"
has "the table has its columns" "REFERENCE  STATE     RECEIVED"
has "an overdue application is marked" "overdue"
has "an at-risk application is marked" "at risk"

# the officer's digest counts them per round
sql "UPDATE applications SET state = 'withdrawn' WHERE round_id <> $TG_ID AND officer_id = $PRIYA AND state IN ('received', 'incomplete', 'eligible', 'shortlisted', 'scored')"
ok "send the digests now" $GRANTCTL notify digests
wait_for "priya's digest is sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" priya@example.org
$PY "$top_srcdir/tests/letter.py" show \
    "$($PY "$top_srcdir/tests/letter.py" find "$T/sent" priya@example.org)" >"$T/digest.txt"
OUT=$(cat "$T/digest.txt")
want_risk=$(grep -c '|at risk$' "$T/sla.txt"); want_over=$(grep -c '|overdue$' "$T/sla.txt")
has "the digest says how many are at risk and overdue in the round" \
    "$(echo "$TG" | sed 's/-20[0-9][0-9]-/-YYYY-/'): $want_risk at risk of missing the decision target, $want_over overdue"

finish
