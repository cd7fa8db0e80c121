# report.sh: programme reports against figures the test works out itself
# from the same seed; the HTML page opened in a real headless browser;
# 360Giving open data checked against the official schema, with nothing
# personal in it; a person's data exported and erased (refused while a
# grant is live); retention across the audit chain.
. "$top_srcdir/tests/integration/lib.sh"
EXTRA_CONFIG="
[opendata]
identifier_prefix = 360G-testfund
funder_id = GB-CHC-9990001
funder_name = Test Community Fund

[privacy]
retention_days = 0"
# Retention is off until its part below, so grantd's own first run (a few
# seconds after it starts) cannot race the seeding.
setup
PY=/usr/bin/python3
SCHEMA=${GRANTD_360GIVING_SCHEMA:-$top_srcdir/../shared/standards/360giving}

$GRANTCTL fund create FG --name "Fast Grants" --budget 100000 >/dev/null
sql "INSERT INTO rounds (fund_id, code, year, seq, title, opens_at, closes_at,
    budget, state) SELECT id, 'FG-2025-1', 2025, 1, 'Round one',
    '2025-01-01', '2025-12-31', 9000000, 'decided' FROM funds WHERE code = 'FG'"
FUND_ID=$(sql "SELECT id FROM funds WHERE code = 'FG'")
ROUND_ID=$(sql "SELECT id FROM rounds WHERE code = 'FG-2025-1'")
$PY "$top_srcdir/tests/integration/seed-report.py" "$FUND_ID" "$ROUND_ID" "$T" ||
    exit 1
mariadb --no-defaults --socket="$GRANTD_TEST_DB_SOCKET" -uroot "$DB" \
    <"$T/seed.sql" || exit 1
ref() { $PY -c "import json; print(json.load(open('$T/expected.json'))['$1']['$2'])"; }

# ---- targets ----
ok "targets set" $GRANTCTL fund target FG --grants 300 --people 5000 --volunteers 200
same "targets said back" "Targets of fund FG: grants 300 people 5000 volunteers 200." "$OUT"
fails "a target that is no number" 1 "the people target must be a whole number" \
    $GRANTCTL fund target FG --people lots
fails "no target at all" 2 "fund target needs --grants, --people or --volunteers" \
    $GRANTCTL fund target FG
fails "no such fund" 1 "no fund XX" $GRANTCTL fund target XX --grants 1
ok "fund show has them" $GRANTCTL fund show FG
has "the targets line" "targets        300 grants, 5000 people, 200 volunteers"
ok "audited" $GRANTCTL audit list --entity FG
has "the target in the log" "fund.target"

# ---- the figures, against the test's own ----
# compare WHICH: the report (JSON in $OUT) against expected.json[WHICH];
# prints each figure that differs.
compare() {
	printf '%s' "$OUT" | $PY -c '
import json, sys
got = json.load(sys.stdin); exp = json.load(open(sys.argv[1]))[sys.argv[2]]
bad = []
def eq(what, g, e):
    if g != e: bad.append("%s: got %r, wanted %r" % (what, g, e))
t = {x["measure"]: x for x in got["targets"]}
for m in ("grants", "people", "volunteers"):
    eq("delivered " + m, t[m]["delivered"], exp["targets"][m])
eq("target grants", t["grants"]["target"], 300)
for k in ("budget", "committed", "paid", "left"):
    eq("money " + k, got["money"][k], exp["money"][k])
eq("by month", [{"month": m["month"], "paid": m["paid"]} for m in got["money"]["by_month"]], exp["money"]["by_month"])
eq("by priority", got["by_priority"], exp["by_priority"])
eq("by area", got["by_area"], exp["by_area"])
for k in ("decision_days", "payment_days"):
    eq(k, {x: got[k][x] for x in ("count", "median", "p90")}, exp[k])
eq("monitoring", got["monitoring"], exp["monitoring"])
for g, e in zip(got["wellbeing"], exp["wellbeing"]):
    eq(g["question"] + " missing follow-up", g["missing_followup"], e["missing_followup"])
    for st in ("end", "followup"):
        eq(g["question"] + " " + st, {x: g[st][x] for x in ("change", "people_baseline", "people_after", "grants")}, e[st])
print("\n".join(bad))
' "$T/expected.json" "$1"
}

