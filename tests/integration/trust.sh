# trust.sh: mail is trusted only as far as it is authenticated. A forged
# reply (the applicant's From, the attacker's Reply-To, a guessed reference)
# changes nothing and is answered to no one; a threaded reply from the
# address on record changes the application and is answered there only;
# anything else, and anything the receiving server's Authentication-Results
# fail, is held for an officer, who may accept or reject it.
. "$top_srcdir/tests/integration/lib.sh"
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
MX=mx.grants.example.org
EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1
authserv_id = $MX"
setup
year=$(TZ=Europe/London date +%Y)
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
$GRANTCTL user notify priya --digest immediate >/dev/null
open_round

deliver() {	# deliver FILE NAME: as an MTA would, through tmp/; wait until read
	cp "$1" "$T/inbox/tmp/$2" && mv "$T/inbox/tmp/$2" "$T/inbox/new/$2"
	for _ in $(seq 1 100); do
		[ -e "$T/inbox/new/$2" ] || return 0
		sleep 0.1
	done
	fail "message $2 read" "still in new/ after 10 s"
}
outbox_idle() {	# nothing queued or being sent
	$GRANTCTL --json outbox list | /usr/bin/python3 -c '
import json, sys
sys.exit(any(m["state"] in ("queued", "sending")
    for m in json.load(sys.stdin)["messages"]))'
}
settle() {
	for _ in $(seq 1 100); do
		outbox_idle && return 0
		sleep 0.1
	done
	fail "the outbox empties" "still sending after 10 s"
}
# sent: every letter in the outgoing Maildir, one line each: its
# recipients (To, Cc, Bcc, as parsed addresses), a tab, its subject.
sent() {
	/usr/bin/python3 - "$T/sent/new" <<'PY'
import email, email.policy, email.utils, os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(),
        policy=email.policy.default)
    heads = [str(h) for k in ("To", "Cc", "Bcc") for h in m.get_all(k, [])]
    rcpts = sorted(a.lower() for _, a in email.utils.getaddresses(heads))
    print("%s\t%s" % (",".join(rcpts), m["Subject"]))
PY
}
# sent_to ADDR [SUBJECT-TEXT]: how many letters went to exactly ADDR alone
# (with SUBJECT-TEXT in the subject, if given).
sent_to() {
	sent | awk -F'\t' -v a="$1" -v s="${2:-}" \
	    '$1 == a && index($2, s) > 0 { n++ } END { print n + 0 }'
}
# reaches ADDR: how many letters name ADDR among their recipients at all.
reaches() {
	sent | awk -F'\t' -v a="$1" \
	    '{ n2 = split($1, r, ","); for (i = 1; i <= n2; i++) if (r[i] == a) n++ }
	    END { print n + 0 }'
}
app_field() {	# app_field REF KEY: state, or a field of the form ("-" if none)
	$GRANTCTL --json app show "$1" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin); k = sys.argv[1]
v = d["state"] if k == "state" else d["fields"].get(k)
print("-" if v is None else v)' "$2"
}
held() {	# held [--all]: the held list, one line each: id, ref, from, state, why
	$GRANTCTL --json intake held list "$@" | /usr/bin/python3 -c '
import json, sys
for m in json.load(sys.stdin)["messages"]:
    print(m["id"], m["reference"] or "-", m["from_addr"], m["state"],
        m["reason"], sep="\t")'
}
letter_id() {	# letter_id SUBJECT-TEXT: Message-ID of the letter with it
	/usr/bin/python3 - "$T/sent/new" "$1" <<'PY'
import email, email.policy, os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(),
        policy=email.policy.default)
    if sys.argv[2] in str(m["Subject"]):
        print(str(m["Message-ID"]).strip().strip("<>"))
        break
PY
}

incomplete() {	# incomplete NAME ADDRESS MSGID: a form missing its postcode
	cat <<MAIL
From: $1 <$2>
To: apply@grants.example.org
Subject: Application
Message-ID: <$3>
Date: Tue, 24 Nov 2026 10:00:00 +0000

Organisation name: $1 Group
Organisation type: registered charity
Contact name: $1
Project title: Summer football
Project summary: Football sessions for teenagers.
Amount requested: £650
MAIL
}
# completion [NUMBER]: the rest of the form, as a reply would give it. Each
# group has its own charity number: a round takes one application from
# each organisation, and the same number is the same organisation.
completion() {
	cat <<MAIL

Charity number: ${1:-1234567}
Postcode: LS7 3DE
Amount requested: £480
Priorities: 2
Start date: 1 April 2027
End date: 31 August 2027
People who will benefit: 30 teenagers
Budget: Coaching £300, kit £180
MAIL
}

