# funds.sh: creating, listing and showing funds; bad codes and amounts.
. "$top_srcdir/tests/integration/lib.sh"
setup

ok "create Fast Grants" $GRANTCTL fund create FG --name "Fast Grants" \
    --budget "£150,000" --max-award 500 --min-award 50
has "create says what it made" "Created fund FG (Fast Grants) with a budget of £150,000.00."
ok "create Social Action Fund" $GRANTCTL fund create SAF \
    --name "Social Action Fund" --budget 850000
ok "list funds" $GRANTCTL fund list
has "list shows FG's budget" "£150,000.00"
has "list shows SAF" "Social Action Fund"
ok "show FG" $GRANTCTL fund show FG
has "show gives max award" "£500.00"
has "show gives unallocated" "unallocated    £150,000.00"
ok "show as JSON" $GRANTCTL --json fund show FG
has "JSON gives pence" '"budget": 15000000'

fails "duplicate fund" 1 "fund FG already exists" \
    $GRANTCTL fund create FG --name Again --budget 1
fails "unknown fund" 1 "no fund XYZ" $GRANTCTL fund show XYZ
fails "negative budget" 1 "amount '-5' is negative" \
    $GRANTCTL fund create NEG --name Neg --budget -5
fails "three decimals" 1 "more than two decimal places" \
    $GRANTCTL fund create DEC --name Dec --budget 1.234
fails "junk amount" 1 "'lots' is not an amount of money" \
    $GRANTCTL fund create JNK --name Junk --budget lots
fails "overflowing amount" 1 "is too large" \
    $GRANTCTL fund create BIG --name Big --budget 99999999999999999999
fails "bad code" 1 "fund code must be 2 to 10 capital letters" \
    $GRANTCTL fund create fg --name Lower --budget 1
fails "min above max" 1 "the minimum award (£600.00) is more than the maximum (£500.00)" \
    $GRANTCTL fund create MM --name MinMax --budget 1000 --max-award 500 --min-award 600
fails "missing --budget is a usage error" 2 "fund create needs --name and --budget" \
    $GRANTCTL fund create NB --name "No budget"
fails "unknown option is a usage error" 2 "unknown option --colour" \
    $GRANTCTL fund create NB --colour red
fails "unknown command" 2 "unknown command: fnord" $GRANTCTL fnord
ok "unique prefix works" $GRANTCTL fu li
has "prefix lists funds" "Fast Grants"
run $GRANTCTL fund list
lacks "failed creates left nothing" "NEG"
finish
