# eligibility.sh: a round's rules of who may apply, run on each application
# as it arrives: kinds of group, the area (a range's edges and just past
# them), the amount (its edges), one live application per organisation (by
# registration number and by its name folded), and no award from the fund
# within a gap (an award put in with `sql`); every reason in one ineligible
# letter, compared whole with tests/golden/letters/ineligible-reasons.txt;
# `round recheck` after the rules of an open round change (no letters);
# an officer's overrule, audited, shown and kept by a recheck; and clear
# refusals of option values that make no sense.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
$GRANTCTL fund create FG --name "Oldham Community Fund" --budget 100000 \
    --max-award 1000 >/dev/null || exit 1
today=$(date -u +%Y-%m-%d)
closes=$(date -u -d '+30 days' +%Y-%m-%d)
create() {	# create OPTIONS...: a round of FG with the dates and budget
	$GRANTCTL round create FG --title "Oldham round" --opens "$today" \
	    --closes "$closes" --budget 20000 --priority "Healthy lives" "$@"
}

# ---- refusals of values that make no sense ----
fails "a range backwards" 1 \
    "--area: 'OL16-OL1': a range goes from the lower number to the higher, like OL1-OL16" \
    create --area OL16-OL1
fails "a range across areas" 1 "both ends of a range need the same letters" \
    create --area OL1-M16
fails "no postcode district" 1 \
    "--area: 'OLDHAM' is not a postcode district: write the first half of a postcode, like OL1 or M35" \
    create --area oldham
fails "an empty list of areas" 1 "the list of areas is empty" create --area ,
fails "an unknown kind of group" 1 \
    "--org-types: 'plc' is not a kind of group: use charity, cio, cic, company or group" \
    create --org-types charity,plc
fails "a scale too long" 1 "--scale must be a whole number from 1 to 10" \
    create --scale 11
fails "a scale that is no number" 1 "--scale must be a whole number from 1 to 10" \
    create --scale four
fails "a scale of 5 with the default descriptors" 1 \
    "a scale of 0 to 5 needs 6 descriptors (--descriptor, one for each point from 0)" \
    create --scale 5
fails "too few descriptors" 1 "needs 5 descriptors (--descriptor, one for each point from 0); 3 given" \
    create --descriptor a --descriptor b --descriptor c
fails "a minimum above the maximum" 1 \
    "the minimum award (£600.00) is more than the maximum (£500.00)" \
    create --max-award 500 --min-award 600
fails "a minimum above the fund's maximum" 1 \
    "the minimum award (£1,200.00) is more than the maximum (£1,000.00)" \
    create --min-award 1200
fails "a gap of no months" 1 "--award-gap must be a whole number from 0 to 120" \
    create --award-gap -3
fails "a spread wider than the scale" 1 \
    "--moderation-spread must be a whole number from 1 to 4" \
    create --moderation-spread 5
fails "one per group and many" 2 "give --one-per-org or --many-per-org, not both" \
    create --one-per-org --many-per-org
run $GRANTCTL round list
same "nothing refused was made" "" "$(printf '%s' "$OUT" | grep FG-)"

# ---- a round with every rule, shown plainly ----
OLD=$($GRANTCTL round create FG --title "Old round" --opens 2025-01-01 \
    --closes 2025-02-01 --budget 1000) || exit 1
ok "create the round" create --org-types cio,charity,group \
    --area "ol1-ol16, M35" --min-award 100 --max-award 500 --award-gap 12 \
    --criterion "Meets a local need:60" --criterion "Value for money:40" \
    --scale 5 --descriptor "Not met" --descriptor "Barely met" \
    --descriptor "Poorly met" --descriptor "Partly met" \
    --descriptor "Well met" --descriptor "Fully met" \
    --moderation-spread 3 --min-per-priority 1
