#!/usr/bin/python3
"""seed-report.py FUND_ID ROUND_ID OUTDIR: a programme's worth of
applications, grants, payments, monitoring returns and wellbeing counts
as SQL (OUTDIR/seed.sql), the figures a report on it must show, worked
out here on their own (OUTDIR/expected.json), and the personal strings
that must never reach open data (OUTDIR/personal.txt)."""
import datetime as dt
import json
import random
import sys
from fractions import Fraction

fund_id, round_id, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(11)
now = dt.datetime.utcnow().replace(microsecond=0)
today = now.date()
PRI = ["Supporting the community to be fit and healthy",
       "Developing skills of local people",
       "Changing the area for the better",
       "Encouraging community participation"]
NAMES = ["Aoife Brennan", "Tomasz Wójcik", "Grace Okafor", "Harpreet Sandhu",
         "Megan Llewellyn", "Declan Murphy", "Fatima Rahman", "Owen Pritchard",
         "Siobhan Kelly", "Priyanka Desai", "Callum Fraser", "Priya Shah",
         "Niamh Doherty", "Ruairi Walsh"]
POSTCODES = ["OL1 2AB", "OL1 3CD", "M35 0EF", "OL8 4GH", "SK15 1JK"]
GRANT_STATES = ["active", "active", "completed", "completed", "accepted",
                "suspended", "active", "offered", "terminated"]


def q(v):
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        v = v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        v = v.strftime("%Y-%m-%d")
    return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"


sql, personal, apps, grants, tranches, returns, counts = [], [], [], [], [], [], []
for i in range(14):
    name = NAMES[i]
    email = "contact%d@example.net" % i
    phone = "07700 900%03d" % (100 + i)
    pc = POSTCODES[i % len(POSTCODES)]
    personal += [name, email, phone, pc]
    pri = rnd.sample(PRI, rnd.randint(1, 2)) if i != 4 else []
    if i == 5:      # what a group wrote, markup and all
        pri.append('Arts & <b>"culture"</b>')
    fields = {"organisation": "Group %d" % i, "contact_name": name,
              "email": email, "phone": phone, "postcode": pc,
              "project_title": "Project %d" % i, "priorities": pri}
    if i % 3 == 0:
        fields["charity_number"] = "11%05d" % i
    elif i % 3 == 1:
        fields["company_number"] = "%d" % (4410 + i)
    amount = rnd.choice([25000, 30000, 45050, 50000])
    received = dt.datetime(2025, 1, 6, 12) + dt.timedelta(days=3 * i)
    state, decided, updated = "approved", None, received
    if i < 9:
        decided = received + dt.timedelta(days=rnd.randint(5, 60), hours=2)
    elif i in (9, 10):
        state = "declined"
        decided = received + dt.timedelta(days=rnd.randint(5, 60))
    elif i == 11:
        state = "received"      # withdrawn by grantctl in the test
    elif i == 12:
        state = "ineligible"
    else:
        state = "declined"      # too recent for retention
        received = now - dt.timedelta(days=20)
        decided = now - dt.timedelta(days=5)
    updated = decided or received
    apps.append(dict(i=i, ref="FG-2025-%04d" % (i + 1), email=email,
                     name=name, fields=fields, received=received,
                     decided=decided, amount=amount, state=state))
    sql.append("INSERT INTO applications (id, reference, fund_id, round_id, "
               "year, seq, state, email, contact_name, organisation, "
               "project_title, amount_requested, fields, problems, "
               "received_at, updated_at, decided_at, decided_by) VALUES "
               "(%d, %s, %d, %d, 2025, %d, %s, %s, %s, %s, %s, %d, %s, '[]', "
               "%s, %s, %s, %s);" % (
                   1000 + i, q(apps[-1]["ref"]), fund_id, round_id, i + 1,
                   q(state), q(email), q(name), q("Group %d" % i),
                   q("Project %d" % i), amount, q(json.dumps(fields)),
                   q(received), q(updated), q(decided),
                   q("officer" if decided else None)))
    sql.append("INSERT INTO mail_in (id, source, message_id, content_hash, "
               "application_id, kind, from_addr, subject, body, received_at) "
               "VALUES (%d, 'fg', %s, %s, %d, 'application', %s, %s, %s, %s);"
               % (2000 + i, q("<m%d@example.net>" % i), q("%064d" % i),
                  1000 + i, q(email), q("Application from Group %d" % i),
                  q("Contact name: %s\nPhone: %s\n" % (name, phone)),
                  q(received)))
    sql.append("INSERT INTO blobs (sha256, size, data) VALUES (%s, 5, "
               "'photo');" % q("%064x" % (i + 1)))
    sql.append("INSERT INTO attachments (mail_id, filename, content_type, "
               "size, sha256) VALUES (%d, %s, 'image/jpeg', 5, %s);" % (
                   2000 + i, q("%s.jpg" % name.split()[0]),
                   q("%064x" % (i + 1))))

