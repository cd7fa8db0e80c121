# budget.sh: moving money between funds and rounds, as when the Fast Grants
# money left over was repurposed into a Covid recovery fund.
. "$top_srcdir/tests/integration/lib.sh"
setup

year=$(( $(date -u +%Y) + 1 ))
$GRANTCTL fund create FG --name "Fast Grants" --budget 100000 --max-award 500 >/dev/null
$GRANTCTL fund create CRF --name "Covid Recovery Fund" --budget 0 --max-award 1000 >/dev/null
R=$($GRANTCTL round create FG --title "Round 1" --opens "$year-01-10" \
    --closes "$year-02-10" --budget 60000)

ok "fund to fund" $GRANTCTL budget transfer --from FG --to CRF \
    --amount "£30,000" --reason "Repurposed for Covid recovery"
same "transfer says what moved" "Moved £30,000.00 from FG to CRF (transfer 1)." "$OUT"
fails "overdraw the fund" 1 "cannot move £10,000.01 from FG: only £10,000.00 is unallocated in that fund" \
    $GRANTCTL budget transfer --from FG --to CRF --amount 10000.01 --reason "Too much"
ok "round back to its fund" $GRANTCTL budget transfer --from "$R" --to FG \
    --amount 20000 --reason "Round undersubscribed"
ok "round to another fund" $GRANTCTL budget transfer --from "$R" --to CRF \
    --amount 5000 --reason "More for recovery"
fails "overdraw the round" 1 "only £35,000.00 is uncommitted in that round" \
    $GRANTCTL budget transfer --from "$R" --to CRF --amount 35000.01 --reason x
ok "fund into a round" $GRANTCTL budget transfer --from CRF --to "$R" \
    --amount 1000 --reason "Top up"

ok "FG after the moves" $GRANTCTL --json fund show FG
# FG: 100000 - 30000 (to CRF) - 5000 (its round to CRF) + 1000 (CRF into its round)
has "FG budget" '"budget": 6600000'
has "FG in rounds" '"allocated": 3600000'
has "FG unallocated" '"unallocated": 3000000'
ok "CRF after the moves" $GRANTCTL --json fund show CRF
has "CRF budget" '"budget": 3400000'

fails "unknown source" 1 "no fund or round called NOPE" \
    $GRANTCTL budget transfer --from NOPE --to CRF --amount 1 --reason x
fails "to itself" 1 "cannot transfer from FG to itself" \
    $GRANTCTL budget transfer --from FG --to FG --amount 1 --reason x
fails "no reason" 2 "budget transfer needs --reason" \
    $GRANTCTL budget transfer --from FG --to CRF --amount 1
fails "empty reason" 1 "needs a reason" \
    $GRANTCTL budget transfer --from FG --to CRF --amount 1 --reason ""
fails "zero" 1 "must be more than £0.00" \
    $GRANTCTL budget transfer --from FG --to CRF --amount 0 --reason x
fails "negative" 1 "is negative" \
    $GRANTCTL budget transfer --from FG --to CRF --amount -1 --reason x

ok "list transfers" $GRANTCTL budget list
has "reason kept" "Repurposed for Covid recovery"
ok "the sum of rounds never exceeds a fund" sql \
    "SELECT COUNT(*) FROM funds f WHERE budget < (SELECT COALESCE(SUM(budget),0) FROM rounds WHERE fund_id = f.id)"
same "no fund overdrawn" "0" "$OUT"
finish