# Sam applies, incomplete, and is told what is missing.
incomplete Sam sam@example.net sam-1@example.net >"$T/sam.eml"
deliver "$T/sam.eml" 2001.a
S="FG-$year-0001"
same "Sam's application is incomplete" "incomplete" "$(app_field "$S" state)"
settle
same "Sam was told what is missing" "1" "$(sent_to sam@example.net "[$S] A few things missing")"
sam_letter=$(letter_id "[$S] A few things missing")
officer_before=$(sent_to priya@example.org)

# (1) The forgery: Sam's From, the attacker's Reply-To, the reference
# guessed, no threading.
{ cat <<MAIL
From: Sam <sam@example.net>
Reply-To: Helpful <evil@attacker.example>
To: apply@grants.example.org
Subject: Re: [$S] A few things missing from your application
Message-ID: <forged-1@attacker.example>
MAIL
completion; printf 'Thanks \033]0;all fine\007\n'; } >"$T/forged.eml"
deliver "$T/forged.eml" 2002.b
settle
same "forged: still incomplete" "incomplete" "$(app_field "$S" state)"
same "forged: no postcode taken" "-" "$(app_field "$S" postcode)"
same "forged: nothing to the Reply-To" "0" "$(reaches evil@attacker.example)"
same "forged: no second letter to Sam" "1" "$(sent_to sam@example.net)"
run held
same "forged: held for the officer" "1" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$S" '$2 == r && $3 == "sam@example.net" && $4 == "held"' | wc -l)"
has "forged: the reason is given" "does not answer a letter grantd sent"
forged_id=$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$S" '$2 == r { print $1; exit }')
ok "forged: the officer can read it" $GRANTCTL intake held show "$forged_id"
has "forged: its text" "Postcode: LS7 3DE"
has "forged: and why" "does not answer a letter grantd sent"
has "forged: the rest of its text" "all fine"
# Stored text is clean already; were it not, the terminal is still safe.
sql "UPDATE mail_in SET body = CONCAT(body, 0x1b5d303b6f776e656407) WHERE id = $forged_id"
ok "show tampered text" $GRANTCTL intake held show "$forged_id"
has "escapes shown, not obeyed" '\e]0;owned\x07'
run sh -c "$GRANTCTL intake held show $forged_id | tr -dc '\000-\010\013-\037\177' | wc -c"
same "forged: no control character reaches the terminal" "0" "$OUT"
fails "show: no such message" 1 "no held message 99999" $GRANTCTL intake held show 99999
ok "forged: in the thread" $GRANTCTL app show "$S"
has "forged: shown as held" "reply-held"
same "forged: the officer is told" "$((officer_before + 1))" "$(sent_to priya@example.org)"

# (3) Threaded under Sam's letter, but from another address.
{ cat <<MAIL
From: Other <other@example.com>
To: apply@grants.example.org
Subject: Re: [$S] A few things missing from your application
Message-ID: <other-1@example.com>
In-Reply-To: <$sam_letter>
References: <$sam_letter>
MAIL
completion; } >"$T/other.eml"
deliver "$T/other.eml" 2003.c
settle
same "other sender: still incomplete" "incomplete" "$(app_field "$S" state)"
same "other sender: no postcode taken" "-" "$(app_field "$S" postcode)"
same "other sender: nothing sent to them" "0" "$(reaches other@example.com)"
run held
same "other sender: held" "1" "$(printf '%s\n' "$OUT" | awk -F'\t' '$3 == "other@example.com" && $4 == "held"' | wc -l)"
has "other sender: the reason is given" "not from the address on record"

# (3b) Threaded, but From holds no address and Reply-To names Sam's: the
# address came from a header the sender chooses, so it is not trusted.
{ cat <<MAIL
From: Sam
Reply-To: Sam <sam@example.net>
To: apply@grants.example.org
Subject: Re: [$S] A few things missing from your application
Message-ID: <noaddr-1@attacker.example>
In-Reply-To: <$sam_letter>
References: <$sam_letter>
MAIL
completion; } >"$T/noaddr.eml"
deliver "$T/noaddr.eml" 2003.d
settle
same "no From address: still incomplete" "incomplete" "$(app_field "$S" state)"
same "no From address: no postcode taken" "-" "$(app_field "$S" postcode)"
same "no From address: no second letter to Sam" "1" "$(sent_to sam@example.net)"
run held
has "no From address: held, saying why" "Reply-To, which the sender chooses"