tid = 0
for i in range(9):
    a = apps[i]
    gid = 3000 + i
    g = dict(i=i, id=gid, amount=a["amount"], state=GRANT_STATES[i],
             created=a["decided"], app=a)
    grants.append(g)
    sql.append("INSERT INTO grants (id, reference, application_id, fund_id, "
               "round_id, organisation, email, amount, purpose, state, "
               "created_at, updated_at) VALUES (%d, %s, %d, %d, %d, %s, %s, "
               "%d, %s, %s, %s, %s);" % (
                   gid, q(a["ref"]), 1000 + i, fund_id, round_id,
                   q("Group %d" % i), q(a["email"]), a["amount"],
                   q("Weekly sessions for Group %d, run by %s" % (i, a["name"])),
                   q(g["state"]), q(g["created"]), q(g["created"])))
    if g["state"] == "offered":
        continue
    first = half = g["amount"] // 2
    plan = [(first, True), (g["amount"] - first, i % 2 == 0 and i != 8)]
    paid_at = g["created"] + dt.timedelta(days=rnd.randint(3, 40))
    for n, (amt, paid) in enumerate(plan, 1):
        tid += 1
        when = paid_at if n == 1 else paid_at + dt.timedelta(days=rnd.randint(90, 200))
        if paid:
            tranches.append(dict(g=gid, amount=amt, paid=when))
        sql.append("INSERT INTO tranches (grant_id, number, due_date, amount, "
                   "state, end_to_end_id, paid_at) VALUES (%d, %d, %s, %d, %s, "
                   "%s, %s);" % (gid, n, q(when.date()), amt,
                                 q("paid" if paid else "scheduled"),
                                 q("E2E-%d" % tid), q(when if paid else None)))

# Monitoring: one end-of-project return per grant paid; some approved with
# wellbeing counts, some received, some outstanding, one not yet due.
rid = 4000
for g in grants:
    if g["state"] in ("offered",):
        continue
    i = g["i"]
    due = (g["created"] + dt.timedelta(days=200 + 20 * i)).date()
    if i == 6:
        due = today + dt.timedelta(days=40)
    kind = ["approved", "approved", "approved", "approved", "received",
            "due", "scheduled", None, "approved"][i]
    received = None
    if kind in ("approved", "received"):
        received = dt.datetime.combine(due, dt.time(10)) + dt.timedelta(
            days=[-3, 2, 0, 5, -1, 0, 0, 0, 4][i])
    people = rnd.randint(20, 120) if kind in ("approved", "received") else None
    vols = rnd.randint(2, 15) if people else None
    r = dict(id=rid, g=g, due=due, state=kind, received=received,
             people=people, vols=vols)
    returns.append(r)
    sql.append("INSERT INTO monitoring_returns (id, grant_id, kind, period, "
               "due_date, state, received_at, people, volunteers, "
               "approved_by, approved_at) VALUES (%d, %d, 'end', 'end', %s, "
               "%s, %s, %s, %s, %s, %s);" % (
                   rid, g["id"], q(due), q(kind), q(received), q(people),
                   q(vols), q("officer" if kind == "approved" else None),
                   q(received if kind == "approved" else None)))
    stages = {0: ["baseline", "end", "followup"], 1: ["baseline", "end",
              "followup"], 2: ["baseline", "end"], 3: ["baseline", "end"],
              4: ["baseline", "end", "followup"]}.get(i, [])
    for st in stages:
        for qn in ("life", "worthwhile", "happy", "anxious"):
            for score in rnd.sample(range(11), 4):
                n = rnd.randint(1, 9)
                counts.append(dict(r=r, stage=st, q=qn, score=score, n=n))
                sql.append("INSERT INTO wellbeing_counts (return_id, stage, "
                           "question, score, people) VALUES (%d, %s, %s, %d, "
                           "%d);" % (rid, q(st), q(qn), score, n))
    rid += 1


