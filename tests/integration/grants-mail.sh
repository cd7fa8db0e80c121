# grants-mail.sh: a grantee's replies about a grant. An acceptance with a
# name and role from the address on record, answering the offer, accepts
# it and enters the bank details it gives, unverified; the same from
# another address, or not answering the offer, is held and changes
# nothing. A message asking to change bank details changes nothing: it
# makes a task for finance, warns the officer, and tells the grantee at
# the address on record.
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
open_round
PY=/usr/bin/python3
YEAR=$(TZ=Europe/London date +%Y)

$GRANTCTL user add priya --uid 5001 --role officer \
    --email priya@example.org >/dev/null || exit 1
$GRANTCTL user add fiona --uid 5101 --role finance \
    --email fiona@example.org >/dev/null || exit 1
$GRANTCTL user add frank --uid 5102 --role finance \
    --email frank@example.org >/dev/null || exit 1
as() {
	uid=$1; shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}
n=0
deliver() {	# deliver FILE: as an MTA would, through tmp/; wait until read
	n=$((n + 1))
	cp "$1" "$T/inbox/tmp/m$n" && mv "$T/inbox/tmp/m$n" "$T/inbox/new/m$n"
	for _ in $(seq 1 100); do
		[ -e "$T/inbox/new/m$n" ] || return 0
		sleep 0.1
	done
	fail "message $n read" "still in new/ after 10 s"
}
letter() {
	wait_for "$1 sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2"
	f=$($PY "$top_srcdir/tests/letter.py" find "$T/sent" "$2")
	if $PY "$top_srcdir/tests/letter.py" show "$f" >"$T/$1.txt" \
	    2>"$T/stderr"; then
		golden "$1 as the grantee reads it" "letters/$1.txt" "$T/$1.txt"
	else
		fail "$1 reads as strict UTF-8" "$(cat "$T/stderr")"
	fi
	rm -f "$f"
}
state() { sql "SELECT state FROM grants WHERE reference = '$G'"; }

$GRANTCTL fund create GX --name "Community Fund" --budget 10000 >/dev/null || exit 1
as 5001 $GRANTCTL grant create --fund GX --org "Riverside Allotment Group" \
    --email jo@example.org --amount 1200 --purpose "Growing Together" \
    --plan yearly --years 2 >/dev/null || exit 1