R=$OUT
ok "show it" $GRANTCTL round show "$R"
has "kinds of group, as officers name them" "  groups       charity, cio, group"
has "the area, as written canonically" "  area         OL1-OL16,M35"
has "the minimum" "  min award    £100.00"
has "one per organisation" "  per group    one live application per organisation"
has "the gap" "  award gap    no award from this fund in the last 12 months"
has "the scale" "  scale        0 to 5"
has "a descriptor a point" "    1          Barely met"
has "the spread" "  moderation   3"
run $GRANTCTL --json round show "$R"
same "--json has the rules" \
    "['charity', 'cio', 'group'] OL1-OL16,M35 10000 True 12 5 6 3 True 1" \
    "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json, sys
r = json.load(sys.stdin)
print(r["org_types"], r["areas"], r["min_award"], r["one_per_org"],
    r["award_gap_months"], r["scale_max"], len(r["descriptors"]),
    r["moderation_spread"], r["scoring"], r["min_per_priority"])')"
ok "a draft round takes any change" $GRANTCTL round edit "$R" --no-scoring \
    --decision-days 10
ok "shown" $GRANTCTL round show "$R"
has "no scoring" "  scoring      none: an officer decides directly"
has "decision days" "  decision     within 10 working days of receipt"
ok "scoring again" $GRANTCTL round edit "$R" --scoring
run $GRANTCTL round open "$R"

# ---- the form says who can apply and how they will be judged ----
n=0
mailto() {	# mailto ADDRESS: a message with the body on stdin
	n=$((n + 1))
	{ printf 'From: Applicant <%s>\nTo: apply@grants.example.org\n' "$1"
	  printf 'Subject: Application\nMessage-ID: <elig-%s@example.net>\n' "$n"
	  printf 'Date: Tue, 24 Nov 2026 10:00:00 +0000\n\n'; cat; } \
	    >"$T/inbox/tmp/$n.m"
	mv "$T/inbox/tmp/$n.m" "$T/inbox/new/$n.m"
}
echo "How do we apply?" | mailto asker@example.org
wait_for "the form is sent" 10 /usr/bin/python3 "$top_srcdir/tests/letter.py" \
    find "$T/sent" asker@example.org
run /usr/bin/python3 "$top_srcdir/tests/letter.py" show \
    "$(/usr/bin/python3 "$top_srcdir/tests/letter.py" find "$T/sent" asker@example.org)"
has "who can apply" "  - Registered charities, CIOs and unincorporated community groups."
has "the area" "  - Groups in postcode districts OL1 to OL16 and M35."
has "the amounts" "  - Requests from £100.00 to £500.00."
has "the gap" "  - No award from this fund to your organisation in the last 12 months."
has "the criteria and weights" "  Meets a local need (60%)"
has "the scale" "Each criterion is scored from 0 to 5:"
has "each point described" "  1 = Barely met"

# apply ADDRESS ORG TYPE POSTCODE AMOUNT [NUMBER-LINE]: a whole form.
apply() {
	mailto "$1" <<FORM
Organisation name: $2
Organisation type: $3
${6:-}
Contact name: Jo Bloggs
Email: $1
Phone: 0161 496 0000
Postcode: $4
Project title: Project of $2
Project summary: Weekly sessions.
Priorities: 1
Amount requested: $5
Start date: 1 March 2027
End date: 31 August 2027
People who will benefit: 30 neighbours
Budget: Room hire and materials
FORM
}
i=0
# expect STATE: the next application must come to STATE; its ref in A.
expect() {
	i=$((i + 1))
	A=$(printf 'FG-%s-%04d' "$year" "$i")
	wait_for "$A is $1" 15 sh -c "$GRANTCTL app show $A 2>/dev/null |
	    grep -q '^state  *$1\$'"
}
# sent_text TEXT: some letter sent, decoded as its reader sees it, has TEXT.
sent_text() {
	/usr/bin/python3 - "$T/sent/new" "$1" <<'PY'
import email, email.policy, os, sys
d, want = sys.argv[1], sys.argv[2]
for name in os.listdir(d):
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    if want in m.get_content():
        sys.exit(0)
sys.exit(1)
PY
}

