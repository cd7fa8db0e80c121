# payrun.sh: payment runs that finance can trust. Grants, verified bank
# details, monitoring returns and tranches are written with SQL (their own
# commands belong to the grants module); everything else goes through
# grantctl, run as two finance users with their own Unix uids.
#
# A run gathers exactly the tranches that are due and releasable; its
# creator cannot approve it (grantd and the schema both refuse); the
# pain.001 file is valid against the official XSD (and a broken one is
# not), exported twice it is the same file; Bacs Standard 18 records are
# checked field by field against values computed here, and the CSV whole;
# grantd killed between export and mark-paid pays each tranche once;
# statements (camt.053 and CSV) are matched by end-to-end id and amount
# with partial and unmatched lines; two runs made at once on two grantd
# instances never share a tranche; the remittance letter is checked whole.
. "$top_srcdir/tests/integration/lib.sh"
EXTRA_CONFIG="
[payments]
debtor_name = Community Grants Trust
debtor_sort_code = 20-00-00
debtor_account = 12345678"
setup
year=$(TZ=Europe/London date +%Y)
PY=/usr/bin/python3
XSD="$top_srcdir/../shared/standards/iso20022/pain.001.001.03.xsd"

$GRANTCTL user add priya --uid 5001 --role officer \
    --email priya@example.org >/dev/null || exit 1
$GRANTCTL user add fiona --uid 7001 --role finance \
    --email fiona@example.org >/dev/null || exit 1
$GRANTCTL user add farid --uid 7002 --role finance \
    --email farid@example.org >/dev/null || exit 1
FIONA="setpriv --reuid=7001 --regid=7001 --clear-groups $GRANTCTL"
FARID="setpriv --reuid=7002 --regid=7002 --clear-groups $GRANTCTL"
PRIYA="setpriv --reuid=5001 --regid=5001 --clear-groups $GRANTCTL"
open_round 1000000
ROUND_ID=$(sql "SELECT id FROM rounds WHERE code = '$R'")
FUND_ID=$(sql "SELECT id FROM funds WHERE code = 'FG'")
OFFICER=$(sql "SELECT id FROM users WHERE name = 'priya'")

# grant N ORG_KEY ORGANISATION STATE AMOUNT: grant FG-YEAR-000N.
ref() { printf 'FG-%s-%04d' "$year" "$1"; }
grant() {
	sql "INSERT INTO grants (reference, fund_id, round_id, organisation,
	    email, amount, purpose, state, org_key, officer_id) VALUES
	    ('$(ref $1)', $FUND_ID, $ROUND_ID, '$3', 'g$1@example.org',
	    $5, 'Community project', '$4', '$2', $OFFICER)" || exit 1
}
# bank ORG_KEY NAME SORT ACCOUNT STATE
bank() {
	sql "INSERT INTO bank_details (org_key, organisation, account_name,
	    sort_code, account_number, state, source, entered_by, verified_by,
	    verified_at) VALUES ('$1', '$2', '$2', '$3', '$4', '$5', 'grantctl',
	    'fiona', IF('$5' = 'verified', 'farid', NULL), IF('$5' =
	    'verified', UTC_TIMESTAMP(6), NULL))" || exit 1
}
# tranche GRANT_N NUMBER DAYS_FROM_TODAY PENCE STATE [SQL_EXTRA_COLUMNS VALUES]
tranche() {
	sql "INSERT INTO tranches (grant_id, number, due_date, amount, state,
	    end_to_end_id${6:-}) SELECT id, $2, CURDATE() + INTERVAL $3 DAY,
	    $4, '$5', '$(ref $1)-$2'${7:-} FROM grants WHERE reference =
	    '$(ref $1)'" || exit 1
}
# monitoring GRANT_N DAYS STATE
monitoring() {
	sql "INSERT INTO monitoring_returns (grant_id, kind, period, due_date,
	    state) SELECT id, 'quarterly', 'Q$2', CURDATE() + INTERVAL $2 DAY,
	    '$3' FROM grants WHERE reference = '$(ref $1)'" || exit 1
}

