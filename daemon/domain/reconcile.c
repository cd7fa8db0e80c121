/*
 * reconcile.c: a bank statement matched to the tranches it pays, by
 * end-to-end id and amount together: ISO 20022 camt.053 (read with
 * libxml2 as hostile input: no network, no entities substituted, no DTD,
 * a size limit) or a CSV whose columns are found by their header. What
 * matches is paid as mark-paid pays it; what does not is listed, with why.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/core.h"
#include "domain/domain.h"

#define RECONCILE_MAX_BYTES	(1 << 20)	/* as the API takes */

struct reconcile_item {
	char	 where[48];		/* "entry 3", "line 7" */
	char	 e2e[64], bank_ref[65];
	int64_t	 amount;
	char	 why[160];		/* the line cannot be read: why */
};

struct reconcile_list {
	struct reconcile_item	*v;
	size_t			 n, cap;
};

static struct reconcile_item *
reconcile_add(struct reconcile_list *l, const char *fmt, size_t i)
{
	struct reconcile_item	*it;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((l->v = realloc(l->v, l->cap * sizeof *l->v)) == NULL)
			fatal("realloc");
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof *it);
	snprintf(it->where, sizeof it->where, fmt, i);
	it->amount = -1;
	return it;
}

static void
reconcile_amount(struct reconcile_item *it, const char *s)
{
	char	err[GRANT_ERRLEN];

	if (s != NULL && *s == '-')
		s++;
	if (s == NULL || money_parse(s, &it->amount, err, sizeof err) == -1) {
		it->amount = -1;
		snprintf(it->why, sizeof it->why, "the amount '%.40s' is not "
		    "an amount", s ? s : "");
	}
}

/* ---- camt.053 ---- */

static xmlNodePtr
camt_child(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* The text of the element at a path of names below n, or NULL. */
static char *
camt_text(xmlNodePtr n, const char *a, const char *b, const char *c)
{
	const char	*path[3] = { a, b, c };
	int		 i;

	for (i = 0; i < 3 && path[i] != NULL && n != NULL; i++)
		n = camt_child(n, path[i]);
	return n != NULL ? (char *)xmlNodeGetContent(n) : NULL;
}

static void
camt_copy(char *dst, size_t len, char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
	xmlFree(s);
}

/* The amount element at a path, NULL unless it is in pounds (or says no
 * currency). */
static xmlNodePtr
camt_amount(xmlNodePtr n, const char *a, const char *b, const char *c)
{
	const char	*path[3] = { a, b, c };
	xmlChar		*ccy;
	int		 i, gbp;

	for (i = 0; i < 3 && path[i] != NULL && n != NULL; i++)
		n = camt_child(n, path[i]);
	if (n == NULL)
		return NULL;
	ccy = xmlGetProp(n, BAD_CAST "Ccy");
	gbp = ccy == NULL || strcmp((const char *)ccy, "GBP") == 0;
	xmlFree(ccy);
	return gbp ? n : NULL;
}

static void
camt_tx(struct reconcile_list *l, xmlNodePtr ntry, xmlNodePtr tx,
    size_t entry, int single)
{
	struct reconcile_item	*it;
	xmlNodePtr		 an;
	char			*amt;

	it = reconcile_add(l, "entry %zu", entry);
	camt_copy(it->bank_ref, sizeof it->bank_ref, camt_text(ntry,
	    "AcctSvcrRef", NULL, NULL));
	camt_copy(it->e2e, sizeof it->e2e, tx ? camt_text(tx, "Refs",
	    "EndToEndId", NULL) : NULL);
	if (tx != NULL && camt_child(tx, "Amt") != NULL)
		an = camt_amount(tx, "Amt", NULL, NULL);
	else if (tx != NULL && camt_child(tx, "AmtDtls") != NULL)
		an = camt_amount(tx, "AmtDtls", "TxAmt", "Amt");
	else
		an = single ? camt_amount(ntry, "Amt", NULL, NULL) : NULL;
	amt = an != NULL ? (char *)xmlNodeGetContent(an) : NULL;
	reconcile_amount(it, amt);
	if (an == NULL)
		snprintf(it->why, sizeof it->why, "it has no amount in pounds");
	xmlFree(amt);
	if (*it->e2e == '\0')
		snprintf(it->why, sizeof it->why, "it has no end-to-end id");
}

static void
camt_walk(xmlNodePtr n, struct reconcile_list *l, size_t *entry)
{
	xmlNodePtr	 dtls, tx;
	int		 ntx;
	char		*ind;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "Ntry") != 0) {
			camt_walk(n->children, l, entry);
			continue;
		}
		++*entry;
		ind = camt_text(n, "CdtDbtInd", NULL, NULL);
		if (ind != NULL && strcmp(ind, "CRDT") == 0) {
			xmlFree(ind);
			continue;	/* money in: not a payment of ours */
		}
		xmlFree(ind);
		ntx = 0;
		for (dtls = n->children; dtls != NULL; dtls = dtls->next)
			if (dtls->type == XML_ELEMENT_NODE && strcmp((const char *)
			    dtls->name, "NtryDtls") == 0)
				for (tx = dtls->children; tx; tx = tx->next)
					if (tx->type == XML_ELEMENT_NODE &&
					    strcmp((const char *)tx->name,
					    "TxDtls") == 0)
						ntx++;
		if (ntx == 0)
			camt_tx(l, n, NULL, *entry, 1);
		for (dtls = n->children; dtls != NULL; dtls = dtls->next)
			if (dtls->type == XML_ELEMENT_NODE && strcmp((const char *)
			    dtls->name, "NtryDtls") == 0)
				for (tx = dtls->children; tx; tx = tx->next)
					if (tx->type == XML_ELEMENT_NODE &&
					    strcmp((const char *)tx->name,
					    "TxDtls") == 0)
						camt_tx(l, n, tx, *entry,
						    ntx == 1);
	}
}