def rank(v, p):
    v = sorted(v)
    if not v:
        return None
    k = -(-len(v) * p // 100)
    return v[max(k, 1) - 1]


def days(v):
    return {"count": len(v), "median": rank(v, 50), "p90": rank(v, 90)}


def tally(items):
    t = {}
    for key, amount in items:
        x = t.setdefault(key, {"name": key, "grants": 0, "amount": 0})
        x["grants"] += 1
        x["amount"] += amount
    return sorted(t.values(), key=lambda x: (-x["grants"], x["name"]))


def expected(lo, hi):
    """The figures for grants awarded, payments made, applications received
    and returns due between lo and hi (datetimes, UTC)."""
    inn = lambda t: t is not None and lo <= t <= hi
    gs = [g for g in grants if inn(g["created"])]
    rs = [r for r in returns if lo.date() <= r["due"] <= hi.date()]
    appr = [r for r in rs if r["state"] == "approved"]
    paid = [t for t in tranches if inn(t["paid"])]
    months = {}
    for t in paid:
        m = t["paid"].strftime("%Y-%m")
        months[m] = months.get(m, 0) + t["amount"]
    pri = []
    for g in gs:
        p = g["app"]["fields"]["priorities"] or ["(none given)"]
        pri += [(x, g["amount"]) for x in p]
    area = [(g["app"]["fields"]["postcode"].split()[0], g["amount"]) for g in gs]
    dec = [(a["decided"].date() - a["received"].date()).days for a in apps
           if a["decided"] and inn(a["received"])]
    pay = []
    for g in gs:
        ts = [t["paid"] for t in tranches if t["g"] == g["id"]]
        if ts:
            pay.append((min(ts).date() - g["app"]["decided"].date()).days)
    due = [r for r in rs if r["due"] <= today]
    mon = {"due": len(due),
           "received": sum(1 for r in due if r["received"]),
           "on_time": sum(1 for r in due if r["received"] and
                          r["received"].date() <= r["due"]),
           "approved": sum(1 for r in due if r["state"] == "approved"),
           "outstanding": sum(1 for r in due if not r["received"])}
    well = []
    for qn in ("life", "worthwhile", "happy", "anxious"):
        per = {}
        for c in counts:
            if c["q"] != qn or c["r"] not in appr:
                continue
            s = per.setdefault(c["r"]["g"]["id"], {})
            a = s.setdefault(c["stage"], [0, 0])
            a[0] += c["score"] * c["n"]
            a[1] += c["n"]
        entry = {"question": qn, "missing_followup": 0}
        for after in ("end", "followup"):
            sb = nb = sa = na = ng = 0
            for s in per.values():
                if "baseline" in s and after in s:
                    sb += s["baseline"][0]; nb += s["baseline"][1]
                    sa += s[after][0]; na += s[after][1]; ng += 1
            if nb and na:
                ch = (Fraction(sa, na) - Fraction(sb, nb)) * 100
                r = int(abs(ch) + Fraction(1, 2))
                r = -r if ch < 0 else r
            else:
                r = None
            entry[after] = {"change": r, "people_baseline": nb,
                            "people_after": na, "grants": ng}
        entry["missing_followup"] = sum(1 for s in per.values()
                                        if "baseline" in s and
                                        "followup" not in s)
        well.append(entry)
    committed = sum(g["amount"] for g in gs if g["state"] != "terminated")
    return {
        "targets": {"grants": len(gs),
                    "people": sum(r["people"] for r in appr),
                    "volunteers": sum(r["vols"] for r in appr)},
        "money": {"budget": 10000000, "committed": committed,
                  "paid": sum(t["amount"] for t in paid),
                  "left": 10000000 - committed,
                  "by_month": [{"month": m, "paid": months[m]}
                               for m in sorted(months)]},
        "by_priority": tally(pri), "by_area": tally(area),
        "decision_days": days(dec), "payment_days": days(pay),
        "monitoring": mon, "wellbeing": well,
    }


exp = {"all": expected(dt.datetime(1000, 1, 1), dt.datetime(9999, 1, 1)),
       "jan": expected(dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31, 23, 59, 59)),
       "published": sorted(g["app"]["ref"] for g in grants
                           if g["state"] != "offered"),
       "published_pence": sum(g["amount"] for g in grants
                              if g["state"] != "offered"),
       "refs": {a["i"]: a["ref"] for a in apps},
       "emails": {a["i"]: a["email"] for a in apps},
       "names": {a["i"]: a["name"] for a in apps}}
with open(out + "/seed.sql", "w") as f:
    f.write("\n".join(sql) + "\n")
with open(out + "/expected.json", "w") as f:
    json.dump(exp, f, indent=1, sort_keys=True)
with open(out + "/personal.txt", "w") as f:
    f.write("\n".join(personal) + "\n")