# What may be paid: 1 (first tranche due), 2 (accents and & in the payee's
# name), 7 (second tranche, its monitoring condition waived), 8 (second
# tranche, its latest return approved).
grant 1 rag "Riverside Allotment Group" accepted 45000
bank rag "Riverside Allotment Group" 112233 11223344 verified
tranche 1 1 -5 30000 due
tranche 1 2 180 15000 scheduled
grant 2 cafe "Café Élan Community Kitchen" accepted 123456
bank cafe "Café Élan & Co-op Ltd" 404142 87654321 verified
tranche 2 1 -1 123456 due
grant 7 hope "Hope Street Youth Club" active 75000
bank hope "Hope Street Youth Club" 601010 10101010 verified
tranche 7 1 -200 50000 paid
tranche 7 2 -2 25000 due ", waived_reason" ", 'Report delayed by a flood'"
grant 8 shed "Northfield Men''s Shed" active 40000
bank shed "Northfield Mens Shed" 090128 22334455 verified
tranche 8 1 -200 20000 paid
tranche 8 2 -3 20000 due
tranche 8 3 90 10000 scheduled
tranche 8 4 180 5000 scheduled
monitoring 8 -30 approved
# What may not: 9 (its latest return not approved, an older one was), 3
# (held), 4 (bank details not verified), 5 (offer not accepted), 6 (due
# after the date).
grant 9 choir "Eastgate Choir" active 30000
bank choir "Eastgate Choir" 203040 55667788 verified
tranche 9 1 -200 20000 paid
tranche 9 2 -3 10000 due
monitoring 9 -60 approved
monitoring 9 -10 received
grant 3 held "Held Group" accepted 10000
bank held "Held Group" 111111 11111111 verified
tranche 3 1 -3 10000 held ", hold_reason" ", 'Bank details changed'"
grant 4 unver "Unverified Trust" accepted 10000
bank unver "Unverified Trust" 222222 22222222 unverified
tranche 4 1 -3 10000 due
grant 5 offered "Offered Society" offered 10000
bank offered "Offered Society" 333333 33333333 verified
tranche 5 1 -3 10000 due
grant 6 later "Later Club" accepted 10000
bank later "Later Club" 444444 44444444 verified
tranche 6 1 10 10000 due
TODAY=$(sql "SELECT CURDATE()")
# where the finance users write bank files and read statements
F=$T/files
mkdir -m 1777 "$F"

# ---- creating a run, four eyes ----

fails "an officer cannot make payment runs" 1 "" \
    $PRIYA pay run create --due-by "$TODAY"
fails "a date that is not a date is refused" 1 "--due-by must be a date" \
    $FIONA pay run create --due-by "next friday"
ok "fiona creates a run of what is due by today" \
    $FIONA pay run create --due-by "$TODAY"
# the run's reference, as grantctl printed it
run_ref() { printf '%s\n' "$OUT" | sed -n 's/^Created payment run \(PAY-[0-9]*-[0-9]*\):.*/\1/p'; }
RUN1=$(run_ref)
same "the first run's reference" "PAY-$year-0001" "$RUN1"
same "the run's reference, count and total" \
    "Created payment run $RUN1: 4 tranches, £1,984.56. Another finance user must approve it." "$OUT"
same "exactly the due, releasable tranches are in it, nothing else" \
    "FG-$year-0001-1 FG-$year-0002-1 FG-$year-0007-2 FG-$year-0008-2" \
    "$(sql "SELECT GROUP_CONCAT(end_to_end_id ORDER BY end_to_end_id SEPARATOR ' ') FROM tranches t JOIN payment_runs p ON p.id = t.run_id WHERE p.reference = '$RUN1' AND t.state = 'in_run'")"