static int
reconcile_camt(const char *text, size_t len, struct reconcile_list *l,
    struct dom_err *e)
{
	xmlDocPtr	doc;
	size_t		entry = 0;

	/* No XML_PARSE_NOENT: entities stay unexpanded; no network. */
	doc = xmlReadMemory(text, (int)len, "statement.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return dom_fail(e, DOM_BAD, "the statement is not well-formed "
		    "XML");
	if (doc->intSubset != NULL || xmlDocGetRootElement(doc) == NULL ||
	    strcmp((const char *)xmlDocGetRootElement(doc)->name,
	    "Document") != 0) {
		xmlFreeDoc(doc);
		return dom_fail(e, DOM_BAD, "the statement is not a camt.053 "
		    "document (or carries a DTD, which is not read)");
	}
	camt_walk(xmlDocGetRootElement(doc), l, &entry);
	xmlFreeDoc(doc);
	return 0;
}

/* ---- CSV ---- */

/* A header as letters and digits, lower case: "End-to-end ID" → endtoendid */
static void
reconcile_header(const char *in, char *out, size_t len)
{
	size_t	n = 0;

	for (; *in != '\0' && n + 1 < len; in++)
		if (isalnum((unsigned char)*in))
			out[n++] = (char)tolower((unsigned char)*in);
	out[n] = '\0';
}

static int
reconcile_csv(const char *text, size_t len, struct reconcile_list *l,
    struct dom_err *e)
{
	struct csv_record	*recs;
	struct reconcile_item	*it;
	size_t			 n, i, j;
	int			 id = -1, amt = -1, ref = -1;
	char			 h[64], err[GRANT_ERRLEN];