ok "the report as JSON" $GRANTCTL --json report programme --fund FG
DIFF=$(compare all)
same "every figure is the test's own" "" "$DIFF"
[ -n "$DIFF" ] && echo "$OUT" | head -c 3000
same "follow-ups missing are counted" "2" \
    "$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(json.load(sys.stdin)["wellbeing"][0]["missing_followup"])')"

ok "a period: January 2025" $GRANTCTL --json report programme --fund FG --from 2025-01-01 --to 2025-01-31
same "January's figures are the test's own" "" "$(compare jan)"
same "fewer grants in January" "$(ref jan targets | $PY -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read())["grants"])')" \
    "$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(json.load(sys.stdin)["targets"][0]["delivered"])')"

ok "the report as text" $GRANTCTL report programme --fund FG
has "its title" "Programme report: Fast Grants (FG)"
has "the budget" "budget         £100,000.00"
has "the rule for percentiles" "Days (median and 90th percentile by nearest rank):"
has "wellbeing with its people" "people at baseline"
has "monitoring, every figure its own" "$($PY -c "
import json; m = json.load(open('$T/expected.json'))['all']['monitoring']
print('Monitoring returns: %(due)d due, %(received)d received (%(on_time)d on time), %(approved)d approved, %(outstanding)d not yet received.' % m)")"

ok "the report as CSV" $GRANTCTL report programme --fund FG --format csv --out "$T/report.csv"
same "CSV figures are the JSON's" "ok" "$($PY - "$T/report.csv" "$T/expected.json" <<'PYEND'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
exp = json.load(open(sys.argv[2]))["all"]
v = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
bad = []
if rows[0] != ["section", "item", "measure", "value"]: bad.append("header %r" % rows[0])
if v[("money", "paid", "pounds")] != "%d.%02d" % divmod(exp["money"]["paid"], 100): bad.append("paid")
if v[("targets", "grants", "delivered")] != str(exp["targets"]["grants"]): bad.append("grants")
if v[("times", "decision_days", "p90")] != str(exp["decision_days"]["p90"]): bad.append("p90")
w = exp["wellbeing"][0]["end"]["change"]
if v[("wellbeing", "life", "end_change")] != "%s%d.%02d" % ("-" if w < 0 else "+", abs(w) // 100, abs(w) % 100): bad.append("change")
for p in exp["by_priority"]:
    if v[("priority", p["name"], "grants")] != str(p["grants"]): bad.append(p["name"])
print("ok" if not bad else bad)
PYEND
)"

# A fund with nothing in it yet: every part says so, nothing divides by 0.
$GRANTCTL fund create SAF --name "Social Action Fund" --budget 5000 >/dev/null
ok "an empty fund's report" $GRANTCTL report programme --fund SAF
has "no figure, and why" "no figure (no grant has both)"
has "targets not set" "not set"
ok "an empty fund's page" $GRANTCTL report programme --fund SAF --format html --out "$T/empty.html"
same "the page says nothing was paid" "1" "$(grep -c 'Nothing paid in this period.' "$T/empty.html")"
ok "an empty fund's CSV" $GRANTCTL report programme --fund SAF --format csv
has "a percentile with no values is empty" "times,decision_days,median,"
fails "no grants to publish" 1 "fund SAF has no accepted grants to publish yet" \
    $GRANTCTL export 360giving --fund SAF --out "$T/none.json"
fails "an unknown fund" 1 "no fund XX" $GRANTCTL report programme --fund XX
fails "a format there is not" 2 "--format is text, csv or html" \
    $GRANTCTL report programme --fund FG --format pdf
fails "a date that is no date" 1 "--from:" $GRANTCTL report programme --fund FG --from 2025-13-45
fails "a period backwards" 1 "--from is after --to" \
    $GRANTCTL report programme --fund FG --from 2025-02-01 --to 2025-01-01
fails "no fund named" 2 "report programme needs --fund CODE" $GRANTCTL report programme
sql "UPDATE users SET roles = 'assessor'"
fails "an assessor may not" 1 "may not do this" $GRANTCTL report programme --fund FG
sql "UPDATE users SET roles = 'admin'"

# ---- the page, in a real browser ----
ok "the report as HTML" $GRANTCTL report programme --fund FG --format html --out "$T/report.html"
same "self-contained: nothing fetched" "0" \
    "$(grep -ciE '(src|href)=|@import|url\(' "$T/report.html")"
same "A4 print rule" "1" "$(grep -c '@page{size:A4' "$T/report.html")"
same "a group's markup is shown, not run" "0 1" \
    "$(grep -c '<b>' "$T/report.html") $(grep -c 'Arts &amp; &lt;b&gt;&quot;culture&quot;&lt;/b&gt;' "$T/report.html")"