same "each is paid to the verified bank row of its organisation" "4" \
    "$(sql "SELECT COUNT(*) FROM tranches t JOIN grants g ON g.id = t.grant_id JOIN bank_details b ON b.id = t.bank_id AND b.org_key = g.org_key AND b.state = 'verified' WHERE t.state = 'in_run'")"
fails "nothing left to gather makes no empty run" 1 \
    "no tranche is due by $TODAY and ready to pay" \
    $FARID pay run create --due-by "$TODAY"
ok "farid sees the run" $FARID pay run show "$RUN1"
has "who created it" "created by     fiona"
has "a line of the run" "FG-$year-0002-1"
has "its total" "£1,984.56"
ok "the runs are listed" $FARID pay run list
has "the draft is listed" "$RUN1  draft"
fails "the run's creator cannot approve it" 1 \
    "you created payment run $RUN1, so you cannot approve it: another finance user must" \
    $FIONA pay run approve "$RUN1"
fails "a run not approved cannot be exported" 1 "only an approved run can be exported" \
    $FIONA pay run export "$RUN1" --format pain001 --out "$F/early.xml"
if sql "UPDATE payment_runs SET approved_by = created_by WHERE reference = '$RUN1'" 2>/dev/null; then
	fail "the schema refuses a run approved by its creator" "the update went through"
else
	pass "the schema refuses a run approved by its creator"
fi
ok "farid, a second finance user, approves it" $FARID pay run approve "$RUN1"
same "approval names the creator" \
    "Approved payment run $RUN1: 4 tranches, £1,984.56, created by fiona." "$OUT"
fails "an approved run is not approved twice" 1 "only a draft run can be approved" \
    $FIONA pay run approve "$RUN1"

# A payment held after its run was made (bank details changed, say) keeps
# the whole run from the bank until finance makes it again.
sql "UPDATE tranches SET hold_reason = 'bank details changed, waiting for verification' WHERE run_id = (SELECT id FROM payment_runs WHERE reference = '$RUN1') ORDER BY id LIMIT 1"
fails "a run holding a payment held since is not exported" 1 \
    "went on hold after it was made" \
    $FIONA pay run export "$RUN1" --format pain001 --out "$F/held.xml"
same "and nothing was written" "no" "$([ -e "$F/held.xml" ] && echo yes || echo no)"
sql "UPDATE tranches SET hold_reason = NULL WHERE run_id = (SELECT id FROM payment_runs WHERE reference = '$RUN1')"

# ---- pain.001 ----

ok "the run is exported as pain.001" \
    $FIONA pay run export "$RUN1" --format pain001 --out "$F/run1.xml"
has "the export says where and what" "Wrote payment run $RUN1 as pain001 to $F/run1.xml: 4 tranches, £1,984.56"
fails "an exported run cannot be cancelled" 1 "only a run not yet exported can be cancelled" \
    $FIONA pay run cancel "$RUN1"
same "the run is exported, as pain001, with the file's sha256" \
    "exported pain001 $(sha256sum <"$F/run1.xml" | cut -d' ' -f1)" \
    "$(sql "SELECT state, export_format, export_sha256 FROM payment_runs WHERE reference = '$RUN1'" | tr '\t' ' ')"
if [ ! -f "$XSD" ]; then
	echo "# SKIP: the pain.001.001.03 schema is not at $XSD; the files are not validated"
else
	if xmllint --noout --schema "$XSD" "$F/run1.xml" >"$T/xmllint.out" 2>&1; then
		pass "the pain.001 file is valid against the ISO 20022 schema"
	else
		fail "the pain.001 file is valid against the ISO 20022 schema" "$(cat "$T/xmllint.out")"
	fi
	# The group header without its count of transactions
	sed 's|<NbOfTxs>4</NbOfTxs><CtrlSum>1984.56</CtrlSum><InitgPty>|<CtrlSum>1984.56</CtrlSum><InitgPty>|' \
	    "$F/run1.xml" >"$F/broken.xml"
	if cmp -s "$F/run1.xml" "$F/broken.xml"; then
		fail "a broken pain.001 file fails the schema" "the file was not broken"
	elif xmllint --noout --schema "$XSD" "$F/broken.xml" >/dev/null 2>&1; then
		fail "a broken pain.001 file fails the schema" "xmllint accepted it"
	else
		pass "a broken pain.001 file fails the schema"
	fi
