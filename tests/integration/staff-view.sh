# staff-view.sh: app show for an officer: one labelled line per question
# in the form's order, amounts in pounds, dates as people write them,
# priorities as a list, no internal keys; answers the reader did not
# understand shown after them; --json keeps the typed values.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
setup_maildir_intake
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
open_round
A="FG-$year-0001"

cp "$F/plain-form.eml" "$T/inbox/tmp/1.a" && mv "$T/inbox/tmp/1.a" "$T/inbox/new/1.a"
wait_for "the form becomes an application" 10 sh -c "$GRANTCTL app list | grep -q '$A'"
wait_for "its acknowledgement is sent" 10 sh -c "$GRANTCTL app show '$A' | grep -q 'out .* sent'"

# show: app show's output, its times (which vary) as WHEN.
show() {
	run $GRANTCTL app show "$A"
	OUT=$(printf '%s\n' "$OUT" | sed -E "s/$D +/WHEN  /; s/$D\$/WHEN/;
	    s/^WHEN +DIR/WHEN  DIR/")
}
D='[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}'
HEAD="application    $A
state          eligible
round          $R
from           joan.davies@example.org
officer        priya
received       WHEN
amount         £450.00

What the form says:
  Organisation name       Oakfield Allotment Society
  Organisation type       unincorporated group
  Charity number          -
  Company number          -
  Contact name            Joan Davies
  Email                   joan.davies@example.org
  Phone                   0113 496 0000
  Postcode                LS6 2AB
  Project title           Oakfield Growing Together
  Project summary         Weekly gardening sessions for older neighbours who live
                          alone, with tea afterwards. We will teach growing skills and share the
                          harvest with the food bank.
  Priorities              - Supporting the community to be fit and healthy
                          - Encouraging community participation
  Amount requested        £450.00
  Start date              1 Mar 2027
  End date                31 Aug 2027
  People who will benefit 40 older residents of the Oakfield estate
  Budget                  - Seeds and compost £120
                          - Hand tools £180
                          - Tea and biscuits £150"
THREAD="Thread:
WHEN  DIR  KIND             WHO                      STATE  SUBJECT
WHEN  in   application      joan.davies@example.org         Grant application - Oakfield Allotment Society
WHEN  out  acknowledgement  joan.davies@example.org  sent   [FG-$year-0001] We have your application to Fast Grants"

show
same "app show: a line per question, in the form's order" "$HEAD

$THREAD" "$OUT"
ok "app show --json" $GRANTCTL --json app show "$A"
has "--json keeps the pence" '"amount_pence": 45000'
has "--json keeps the ISO date" '"start_date": "2027-03-01"'
has "--json keeps the count" '"beneficiaries_count": 40'

# Answers the reader kept but could not place, and a field this grantctl
# does not know, as a newer reader may store them.
sql "UPDATE applications SET fields = JSON_SET(fields, '\$.website',
    'oakfield.example.org', '\$.unrecognised', JSON_ARRAY(
    JSON_OBJECT('label', 'Favourite biscuit', 'answer', 'Custard creams'),
    JSON_OBJECT('label', 'Anything else you would like to tell us',
    'answer', 'We meet on Tuesdays.\nEveryone is welcome.'))) WHERE
    reference = '$A'"
show
same "app show: what the reader did not understand, after the answers" "$HEAD
  website                 oakfield.example.org

Not understood by the reader:
  Favourite biscuit       Custard creams
  Anything else you would like to tell us
                          We meet on Tuesdays.
                          Everyone is welcome.

$THREAD" "$OUT"

finish
