# audit.sh: every change is in the audit log, and the hash chain catches a
# row altered, deleted or cut off the end.
. "$top_srcdir/tests/integration/lib.sh"
setup

year=$(( $(date -u +%Y) + 1 ))
$GRANTCTL fund create FG --name "Fast Grants" --budget 1000 >/dev/null
$GRANTCTL fund create CRF --name "Covid Recovery" --budget 0 >/dev/null
R=$($GRANTCTL round create FG --title R --opens "$year-01-01" --closes "$year-02-01" --budget 100)
$GRANTCTL round open "$R" >/dev/null
$GRANTCTL budget transfer --from FG --to CRF --amount 10 --reason "why not" >/dev/null

ok "list the log" $GRANTCTL audit list
has "first admin" "user.create"
has "fund created" "fund.create"
has "round created" "round.create"
has "round opened" "round.state"
has "transfer" "budget.transfer"
ok "verify intact" $GRANTCTL audit verify
same "all six rows check" "Audit log intact: 6 entries, every hash checks." "$OUT"

sql "UPDATE audit_log SET detail = REPLACE(detail, 'why not', 'because') WHERE action = 'budget.transfer'"
fails "altered row found" 1 "" $GRANTCTL audit verify
has "names the altered row" "Audit log BROKEN at entry 6: its content was changed."
sql "UPDATE audit_log SET detail = REPLACE(detail, 'because', 'why not') WHERE action = 'budget.transfer'"
ok "restored" $GRANTCTL audit verify

sql "DELETE FROM audit_log WHERE id = 3"
fails "deleted row found" 1 "" $GRANTCTL audit verify
has "names the row after the gap" "Audit log BROKEN at entry 4: it does not follow the row before it"

mariadb_sql "$GRANTD_TEST_DB_DIR" "DROP DATABASE \`$DB\`"
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`"
"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1
$GRANTCTL fund create FG --name "Fast Grants" --budget 1000 >/dev/null
$GRANTCTL fund create SAF --name "Social Action" --budget 1000 >/dev/null
sql "DELETE FROM audit_log ORDER BY id DESC LIMIT 1"
fails "truncated log found" 1 "" $GRANTCTL audit verify
has "names where it ends" "the log ends early"
fails "JSON for scripts, still exit 1" 1 "" $GRANTCTL --json audit verify
has "ok false" '"ok": false'
fails "a limit of none" 1 "limit must be from 1 to 1000" $GRANTCTL audit list --limit 0
fails "a limit that is no number" 1 "limit must be from 1 to 1000" $GRANTCTL audit list --limit 5x
ok "the last two entries" $GRANTCTL --json audit list --limit 2
same "two, no more" "2" "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')"
finish