fi
cat >"$T/pain.py" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
from decimal import Decimal
ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
doc = ET.parse(sys.argv[1]).getroot()
g = doc.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
pi = doc.find("p:CstmrCdtTrfInitn/p:PmtInf", ns)
txs = pi.findall("p:CdtTrfTxInf", ns)
amounts = [Decimal(t.find("p:Amt/p:InstdAmt", ns).text) for t in txs]
print(g.find("p:MsgId", ns).text, g.find("p:NbOfTxs", ns).text,
      g.find("p:CtrlSum", ns).text, pi.find("p:NbOfTxs", ns).text,
      pi.find("p:CtrlSum", ns).text, len(txs), sum(amounts))
print(pi.find("p:Dbtr/p:Nm", ns).text,
      pi.find("p:DbtrAcct/p:Id/p:Othr/p:Id", ns).text,
      pi.find("p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", ns).text)
for t in txs:
    print(t.find("p:PmtId/p:EndToEndId", ns).text,
          t.find("p:Amt/p:InstdAmt", ns).text,
          t.find("p:Amt/p:InstdAmt", ns).get("Ccy"),
          t.find("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", ns).text,
          t.find("p:CdtrAcct/p:Id/p:Othr/p:Id", ns).text,
          "|" + t.find("p:Cdtr/p:Nm", ns).text + "|")
PYEOF
same "counts and control sums agree with the lines, the debtor is grantd.conf's, each line's end-to-end id and payee" \
    "$RUN1 4 1984.56 4 1984.56 4 1984.56
Community Grants Trust 20000012345678 200000
FG-$year-0001-1 300.00 GBP 112233 11223311223344 |Riverside Allotment Group|
FG-$year-0002-1 1234.56 GBP 404142 40414287654321 |Cafe Elan Co-op Ltd|
FG-$year-0007-2 250.00 GBP 601010 60101010101010 |Hope Street Youth Club|
FG-$year-0008-2 200.00 GBP 090128 09012822334455 |Northfield Mens Shed|" \
    "$($PY "$T/pain.py" "$F/run1.xml" 2>&1)"
ok "exporting again works" \
    $FARID pay run export "$RUN1" --format pain001 --out "$F/run1-again.xml"
if cmp -s "$F/run1.xml" "$F/run1-again.xml"; then
	pass "exporting again gives the identical file"
else
	fail "exporting again gives the identical file" "$(diff "$F/run1.xml" "$F/run1-again.xml" | head -5)"
fi
fails "an exported run is not exported in a second format" 1 \
    "was exported as pain001; it can be exported again only as pain001" \
    $FARID pay run export "$RUN1" --format bacs18 --out "$F/run1.bacs"
fails "an unknown format is refused" 1 "--format must be pain001, bacs18 or csv" \
    $FARID pay run export "$RUN1" --format swift --out "$F/run1.swift"

# ---- a crash between export and mark-paid ----

kill -KILL "$GRANTD_PID"; wait "$GRANTD_PID" 2>/dev/null; GRANTD_PID=""
rm -f "$GRANTD_SOCKET"
start_grantd
ok "after grantd is killed and restarted, the exported run is marked paid" \
    $FARID pay run mark-paid "$RUN1" --bank-ref BACS-0412
has "four tranches are paid" "Marked 4 tranches of payment run $RUN1 paid"
fails "marking it paid again pays nothing, and says why" 1 \
    "payment run $RUN1 is reconciled: every tranche in it is already paid, and none is paid again" \
    $FARID pay run mark-paid "$RUN1"
