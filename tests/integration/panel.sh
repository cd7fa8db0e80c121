# panel.sh: a Social Action Fund panel from end to end through grantctl
# alone: applications by email, assessors assigned, each scoring as their
# own Unix user, the round ranked and decided by its recommendation. The
# ranking and what fits the budget are worked out here, independently,
# from the same scores.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
PRIYA=5001 ANN=5011 BOB=5012
$GRANTCTL user add priya --uid $PRIYA --role officer --email priya@example.org >/dev/null
$GRANTCTL user add ann --uid $ANN --role assessor --email ann@example.org >/dev/null
$GRANTCTL user add bob --uid $BOB --role assessor --email bob@example.org >/dev/null
$GRANTCTL fund create SA --name "Social Action Fund" --budget 850000 \
    --max-award 300000 >/dev/null || exit 1
R=$($GRANTCTL round create SA --title "Autumn" \
    --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 400000 \
    --priority "Tackling social isolation" \
    --criterion "Tackling social isolation:30" \
    --criterion "Transformational or innovative:20" \
    --criterion "Health and wellbeing:20" \
    --criterion "Reducing pressure on health services:15" \
    --criterion "Strength-based approach:15") || exit 1
$GRANTCTL round open "$R" >/dev/null || exit 1
sed -i 's/^round = FG/round = SA/' "$T/grantd.conf"
stop_grantd; start_grantd

# apply N AMOUNT: a complete form from group N.
apply() {
	cat >"$T/inbox/tmp/$1" <<MAIL
From: Group $1 <group$1@example.net>
To: apply@grants.example.org
Subject: Application
Message-ID: <panel-$1@example.net>
Date: Tue, 24 Nov 2026 10:00:00 +0000

Organisation name: Group $1 Befrienders
Organisation type: Unincorporated community group
Contact name: Member $1
Phone: 0161 496 0000
Postcode: OL1 1AA
Project title: Friends at Home $1
Project summary: Volunteers visit older people who live alone, every week.
Priorities: 1
Amount requested: £$2
Start date: 1 April 2027
End date: 31/03/2030
People who will benefit: 120 older residents
Budget: Volunteer expenses and training
MAIL
	mv "$T/inbox/tmp/$1" "$T/inbox/new/$1"
	wait_for "application $1 taken in" 20 sh -c \
	    "$GRANTCTL app list | grep -q 'SA-$year-000$1'"
}
apply 1 150000; apply 2 150000; apply 3 120000; apply 4 100000
A() { echo "SA-$year-000$1"; }

ok "two assessors for each application" as $PRIYA $GRANTCTL assess assign \
    "$R" --per-app 2
$GRANTCTL round close "$R" >/dev/null && $GRANTCTL round assess "$R" >/dev/null

# Scores, criterion by criterion, for each assessor (ann, then bob).
scores() {
	case $1 in
	1) echo "3 3 2 2 3|4 3 3 2 2" ;;
	2) echo "4 4 3 3 3|4 3 4 3 3" ;;
	3) echo "2 2 2 1 2|2 3 2 2 1" ;;
	4) echo "4 3 3 3 3|3 4 3 3 3" ;;
	esac
}
for n in 1 2 3 4; do
	s=$(scores $n)
	for who in ann bob; do
		[ $who = ann ] && set -- ${s%|*} && uid=$ANN
		[ $who = bob ] && set -- ${s#*|} && uid=$BOB
		ok "$who scores $(A $n)" as $uid $GRANTCTL assess score "$(A $n)" \
		    --criterion 1=$1 --criterion 2=$2 --criterion 3=$3 \
		    --criterion 4=$4 --criterion 5=$5 --comment "Comment $n by $who"
	done
done
run sql "SELECT COUNT(*) FROM applications WHERE state = 'scored'"
same "all four scored" "4" "$OUT"

# The ranking as the panel papers should give it, computed here: weighted
# = sum of score x weight (hundredths), mean over the two assessors
# rounded half up; funded in rank order while the running total fits.
/usr/bin/python3 - "$year" >"$T/want.txt" <<'PY'
import sys
year = sys.argv[1]
w = [30, 20, 20, 15, 15]
s = {1: "3 3 2 2 3|4 3 3 2 2", 2: "4 4 3 3 3|4 3 4 3 3",
     3: "2 2 2 1 2|2 3 2 2 1", 4: "4 3 3 3 3|3 4 3 3 3"}
amount = {1: 150000, 2: 150000, 3: 120000, 4: 100000}
rows = []
for n, v in s.items():
    a = [[int(x) for x in p.split()] for p in v.split("|")]
    total = sum(sum(x * y for x, y in zip(sc, w)) for sc in a)
    mean = (total + 1) // 2
    first = (sum(sc[0] for sc in a) * 100 + 1) // 2
    rows.append((-mean, -first, n, mean))
rows.sort()
left, fund, stopped = 400000, [], False
for _, _, n, mean in rows:
    stopped = stopped or amount[n] > left
    if not stopped:
        left -= amount[n]
        fund.append(n)
order = " ".join("SA-%s-%04d" % (year, r[2]) for r in rows)
means = " ".join("%d.%02d" % (r[3] // 100, r[3] % 100) for r in rows)
print(order)
print(means)
print(" ".join("SA-%s-%04d" % (year, n) for n in sorted(fund)))
print(400000 - left)
PY
run $GRANTCTL round rank "$R" --csv
same "the ranking's order" "$(sed -n 1p "$T/want.txt")" \
    "$(printf '%s\n' "$OUT" | sed 1d | grep -o "SA-$year-[0-9]*" | tr '\n' ' ' | sed 's/ $//')"
for m in $(sed -n 2p "$T/want.txt"); do
	has "mean $m in the panel papers" ",$m,"
done
ok "the round decided by its recommendation" $GRANTCTL round decide "$R" \
    --accept-recommendation
same "exactly those that fit are awarded" "$(sed -n 3p "$T/want.txt")" \
    "$(sql "SELECT GROUP_CONCAT(reference ORDER BY reference SEPARATOR ' ') FROM applications WHERE state = 'approved'")"
same "each award is a grant offered" "$(sed -n 3p "$T/want.txt")" \
    "$(sql "SELECT GROUP_CONCAT(reference ORDER BY reference SEPARATOR ' ') FROM grants WHERE state = 'offered'")"
same "the round's committed money is their sum" "$(sed -n 4p "$T/want.txt")00" \
    "$(sql "SELECT committed FROM rounds WHERE code = '$R'")"
run $GRANTCTL audit verify
same "the audit chain holds" 0 "$RC"
finish
