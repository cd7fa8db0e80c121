/*
 * bankfile.c: a payment run as the bank takes it: ISO 20022
 * pain.001.001.03 (written with libxml2's tree, so every name and value is
 * escaped by the library), Bacs Standard 18 fixed-width records, or a CSV
 * for banks that take uploads. Names go through the character set each
 * format allows, accents transliterated (é → e), since a bank rejects a
 * whole file for one character it does not take.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "core/core.h"
#include "domain/domain.h"

#define PAIN001_NS	"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
#define BACS_RECORD	106
#define BACS_FIELD	18
#define BACS_MAX_PENCE	((int64_t)99999999999)	/* 11 digits */
#define PAIN_NAME	70	/* Max70Text */
#define PAIN_TEXT	140	/* Max140Text */

int
bankfile_format_valid(const char *f)
{
	return strcmp(f, "pain001") == 0 || strcmp(f, "bacs18") == 0 ||
	    strcmp(f, "csv") == 0;
}

/* U+00C0 to U+00FF as the plain letters a bank takes ('?': none). */
static const char *bankfile_latin1[64] = {
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I",
	"I", "I", "D", "N", "O", "O", "O", "O", "O", "?", "O", "U", "U", "U",
	"U", "Y", "TH", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e",
	"e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "?",
	"o", "u", "u", "u", "u", "y", "th", "y"
};

/* One UTF-8 character at s as plain ASCII ("" if none); its length. */
static size_t
bankfile_translit(const unsigned char *s, const char **ascii)
{
	unsigned int	cp;
	size_t		len;

	*ascii = "";
	if (s[0] < 0x80) {
		static char one[2];

		one[0] = (char)s[0];
		one[1] = '\0';
		*ascii = one;
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		len = 2;
	} else if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) |
		    (s[2] & 0x3fu);
		len = 3;
	} else {
		for (len = 1; (s[len] & 0xc0) == 0x80; len++)
			;
		return len;
	}
	if (cp >= 0xc0 && cp <= 0xff && *bankfile_latin1[cp - 0xc0] != '?')
		*ascii = bankfile_latin1[cp - 0xc0];
	else if (cp == 0x2018 || cp == 0x2019)
		*ascii = "'";
	else if (cp == 0x2013 || cp == 0x2014)
		*ascii = "-";
	else if (cp == 0x152)
		*ascii = "OE";
	else if (cp == 0x153)
		*ascii = "oe";
	return len;
}

/*
 * in as the characters allowed (others become spaces, runs of spaces
 * one, none at either end), upper-cased when upper, in at most max bytes.
 */
static size_t
bankfile_text(const char *in, const char *allowed, int upper, char *out,
    size_t max)
{
	const unsigned char	*s = (const unsigned char *)in;
	const char		*a;
	size_t			 n = 0;
	char			 c;

	while (*s != '\0') {
		s += bankfile_translit(s, &a);
		for (; *a != '\0'; a++) {
			c = upper ? (char)toupper((unsigned char)*a) : *a;
			if (strchr(allowed, c) == NULL || c == '\0')
				c = ' ';
			if (c == ' ' && (n == 0 || out[n - 1] == ' '))
				continue;
			if (n + 1 >= max)
				goto done;
			out[n++] = c;
		}
	}
done:
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

#define BACS_SET	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- "
#define SEPA_SET	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789/-?:().,'+ "

/* Text as Bacs takes it: A-Z 0-9 . & / - and space. */
size_t
bankfile_bacs_text(const char *in, char *out, size_t max)
{
	return bankfile_text(in, BACS_SET, 1, out, max);
}

static void
bankfile_pounds(int64_t pence, char *buf, size_t len)
{
	snprintf(buf, len, "%lld.%02lld", (long long)(pence / 100),
	    (long long)(pence % 100));
}

/* Digits of s (dashes and spaces dropped), exactly want of them. */
static int
bankfile_digits(const char *s, size_t want, char *out)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == ' ')
			continue;
		if (!isdigit((unsigned char)*s) || n == want)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n == want ? 0 : -1;
}

/* ---- pain.001.001.03 ---- */