# (2) Sam's own threaded reply, with a Reply-To elsewhere.
{ cat <<MAIL
From: Sam <sam@example.net>
Reply-To: Sam at home <sam-home@elsewhere.example>
To: apply@grants.example.org
Subject: Re: [$S] A few things missing from your application
Message-ID: <sam-2@example.net>
In-Reply-To: <$sam_letter>
References: <sam-1@example.net> <$sam_letter>
MAIL
completion; } >"$T/genuine.eml"
deliver "$T/genuine.eml" 2004.d
settle
same "genuine: eligible now" "eligible" "$(app_field "$S" state)"
same "genuine: postcode taken" "LS7 3DE" "$(app_field "$S" postcode)"
same "genuine: acknowledged to the address on record" "1" "$(sent_to sam@example.net "[$S] We have your application")"
same "genuine: nothing to the Reply-To" "0" "$(reaches sam-home@elsewhere.example)"
same "still nothing to the attacker" "0" "$(reaches evil@attacker.example)"

# Mail about no application is answered at its From, not its Reply-To.
cat >"$T/ask.eml" <<'MAIL'
From: Ash <ash@example.net>
Reply-To: <someone-else@example.com>
To: apply@grants.example.org
Subject: How do we apply?
Message-ID: <ask-1@example.net>

Hello, how do we apply?
MAIL
deliver "$T/ask.eml" 2004.x
settle
same "a question: the form goes to the From" "1" "$(sent_to ash@example.net)"
same "a question: nothing to the Reply-To" "0" "$(reaches someone-else@example.com)"

# (4) The receiving server's Authentication-Results. Kim applies, incomplete.
incomplete Kim kim@example.com kim-1@example.com >"$T/kim.eml"
deliver "$T/kim.eml" 2005.e
K="FG-$year-0002"
settle
same "Kim's application is incomplete" "incomplete" "$(app_field "$K" state)"
kim_letter=$(letter_id "[$K] A few things missing")
kim_reply() {	# kim_reply MSGID AUTH-RESULTS-HEADERS: threaded, from Kim
	{ printf '%s' "$2"; cat <<MAIL
From: Kim <kim@example.com>
To: apply@grants.example.org
Subject: Re: [$K] A few things missing from your application
Message-ID: <$1>
In-Reply-To: <$kim_letter>
MAIL
	completion 2345678; }
}
kim_letters() { sent_to kim@example.com; }
before=$(kim_letters)

# DMARC fails for Kim's domain, by our server: held, whatever else passed.
kim_reply kim-dmarc@example.com "Authentication-Results: $MX;
	dkim=pass header.d=example.com header.s=s1;
	spf=pass smtp.mailfrom=kim@example.com;
	dmarc=fail (p=reject) header.from=example.com
" >"$T/k1.eml"
deliver "$T/k1.eml" 2006.f
settle
same "dmarc=fail: unchanged" "incomplete" "$(app_field "$K" state)"
same "dmarc=fail: not answered" "$before" "$(kim_letters)"
run held
dmarc_id=$(printf '%s\n' "$OUT" | awk -F'\t' '/dmarc=fail/ { print $1; exit }')
same "dmarc=fail: held with the result named" "1" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$K" '$2 == r && $4 == "held" && /dmarc=fail/' | wc -l)"

# A pass our server never wrote cannot outweigh a fail it did.
kim_reply kim-dkim@example.com "Authentication-Results: $MX; dmarc=pass header.from=example.com
Authentication-Results: $MX (version 1);
	dkim=fail (bad signature) header.d=example.com header.i=@example.com
" >"$T/k2.eml"
deliver "$T/k2.eml" 2007.g
settle
same "dkim=fail beside a pass: unchanged" "incomplete" "$(app_field "$K" state)"
run held
same "dkim=fail: held" "1" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$K" '$2 == r && $4 == "held" && /dkim=fail/' | wc -l)"

kim_reply kim-spf@example.com "Authentication-Results: $MX; spf=fail smtp.mailfrom=kim@example.com
" >"$T/k3.eml"
deliver "$T/k3.eml" 2008.h
settle
same "spf=fail: unchanged" "incomplete" "$(app_field "$K" state)"
run held
same "spf=fail: held" "1" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$K" '$2 == r && $4 == "held" && /spf=fail/' | wc -l)"
same "still no answer to Kim" "$before" "$(kim_letters)"

# A fail written by any other server is ignored (anyone can write one),
# as is a fail for another domain; a pass is simply normal.
kim_reply kim-ok@example.com "Authentication-Results: mx.attacker.example; dmarc=fail header.from=example.com
Authentication-Results: $MX; dkim=fail header.d=lists.example.org; dkim=pass header.d=example.com; dmarc=pass header.from=example.com
" >"$T/k4.eml"
deliver "$T/k4.eml" 2009.i
settle
same "pass: the reply changes the application" "eligible" "$(app_field "$K" state)"
same "pass: acknowledged to Kim" "1" "$(sent_to kim@example.com "[$K] We have your application")"
run held
same "pass: nothing more held for Kim" "3" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$K" '$2 == r' | wc -l)"