fails "one of its tranches is not paid again either" 1 "is reconciled" \
    $FIONA pay run mark-paid "$RUN1" --tranche "FG-$year-0001-1" --bank-ref X
same "each tranche paid once, the run reconciled" \
    "4 4 reconciled 4" \
    "$(sql "SELECT (SELECT COUNT(*) FROM tranches WHERE state = 'paid' AND bank_ref = 'BACS-0412'), (SELECT COUNT(*) FROM audit_log WHERE action = 'tranche.paid'), (SELECT state FROM payment_runs WHERE reference = '$RUN1'), (SELECT COUNT(*) FROM outbox WHERE template = 'payment-sent')" | tr '\t' ' ')"
same "the round's paid total grew by the run, once" "198456" \
    "$(sql "SELECT paid FROM rounds WHERE id = $ROUND_ID")"
same "an accepted grant becomes active on its first payment" "active active" \
    "$(sql "SELECT GROUP_CONCAT(state ORDER BY reference SEPARATOR ' ') FROM grants WHERE reference IN ('FG-$year-0001', 'FG-$year-0002')")"
same "and that is audited, once for each" "FG-$year-0001 FG-$year-0002" \
    "$(sql "SELECT GROUP_CONCAT(entity ORDER BY entity SEPARATOR ' ') FROM audit_log WHERE action = 'grant.state'")"


# ---- Bacs Standard 18 ----

# Grant 1's second tranche falls due (its monitoring condition waived), and
# two more grants, their names with what Bacs does not take.
sql "UPDATE tranches SET state = 'due', due_date = CURDATE() - INTERVAL 1 DAY,
    waived_reason = 'First report late, agreed' WHERE end_to_end_id = 'FG-$year-0001-2'"
grant 10 stmary "St Mary and St John Trust" accepted 500000
bank stmary "St Mary’s & St John’s/Trust (No.2)" 309634 01234567 verified
tranche 10 1 -1 500000 due
grant 11 zoe "Zoë’s Café Collective" accepted 9999
bank zoe "Zoë Ødegård-Smith" 070116 00012345 verified
tranche 11 1 0 9999 due
ok "a second run" $FIONA pay run create --due-by "$TODAY"
RUN2=$(run_ref)
same "its reference, count and total" \
    "Created payment run $RUN2: 3 tranches, £5,249.99. Another finance user must approve it." "$OUT"
ok "approved by farid" $FARID pay run approve "$RUN2"
ok "exported as Bacs Standard 18" \
    $FARID pay run export "$RUN2" --format bacs18 --out "$F/run2.bacs"
cat >"$T/bacs.py" <<'PYEOF'
# Each record, cut at the positions of Standard 18, against the values
# this test gave grantd, cleaned to Bacs's characters here.
import sys, time, unicodedata
def bacs(s, n=18):
    s = s.replace("\u2019", "'")
    s = "".join(c for c in unicodedata.normalize("NFKD", s)
                if not unicodedata.combining(c))
    s = s.replace("\u00d8", "O").replace("\u00f8", "o").upper()
    s = "".join(c if c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- " else " "
                for c in s)
    return " ".join(s.split())[:n].rstrip()
year = sys.argv[2]
want = [("112233", "11223344", 15000, "FG-%s-0001-2" % year,
         "Riverside Allotment Group"),
        ("309634", "01234567", 500000, "FG-%s-0010-1" % year,
         "St Mary\u2019s & St John\u2019s/Trust (No.2)"),
        ("070116", "00012345", 9999, "FG-%s-0011-1" % year,
         "Zo\u00eb \u00d8deg\u00e5rd-Smith")]