	if (len >= 3 && strncmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (csv_parse(text, len, &recs, &n, err, sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "%s", err);
	for (j = 0; n > 0 && j < recs[0].nfields; j++) {
		reconcile_header(recs[0].fields[j], h, sizeof h);
		if (strcmp(h, "endtoendid") == 0 || (id == -1 &&
		    strcmp(h, "reference") == 0))
			id = (int)j;
		else if (strcmp(h, "amount") == 0)
			amt = (int)j;
		else if (strcmp(h, "bankref") == 0 || strcmp(h,
		    "bankreference") == 0)
			ref = (int)j;
	}
	if (id == -1 || amt == -1) {
		csv_free(recs, n);
		return dom_fail(e, DOM_BAD, "line 1 must be a header naming "
		    "the columns, with at least amount and end_to_end_id (or "
		    "reference)");
	}
	for (i = 1; i < n; i++) {
		it = reconcile_add(l, "line %zu", recs[i].line);
		if ((size_t)id >= recs[i].nfields || (size_t)amt >=
		    recs[i].nfields) {
			snprintf(it->why, sizeof it->why, "it has too few "
			    "columns");
			continue;
		}
		snprintf(it->e2e, sizeof it->e2e, "%s", recs[i].fields[id]);
		if (ref >= 0 && (size_t)ref < recs[i].nfields)
			snprintf(it->bank_ref, sizeof it->bank_ref, "%s",
			    recs[i].fields[ref]);
		reconcile_amount(it, recs[i].fields[amt]);
		if (*it->e2e == '\0' && *it->why == '\0')
			snprintf(it->why, sizeof it->why, "it has no "
			    "end-to-end id");
	}
	csv_free(recs, n);
	return 0;
}

/* ---- matching ---- */

static json_t *
reconcile_match(const char *actor, struct reconcile_list *l,
    struct dom_err *e)
{
	json_t	*matched = json_array(), *unmatched = json_array();
	size_t	 i;
	int	 rc;
	char	 m[MONEY_BUFLEN], ref[80];

	if (db_begin() == -1)
		goto dbfail;
	for (i = 0; i < l->n; i++) {
		struct reconcile_item *it = &l->v[i];

		check_text_clean(it->e2e, 0);
		check_text_clean(it->bank_ref, 0);
		if (it->amount >= 0)
			money_format(it->amount, m, sizeof m);
		else
			*m = '\0';
		if (*it->why != '\0') {
			json_array_append_new(unmatched, json_pack("{s:s,s:s,"
			    "s:s,s:s}", "where", it->where, "end_to_end_id",
			    it->e2e, "amount", m, "why", it->why));
			continue;
		}
		snprintf(ref, sizeof ref, "%s", *it->bank_ref ? it->bank_ref :
		    "statement");
		rc = payrun_pay_tranche(actor, it->e2e, it->amount, ref, e);
		if (rc == -1)
			goto dbfail;
		if (rc == 1)
			json_array_append_new(matched, json_pack("{s:s,s:s,s:s}",
			    "where", it->where, "end_to_end_id", it->e2e,
			    "amount", m));
		else
			json_array_append_new(unmatched, json_pack("{s:s,s:s,"
			    "s:s,s:s}", "where", it->where, "end_to_end_id",
			    it->e2e, "amount", m, "why", e->msg));
	}
	if (db_commit() == -1)
		goto dbfail;
	return json_pack("{s:o,s:o}", "matched", matched, "unmatched",
	    unmatched);
dbfail:
	dom_db_fail(e);
	json_decref(matched);
	json_decref(unmatched);
	return NULL;
}

/* Read a statement (camt.053 if it is XML, else CSV) and pay what matches. */
json_t *
reconcile_statement(const char *actor, const char *text, size_t len,
    struct dom_err *e)
{
	struct reconcile_list	 l;
	json_t			*out;
	const char		*p;
	int			 rc;

	if (text == NULL || len == 0) {
		dom_fail(e, DOM_BAD, "the statement is empty");
		return NULL;
	}
	if (len > RECONCILE_MAX_BYTES) {
		dom_fail(e, DOM_BAD, "the statement is larger than %d MiB",
		    RECONCILE_MAX_BYTES >> 20);
		return NULL;
	}
	memset(&l, 0, sizeof l);
	for (p = text; p < text + len && isspace((unsigned char)*p); p++)
		;
	if (p < text + len && *p == '<')
		rc = reconcile_camt(text, len, &l, e);
	else
		rc = reconcile_csv(text, len, &l, e);
	out = rc == 0 ? reconcile_match(actor, &l, e) : NULL;
	free(l.v);
	return out;
}
