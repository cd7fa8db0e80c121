# letters.sh: the first reply to each application, as grantd really sends
# it (acknowledgement, incomplete, ineligible, round closed; and the blank
# form and the test message), for a fund, round, applicants and
# organisations named with £, é, Ū, ’ and Urdu; and
# a round-closed letter whose text has only £ and é, so that it all fits in
# ISO-8859-1 (where a '£' once went out as the byte 0xA3): it too must go
# out as UTF-8.
# Each sent message is read by tests/letter.py (Python's email package,
# policy.strict; headers must be RFC 2047 UTF-8 words, the body one
# text/plain part labelled and encoded as UTF-8, decoded strictly) and its
# headers and body compared exactly with tests/golden/letters/NAME.txt.
# letter.py replaces the values that change from run to run (the year in
# references, dates and times) by fixed placeholders; its header lists them.
#
# To accept a deliberate change, run with GOLDEN_UPDATE=1 in the
# environment (make check TESTS=tests/integration/letters.sh
# GOLDEN_UPDATE=1) and review git diff tests/golden.
. "$top_srcdir/tests/integration/lib.sh"
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp" \
    "$T/inbox-sa/new" "$T/inbox-sa/cur" "$T/inbox-sa/tmp"
MAIL_FROM="Café Ūnion’s £ Fund — کیفے یونین <grants@example.org>"
EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1

[intake sa]
type = maildir
path = $T/inbox-sa
round = SA
poll_interval = 1"
setup
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
$GRANTCTL fund create FG --name "Café Ūnion’s £500 Fund — کمیونٹی فنڈ" \
    --budget 100000 --max-award 500 >/dev/null || exit 1
R=$($GRANTCTL round create FG --title "Spring ’27 — بہار کا دور" \
    --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 90000 \
    --priority "Healthy lives — صحت مند زندگی" \
    --priority "Skills for Café Ūnion’s volunteers") || exit 1
$GRANTCTL round open "$R" >/dev/null || exit 1
$GRANTCTL fund create SA --name "Café £ Social Action Fund" \
    --budget 850000 --max-award 300000 >/dev/null || exit 1
SA=$($GRANTCTL round create SA --title "Autumn 2026" \
    --opens "$(date -u +%Y-%m-%d)" \
    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" --budget 850000 \
    --priority "Tackling social isolation") || exit 1
$GRANTCTL round open "$SA" >/dev/null || exit 1
$GRANTCTL round close "$SA" >/dev/null || exit 1

# mail N FROM-NAME ADDRESS: an application (the form on stdin) as a mail
# program writes it, delivered to the Maildir $INBOX as an MTA would.
INBOX=$T/inbox
mail() {
	/usr/bin/python3 -c '
import sys
from email.message import EmailMessage
from email.headerregistry import Address
m = EmailMessage()
m["From"] = Address(sys.argv[2], addr_spec=sys.argv[3])
m["To"] = "apply@grants.example.org"
m["Subject"] = "Application — درخواست"
m["Message-ID"] = "<app-%s@example.net>" % sys.argv[1]
m["Date"] = "Tue, 24 Nov 2026 10:00:00 +0000"
m.set_content(sys.stdin.read())
sys.stdout.buffer.write(m.as_bytes())
' "$@" >"$INBOX/tmp/$1" && mv "$INBOX/tmp/$1" "$INBOX/new/$1"
}

# letter NAME ADDRESS: the letter sent to ADDRESS, read strictly, must
# equal tests/golden/letters/NAME.txt.
letter() {
	wait_for "$1 sent" 15 /usr/bin/python3 "$top_srcdir/tests/letter.py" \
	    find "$T/sent" "$2"
	f=$(/usr/bin/python3 "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if /usr/bin/python3 "$top_srcdir/tests/letter.py" show "$f" \
	    >"$T/$1.txt" 2>"$T/stderr"; then
		pass "$1 reads as strict UTF-8"
		golden "$1 as the applicant reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
}

mail 0.z "Ūzma Café — عظمیٰ" uzma@example.org <<'TEXT'
Hello — how does our café’s £ club apply? سلام
TEXT
letter application-form uzma@example.org

ok "send a test message" $GRANTCTL outbox test --to test@example.org \
    --name "Zoë’s Ūnion — زویا" --note "£5, café, Ū, ’ and اردو"
letter test-message test@example.org

mail 1.a "Zoë Ūlfat — زویا" zoe@example.org <<'FORM'
Organisation name: Ūrdu Café’s £1 Club — اردو کیفے
Organisation type: Unincorporated community group
Contact name: Zoë Ūlfat
Email: zoe@example.org
Phone: 0113 496 0001
Postcode: LS6 2AB
Project title: Chai & Chat — چائے اور گپ شپ
Project summary: Weekly café mornings in Urdu and English for older
neighbours who live alone; “tea’s on us”.
Priorities: 1, 2
Amount requested: £450
Start date: 01/03/2027
End date: 31/08/2027
People who will benefit: 40 older residents — ٤٠ بزرگ
Budget: Tea and cake £250, room hire £200
FORM
letter acknowledgement zoe@example.org

mail 2.b "Ūmar Café" umar@example.org <<'FORM'
Organisation name: Ūmar’s Café Collective — عمر کیفے
Organisation type: Unincorporated community group
Contact name: Ūmar Khan
Project title: Café Ūnity — اتحاد
Project summary: A pop-up café run by young volunteers.
Priorities: 2
Amount requested: £1,234.56
FORM
letter incomplete umar@example.org

mail 3.c "Renée O’Brien" renee@example.org <<'FORM'
Organisation name: Renée’s £ Shop — دکان
Organisation type: Individual trader
Contact name: Renée O’Brien
Postcode: LS7 3DE
Project title: Ūpcycling — نیا پرانا
Project summary: Selling upcycled furniture.
Priorities: 2
Amount requested: £300
FORM
letter ineligible renee@example.org

$GRANTCTL round close "$R" >/dev/null
mail 4.d "Saira Begum — سائرہ بیگم" saira@example.org <<'FORM'
Organisation name: Saira’s Sewing Circle — سلائی حلقہ
Organisation type: Unincorporated community group
Contact name: Saira Begum
Project title: Stitch & Natter — café
Priorities: 1
Amount requested: £99.50
FORM
letter round-closed saira@example.org

INBOX=$T/inbox-sa
mail 5.e "Renée Dupré" renee.dupre@example.org <<'FORM'
Organisation name: Café Lunch Club
Organisation type: Registered charity
Charity number: 1234567
Contact name: Renée Dupré
Project title: Lunch & Company
Priorities: 1
Amount requested: £1,234.56
FORM
letter round-closed-latin1 renee.dupre@example.org
finish