apply a1@example.org "Alpha Group" "community group" "OL1 1AA" "£100"
expect eligible; A1=$A		# the range's first district, the minimum
apply a2@example.org "Beta Group" "community group" "OL16 9ZZ" "£500"
expect eligible			# the range's last district, the maximum
apply a3@example.org "Gamma Group" "community group" "OL17 1AA" "£200"
expect ineligible; A3=$A	# just past the range
ok "why" $GRANTCTL app show "$A3"
has "the area's reason" "This round funds groups in postcode districts OL1 to OL16 and M35; your postcode OL17 1AA is outside them."
apply a4@example.org "Delta Group" "community group" "M35 0AA" "£99.99"
expect incomplete; A4=$A	# a penny under the minimum: answer again
ok "why" $GRANTCTL app show "$A4"
has "under the minimum" "Amount requested £99.99 is less than this round's minimum of £100.00"
apply a5@example.org "Epsilon Group" "community group" "M35 1AA" "£500.01"
expect incomplete		# a penny over the maximum
ok "why" $GRANTCTL app show "$A"
has "over the maximum" "Amount requested £500.01 is more than this round's maximum of £500.00"
apply a6@example.org "Zeta Trading Ltd" "company" "OL3 1AA" "£300" \
    "Company number: 09876543"
expect ineligible; A6=$A
ok "why" $GRANTCTL app show "$A6"
has "not a kind the round funds" "This round is open only to registered charities, CIOs and unincorporated community groups; your organisation is a company."

# Every reason at once, in the letter, checked whole.
apply two@example.org "Eta Trading Ltd" "company" "M1 1AA" "£300" \
    "Company number: 01234567"
expect ineligible
wait_for "the letter is sent" 15 /usr/bin/python3 \
    "$top_srcdir/tests/letter.py" find "$T/sent" two@example.org
f=$(/usr/bin/python3 "$top_srcdir/tests/letter.py" find "$T/sent" two@example.org)
if /usr/bin/python3 "$top_srcdir/tests/letter.py" show "$f" \
    >"$T/two.txt" 2>"$T/stderr"; then
	golden "an ineligible letter with two reasons" \
	    letters/ineligible-reasons.txt "$T/two.txt"
else
	fail "the letter reads as strict UTF-8" "$(cat "$T/stderr")"
fi

# One live application per organisation: by registration number...
apply oak@example.org "Oak Trust" "registered charity" "OL2 1AA" "£300" \
    "Charity number: 1234567"
expect eligible; OAK=$A
apply oak2@example.org "The Oak Fellowship" "registered charity" "OL2 2AA" \
    "£300" "Charity number: 1234 567"
expect ineligible; OAK2=$A
ok "why" $GRANTCTL app show "$OAK2"
has "one per organisation, by number" "This round takes one application from each organisation, and we already have yours ($OAK)."
# ... and by the name, folded.
apply bread@example.org "Bread & Roses" "community group" "OL3 1AA" "£250"
expect eligible; BREAD=$A
apply bread2@example.org "The Bread and Roses Ltd." "community group" \
    "OL3 2AA" "£250"
expect ineligible; BREAD2=$A
ok "why" $GRANTCTL app show "$BREAD2"
has "one per organisation, by name" "we already have yours ($BREAD)"

# No award from this fund in the last 12 months: an award 6 months ago
# counts, one 13 months ago does not.
award() {	# award ORG-KEY MONTHS-AGO SEQ
	sql "INSERT INTO applications (reference, fund_id, round_id, year, seq,
	    email, fields, problems, state, org_key, decided_at) SELECT
	    'FG-2020-000$3', fund_id, id, 2020, $3, 'old@example.org', '{}',
	    '[]', 'approved', '$1', UTC_TIMESTAMP(6) - INTERVAL $2 MONTH FROM
	    rounds WHERE code = '$OLD'"
}
award name:hilltopgardeners 6 1
award name:valleyvoices 13 2
apply hill@example.org "Hilltop Gardeners" "community group" "OL4 1AA" "£200"
expect ineligible; HILL=$A
ok "why" $GRANTCTL app show "$HILL"
has "the gap" "Oldham Community Fund made your organisation an award on"
has "the award named" "(FG-2020-0001), and makes one award to an organisation in any 12 months, so you can apply again from"
apply valley@example.org "Valley Voices" "community group" "OL4 2AA" "£200"
expect eligible