static xmlNodePtr
pain_add(xmlNodePtr parent, const char *name, const char *text)
{
	/* xmlNewTextChild escapes the text; xmlNewChild would not. */
	return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static void
pain_agent(xmlNodePtr parent, const char *name, const char *sort_code)
{
	xmlNodePtr	n;

	n = pain_add(pain_add(parent, name, NULL), "FinInstnId", NULL);
	n = pain_add(n, "ClrSysMmbId", NULL);
	pain_add(pain_add(n, "ClrSysId", NULL), "Cd", "GBDSC");
	pain_add(n, "MmbId", sort_code);
}

static void
pain_account(xmlNodePtr parent, const char *name, const char *sort_code,
    const char *account, int ccy)
{
	xmlNodePtr	n;
	char		id[16];

	snprintf(id, sizeof id, "%s%s", sort_code, account);
	n = pain_add(parent, name, NULL);
	pain_add(pain_add(pain_add(n, "Id", NULL), "Othr", NULL), "Id", id);
	if (ccy)
		pain_add(n, "Ccy", "GBP");
}

static void
pain_transfer(xmlNodePtr pmt, const struct bankfile_line *l)
{
	xmlNodePtr	tx, amt;
	char		buf[PAIN_TEXT + 1], pounds[32];

	tx = pain_add(pmt, "CdtTrfTxInf", NULL);
	pain_add(pain_add(tx, "PmtId", NULL), "EndToEndId", l->e2e);
	bankfile_pounds(l->amount, pounds, sizeof pounds);
	amt = pain_add(pain_add(tx, "Amt", NULL), "InstdAmt", pounds);
	xmlNewProp(amt, BAD_CAST "Ccy", BAD_CAST "GBP");
	pain_agent(tx, "CdtrAgt", l->sort_code);
	bankfile_text(l->account_name, SEPA_SET, 0, buf, PAIN_NAME + 1);
	pain_add(pain_add(tx, "Cdtr", NULL), "Nm", *buf ? buf : "Payee");
	pain_account(tx, "CdtrAcct", l->sort_code, l->account, 0);
	bankfile_text(l->grant_ref, SEPA_SET, 0, buf, sizeof buf);
	pain_add(pain_add(tx, "RmtInf", NULL), "Ustrd", *buf ? buf : l->e2e);
}

static char *
bankfile_pain001(const struct bankfile_run *r, const char *sort,
    const char *account, size_t *len)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, top, hdr, pmt;
	xmlChar		*mem;
	char		 count[32], sum[32], name[PAIN_NAME + 1], date[11];
	char		*out;
	int		 n;
	size_t		 i;

	snprintf(count, sizeof count, "%zu", r->n);
	bankfile_pounds(r->total, sum, sizeof sum);
	bankfile_text(r->debtor_name, SEPA_SET, 0, name, sizeof name);
	snprintf(date, sizeof date, "%.10s", r->created);
	doc = xmlNewDoc(BAD_CAST "1.0");
	/* Element names shared, not copied into each of a run's nodes. */
	doc->dict = xmlDictCreate();
	root = xmlNewNode(NULL, BAD_CAST "Document");
	xmlSetNs(root, xmlNewNs(root, BAD_CAST PAIN001_NS, NULL));
	xmlDocSetRootElement(doc, root);
	top = pain_add(root, "CstmrCdtTrfInitn", NULL);
	hdr = pain_add(top, "GrpHdr", NULL);
	pain_add(hdr, "MsgId", r->reference);
	pain_add(hdr, "CreDtTm", r->created);
	pain_add(hdr, "NbOfTxs", count);
	pain_add(hdr, "CtrlSum", sum);
	pain_add(pain_add(hdr, "InitgPty", NULL), "Nm", name);
	pmt = pain_add(top, "PmtInf", NULL);
	pain_add(pmt, "PmtInfId", r->reference);
	pain_add(pmt, "PmtMtd", "TRF");
	pain_add(pmt, "NbOfTxs", count);
	pain_add(pmt, "CtrlSum", sum);
	pain_add(pmt, "ReqdExctnDt", date);
	pain_add(pain_add(pmt, "Dbtr", NULL), "Nm", name);
	pain_account(pmt, "DbtrAcct", sort, account, 1);
	pain_agent(pmt, "DbtrAgt", sort);
	for (i = 0; i < r->n; i++)
		pain_transfer(pmt, &r->line[i]);
	xmlDocDumpFormatMemoryEnc(doc, &mem, &n, "UTF-8", 0);
	xmlFreeDoc(doc);
	if (mem == NULL)
		return NULL;
	out = xmalloc((size_t)n + 1);
	memcpy(out, mem, (size_t)n);
	out[n] = '\0';
	xmlFree(mem);
	*len = (size_t)n;
	return out;
}

/* ---- Bacs Standard 18 ---- */