if command -v chromium >/dev/null 2>&1; then
	CHROME="chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=$T/chrome"
	$CHROME --dump-dom "file://$T/report.html" >"$T/dom.html" 2>"$T/chrome.log"
	same "the browser read it" "0" "$?"
	same "charts as the figures say" "ok" "$($PY - "$T/dom.html" "$T/expected.json" <<'PYEND'
import json, sys
from html.parser import HTMLParser
exp = json.load(open(sys.argv[2]))["all"]
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.svg = None; s.n = {}
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "svg": s.svg = a.get("id")
        elif s.svg and ((tag == "rect" and "bar" in a.get("class", "").split()) or
                        (tag == "circle" and a.get("class") == "point")):
            s.n[s.svg] = s.n.get(s.svg, 0) + 1
    def handle_endtag(s, tag):
        if tag == "svg": s.svg = None
p = P(); p.feed(open(sys.argv[1]).read())
want = {"chart-spend": len(exp["money"]["by_month"]),
        "chart-priority": len(exp["by_priority"]),
        "chart-area": len(exp["by_area"]), "chart-times": 10}
print("ok" if p.n == want else "got %r, wanted %r" % (p.n, want))
PYEND
)"
	$CHROME --print-to-pdf="$T/report.pdf" --no-pdf-header-footer "file://$T/report.html" >>"$T/chrome.log" 2>&1
	same "it prints" "%PDF" "$(head -c 4 "$T/report.pdf" 2>/dev/null)"
	same "on A4 pages" "yes" "$($PY -c '
import re, sys
d = open(sys.argv[1], "rb").read()
m = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", d)
print("yes" if m and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in m) else m[:3])
' "$T/report.pdf")"
else
	echo "# SKIP: chromium is not installed; the HTML report was not opened in a browser"
fi

# ---- 360Giving ----
ok "export 360Giving" $GRANTCTL export 360giving --fund FG --out "$T/360.json"
has "says what it wrote" "Wrote 8 grants of fund FG to $T/360.json."
# valid FILE: "valid", or the first reason it is not.
valid() {
	$PY - "$1" "$SCHEMA" <<'PYEND'
import json, sys
import jsonschema
d = json.load(open(sys.argv[1]))
pkg = json.load(open(sys.argv[2] + "/360-giving-package-schema.json"))
grant = json.load(open(sys.argv[2] + "/360-giving-schema.json"))
# The grant schema is found by its $id, from the files, never fetched.
resolver = jsonschema.RefResolver.from_schema(pkg, store={s["$id"]: s for s in (pkg, grant)})
# Dates are "YYYY-MM-DD" or a date-time, one of the two (oneOf): that
# needs date-time checked, which Debian's jsonschema leaves to a module it
# lacks, so it is checked here, by RFC 3339's grammar.
fc = jsonschema.FormatChecker()
@fc.checks("date-time")
def date_time(s):
    import re
    return not isinstance(s, str) or re.fullmatch(
        r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", s) is not None
v = jsonschema.Draft202012Validator(pkg, resolver=resolver, format_checker=fc)
errs = sorted(v.iter_errors(d), key=lambda e: list(e.absolute_path))
# The first error, with the reasons under it (oneOf says only "not valid
# under any", its context says why).
print("valid" if not errs else "\n".join([errs[0].message] +
    sorted(set(c.message for c in errs[0].context))))
PYEND
}
if [ ! -f "$SCHEMA/360-giving-package-schema.json" ]; then
	echo "# SKIP: the 360Giving schema is not at $SCHEMA; the export is not validated"
else
	same "valid against the official schema" "valid" "$(valid "$T/360.json")"
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1])); del d["grants"][2]["amountAwarded"]
json.dump(d, open(sys.argv[2], "w"))' "$T/360.json" "$T/broken.json"
	same "a record without its amount is not" "'amountAwarded' is a required property" \
	    "$(valid "$T/broken.json" | grep -o "'amountAwarded' is a required property" | head -1)"
fi
same "the package named for the funder and the fund" "Test Community Fund: grants from Fast Grants" \
    "$($PY -c "import json; print(json.load(open('$T/360.json'))['title'])")"