# Mail with no form from a failing domain is not answered at all.
{ printf 'Authentication-Results: %s; dmarc=fail header.from=example.net\n' "$MX"
  sed 's/ask-1@/ask-2@/' "$T/ask.eml"; } >"$T/ask2.eml"
deliver "$T/ask2.eml" 2009.x
settle
same "a question from a failing domain: not answered" "1" "$(sent_to ash@example.net)"

# A new application whose domain fails DMARC: stored, but the letter
# waits for an officer rather than going to a possibly forged address.
{ printf 'Authentication-Results: %s; dmarc=fail header.from=example.org\n' "$MX"
  incomplete Jo jo@example.org jo-1@example.org; } >"$T/jo.eml"
deliver "$T/jo.eml" 2010.j
J="FG-$year-0003"
settle
same "new, dmarc=fail: stored" "incomplete" "$(app_field "$J" state)"
same "new, dmarc=fail: no letter yet" "0" "$(reaches jo@example.org)"
run held
jo_id=$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$J" '$2 == r { print $1; exit }')
same "new, dmarc=fail: held" "held" "$(printf '%s\n' "$OUT" | awk -F'\t' -v r="$J" '$2 == r { print $4 }')"

# (5) The officer decides.
ok "accept the held application" $GRANTCTL intake held accept "$jo_id"
settle
same "accepted: Jo is told what is missing" "1" "$(sent_to jo@example.org "[$J] A few things missing")"
fails "accept twice" 1 "already accepted" $GRANTCTL intake held accept "$jo_id"

# Sam's letter moved on; the forged reply is refused, changing nothing.
ok "reject the forgery" $GRANTCTL intake held reject "$forged_id"
same "rejected: no letter to anyone new" "0" "$(reaches evil@attacker.example)"
same "rejected: shown so" "rejected" "$(held --all | awk -F'\t' -v i="$forged_id" '$1 == i { print $4 }')"
same "rejected: no longer waiting" "" "$(held | awk -F'\t' -v i="$forged_id" '$1 == i { print $4 }')"
ok "the thread shows it rejected" $GRANTCTL app show "$S"
has "rejected in the thread" "reply-rejected"
fails "accept a rejected message" 1 "already rejected" $GRANTCTL intake held accept "$forged_id"
fails "no such message" 1 "no held message 99999" $GRANTCTL intake held accept 99999
fails "not a number" 1 "not a message number" $GRANTCTL intake held accept x1
fails "needs an officer" 1 "" as_nobody "$GRANTCTL" intake held list

# Kim's held DMARC reply, accepted on an application already eligible:
# noted, nothing changes and nothing is sent.
k_before=$(kim_letters)
ok "accept after the fact" $GRANTCTL intake held accept "$dmarc_id"
settle
same "accepted late: still eligible" "eligible" "$(app_field "$K" state)"
same "accepted late: no new letter" "$k_before" "$(kim_letters)"

# An accepted held reply to an incomplete application changes it.
incomplete Lee lee@example.net lee-1@example.net >"$T/lee.eml"
deliver "$T/lee.eml" 2011.k
L="FG-$year-0004"
settle
{ cat <<MAIL
From: Lee <lee@example.net>
Reply-To: <lee-other@example.net>
To: apply@grants.example.org
Subject: [$L] the rest
Message-ID: <lee-2@example.net>
MAIL
completion 3456789; } >"$T/lee2.eml"
deliver "$T/lee2.eml" 2012.l
settle
same "unthreaded: unchanged" "incomplete" "$(app_field "$L" state)"
lee_id=$(held | awk -F'\t' -v r="$L" '$2 == r { print $1; exit }')
ok "accept Lee's reply" $GRANTCTL intake held accept "$lee_id"
settle
same "accepted: eligible" "eligible" "$(app_field "$L" state)"
same "accepted: acknowledged to the address on record" "1" "$(sent_to lee@example.net "[$L] We have your application")"
same "accepted: nothing to the Reply-To" "0" "$(reaches lee-other@example.net)"
ok "held list" $GRANTCTL intake held list --all
has "the table names the reference" "$L"
has "and who decided" "accepted"
ok "what still waits" $GRANTCTL intake held list
lacks "decided mail is not waiting" "$L"
fails "usage" 2 "usage: grantctl intake held" $GRANTCTL intake held accept

ok "audit" $GRANTCTL audit list --limit 50
has "acceptance audited" "mail.accept"
has "rejection audited" "mail.reject"
finish
