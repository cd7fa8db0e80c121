# terminal.sh: what grantctl prints to a terminal holds no control
# characters from outside input: an application's text and a quarantined
# message with ESC sequences (retitle the window, clear the screen) show
# them escaped, visibly, in app list, app show and intake quarantine show;
# --json keeps the exact text, as JSON escapes.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
open_round
TITLE=$(printf '\033]0;pwned\007')
CLEAR=$(printf '\033[2J')

# controls: the last output's control characters other than newline, as
# od shows them ("" if none).
controls() {
	printf '%s' "$OUT" | tr -d '\n' | LC_ALL=C tr -d '\011\040-\176\200-\377' |
	    od -An -c | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}

# A form sent as a text attachment, its answers holding ESC sequences.
/usr/bin/python3 - "$T/inbox/tmp/1.a" "$TITLE" "$CLEAR" <<'PY'
import sys
from email.message import EmailMessage
path, title, clear = sys.argv[1:]
m = EmailMessage()
m["From"] = "Mallory <mallory@example.org>"
m["To"] = "apply@grants.example.org"
m["Subject"] = "Application" + clear
m["Message-ID"] = "<esc-1@example.org>"
m.set_content("Our form is attached.\n")
m.add_attachment(("Organisation name: Knitters" + title + "\n"
    "Organisation type: community group\nContact name: Mal\n"
    "Postcode: LS1 1AA\nProject title: Wool" + clear + "\n"
    "Project summary: Line one" + clear + "\nline two" + title + "\n"
    "Priorities: 1\nAmount requested: £100\nStart date: 1 March 2027\n"
    "End date: 31 August 2027\nPeople who will benefit: 10 people\n"
    "Budget: Wool £100\n").encode(), maintype="text", subtype="plain",
    filename="form" + title + ".txt")
open(path, "wb").write(bytes(m))
PY
mv "$T/inbox/tmp/1.a" "$T/inbox/new/1.a"
A="FG-$year-0001"
wait_for "the attached form becomes an application" 10 \
    sh -c "$GRANTCTL app list | grep -q '$A'"
# Whatever intake keeps, the stored text may hold them (an older row, or a
# path that does not clean): put them there, so the display is what is tested.
sql "UPDATE applications SET organisation = 'Knitters$TITLE',
    project_title = 'Wool$CLEAR', fields = JSON_SET(fields,
    '\$.organisation', 'Knitters$TITLE', '\$.summary',
    'Line one$CLEAR\nline two$TITLE') WHERE reference = '$A';
    UPDATE mail_in SET subject = 'Application$CLEAR' WHERE message_id LIKE
    '%esc-1@example.org%'"

ok "app list" $GRANTCTL app list
same "app list: no control characters" "" "$(controls)"
has "app list: the title sequence shown escaped" 'Knitters\e]0;pwned\x07'
has "app list: the clear-screen sequence shown escaped" 'Wool\e[2J'

ok "app show" $GRANTCTL app show "$A"
same "app show: no control characters" "" "$(controls)"
has "app show: an answer's sequences escaped" 'Knitters\e]0;pwned\x07'
has "app show: a long answer keeps its lines, escaped" 'Line one\e[2J'
has "app show: its second line" 'line two\e]0;pwned\x07'
has "app show: the thread's subject escaped" 'Application\e[2J'

ok "app show --json" $GRANTCTL --json app show "$A"
has "--json keeps the exact text as JSON escapes" \
    '"Knitters\u001B]0;pwned\u0007"'

# Quarantined raw mail is printed as text, its control characters escaped;
# a CR before a newline is only a line ending and goes.
printf 'To: apply@grants.example.org\r\nSubject: no sender%s\r\n\r\nHello%s\r\nover%s\rwrite\r\n' \
    "$TITLE" "$CLEAR" "$CLEAR" >"$T/inbox/tmp/2.b"
mv "$T/inbox/tmp/2.b" "$T/inbox/new/2.b"
wait_for "the mail without a sender is quarantined" 10 \
    sh -c "$GRANTCTL intake quarantine list | grep -q From"
qid=$($GRANTCTL intake quarantine list | awk 'NR == 2 { print $1 }')
ok "intake quarantine show" $GRANTCTL intake quarantine show "$qid"
same "quarantine show: no control characters" "" "$(controls)"
has "quarantine show: the header's sequence escaped" 'Subject: no sender\e]0;pwned\x07'
has "quarantine show: the body's sequence escaped" 'Hello\e[2J'
has "quarantine show: a lone CR shown, not obeyed" 'over\e[2J\x0dwrite'

finish
