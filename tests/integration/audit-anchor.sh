# audit-anchor.sh: an anchor kept outside the database. Whoever can write
# the database can rewrite the audit log and recompute every hash, so that
# plain verify passes; the head printed by 'grantctl audit anchor' (and
# logged by grantd) then no longer fits, and verify --anchor says so.
. "$top_srcdir/tests/integration/lib.sh"
setup
year=$(( $(date -u +%Y) + 1 ))
$GRANTCTL fund create FG --name "Fast Grants" --budget 1000 >/dev/null
$GRANTCTL fund create CRF --name "Covid Recovery" --budget 0 >/dev/null

ok "anchor" $GRANTCTL audit anchor
A=$OUT
same "COUNT:HASH, the head" "3:$(sql 'SELECT hash FROM audit_head')" "$A"
ok "anchor as JSON" $GRANTCTL --json audit anchor
has "with its count" '"count": 3'
ok "an officer" $GRANTCTL user add priya --uid 5001 --role officer
fails "only for an admin" 1 "may not do this" \
    setpriv --reuid=5001 --regid=5001 --clear-groups $GRANTCTL audit anchor
wait_for "grantd logs the head too" 15 grep -q "audit anchor: [0-9]*:[0-9a-f]\{64\}" "$T/grantd.log"

# More changes after the anchor.
R=$($GRANTCTL round create FG --title R --opens "$year-01-01" --closes "$year-02-01" --budget 100)
$GRANTCTL round open "$R" >/dev/null
$GRANTCTL budget transfer --from FG --to CRF --amount 10 --reason "why not" >/dev/null
ok "verify with the anchor" $GRANTCTL audit verify --anchor "$A"
same "it is in the chain" "Audit log intact: 7 entries, every hash checks, and the anchor is in the chain." "$OUT"
ok "the hash alone will do" $GRANTCTL audit verify --anchor "${A#*:}"
ok "the empty log's anchor" $GRANTCTL audit verify --anchor "0:$(printf '0%.0s' $(seq 1 64))"

fails "a malformed anchor" 1 "an anchor's hash is 64 hexadecimal digits, as 'grantctl audit anchor' prints it" \
    $GRANTCTL audit verify --anchor "3:abc"
fails "a malformed count" 1 "an anchor is COUNT:HASH, as 'grantctl audit anchor' prints it" \
    $GRANTCTL audit verify --anchor "x:${A#*:}"

# rechain: recompute every hash and the head, as someone with write access
# to the database could (a row's hash covers its detail's hash).
rechain() {
	sql "SET @prev = REPEAT('0', 64);
	UPDATE audit_log SET detail_hash = SHA2(detail, 256);
	UPDATE audit_log SET prev_hash = @prev, hash = (@prev := SHA2(CONCAT_WS('\n',
	    @prev, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), actor, action, entity,
	    CONCAT('sha256:', detail_hash)), 256)) ORDER BY id;
	UPDATE audit_head SET hash = @prev, count = (SELECT COUNT(*) FROM audit_log),
	    last_id = (SELECT COALESCE(MAX(id), 0) FROM audit_log) WHERE id = 1"
}

# Rewrite an entry before the anchor.
sql "UPDATE audit_log SET detail = REPLACE(detail, 'Fast Grants', 'Slow Grants') WHERE action = 'fund.create'"
rechain
ok "plain verify is fooled" $GRANTCTL audit verify
same "every hash checks" "Audit log intact: 7 entries, every hash checks." "$OUT"
fails "the anchor is not" 1 "" $GRANTCTL audit verify --anchor "$A"
same "says the log was rewritten" "Audit log BROKEN: entry 3 does not have the anchor's hash (the log was rewritten)." "$OUT"
fails "nor its hash alone" 1 "" $GRANTCTL audit verify --anchor "${A#*:}"
same "no entry has it" "Audit log BROKEN: no entry has the anchor's hash (the log was rewritten)." "$OUT"
fails "as JSON, exit 1" 1 "" $GRANTCTL --json audit verify --anchor "$A"
has "ok false" '"ok": false'

# Cut the log back behind the anchor.
sql "DELETE FROM audit_log WHERE id > 1"
rechain
ok "plain verify is fooled again" $GRANTCTL audit verify
fails "the anchor is beyond the end" 1 "" $GRANTCTL audit verify --anchor "$A"
same "says entries were removed" "Audit log BROKEN: the log has 1 entries, fewer than the anchor's 3 (entries were removed and the chain rewritten)." "$OUT"
finish