same "the grants published: all but the one only offered" \
    "$($PY -c "import json; print(json.load(open('$T/expected.json'))['published'])")" \
    "$($PY -c "import json; print(sorted(g['id'][len('360G-testfund-'):] for g in json.load(open('$T/360.json'))['grants']))")"
same "org-ids: charity, company, our own" "GB-CHC-1100000 GB-COH-00004411 360G-testfund-ORG-" \
    "$($PY -c "
import json; g = {x['id']: x for x in json.load(open('$T/360.json'))['grants']}
o = lambda r: g['360G-testfund-' + r]['recipientOrganization'][0]['id']
print(o('FG-2025-0001'), o('FG-2025-0002'), o('FG-2025-0003')[:18])")"
same "location: the district" "OL1 GB" "$($PY -c "
import json; g = json.load(open('$T/360.json'))['grants'][0]['beneficiaryLocation'][0]
print(g['name'], g['countryCode'])")"
same "amounts in pounds" "$($PY -c "import json; print(json.load(open('$T/expected.json'))['published_pence'])")" \
    "$($PY -c "import json; print(sum(round(g['amountAwarded'] * 100) for g in json.load(open('$T/360.json'))['grants']))")"
ok "and as CSV" $GRANTCTL export 360giving --fund FG --format csv --out "$T/360.csv"
same "one row a grant, and the header" "9" "$($PY -c "import csv; print(len(list(csv.reader(open('$T/360.csv')))))")"
LEAKS=$(for f in "$T/360.json" "$T/360.csv"; do
	while IFS= read -r s; do
		grep -qiF -- "$s" "$f" && echo "$f: $s"
		# JSON may escape what is not ASCII.
		grep -qiF -- "$($PY -c 'import json,sys; print(json.dumps(sys.argv[1])[1:-1])' "$s")" "$f" &&
		    echo "$f: $s (escaped)"
	done <"$T/personal.txt"
done)
same "nothing personal in the open data" "" "$LEAKS"
same "the descriptions had the contact's name taken out" "8" \
    "$(grep -c '\[removed\]' "$T/360.json")"
sed -i '/^identifier_prefix/d' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
fails "without a prefix it is refused" 1 "set identifier_prefix, funder_id and funder_name" \
    $GRANTCTL export 360giving --fund FG --out "$T/x.json"
fails "an unknown fund" 1 "" $GRANTCTL export 360giving --fund XX --out "$T/x.json"

# ---- a person's data ----
E0=$($PY -c "import json; print(json.load(open('$T/expected.json'))['emails']['0'])")
E10=$($PY -c "import json; print(json.load(open('$T/expected.json'))['emails']['10'])")
N10=$($PY -c "import json; print(json.load(open('$T/expected.json'))['names']['10'])")
R10=FG-2025-0011
ok "export a person's data" $GRANTCTL privacy export --email "$E10"
same "their application, mail and attachment" "$R10 $N10 1 1" "$(printf '%s' "$OUT" | $PY -c '
import json, sys; d = json.load(sys.stdin)
print(d["applications"][0]["reference"], d["applications"][0]["contact_name"], len(d["mail"]), len(d["mail"][0]["attachments"]))')"
fails "no address" 2 "privacy export needs --email" $GRANTCTL privacy export
fails "not an address" 1 "is not an email address" $GRANTCTL privacy export --email nobody
fails "erase refused while a grant is live" 1 \
    "grant FG-2025-0001 is active, and needs its contact's details until it is completed or terminated; nothing was erased" \
    $GRANTCTL privacy erase --email "$E0"
same "nothing of theirs was erased" "0" "$(sql "SELECT COUNT(*) FROM applications WHERE email = '$E0' AND erased_at IS NOT NULL")"
ok "erase a declined applicant's data" $GRANTCTL privacy erase --email "$E10"
same "says from what" "Personal data erased from: $R10." "$OUT"
same "contact gone, erasure recorded" "NULL||1" "$(sql "SELECT CONCAT_WS('|', COALESCE(contact_name, 'NULL'), email, erased_at IS NOT NULL) FROM applications WHERE reference = '$R10'")"
same "the form keeps no personal answers" "none" "$(sql "SELECT fields FROM applications WHERE reference = '$R10'" | $PY -c '
import json, sys; f = json.loads(sys.stdin.read())
print([k for k in ("contact_name", "email", "phone") if k in f] or "none")')"
same "mail bodies and attachments gone" "0 0" "$(sql "SELECT (SELECT COUNT(*) FROM mail_in WHERE application_id = 1010 AND body IS NOT NULL), (SELECT COUNT(*) FROM attachments WHERE mail_id = 2010)" | tr '\t' ' ')"
ok "the export is empty of it now" $GRANTCTL privacy export --email "$E10"
lacks "no name" "$N10"
ok "the erasure is in the audit log" $GRANTCTL audit list --entity "$R10"
has "privacy.erase" "privacy.erase"
lacks "without the address" "$E10"
ok "the chain verifies" $GRANTCTL audit verify

