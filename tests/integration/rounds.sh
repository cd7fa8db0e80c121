# rounds.sh: creating rounds carved from a fund, their codes, dates,
# criteria, and the legal (and illegal) state transitions.
. "$top_srcdir/tests/integration/lib.sh"
setup

$GRANTCTL fund create FG --name "Fast Grants" --budget 10000 --max-award 500 >/dev/null
year=$(( $(date -u +%Y) + 1 ))

ok "create a round" $GRANTCTL round create FG --title "Spring round" \
    --opens "$year-03-01" --closes "$year-04-30" --budget 4000 \
    --priority "Supporting the community to be fit and healthy" \
    --priority "Developing skills of local people" \
    --criterion "Need:40" --criterion "Difference it makes:60"
same "it prints the new code" "FG-$year-R1" "$OUT"
ok "a second round numbers on" $GRANTCTL round create FG --title "Summer" \
    --opens "$year-06-01" --closes "$year-06-30" --budget 2000
same "second code" "FG-$year-R2" "$OUT"
ok "a rolling round needs no closing date" $GRANTCTL round create FG \
    --title "Rolling" --opens "$year-01-01" --budget 1000 --rolling
same "rolling code" "FG-$year-R3" "$OUT"

ok "show the round" $GRANTCTL round show "FG-$year-R1"
has "state is draft" "state          draft"
has "budget" "budget         £4,000.00"
has "max award inherited from the fund" "max award      £500.00"
has "opens in UK time" "opens          1 Mar $year 00:00"
has "closes at the end of the day, BST" "closes         30 Apr $year 23:59"
has "priorities listed" "2. Developing skills of local people"
has "criteria published with weights" " 60%  Difference it makes"
ok "show as JSON" $GRANTCTL --json round show "FG-$year-R1"
has "closes stored in UTC" "\"closes_at\": \"$year-04-30T22:59:59Z\""

ok "list rounds of FG" $GRANTCTL round list --fund FG
has "list shows R2" "FG-$year-R2"
has "list shows rolling" "rolling"
ok "list by state" $GRANTCTL round list --state open
lacks "no open rounds yet" "FG-$year"
fails "list by a state that does not exist" 1 "'opened' is not a round state" \
    $GRANTCTL round list --state opened

fails "budget beyond the fund" 1 "the round's budget (£3,001.00) is more than fund FG has unallocated (£3,000.00 of £10,000.00)" \
    $GRANTCTL round create FG --title Big --opens "$year-07-01" \
    --closes "$year-07-31" --budget 3001
fails "closes before it opens" 1 "the round closes (1 Jun $year 23:59) before it opens (1 Jul $year 00:00)" \
    $GRANTCTL round create FG --title Backwards --opens "$year-07-01" \
    --closes "$year-06-01" --budget 10
fails "no such date" 1 "'$year-02-30' is not a date" \
    $GRANTCTL round create FG --title Bad --opens "$year-02-30" \
    --closes "$year-03-31" --budget 10
fails "max award above the fund's" 1 "is more than fund FG allows (£500.00)" \
    $GRANTCTL round create FG --title Big --opens "$year-07-01" \
    --closes "$year-07-31" --budget 10 --max-award 600
fails "weights must add to 100" 1 "criteria weights add up to 90; they must add up to 100" \
    $GRANTCTL round create FG --title W --opens "$year-07-01" \
    --closes "$year-07-31" --budget 10 --criterion A:50 --criterion B:40
fails "criterion without weight" 1 "write it as NAME:WEIGHT" \
    $GRANTCTL round create FG --title W --opens "$year-07-01" \
    --closes "$year-07-31" --budget 10 --criterion Need
fails "unknown fund" 1 "no fund NOPE" \
    $GRANTCTL round create NOPE --title X --opens "$year-07-01" \
    --closes "$year-07-31" --budget 10
fails "no closing date and not rolling" 2 "round create needs --closes" \
    $GRANTCTL round create FG --title X --opens "$year-07-01" --budget 10
fails "negative budget" 1 "is negative" \
    $GRANTCTL round create FG --title X --opens "$year-07-01" \
    --closes "$year-07-31" --budget -10
fails "malformed budget" 1 "'4,00' is not an amount of money" \
    $GRANTCTL round create FG --title X --opens "$year-07-01" \
    --closes "$year-07-31" --budget 4,00

# A draft round can be changed; what is not given stays.
ok "edit a draft round" $GRANTCTL round edit "FG-$year-R2" --title "Summer fun" \
    --budget 2500 --criterion "Need:70" --criterion "Reach:30"
same "edit says so" "Round FG-$year-R2 changed." "$OUT"
ok "show it" $GRANTCTL round show "FG-$year-R2"
has "new title" "title          Summer fun"
has "new budget" "budget         £2,500.00"
has "dates kept" "closes         30 Jun $year 23:59"
has "criteria replaced" " 70%  Need"
fails "edit within the fund only" 1 "is more than fund FG can give it (£5,000.00)" \
    $GRANTCTL round edit "FG-$year-R2" --budget 5000.01
fails "edit keeps the rules" 1 "criteria weights add up to 50" \
    $GRANTCTL round edit "FG-$year-R2" --criterion "Need:50"
fails "edit needs a change" 2 "round edit needs something to change" \
    $GRANTCTL round edit "FG-$year-R2"

R="FG-$year-R1"
fails "draft cannot close" 1 "round $R is draft, so it cannot be moved to closed" \
    $GRANTCTL round close "$R"
ok "open it" $GRANTCTL round open "$R"
same "open says so" "Round $R is now open." "$OUT"
fails "open twice" 1 "round $R is open, so it cannot be moved to open" \
    $GRANTCTL round open "$R"
fails "open cannot be decided" 1 "cannot be moved to decided" \
    $GRANTCTL round decide "$R"
ok "close" $GRANTCTL round close "$R"
ok "assess" $GRANTCTL round assess "$R"
ok "decide" $GRANTCTL round decide "$R"
ok "archive" $GRANTCTL round archive "$R"
fails "archived is the end" 1 "is archived, so it cannot be moved to open" \
    $GRANTCTL round open "$R"
fails "only a draft can be edited" 1 "round $R is archived; only a draft round can be changed" \
    $GRANTCTL round edit "$R" --title New
fails "unknown round" 1 "no round FG-1999-R9" $GRANTCTL round open FG-1999-R9

# A round whose closing date has passed cannot open.
ok "a round in the past" $GRANTCTL round create FG --title Old \
    --opens 2020-01-01 --closes 2020-02-01 --budget 10
same "numbered in its own year" "FG-2020-R1" "$OUT"
fails "cannot open after closing" 1 "its closing date has passed" \
    $GRANTCTL round open FG-2020-R1
ok "audit records the moves" $GRANTCTL audit list --entity "$R"
has "open recorded" '"from":"draft","to":"open"'
has "archive recorded" '"from":"decided","to":"archived"'
finish