G="GX-$YEAR-G001"
wait_for "the offer is sent" 15 $PY "$top_srcdir/tests/letter.py" find "$T/sent" jo@example.org
rm -f "$T"/sent/new/*
OFFER=$(sql "SELECT message_id FROM outbox WHERE template = 'offer' AND reference = '$G'")

acceptance() {	# acceptance FROM IN-REPLY-TO ID
	cat <<MAIL
From: Jo Bloggs <$1>
To: grants@example.org
Subject: Re: [$G] Your Community Fund grant offer and how to accept it
Message-ID: <$3@example.org>
${2:+In-Reply-To: <$2>
References: <$2>
}Content-Type: text/plain; charset=utf-8

I accept
Jo Bloggs, Treasurer

Account name: RIVERSIDE ALLOT
Sort code: 12-34-56
Account number: 12345678

> 1. the words "I accept";
MAIL
}

acceptance mallory@example.net "$OFFER" a1 >"$T/a1.eml"
deliver "$T/a1.eml"
same "from another address: still offered" "offered" "$(state)"
same "no tranches, no bank details" "0 0" \
    "$(sql "SELECT (SELECT COUNT(*) FROM tranches), (SELECT COUNT(*) FROM bank_details)" | tr '\t' ' ')"
ok "held list" $GRANTCTL intake held list
has "it is held for an officer" "mallory@example.net"
HELD=$(sql "SELECT id FROM mail_in WHERE from_addr = 'mallory@example.net'")
ok "an officer accepting it only notes it" $GRANTCTL intake held accept "$HELD"
has "and says how an acceptance is recorded" "record an acceptance with grantctl grant accept"
same "still offered" "offered" "$(state)"

acceptance jo@example.org "" a2 >"$T/a2.eml"
deliver "$T/a2.eml"
same "not answering the offer: still offered" "offered" "$(state)"
same "the officer is told of both" "2" \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE text LIKE '$G: a reply from % is held for you and changed nothing%'")"

offer_reply() {	# offer_reply ID: jo's answer to the offer, its text on stdin
	{
		cat <<MAIL
From: Jo Bloggs <jo@example.org>
To: grants@example.org
Subject: Re: [$G] Your Community Fund grant offer and how to accept it
Message-ID: <$1@example.org>
In-Reply-To: <$OFFER>
References: <$OFFER>
Content-Type: text/plain; charset=utf-8

MAIL
		cat
	} >"$T/$1.eml"
}

# Accepting without saying who: nothing is recorded, and the grantee is
# asked, in the thread, for the name and role the offer asked for.
offer_reply a2b <<MAIL
Yes, we accept with thanks!

Jo
MAIL
deliver "$T/a2b.eml"
same "accepted without saying who: still offered" "offered" "$(state)"
same "the grantee is asked who accepts, in the thread" "a2b@example.org" \
    "$(sql "SELECT in_reply_to FROM outbox WHERE template = 'acceptance-incomplete' AND reference = '$G'")"
letter acceptance-incomplete jo@example.org
same "the officer is told they were asked" "1" \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE text LIKE '$G: jo@example.org accepted the offer but did not say who they are%They were asked%'")"

# Asking about bank details before any are on record changes nothing
# that exists: the officer reads it, and finance has no task.
offer_reply a2c <<MAIL
Before we reply properly: we changed bank last month, is it all right
to give you the new account when we accept?

Jo
MAIL
deliver "$T/a2c.eml"
same "no bank details on record: no finance task" "0" \
    "$(sql "SELECT COUNT(*) FROM finance_tasks")"
same "the officer reads the question" "1" \
    "$(sql "SELECT COUNT(*) FROM staff_events WHERE text LIKE '$G: a reply from jo@example.org: %'")"

# As grantees write it: in their own words, the bank details under labels
# of their own, who they are in the signature.
offer_reply a3 <<MAIL
Dear Priya,

On behalf of Riverside Allotment Group, we are delighted to accept the
grant. Thank you!

Name on the account: RIVERSIDE ALLOT
Sort Code: 12 34 56
A/C No: 1234 5678

Kind regards,
Jo Bloggs
Treasurer
Riverside Allotment Group

On Mon, 1 Mar 2027 at 09:00, Community Fund <grants@example.org> wrote:
> 1. the words "I accept";
MAIL
deliver "$T/a3.eml"
same "from the address on record, answering the offer: accepted" \
    "accepted	Jo Bloggs, Treasurer" \
    "$(sql "SELECT state, accepted_by FROM grants WHERE reference = '$G'")"
same "two yearly tranches" "2" "$(sql "SELECT COUNT(*) FROM tranches")"
same "the bank details are entered, unverified, from email" \
    "RIVERSIDE ALLOT	123456	12345678	unverified	email	email" \
    "$(sql "SELECT account_name, sort_code, account_number, state, source, entered_by FROM bank_details")"
same "the schedule answers the acceptance" "a3@example.org" \
    "$(sql "SELECT in_reply_to FROM outbox WHERE template = 'tranche-schedule' AND reference = '$G'")"
letter tranche-schedule-by-mail jo@example.org
ok "a finance user verifies them" \
    as 5101 $GRANTCTL bank verify "Riverside Allotment Group"
same "verified" "verified	fiona" "$(sql "SELECT state, verified_by FROM bank_details")"

SCHED=$(sql "SELECT message_id FROM outbox WHERE template = 'tranche-schedule' AND reference = '$G'")
change() {	# change FROM ID
	cat <<MAIL
From: Jo Bloggs <$1>
To: grants@example.org
Subject: Re: [$G] When your Community Fund payments will arrive
Message-ID: <$2@example.org>
In-Reply-To: <$SCHED>
References: <$SCHED>
Content-Type: text/plain; charset=utf-8

Hello, we have moved banks. Please change our bank details to the new
account below before the next payment.

Account name: RIVERSIDE NEW
Sort code: 99-88-77
Account number: 11223344
MAIL
}
change jo@example.org c1 >"$T/c1.eml"
deliver "$T/c1.eml"
same "a change asked for by email changes nothing" \
    "1	verified	12345678" \
    "$(sql "SELECT COUNT(*), MAX(state), MAX(account_number) FROM bank_details")"
same "it is a task for finance" "1	bank_change	open" \
    "$(sql "SELECT COUNT(*), MAX(kind), MAX(state) FROM finance_tasks")"
same "the officer is warned" "1" \
    "$(sql "SELECT COUNT(*) FROM staff_events e JOIN users u ON u.id = e.user_id WHERE u.name = 'priya' AND e.text LIKE 'An email from jo@example.org asked to change the bank details of Riverside Allotment Group%'")"
letter bank-change-requested jo@example.org
same "nothing is held: the details did not change" "0" \
    "$(sql "SELECT COUNT(*) FROM tranches WHERE hold_reason IS NOT NULL")"

change mallory@example.net c2 >"$T/c2.eml"
deliver "$T/c2.eml"
same "from another address it is held, and no task" "1" \
    "$(sql "SELECT COUNT(*) FROM finance_tasks")"
same "nothing told to the grantee" "0" "$(ls "$T/sent/new" | wc -l)"

# finance sees the task, and closes it saying what was done
ok "finance lists the open tasks" as 5101 $GRANTCTL bank tasks
has "the task, with its grant" "Riverside Allotment Group"
fails "closing needs a note" 2 "needs --note" as 5101 $GRANTCTL bank done 1
ok "finance closes it" as 5101 $GRANTCTL bank done 1 --note "Phoned Jo: not from them"
ok "no open task is left" as 5101 $GRANTCTL --json bank tasks
same "none" "0" "$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tasks"]))')"
fails "not closed twice" 1 "no open finance task 1" as 5101 $GRANTCTL bank done 1 --note x
same "closing is audited" "1" \
    "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'finance_task.done'")"

finish