# ---- retention ----
# A withdrawal whose reason names the contact: an audit entry holding
# personal data, made long enough ago.
N11=$($PY -c "import json; print(json.load(open('$T/expected.json'))['names']['11'])")
E11=$($PY -c "import json; print(json.load(open('$T/expected.json'))['emails']['11'])")
fails "erase refused while an application is undecided" 1 \
    "application FG-2025-0012 is received, and needs its contact's details until it is decided or withdrawn" \
    $GRANTCTL privacy erase --email "$E11"
ok "withdraw one, naming its contact" $GRANTCTL app withdraw FG-2025-0012 --reason "$N11 has moved away"
sql "UPDATE applications SET updated_at = UTC_TIMESTAMP() - INTERVAL 40 DAY WHERE reference = 'FG-2025-0012'"
ok "the log has the name" $GRANTCTL audit list --entity FG-2025-0012
has "before" "$N11"
ok "the chain verifies before" $GRANTCTL audit verify
BEFORE=$OUT
ok "retention while off" $GRANTCTL privacy retention
same "says it is off" "Retention is off (retention_days = 0)." "$OUT"
# grantd's own run comes 5 s after it starts: let it pass (finding
# retention off) so that the run below is the one that erases.
while [ "$(ps -o etimes= -p "$GRANTD_PID" | tr -d ' ')" -lt 7 ]; do sleep 0.2; done
sed -i 's/^retention_days = 0$/retention_days = 30/' "$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
ok "retention runs" $GRANTCTL privacy retention
same "declined, withdrawn and ineligible past 30 days; never a grant, nor one decided lately" \
    "Personal data removed from: FG-2025-0010 FG-2025-0012 FG-2025-0013." "$OUT"
ok "the chain still verifies" $GRANTCTL audit verify
has "every hash checks" "every hash checks"
ok "the log keeps the entry, not the name" $GRANTCTL audit list --entity FG-2025-0012
lacks "no name" "$N11"
has "redacted" "personal data erased"
has "the state change itself stays" "application.state"
same "bodies of their mail gone" "0" "$(sql "SELECT COUNT(*) FROM mail_in WHERE application_id IN (1009, 1011, 1012) AND body IS NOT NULL")"
same "granted and recent applications keep theirs" "10" "$(sql "SELECT COUNT(*) FROM applications WHERE contact_name IS NOT NULL")"
ok "retention again: nothing left to do" $GRANTCTL privacy retention
same "says so" "Nothing is past its 30 days." "$OUT"
# grantd runs it by itself, a few seconds after it starts and daily after.
sql "UPDATE applications SET decided_at = UTC_TIMESTAMP() - INTERVAL 31 DAY WHERE reference = 'FG-2025-0014'"
stop_grantd
start_grantd
erased14() { [ "$(sql "SELECT erased_at IS NOT NULL FROM applications WHERE reference = 'FG-2025-0014'")" = 1 ]; }
wait_for "grantd's own timer removes it" 15 erased14
ok "by grantd, in the audit log" $GRANTCTL audit list --entity FG-2025-0014
has "by grantd" "grantd"
has "erased" "privacy.erase"
ok "and the chain verifies" $GRANTCTL audit verify
KEEP=$(sql "SELECT detail FROM audit_log WHERE action = 'privacy.erase' ORDER BY id LIMIT 1")
sql "UPDATE audit_log SET detail = '{\"x\":1}' WHERE action = 'privacy.erase' ORDER BY id LIMIT 1"
fails "an erasure entry altered is still caught" 1 "" $GRANTCTL audit verify
has "its content was changed" "its content was changed"
sql "UPDATE audit_log SET detail = '$KEEP' WHERE action = 'privacy.erase' ORDER BY id LIMIT 1"
ok "put back, it verifies" $GRANTCTL audit verify
sql "UPDATE audit_log SET detail = 'x' WHERE redacted_at IS NOT NULL LIMIT 1"
fails "a redacted entry altered is caught too" 1 "" $GRANTCTL audit verify
finish