data = open(sys.argv[1], "rb").read().decode("ascii")
recs = data.split("\n")
assert recs[-1] == "", "the file ends with a newline"
recs = recs[:-1]
assert len(recs) == len(want), "%d records" % len(recs)
day = time.strftime(" %y%j", time.gmtime())
for r, (sort, acct, pence, ref, name) in zip(recs, want):
    assert len(r) == 106, "record of %d characters: %r" % (len(r), r)
    fields = [("destination sort code", r[0:6], sort),
              ("destination account", r[6:14], acct),
              ("account type", r[14:15], "0"),
              ("transaction code", r[15:17], "99"),
              ("originating sort code", r[17:23], "200000"),
              ("originating account", r[23:31], "12345678"),
              ("free", r[31:35], "    "),
              ("amount in pence", r[35:46], "%011d" % pence),
              ("originator's name", r[46:64],
               bacs("Community Grants Trust").ljust(18)),
              ("reference", r[64:82], bacs(ref).ljust(18)),
              ("destination name", r[82:100], bacs(name).ljust(18)),
              ("processing date", r[100:106], day)]
    for what, got, exp in fields:
        assert got == exp, "%s: %r, wanted %r" % (what, got, exp)
print("ok", len(recs))
PYEOF
same "each Bacs record, field by field, as this test computes it" "ok 3" \
    "$($PY "$T/bacs.py" "$F/run2.bacs" "$year" 2>&1)"
same "the payee names as Bacs takes them" \
    "RIVERSIDE ALLOTMEN|ST MARY S & ST JOH|ZOE ODEGARD-SMITH " \
    "$(cut -c83-100 "$F/run2.bacs" | paste -sd'|')"

# ---- CSV ----

grant 12 oak "Oak Tree Playgroup" accepted 75000
bank oak "Oak Tree Playgroup" 401276 33445566 verified
tranche 12 1 0 75000 due
grant 13 elm "Elm Road Residents" accepted 100000
bank elm "Elm Road Residents, Ltd" 401276 99887766 verified
tranche 13 1 0 100000 due
ok "a third run" $FIONA pay run create --due-by "$TODAY"
RUN3=$(run_ref)
ok "approved" $FARID pay run approve "$RUN3"
ok "exported as CSV" $FIONA pay run export "$RUN3" --format csv --out "$F/run3.csv"
printf 'sort_code,account_number,account_name,amount,reference,end_to_end_id\r
401276,33445566,OAK TREE PLAYGROUP,750.00,FG-%s-0012-1,FG-%s-0012-1\r
401276,99887766,ELM ROAD RESIDENTS LTD,1000.00,FG-%s-0013-1,FG-%s-0013-1\r
' "$year" "$year" "$year" "$year" >"$T/want.csv"
if cmp -s "$T/want.csv" "$F/run3.csv"; then pass "the CSV, whole"; else
	fail "the CSV, whole" "$(diff "$T/want.csv" "$F/run3.csv")"; fi

# ---- reconciliation ----

ok "one tranche of run 2 is marked paid by hand" \
    $FIONA pay run mark-paid "$RUN2" --tranche "FG-$year-0010-1" --bank-ref BACS-7781
has "one" "Marked 1 tranches of payment run $RUN2 paid"
fails "--tranche without --bank-ref is refused" 2 "--tranche needs --bank-ref" \
    $FIONA pay run mark-paid "$RUN2" --tranche "FG-$year-0011-1"
fails "a tranche that is not in the run" 1 "payment run $RUN2 has no tranche FG-$year-0012-1" \
    $FIONA pay run mark-paid "$RUN2" --tranche "FG-$year-0012-1" --bank-ref X
entry() {	# E2E AMOUNT [DBIT|CRDT]
	printf '<Ntry><Amt Ccy="GBP">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><AcctSvcrRef>STMT-%s</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n' \
	    "$2" "${3:-DBIT}" "$TODAY" "$1" "$1"
}
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>%sT18:00:00</CreDtTm></GrpHdr><Stmt><Id>1</Id>\n' "$TODAY"
	entry "FG-$year-0010-1" 5000.00
	entry "FG-$year-0001-2" 150.00
	entry "FG-$year-0011-1" 9.99
	entry "FG-$year-9999-1" 10.00
	entry "FG-$year-0012-1" 750.00 CRDT
	entry "FG-$year-0011-1" 99.99 DBIT | sed 's/Ccy="GBP"/Ccy="EUR"/'
	printf '</Stmt></BkToCstmrStmt></Document>\n'
} >"$F/statement.xml"
ok "a camt.053 statement is reconciled" $FIONA pay reconcile "$F/statement.xml"
squeeze() { printf '%s\n' "$1" | sed 's/  */ /g'; }
same "what it paid and what it could not match, and why" \
    "$(squeeze "Paid from the statement: 1. Not matched: 4.
  paid: FG-$year-0001-2 £150.00 (entry 2)

