# grants.sh: grants after the award. A grant offered outside a round
# (refused beyond the fund's unallocated money), accepted by an officer
# for the grantee, its tranches from each plan checked against what this
# test computes itself (months, leap years, bank holidays, remainders);
# bank details under four eyes across real Unix users, the hold a change
# puts on unpaid tranches and its release; what a tranche waits for;
# variations keeping a round's committed money exact; an offer chased
# then flagged; and every letter checked whole.
. "$top_srcdir/tests/integration/lib.sh"
setup
PY=/usr/bin/python3
HOLIDAYS=$top_srcdir/data/bank-holidays.txt
YEAR=$(TZ=Europe/London date +%Y)
TODAY=$(TZ=Europe/London date +%Y-%m-%d)

$GRANTCTL user add priya --uid 5001 --role officer \
    --email priya@example.org >/dev/null || exit 1
$GRANTCTL user add fiona --uid 5101 --role finance \
    --email fiona@example.org >/dev/null || exit 1
$GRANTCTL user add frank --uid 5102 --role finance \
    --email frank@example.org >/dev/null || exit 1
as() {
	uid=$1; shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}
PRIYA=5001 FIONA=5101 FRANK=5102

# The plan's tranches as this test computes them: DATE:PENCE, one a line.
plan() {
	$PY - "$HOLIDAYS" "$TODAY" "$@" <<'PYEOF'
import sys, datetime, calendar
hol = {l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")}
start = datetime.date.fromisoformat(sys.argv[2])
kind, arg, award = sys.argv[3], sys.argv[4], int(sys.argv[5])
def months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
def working(d):
    while d.weekday() >= 5 or d.isoformat() in hol:
        d -= datetime.timedelta(days=1)
    return d
if kind == "quarterly":
    n = 4 * int(arg); days = [months(start, 3 * i) for i in range(n)]
    amounts = [award // n] * n
elif kind == "yearly":
    n = int(arg); days = [months(start, 12 * i) for i in range(n)]
    amounts = [award // n] * n
elif kind == "taper":
    shares = [int(x) for x in arg.split(",")]; n = len(shares)
    days = [months(start, 12 * i) for i in range(n)]
    amounts = [award * s // sum(shares) for s in shares]
else:
    days, amounts = [start], [award]
amounts[-1] += award - sum(amounts)
for d, a in zip(days, amounts):
    print("%s:%d" % (working(d).isoformat(), a))
PYEOF
}
tranches() {
	sql "SELECT CONCAT(t.due_date, ':', t.amount) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$1' AND t.state <> 'cancelled' ORDER BY t.number"
}

# letter NAME ADDRESS: the one letter to ADDRESS, whole, then cleared.
letter() {
	wait_for "$1 sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2"
	f=$($PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if $PY "$top_srcdir/tests/letter.py" show "$f" >"$T/$1.txt" \
	    2>"$T/stderr"; then
		golden "$1 as the grantee reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
	rm -f "$f"
}

# ---- a grant outside a round ----

$GRANTCTL fund create GX --name "Community Fund" --budget 10000 >/dev/null || exit 1
$GRANTCTL round create GX --title "Spring" --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 6000 >/dev/null || exit 1
RX=$(sql "SELECT code FROM rounds LIMIT 1")

fails "an officer only offers a grant" 1 "may not do this" \
    as $FIONA $GRANTCTL grant create --fund GX --org "Riverside" \
    --email jo@example.org --amount 100 --purpose x
fails "a plan that does not exist is refused" 1 \
    "no plan called 'monthly': single, quarterly, yearly, taper or custom" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Riverside" \
    --email jo@example.org --amount 100 --purpose x --plan monthly
fails "--years goes with --plan" 2 "--years, --shares and --tranche go with --plan" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Riverside" \
    --email jo@example.org --amount 100 --purpose x --years 2
fails "an address is checked" 1 "'jo at example' is not an email address" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Riverside" \
    --email "jo at example" --amount 100 --purpose x
ok "a quarterly grant is offered outside the round" \
    as $PRIYA $GRANTCTL grant create --fund GX \
    --org "Riverside Allotment Group" --email jo@example.org \
    --amount 1500.03 --purpose "Growing Together, a weekly garden club" \
    --plan quarterly --years 1
G1="GX-$YEAR-G001"
same "its reference is FUND-YYYY-Gnnn" "Grant $G1 is offered; the offer is sent." "$OUT"
same "it is offered, with the organisation's key and plan" \
    "offered	riverside allotment group	quarterly --years 1" \
    "$(sql "SELECT state, org_key, plan FROM grants WHERE reference = '$G1'")"
letter offer jo@example.org
ok "an offer's plan changed before it is accepted" \
    as $PRIYA $GRANTCTL grant plan "$G1" quarterly --years 1
letter offer-revised jo@example.org
fails "more than the fund's unallocated money is refused" 1 \
    "fund GX has only £2,499.97 unallocated; a grant of £2,500.00 does not fit" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Other Group" \
    --email other@example.org --amount 2500 --purpose x
ok "exactly what is left fits" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Taper Trust" \
    --email taper@example.org --amount 2499.97 --purpose "Three years" \
    --plan taper --shares 100,50,20
G2="GX-$YEAR-G002"
fails "and then nothing is left" 1 "fund GX has only £0.00 unallocated" \
    as $PRIYA $GRANTCTL grant create --fund GX --org "Other Group" \
    --email other@example.org --amount 0.01 --purpose x
same "the fund counts grants outside rounds as allocated" "0" \
    "$($GRANTCTL --json fund show GX | $PY -c 'import json, sys; print(json.load(sys.stdin)["unallocated"])')"
fails "and budget transfers see it too" 1 "" \
    $GRANTCTL budget transfer --from GX --to "$RX" --amount 0.01 --reason x

# ---- acceptance and the schedule ----

fails "acceptance says who accepted" 2 "grant accept needs --by" \
    as $PRIYA $GRANTCTL grant accept "$G1"
fails "no tranches before acceptance" 0 "" true
same "none" "0" "$(sql "SELECT COUNT(*) FROM tranches")"
ok "an officer records acceptance" \
    as $PRIYA $GRANTCTL grant accept "$G1" --by "Jo Bloggs, Treasurer"
same "the grant is accepted, and by whom" "accepted	Jo Bloggs, Treasurer" \
    "$(sql "SELECT state, accepted_by FROM grants WHERE reference = '$G1'")"
same "quarterly tranches: dates and exact amounts, the remainder last" \
    "$(plan quarterly 1 150003)" "$(tranches "$G1")"
same "they add up to the award" "150003" \
    "$(sql "SELECT SUM(t.amount) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G1'")"
same "the first is due today's working day" "due" \
    "$(sql "SELECT t.state FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G1' AND t.number = 1")"
letter tranche-schedule jo@example.org
same "acceptance schedules the fund's end-of-project return after the last payment, then the follow-up" \
    "end,followup" "$(sql "SELECT GROUP_CONCAT(r.kind ORDER BY r.due_date) FROM monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE g.reference = '$G1' AND r.due_date > (SELECT MAX(t.due_date) FROM tranches t WHERE t.grant_id = g.id)")"
fails "accepting twice is refused" 1 "grant $G1 is accepted; only an offered grant can be accepted" \
    as $PRIYA $GRANTCTL grant accept "$G1" --by "Jo Bloggs, Treasurer"

ok "a taper grant accepted" as $PRIYA $GRANTCTL grant accept "$G2" --by "Sam Lee, Chair"
same "taper: the award split 100:50:20" "$(plan taper 100,50,20 249997)" \
    "$(tranches "$G2")"
# 249997 x 100/170 = 147057, x 50/170 = 73528, the rest 29412; the
# partners pay 50% and 80% of years two and three: 73528 and 29412 x 4
same "the partners' match per year" "0,73528,117648" \
    "$(sql "SELECT GROUP_CONCAT(match_amount ORDER BY number) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G2'")"
rm -f "$T"/sent/new/*

# ---- plans before payment ----

ok "a yearly plan instead" as $PRIYA $GRANTCTL grant plan "$G2" yearly --years 3
same "yearly: three equal parts, the remainder last" \
    "$(plan yearly 3 249997)" "$(tranches "$G2")"
fails "a custom plan must add up to the award" 1 \
    "the tranches add up to £100.00, not the award of £2,499.97" \
    as $PRIYA $GRANTCTL grant plan "$G2" custom --tranche 2030-01-01:100
fails "a plan needs its options" 1 "a quarterly plan needs --years N" \
    as $PRIYA $GRANTCTL grant plan "$G2" quarterly
rm -f "$T"/sent/new/*

# ---- what a tranche waits for, and bank details under four eyes ----

ok "tranche list --due" as $FIONA $GRANTCTL tranche list --due
has "a due tranche waits for bank details" \
    "the organisation's bank details are not verified"
fails "a sort code must be six digits" 1 \
    "the sort code '12-34-5' is not six digits (write it as 12-34-56, 12 34 56 or 123456)" \
    as $FIONA $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE ALLOTMENT" --sort-code 12-34-5 --account-number 12345678
fails "an account number must be eight digits" 1 "the account number '123456' is not eight digits" \
    as $FIONA $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE" --sort-code 12-34-56 --account-number 123456
fails "an account name fits a Bacs record" 1 "the account name must be 1 to 18 characters" \
    as $FIONA $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE ALLOTMENT GROUP" --sort-code 12-34-56 --account-number 12345678
fails "an officer does not enter bank details" 1 "may not do this" \
    as $PRIYA $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE ALLOT" --sort-code 123456 --account-number 12345678
fails "an organisation without a grant" 1 "no grant to an organisation called Nobody" \
    as $FIONA $GRANTCTL bank set "Nobody" \
    --account-name "RIVERSIDE ALLOT" --sort-code 123456 --account-number 12345678
ok "finance enters bank details (seven digits padded)" \
    as $FIONA $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE ALLOT" --sort-code "12 34 56" --account-number 1234567
same "stored as six and eight digits, unverified" "123456	01234567	unverified	fiona" \
    "$(sql "SELECT sort_code, account_number, state, entered_by FROM bank_details")"
fails "the one who entered them cannot verify them" 1 \
    "you entered these bank details, so another finance user must verify them" \
    as $FIONA $GRANTCTL bank verify "Riverside Allotment Group"
fails "an officer cannot verify them" 1 "may not do this" \
    as $PRIYA $GRANTCTL bank verify "riverside allotment group"
ok "another finance user verifies them (by the org key)" \
    as $FRANK $GRANTCTL bank verify "riverside allotment group"
ok "tranche list --due" as $FIONA $GRANTCTL tranche list --due
OUT=$(printf '%s\n' "$OUT" | grep "$G1")
lacks "nothing waits now" "not verified"
has "the first tranche is due" "$G1"

# what a payment run takes: the shared definition
payable() {
	sql "SELECT GROUP_CONCAT(t.end_to_end_id ORDER BY t.id) FROM tranches t WHERE $(sed -n '/#define TRANCHE_RELEASABLE_SQL/,/^#define TRANCHE_PAYABLE_SQL/p' "$top_srcdir/daemon/domain/domain.h" | grep -v '#define' | sed 's/^[[:space:]]*"//; s/"[[:space:]]*\\\?$//' | tr -d '\n' | sed 's/^/(t.state IN ('"'"'due'"'"', '"'"'released'"'"') AND t.hold_reason IS NULL AND /; s/$/)/')"
}
same "the payable tranches are G1's first" "$G1-T1" "$(payable)"
for n in 2 3 4; do
	sql "UPDATE tranches t JOIN grants g ON g.id = t.grant_id SET t.state = 'due' WHERE g.reference = '$G1' AND t.number = $n"
done
sql "INSERT INTO monitoring_returns (grant_id, kind, period, due_date, state) SELECT id, 'quarterly', 'Q1', '$TODAY', 'received' FROM grants WHERE reference = '$G1'"
ok "tranche list --grant" as $PRIYA $GRANTCTL tranche list --grant "$G1"
has "a later tranche waits for the return due before it" \
    "the Q1 monitoring return is received, not approved"
T2=$(sql "SELECT t.id FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G1' AND t.number = 2")
fails "a waiver needs a reason" 2 "tranche waive needs --reason" \
    as $PRIYA $GRANTCTL tranche waive "$T2"
ok "an officer waives the condition" \
    as $PRIYA $GRANTCTL tranche waive "$T2" --reason "Return delayed by flooding"
same "the waiver is audited" "1" \
    "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'tranche.waive' AND actor = 'priya'")"
same "now the first two are payable" "$G1-T1,$G1-T2" "$(payable)"
sql "UPDATE monitoring_returns SET state = 'approved'"
same "with the return approved, all four" "$G1-T1,$G1-T2,$G1-T3,$G1-T4" "$(payable)"

# ---- a change of verified details holds every unpaid tranche ----

ok "frank enters new details" as $FRANK $GRANTCTL bank set "Riverside Allotment Group" \
    --account-name "RIVERSIDE NEW" --sort-code 654321 --account-number 87654321
same "the old details are superseded" "superseded,unverified" \
    "$(sql "SELECT GROUP_CONCAT(state ORDER BY id) FROM bank_details")"
same "every unpaid tranche of the organisation is held" \
    "4	bank details changed, waiting for verification" \
    "$(sql "SELECT COUNT(*), MAX(hold_reason) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.org_key = 'riverside allotment group' AND t.hold_reason IS NOT NULL")"
same "nothing is payable" "NULL" "$(payable)"
ok "tranche list --due" as $FRANK $GRANTCTL tranche list --due
has "the hold is shown with its reason" "bank details changed, waiting for verification"
rm -f "$T"/sent/new/*
ok "the digests now" $GRANTCTL notify digests
letter finance-digest fiona@example.org
rm -f "$T"/sent/new/*
fails "frank cannot verify his own change" 1 "another finance user must verify them" \
    as $FRANK $GRANTCTL bank verify "Riverside Allotment Group"
same "a database check stops it too" "1" \
    "$(sql "UPDATE bank_details SET state = 'verified', verified_by = 'frank' WHERE state = 'unverified'" 2>&1 | grep -c bank_four_eyes)"
ok "fiona verifies the change" as $FIONA $GRANTCTL bank verify "Riverside Allotment Group"
same "the holds are released" "0" \
    "$(sql "SELECT COUNT(*) FROM tranches WHERE hold_reason IS NOT NULL")"
same "all four payable again" "$G1-T1,$G1-T2,$G1-T3,$G1-T4" "$(payable)"
ok "bank show" as $FIONA $GRANTCTL bank show "Riverside Allotment Group"
has "the verified details and who verified them" "RIVERSIDE NEW"

# ---- variations ----

# before any payment: suspended, then back to accepted, not active
ok "an accepted grant suspended" as $PRIYA $GRANTCTL grant suspend "$G1" \
    --reason "Checking the lease on the allotment"
letter grant-suspended-accepted jo@example.org
ok "and resumed" as $PRIYA $GRANTCTL grant resume "$G1" --reason "Lease seen"
same "accepted again, its tranches no longer held" "accepted 0" \
    "$(sql "SELECT state, (SELECT COUNT(*) FROM tranches WHERE hold_reason IS NOT NULL) FROM grants WHERE reference = '$G1'" | tr '\t' ' ')"
rm -f "$T"/sent/new/*

# the first tranche paid (payment runs do this), the grant active
sql "UPDATE tranches t JOIN grants g ON g.id = t.grant_id SET t.state = 'paid' WHERE g.reference = '$G1' AND t.number = 1"
sql "UPDATE grants SET state = 'active' WHERE reference = '$G1'"
fails "a plan is not changed once paying has started" 1 "is active; a plan can only be changed before payment starts" \
    as $PRIYA $GRANTCTL grant plan "$G1" single
ok "the award is varied" as $PRIYA $GRANTCTL grant vary "$G1" --amount 1200 \
    --reason "The hall hire is cheaper"
FIRST=$(sql "SELECT t.amount FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G1' AND t.number = 1")
# the three unpaid (37500, 37500, 37503: the remainder was last) share
# what is left in their proportions, rounded down, the rest on the last
REST=$((120000 - FIRST)); OLD=$((150003 - FIRST))
A=$((REST * 37500 / OLD))
same "the unpaid tranches share what is left, exactly" \
    "$FIRST,$A,$A,$((REST - 2 * A))" \
    "$(sql "SELECT GROUP_CONCAT(t.amount ORDER BY t.number) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G1'")"
letter grant-varied jo@example.org
ok "suspended" as $PRIYA $GRANTCTL grant suspend "$G1" --reason "Waiting for the safeguarding policy"
same "its unpaid tranches are held" "3" \
    "$(sql "SELECT COUNT(*) FROM tranches WHERE hold_reason = 'grant suspended'")"
letter grant-suspended jo@example.org
ok "resumed" as $PRIYA $GRANTCTL grant resume "$G1" --reason "Policy received"
same "the holds are lifted" "0" \
    "$(sql "SELECT COUNT(*) FROM tranches WHERE hold_reason IS NOT NULL")"
rm -f "$T"/sent/new/*
fails "resuming what is not suspended" 1 "is active, not suspended" \
    as $PRIYA $GRANTCTL grant resume "$G1" --reason x

# a grant from a round: its committed money follows every change
FUND=$(sql "SELECT id FROM funds WHERE code = 'GX'")
RID=$(sql "SELECT id FROM rounds WHERE code = '$RX'")
sql "UPDATE rounds SET committed = 100000 WHERE id = $RID"
sql "INSERT INTO grants (reference, fund_id, round_id, organisation, email, amount, purpose, state, org_key, plan) VALUES ('GX-R-0001', $FUND, $RID, 'Round Group', 'round@example.org', 100000, 'Play scheme', 'offered', 'round group', 'quarterly --years 1')"
ok "a round's grant accepted" as $PRIYA $GRANTCTL grant accept GX-R-0001 --by "Al Green, Secretary"
wait_for "its schedule is sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" round@example.org
rm -f "$T"/sent/new/*
fails "a variation beyond the round's budget is refused" 1 "the round has only £5,000.00 uncommitted" \
    as $PRIYA $GRANTCTL grant vary GX-R-0001 --amount 6000.01
ok "a larger award within it" as $PRIYA $GRANTCTL grant vary GX-R-0001 --amount 1234.56
same "the round's committed money moves by the difference" "123456" \
    "$(sql "SELECT committed FROM rounds WHERE id = $RID")"
wait_for "the change is told" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" round@example.org
rm -f "$T"/sent/new/*
sql "UPDATE tranches t JOIN grants g ON g.id = t.grant_id SET t.state = 'paid' WHERE g.reference = 'GX-R-0001' AND t.number = 1"
PAID=$(sql "SELECT t.amount FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = 'GX-R-0001' AND t.number = 1")
sql "UPDATE grants SET state = 'active' WHERE reference = 'GX-R-0001'"
fails "an underspend is at most what was paid" 1 \
    "at most the £$(printf '%d.%02d' $((PAID / 100)) $((PAID % 100))) paid so far" \
    as $PRIYA $GRANTCTL grant underspend GX-R-0001 --amount 400 --reason x
ok "an underspend returned" as $PRIYA $GRANTCTL grant underspend GX-R-0001 \
    --amount 0.56 --reason "Cheaper paint"
same "it goes back to the round" "123400" "$(sql "SELECT committed FROM rounds WHERE id = $RID")"
letter grant-underspend round@example.org
ok "terminated" as $PRIYA $GRANTCTL grant terminate GX-R-0001 --reason "The group has closed"
same "the future tranches are cancelled" "paid,cancelled,cancelled,cancelled" \
    "$(sql "SELECT GROUP_CONCAT(t.state ORDER BY number) FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = 'GX-R-0001'")"
same "the round keeps only what was paid" "$PAID" \
    "$(sql "SELECT committed FROM rounds WHERE id = $RID")"
letter grant-terminated round@example.org
same "every change is audited" "grant.state,grant.underspend,grant.vary,tranche.plan" \
    "$(sql "SELECT GROUP_CONCAT(DISTINCT action ORDER BY action) FROM audit_log WHERE entity = 'GX-R-0001'")"
rm -f "$T"/sent/new/*

# ---- an offer not accepted: chased once, then flagged ----

sql "UPDATE funds SET budget = budget + 100 WHERE code = 'GX'"
ok "another offer" as $PRIYA $GRANTCTL grant create --fund GX --org "Slow Club" \
    --email slow@example.org --amount 1 --purpose "A small thing"
SLOW=$(sql "SELECT reference FROM grants WHERE organisation = 'Slow Club'")
letter offer-single slow@example.org
same "without --plan, the fund's default plan" "single" \
    "$(sql "SELECT plan FROM grants WHERE reference = '$SLOW'")"
sql "UPDATE funds SET default_plan = 'yearly --years 2' WHERE code = 'GX'"
ok "a grant of a fund that pays yearly" as $PRIYA $GRANTCTL grant create \
    --fund GX --org "Yearly Club" --email yearly@example.org --amount 2 \
    --purpose "Two years"
same "takes the fund's plan" "yearly --years 2" \
    "$(sql "SELECT plan FROM grants WHERE organisation = 'Yearly Club'")"
wait_for "its offer is sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" yearly@example.org
rm -f "$T"/sent/new/*
# a tranche whose day has come is marked due (on the timer, or now)
sql "UPDATE tranches t JOIN grants g ON g.id = t.grant_id SET t.due_date = '$TODAY' WHERE g.reference = '$G2' AND t.number = 5"
ok "grant check, by finance too" as $FIONA $GRANTCTL grant check
same "it says what it did" "1 tranche(s) marked due; 0 offer(s) chased or flagged." "$OUT"
same "the tranche is due" "due" \
    "$(sql "SELECT t.state FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE g.reference = '$G2' AND t.number = 5")"
ok "grant check, too soon" as $PRIYA $GRANTCTL grant check
same "not chased yet" "NULL" "$(sql "SELECT offer_chased_at FROM grants WHERE reference = '$SLOW'")"
sql "UPDATE grants SET offer_sent_at = offer_sent_at - INTERVAL 15 DAY WHERE reference = '$SLOW'"
ok "grant check" as $PRIYA $GRANTCTL grant check
letter offer-chase slow@example.org
ok "grant check again" as $PRIYA $GRANTCTL grant check
same "chased once only" "1" \
    "$(sql "SELECT COUNT(*) FROM outbox WHERE template = 'offer-chase' AND reference = '$SLOW'")"
sql "UPDATE grants SET offer_chased_at = offer_chased_at - INTERVAL 15 DAY WHERE reference = '$SLOW'"
ok "grant check later" as $PRIYA $GRANTCTL grant check
same "then flagged to the officers" "1" \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE text LIKE 'The offer of grant $SLOW to Slow Club is still not accepted%'")"

finish