/* The day of the year, for the record's processing date " YYDDD". */
static int
bankfile_yyddd(const char *date, char out[7])
{
	long	day, jan1;
	int	y, m, d;

	if (workday_parse_date(date, &day) == -1)
		return -1;
	workday_ymd(day, &y, &m, &d);
	jan1 = workday_day(y, 1, 1);
	snprintf(out, 7, " %02u%03u", (unsigned)y % 100u,
	    (unsigned)(day - jan1 + 1) % 1000u);
	return 0;
}

static char *
bankfile_bacs18(const struct bankfile_run *r, const char *sort,
    const char *account, size_t *len, struct dom_err *e)
{
	struct strbuf	 b;
	char		 rec[BACS_RECORD + 2], origin[BACS_FIELD + 1];
	char		 ref[BACS_FIELD + 1], name[BACS_FIELD + 1], when[7];
	char		 date[11];
	size_t		 i;
	int		 n;

	memset(&b, 0, sizeof b);
	snprintf(date, sizeof date, "%.10s", r->created);
	if (bankfile_yyddd(date, when) == -1) {
		dom_fail(e, DOM_BAD, "the run's date %s is not a date", date);
		return NULL;
	}
	bankfile_bacs_text(r->debtor_name, origin, sizeof origin);
	for (i = 0; i < r->n; i++) {
		const struct bankfile_line *l = &r->line[i];

		if (l->amount > BACS_MAX_PENCE) {
			free(b.s);
			dom_fail(e, DOM_BAD, "%s is too large for a Bacs "
			    "record", l->e2e);
			return NULL;
		}
		bankfile_bacs_text(l->e2e, ref, sizeof ref);
		bankfile_bacs_text(l->account_name, name, sizeof name);
		/* destination sort code and account, account type 0,
		 * transaction code 99 (a credit), originating sort code and
		 * account, four free characters, pence in 11 digits, the
		 * originator's name, the reference and the payee's name (18
		 * each), the processing date */
		n = snprintf(rec, sizeof rec, "%-6.6s%-8.8s0" "99" "%-6.6s"
		    "%-8.8s    %011lld%-18.18s%-18.18s%-18.18s%-6.6s\n",
		    l->sort_code, l->account, sort, account,
		    (long long)l->amount, origin, ref, name, when);
		if (n != BACS_RECORD + 1)
			fatalx("bacs record of %d characters", n);
		strbuf_add(&b, rec, (size_t)n);
	}
	strbuf_add(&b, "", 0);
	*len = b.len;
	return b.s != NULL ? b.s : xstrdup("");
}

/* ---- CSV ---- */

static char *
bankfile_csv(const struct bankfile_run *r, size_t *len)
{
	struct strbuf	 b;
	char		 name[PAIN_NAME + 1], ref[BACS_FIELD + 1], pounds[32];
	char		*row;
	size_t		 i;

	memset(&b, 0, sizeof b);
	row = "sort_code,account_number,account_name,amount,reference,"
	    "end_to_end_id\r\n";
	strbuf_add(&b, row, strlen(row));
	for (i = 0; i < r->n; i++) {
		const struct bankfile_line *l = &r->line[i];

		/* Bacs's set: no quote, comma or leading '=' to escape, and
		 * the bank pays by Bacs anyway. */
		bankfile_bacs_text(l->account_name, name, sizeof name);
		bankfile_bacs_text(l->e2e, ref, sizeof ref);
		bankfile_pounds(l->amount, pounds, sizeof pounds);
		xasprintf(&row, "%s,%s,%s,%s,%s,%s\r\n", l->sort_code,
		    l->account, name, pounds, ref, l->e2e);
		strbuf_add(&b, row, strlen(row));
		free(row);
	}
	*len = b.len;
	return b.s;
}

/* The run as a file in format; NULL with e filled if it cannot be. */
char *
bankfile_write(const char *format, const struct bankfile_run *r, size_t *len,
    struct dom_err *e)
{
	char	sort[7], account[9], *out;

	if (bankfile_digits(r->debtor_sort_code, 6, sort) == -1 ||
	    bankfile_digits(r->debtor_account, 8, account) == -1) {
		dom_fail(e, DOM_UNAVAILABLE, "grantd.conf's [payments] "
		    "debtor_sort_code must be six digits and debtor_account "
		    "eight");
		return NULL;
	}
	if (strcmp(format, "pain001") == 0)
		out = bankfile_pain001(r, sort, account, len);
	else if (strcmp(format, "bacs18") == 0)
		return bankfile_bacs18(r, sort, account, len, e);
	else
		out = bankfile_csv(r, len);
	if (out == NULL)
		dom_fail(e, DOM_UNAVAILABLE, "the %s file could not be written",
		    format);
	return out;
}