# ---- the rules of an open round change; the rules run again ----
fails "an open round keeps its dates" 1 \
    "round $R is open; only its eligibility rules (--org-types, --area, --min-award, --one-per-org or --many-per-org, --award-gap) can be changed now" \
    $GRANTCTL round edit "$R" --title "Another title"
fails "and its scale" 1 "only its eligibility rules" \
    $GRANTCTL round edit "$R" --scale 3
fails "a bad area on an open round" 1 "is not a postcode district" \
    $GRANTCTL round edit "$R" --area "OL1-OL17,Oldham"
ok "widen the area, lower the minimum" $GRANTCTL round edit "$R" \
    --area OL1-OL17,M35 --min-award 50
sent_before=$(ls "$T/sent/new" | wc -l)
ok "recheck" $GRANTCTL round recheck "$R"
has "past the old range, now in" "$A3: ineligible -> eligible"
has "under the old minimum, now complete" "$A4: incomplete -> eligible"
has "a count" "2 of 13 applications checked in $R changed state."
lacks "nothing else moved" "$OAK:"
ok "widen the kinds, one per organisation no more" $GRANTCTL round edit "$R" \
    --org-types group --many-per-org
ok "recheck again" $GRANTCTL round recheck "$R"
has "a charity is no longer funded" "$OAK: eligible -> ineligible"
has "with the reason" "  - This round is open only to unincorporated community groups; your organisation is a registered charity."
has "the second of a name is in" "$BREAD2: ineligible -> eligible"
ok "the state moved" $GRANTCTL app show "$OAK"
has "ineligible now" "state          ineligible"
run $GRANTCTL audit list --entity "$A3"
has "the move audited" "application.state"
sleep 1.5
same "no letter from a recheck" "$sent_before" "$(ls "$T/sent/new" | wc -l)"

# ---- an officer overrules the rules ----
fails "eligible or not?" 2 "app eligibility needs --eligible or --ineligible" \
    $GRANTCTL app eligibility "$OAK" --reason x
fails "both" 2 "app eligibility needs --eligible or --ineligible" \
    $GRANTCTL app eligibility "$OAK" --eligible --ineligible --reason x
fails "a reason" 2 "app eligibility needs --reason" \
    $GRANTCTL app eligibility "$OAK" --eligible
fails "no such application" 1 "no application FG-1999-0001" \
    $GRANTCTL app eligibility FG-1999-0001 --eligible --reason x
fails "only an officer" 1 "" as_nobody $GRANTCTL app eligibility "$OAK" \
    --eligible --reason x
ok "overrule: eligible" $GRANTCTL app eligibility "$OAK" --eligible \
    --reason "A charity that runs the group's sessions; agreed with the panel"
has "says so" "Application $OAK is eligible (eligibility overruled: eligible)."
ok "shown" $GRANTCTL app show "$OAK"
has "the overrule, who and why" "eligibility    eligible — overruled by root on $(TZ=Europe/London date +%-d' '%b' '%Y): A charity that runs the group's sessions; agreed with the panel"
has "eligible" "state          eligible"
run $GRANTCTL audit list --entity "$OAK"
has "audited" "application.eligibility"
wait_for "the group told it is considered after all" 15 sh -c \
    "grep -l -a -F '[$OAK] We have your application' '$T'/sent/new/*"
ok "a recheck keeps the officer's word" $GRANTCTL round recheck "$R"
has "kept" "$OAK: eligible (kept: overruled by root)"
ok "overrule: ineligible" $GRANTCTL app eligibility "$A1" --ineligible \
    --reason "The hall where the sessions run is in Rochdale."
has "ineligible" "Application $A1 is ineligible"
wait_for "the ineligible letter gives the officer's reason" 15 sent_text \
    "  - The hall where the sessions run is in Rochdale."
ok "shown" $GRANTCTL app show "$A1"
has "the overrule" "eligibility    ineligible — overruled by root on"
finish