Not matched:
WHERE    END-TO-END ID   AMOUNT  WHY
entry 1  FG-$year-0010-1  £5,000.00  FG-$year-0010-1 was already paid on $TODAY (bank reference BACS-7781); it is not paid again
entry 3  FG-$year-0011-1  £9.99  FG-$year-0011-1: the amount differs: the statement says £9.99, the tranche is £99.99
entry 4  FG-$year-9999-1  £10.00  no tranche has end-to-end id FG-$year-9999-1
entry 6  FG-$year-0011-1    it has no amount in pounds")" \
    "$(squeeze "$OUT")"
same "the matched tranche is paid with the statement's reference" "paid STMT-FG-$year-0001-2" \
    "$(sql "SELECT state, bank_ref FROM tranches WHERE end_to_end_id = 'FG-$year-0001-2'" | tr '\t' ' ')"
same "run 2 is not reconciled while a tranche is unpaid" "exported" \
    "$(sql "SELECT state FROM payment_runs WHERE reference = '$RUN2'")"
printf 'Date,Amount,End-to-end ID,Bank reference\n%s,-99.99,FG-%s-0011-1,FPS-1\n%s,750.00,FG-%s-0012-1,FPS-2\n%s,1000.01,FG-%s-0013-1,FPS-3\n%s,lots,FG-%s-0013-1,FPS-4\n' \
    "$TODAY" "$year" "$TODAY" "$year" "$TODAY" "$year" "$TODAY" "$year" >"$F/statement.csv"
ok "a CSV statement is reconciled" $FARID pay reconcile "$F/statement.csv"
has "two lines paid" "Paid from the statement: 2. Not matched: 2."
has "the amount that differs" "FG-$year-0013-1: the amount differs: the statement says £1,000.01, the tranche is £1,000.00"
has "the line that cannot be read" "the amount 'lots' is not an amount"
same "run 2 is reconciled once every tranche is paid; run 3 is not" \
    "reconciled exported" \
    "$(sql "SELECT GROUP_CONCAT(state ORDER BY reference SEPARATOR ' ') FROM payment_runs WHERE reference IN ('$RUN2', '$RUN3')")"
same "no tranche was paid twice: one audit row and one letter per paid tranche" \
    "8 8 8" \
    "$(sql "SELECT (SELECT COUNT(*) FROM tranches WHERE state = 'paid' AND paid_at IS NOT NULL AND bank_ref IS NOT NULL), (SELECT COUNT(*) FROM audit_log WHERE action = 'tranche.paid'), (SELECT COUNT(*) FROM outbox WHERE template = 'payment-sent')" | tr '\t' ' ')"
printf '<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document><Ntry><Amt>1.00</Amt><NtryDtls><TxDtls><Refs><EndToEndId>&x;</EndToEndId></Refs></TxDtls></NtryDtls></Ntry></Document>\n' >"$F/hostile.xml"
fails "a statement carrying a DTD is not read" 1 "carries a DTD, which is not read" \
    $FIONA pay reconcile "$F/hostile.xml"
printf 'Date,Total\n%s,1.00\n' "$TODAY" >"$F/noheader.csv"
fails "a CSV without the columns it needs is refused, saying which" 1 \
    "with at least amount and end_to_end_id" $FIONA pay reconcile "$F/noheader.csv"

# ---- two runs made at once, on two grantd instances ----

