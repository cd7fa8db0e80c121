# intake.sh: applications by email from a Maildir: new applications,
# incomplete ones completed by a reply, auto-replies, no form, duplicates,
# quarantine, a closed round, and answers threaded under the applicant's mail.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
EXTRA_CONFIG="
[limits]
max_attachment = 20000

[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1"
setup
year=$(TZ=Europe/London date +%Y)
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
open_round

deliver() {	# deliver FILE NAME: as an MTA would, through tmp/
	cp "$1" "$T/inbox/tmp/$2" && mv "$T/inbox/tmp/$2" "$T/inbox/new/$2"
}
sent_with() {	# the file in the outgoing Maildir whose text has $1
	grep -l -a -F -- "$1" "$T"/sent/new/* 2>/dev/null | head -1
}

deliver "$F/plain-form.eml" 1001.a
wait_for "the form becomes an application" 10 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
ok "show it" $GRANTCTL app show "FG-$year-0001"
has "eligible" "state          eligible"
has "a named officer" "officer        priya"
has "amount understood" "£450.00"
run $GRANTCTL --json app show "FG-$year-0001"
same "thread has the mail in" \
    "in application joan.davies@example.org Grant application - Oakfield Allotment Society" \
    "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json, sys
t = json.load(sys.stdin)["thread"][0]
print(t["direction"], t["kind"], t["who"], t["subject"])')"
wait_for "acknowledged" 10 sh -c "grep -l -a -F '[FG-$year-0001]' '$T'/sent/new/*"
A=$(sent_with "[FG-$year-0001]")
run grep -a -i -E '^(In-Reply-To|References):' "$A"
has "threaded under the applicant's mail" "<20261124093012.4412@mail.example.org>"
run grep -a -i '^Reply-To:' "$A"
has "replies go to the named officer" "priya@example.org"
has "and to grantd, which reads them" "<grants@example.org>, "
run grep -a -i '^Auto-Submitted:' "$A"
has "marked auto-replied" "auto-replied"
run grep -a -F "Oakfield Allotment Society" "$A"
has "says what was understood" "Oakfield Allotment Society"
run ls "$T/inbox/cur"
has "moved to cur/ with S" "1001.a:2,S"

# The same message again: nothing new.
deliver "$F/plain-form.eml" 1002.b
wait_for "taken from new/" 10 sh -c "[ ! -e '$T/inbox/new/1002.b' ]"
run sh -c "$GRANTCTL app list | grep -c 'FG-$year'"
same "still one application" "1" "$OUT"

# An incomplete form, then a reply that completes it.
cat >"$T/incomplete.eml" <<'MAIL'
From: Sam Patel <sam@example.net>
To: apply@grants.example.org
Subject: Application for our youth club
Message-ID: <incomplete-1@example.net>
Date: Tue, 24 Nov 2026 10:00:00 +0000

Organisation name: Northside Youth Club
Organisation type: registered charity
Contact name: Sam Patel
Project title: Summer football
Project summary: Football sessions for teenagers.
Amount requested: £650
MAIL
deliver "$T/incomplete.eml" 1003.c
wait_for "incomplete application" 10 sh -c "$GRANTCTL app list --state incomplete | grep -q 'FG-$year-0002'"
ok "what is missing" $GRANTCTL app show "FG-$year-0002"
has "over the maximum" "more than this round's maximum"
has "postcode missing" "Postcode"
wait_for "told what is missing" 10 sh -c "grep -l -a -F '[FG-$year-0002] A few things missing' '$T'/sent/new/*"
I=$(sent_with "[FG-$year-0002] A few things missing")
mid=$(grep -a -i '^Message-ID:' "$I" | head -1 | sed 's/^[^<]*<//; s/>.*//')
cat >"$T/reply.eml" <<MAIL
From: Sam Patel <sam@example.net>
To: apply@grants.example.org
Subject: Re: [FG-$year-0002] A few things missing from your application
Message-ID: <reply-1@example.net>
In-Reply-To: <$mid>
References: <incomplete-1@example.net> <$mid>
Date: Tue, 24 Nov 2026 11:00:00 +0000

Charity number: 1234567
Postcode: LS7 3DE
Amount requested: £480
Priorities: 2
Start date: 1 April 2027
End date: 31 August 2027
People who will benefit: 30 teenagers
Budget: Coaching £300, kit £180

> Before we can consider your application we need a little more.
> Postcode: something old
--
Sam
MAIL
deliver "$T/reply.eml" 1004.d
wait_for "the reply completes it" 15 sh -c "$GRANTCTL app list --state eligible | grep -q 'FG-$year-0002'"
ok "thread" $GRANTCTL app show "FG-$year-0002"
has "reply joined the thread" "reply"
has "new amount" "£480.00"
run sh -c "$GRANTCTL app list | grep -c 'FG-$year'"
same "no new application from the reply" "2" "$OUT"
wait_for "acknowledged after the reply" 10 sh -c "grep -l -a -F '[FG-$year-0002] We have your application' '$T'/sent/new/*"

# An auto-reply: recorded, never answered.
before=$(ls "$T/sent/new" | wc -l)
deliver "$F/auto-reply.eml" 1005.e
deliver "$F/out-of-office.eml" 1006.f
wait_for "both read" 10 sh -c "[ ! -e '$T/inbox/new/1006.f' ]"
sleep 1
same "no answer to auto-replies" "$before" "$(ls "$T/sent/new" | wc -l)"

# No form: the form goes back.
cat >"$T/question.eml" <<'MAIL'
From: Kim <kim@example.com>
To: apply@grants.example.org
Subject: How do I apply?
Message-ID: <question-1@example.com>

Hello, we are a small group. How do we apply for a grant?
MAIL
deliver "$T/question.eml" 1007.g
wait_for "the form is sent back" 10 sh -c "grep -l -a -F 'Organisation name:' '$T'/sent/new/*"
F1=$(sent_with "Organisation name:")
run cat "$F1"
has "with the round's priorities, numbered" "1. Supporting the community to be fit and healthy"
has "and the maximum" "500.00"

# Mail that cannot be read goes to quarantine, and the mailbox carries on.
deliver "$F/missing-from.eml" 1008.h
deliver "$F/plain-form.eml" 1009.i
wait_for "quarantined" 10 sh -c "$GRANTCTL intake quarantine list | grep -q 'From'"
ok "quarantine list" $GRANTCTL intake quarantine list
qid=$(echo "$OUT" | awk 'NR == 2 { print $1 }')
ok "quarantine show" $GRANTCTL intake quarantine show "$qid"
has "the raw message is kept" "Subject:"
ok "quarantine retry" $GRANTCTL intake quarantine retry "$qid"
has "still unreadable" "still unreadable"
ok "intake status" $GRANTCTL intake status
has "the table names the mailbox" "fg       maildir"
run $GRANTCTL --json intake status
same "counts: taken, quarantined, duplicates" "fg 6 2 2" \
    "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json, sys
for m in json.load(sys.stdin)["mailboxes"]:
    print(m["name"], m["taken"], m["quarantined"], m["duplicates"])')"

# Attachments: kept once by content, and an over-limit one refused, recorded
# and named in the answer.
/usr/bin/python3 - "$F/plain-form.eml" "$T/attach.eml" <<'PY'
import email, email.policy, os, sys
from email.message import EmailMessage
src = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
m = EmailMessage()
m["From"] = "Ade Bello <ade@example.org>"
m["To"] = "apply@grants.example.org"
m["Subject"] = "Application with papers"
m["Message-ID"] = "<attach-1@example.org>"
m.set_content(src.get_content().replace("Oakfield Allotment Society", "Bello Street Gardeners"))
m.add_attachment(b"Our constitution.\n", maintype="text", subtype="plain", filename="constitution.txt")
m.add_attachment(os.urandom(30000), maintype="application", subtype="pdf", filename="minutes.pdf")
open(sys.argv[2], "wb").write(m.as_bytes())
PY
deliver "$T/attach.eml" 1009.k
wait_for "an application with attachments" 10 sh -c "$GRANTCTL app list | grep -q 'Bello Street'"
aref=$($GRANTCTL app list | awk '/Bello Street/ { print $1 }')
ok "show the attachments" $GRANTCTL app show "$aref"
has "kept" "constitution.txt"
has "refused with the reason" "minutes.pdf"
has "the limit named" "limit"
wait_for "the answer names the refused file" 10 sh -c "grep -l -a -F 'minutes.pdf' '$T'/sent/new/*"
run sql "SELECT COUNT(*) FROM blobs"
same "only the kept file is stored" "1" "$OUT"

# A reply from someone else, even threaded, changes nothing and is not
# answered with the applicant's details.
cat >"$T/pat.eml" <<'MAIL'
From: Pat Jones <pat@example.net>
To: apply@grants.example.org
Subject: Application
Message-ID: <pat-1@example.net>

Organisation name: Pat's Walking Group
Organisation type: unincorporated group
Contact name: Pat Jones
Project title: Walks
MAIL
deliver "$T/pat.eml" 1009.m
wait_for "Pat's application is incomplete" 10 sh -c "$GRANTCTL app list --state incomplete | grep -q 'Walking'"
pref=$($GRANTCTL app list | awk '/Walking/ { print $1 }')
wait_for "Pat was told" 10 sh -c "grep -l -a -F '[$pref] A few things missing' '$T'/sent/new/*"
pmid=$(grep -a -i '^Message-ID:' "$(sent_with "[$pref] A few things missing")" | head -1 | sed 's/^[^<]*<//; s/>.*//')
cat >"$T/stranger.eml" <<MAIL
From: Someone Else <other@example.com>
To: apply@grants.example.org
Subject: Re: [$pref] A few things missing
Message-ID: <stranger-1@example.com>
In-Reply-To: <$pmid>

Postcode: LS1 1AA
Amount requested: £100
MAIL
deliver "$T/stranger.eml" 1009.n
wait_for "the stranger's mail joins the thread, held" 10 sh -c "$GRANTCTL app show $pref | grep -q 'reply-held'"
ok "Pat's application unchanged" $GRANTCTL app show "$pref"
has "still incomplete" "state          incomplete"
lacks "no postcode merged" "LS1 1AA"
sleep 1
run sh -c "grep -l -a 'other@example.com' '$T'/sent/new/* | wc -l"
same "nothing sent to the stranger" "0" "$OUT"

# Long answers and long non-ASCII subjects are kept, not refused.
long=$(printf 'Ä%.0s' $(seq 1 300))
sed -e "s/^Organisation name: .*/Organisation name: $long/" \
    -e "s/^Subject: .*/Subject: $(printf 'é%.0s' $(seq 1 400))/" \
    -e "s/^Message-ID: .*/Message-ID: <long-1@example.org>/" \
    "$F/plain-form.eml" >"$T/long.eml"
deliver "$T/long.eml" 1009.o
wait_for "a long organisation name is an application" 10 sh -c "$GRANTCTL --json app list | grep -q 'ÄÄÄÄ'"
run sh -c "$GRANTCTL intake quarantine list | grep -c 'could not be stored'"
same "nothing quarantined for being long" "0" "$OUT"

# A bounce of one of our letters marks it failed and says why.
ack=$(sent_with "[FG-$year-0001] We have your application")
ackid=$(grep -a -i '^Message-ID:' "$ack" | head -1 | sed 's/^[^<]*<//; s/>.*//')
cat >"$T/dsn.eml" <<MAIL
From: Mail Delivery System <MAILER-DAEMON@example.org>
To: grants@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; joan.davies@example.org
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

From: Fast Grants <grants@example.org>
To: joan.davies@example.org
Message-ID: <$ackid>
Subject: [FG-$year-0001] We have your application

--B--
MAIL
before=$(ls "$T/sent/new" | wc -l)
deliver "$T/dsn.eml" 1009.l
wait_for "the bounced letter is marked failed" 10 sh -c "$GRANTCTL outbox list --failed | grep -q 'bounced'"
ok "failed list" $GRANTCTL outbox list --failed
has "with the delivery status" "bounced: delivery status 5.1.1"
sleep 1
run sh -c "ls '$T/sent/new' | wc -l"
same "a bounce is never answered" "$before" "$OUT"

# A closed round answers politely.
$GRANTCTL round close "$R" >/dev/null
cat >"$T/late.eml" <<'MAIL'
From: Late Group <late@example.com>
To: apply@grants.example.org
Subject: Our application
Message-ID: <late-1@example.com>

Organisation name: Late Group
Project title: Something
Amount requested: £100
MAIL
deliver "$T/late.eml" 1010.j
wait_for "told the round is closed" 10 sh -c "grep -l -a -F 'is closed' '$T'/sent/new/*"
ok "round show counts applications" $GRANTCTL round show "$R"
has "five applications" "applications   5"
has "requested" "requested      £1,830.00"

ok "preview a letter for a real application" $GRANTCTL template preview \
    acknowledgement --app "FG-$year-0001"
has "with its reference" "Subject: [FG-$year-0001] We have your application"
has "and its organisation" "Oakfield Allotment Society"
# The named officer hears what is theirs, in one daily digest.
ok "digests now" $GRANTCTL notify digests
wait_for "priya's digest" 10 sh -c "grep -l -a -E 'grantd: .* (thing needs|things need) you' '$T'/sent/new/* | xargs grep -l -a 'priya@example.org'"
D=$(grep -l -a -E '(thing needs|things need) you' "$T"/sent/new/* | head -1)
run cat "$D"
has "assigned to her" "FG-$year-0001 (Oakfield Allotment Society) was assigned to you: eligible"
has "the stranger's reply, held" "a reply from other@example.com is held for you"

ok "withdraw" $GRANTCTL app withdraw "FG-$year-0001" --reason "Group folded"
fails "withdraw twice" 1 "already withdrawn" $GRANTCTL app withdraw "FG-$year-0001" --reason again
fails "unknown application" 1 "no application FG-1999-0001" $GRANTCTL app show FG-1999-0001
finish