grant 14 many "Many Hands Network" accepted 3000000
bank many "Many Hands Network" 121212 12121212 verified
sql "INSERT INTO tranches (grant_id, number, due_date, amount, state,
    end_to_end_id, waived_reason) WITH RECURSIVE s (n) AS (SELECT 1 UNION
    ALL SELECT n + 1 FROM s WHERE n < 300) SELECT g.id, s.n, CURDATE(),
    10000, 'due', CONCAT('FG-$year-0014-', s.n), 'test' FROM grants g, s
    WHERE g.reference = 'FG-$year-0014'" || exit 1
sed -e "s|^socket = $GRANTD_SOCKET\$|socket = $T/grantd2.sock|" \
    "$T/grantd.conf" >"$T/grantd2.conf"
"$GRANTD" -c "$T/grantd2.conf" -f >>"$T/grantd2.log" 2>&1 &
GRANTD2_PID=$!
for _ in $(seq 1 100); do [ -S "$T/grantd2.sock" ] && break; sleep 0.1; done
for race in 1 2 3; do
	# A third session holds one of the tranches for a second, so both
	# runs are surely under way at once when it lets go.
	sql "BEGIN; SELECT id FROM tranches WHERE end_to_end_id =
	    'FG-$year-0014-150' FOR UPDATE; SELECT SLEEP(1); COMMIT" \
	    >/dev/null &
	blocker=$!
	sleep 0.2
	$FIONA pay run create --due-by "$TODAY" >"$T/race1.out" 2>&1 &
	p1=$!
	GRANTD_SOCKET=$T/grantd2.sock $FARID pay run create --due-by "$TODAY" \
	    >"$T/race2.out" 2>&1 &
	p2=$!
	wait $p1; rc1=$?
	wait $p2; rc2=$?
	wait $blocker
	created=$(cat "$T/race1.out" "$T/race2.out" | grep -c "^Created payment run")
	echo "# race $race: $(head -c 100 "$T/race1.out") / $(head -c 100 "$T/race2.out")"
	same "race $race: each run made at once succeeded or found nothing left" \
	    "$created" "$(( (rc1 == 0) + (rc2 == 0) ))"
	same "race $race: every tranche is in exactly one draft run, and each run counts what it holds" \
	    "300 300 300" \
	    "$(sql "SELECT (SELECT COUNT(*) FROM tranches WHERE state = 'in_run' AND end_to_end_id LIKE 'FG-$year-0014-%'), (SELECT SUM(count) FROM payment_runs WHERE state = 'draft'), (SELECT COUNT(*) FROM tranches t JOIN payment_runs p ON p.id = t.run_id AND p.state = 'draft')" | tr '\t' ' ')"
	same "race $race: each run's total is the sum of its lines" "" \
	    "$(sql "SELECT p.reference FROM payment_runs p WHERE p.state = 'draft' AND p.total <> (SELECT SUM(amount) FROM tranches WHERE run_id = p.id)")"
	for run in $(sql "SELECT reference FROM payment_runs WHERE state = 'draft'"); do
		$FIONA pay run cancel "$run" >/dev/null || fail "cancel $run"
	done
	same "race $race: cancelled runs give their tranches back" "300 0" \
	    "$(sql "SELECT COUNT(*), COALESCE(SUM(run_id IS NOT NULL), 0) FROM tranches WHERE state = 'released' AND end_to_end_id LIKE 'FG-$year-0014-%'" | tr '\t' ' ')"
done
kill -TERM "$GRANTD2_PID"; wait "$GRANTD2_PID" 2>/dev/null

# the remittance letters, whole
letter() {
	wait_for "$1 sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2"
	f=$($PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if $PY "$top_srcdir/tests/letter.py" show "$f" >"$T/$1.txt" \
	    2>"$T/stderr"; then
		golden "$1 as the group reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
}
letter payment-sent g8@example.org
letter payment-sent-last g2@example.org

finish
