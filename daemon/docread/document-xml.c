/*
 * document-xml.c: the text of a word-processor XML part (Word's
 * document.xml, ODF's content.xml) as the lines a person would have typed
 * into an email: a paragraph per line, and a table row of two cells (the
 * usual question | answer form) as one "question: answer" line.
 *
 * The XML is a stranger's: no network, no DTD loading, no entity
 * substitution, and a document that declares its own DTD is refused
 * outright (no word processor writes one; entity tricks need one).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "grant.h"
#include "mail/document.h"

#define XML_MAX_SPACES	100	/* text:s c="..." is the sender's number */

struct xml_walk {
	const struct document_xml_names	*n;
	const struct document_limits	*l;
	struct strbuf			*out;
	int				 in_para, in_text;
	int				 full;		/* text limit reached */
	int				 too_deep;
};

static void	xml_walk(struct xml_walk *, xmlNode *, int);

static int
xml_is(const struct xml_walk *w, const xmlNode *node, const char *name)
{
	const char *const	*ns;

	if (name == NULL || node->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)node->name, name) != 0 || node->ns == NULL ||
	    node->ns->href == NULL)
		return 0;
	for (ns = w->n->ns; *ns != NULL; ns++)
		if (strcmp((const char *)node->ns->href, *ns) == 0)
			return 1;
	return 0;
}

static int
xml_is_skipped(const struct xml_walk *w, const xmlNode *node)
{
	const char *const	*s;

	for (s = w->n->skip; s != NULL && *s != NULL; s++)
		if (xml_is(w, node, *s))
			return 1;
	return 0;
}

static void
xml_add(struct xml_walk *w, const char *s, size_t len)
{
	if (w->full)
		return;
	if (w->out->len + len > w->l->max_text) {
		w->full = 1;
		return;
	}
	strbuf_add(w->out, s, len);
}

/* Line ends inside a paragraph's text are layout, not the writer's. */
static void
xml_add_text(struct xml_walk *w, const char *s)
{
	char	*copy = xstrdup(s), *p;

	for (p = copy; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	xml_add(w, copy, strlen(copy));
	free(copy);
}

static int
xml_line_open(const struct strbuf *b)
{
	return b->len > 0 && b->s[b->len - 1] != '\n';
}

/* A content control still showing its prompt holds no answer. */
static int
xml_is_prompt(const struct xml_walk *w, xmlNode *node)
{
	xmlNode	*c, *p;

	for (c = node->children; c != NULL; c = c->next) {
		if (!xml_is(w, c, w->n->control_pr))
			continue;
		for (p = c->children; p != NULL; p = p->next)
			if (xml_is(w, p, w->n->placeholder))
				return 1;
	}
	return 0;
}

static void
xml_spaces(struct xml_walk *w, xmlNode *node)
{
	xmlChar	*c = NULL;
	xmlAttr	*a;
	long	 n = 1;

	for (a = node->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, "c") == 0)
			c = xmlNodeGetContent((xmlNode *)a);
	if (c != NULL) {
		n = strtol((const char *)c, NULL, 10);
		xmlFree(c);
	}
	while (n-- > 0 && n < XML_MAX_SPACES)
		xml_add(w, " ", 1);
}

static void
xml_para(struct xml_walk *w, xmlNode *node, int depth)
{
	/* A text box inside a paragraph starts lines of its own. */
	if (xml_line_open(w->out))
		xml_add(w, "\n", 1);
	w->in_para++;
	xml_walk(w, node, depth + 1);
	w->in_para--;
	xml_add(w, "\n", 1);
}

/* One cell's text alone, its trailing line ends dropped. */
static char *
xml_cell(struct xml_walk *w, xmlNode *node, int depth)
{
	struct strbuf	 b = { NULL, 0, 0 }, *saved = w->out;

	strbuf_add(&b, "", 0);
	w->out = &b;
	xml_walk(w, node, depth + 1);
	w->out = saved;
	while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
		b.s[--b.len] = '\0';
	return b.s;
}

static void
xml_flatten(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n')
			*s = ' ';
}

/* Question | answer becomes "question: answer"; other rows, cell by cell. */
static void
xml_row(struct xml_walk *w, xmlNode *node, int depth)
{
	char	*cells[2] = { NULL, NULL }, *extra;
	xmlNode	*c;
	int	 n = 0, i;

	if (xml_line_open(w->out))
		xml_add(w, "\n", 1);
	for (c = node->children; c != NULL && !w->full; c = c->next) {
		if (!xml_is(w, c, w->n->cell))
			continue;
		extra = xml_cell(w, c, depth);
		if (n < 2)
			cells[n] = extra;
		else {
			if (n == 2) {
				for (i = 0; i < 2; i++) {
					xml_add(w, cells[i], strlen(cells[i]));
					xml_add(w, "\n", 1);
				}
			}
			xml_add(w, extra, strlen(extra));
			xml_add(w, "\n", 1);
			free(extra);
		}
		n++;
	}
	if (n == 2 && *cells[0] != '\0') {
		xml_flatten(cells[0]);
		xml_add(w, cells[0], strlen(cells[0]));
		if (cells[0][strlen(cells[0]) - 1] != ':')
			xml_add(w, ":", 1);
		xml_add(w, " ", 1);
		xml_add(w, cells[1], strlen(cells[1]));
		xml_add(w, "\n", 1);
	} else if (n == 2 || n == 1) {
		xml_add(w, cells[n - 1], strlen(cells[n - 1]));
		xml_add(w, "\n", 1);
	}
	free(cells[0]);
	free(cells[1]);
}

static void
xml_element(struct xml_walk *w, xmlNode *node, int depth)
{
	const struct document_xml_names	*n = w->n;

	if (xml_is_skipped(w, node))
		return;
	if (xml_is(w, node, n->control) && xml_is_prompt(w, node))
		return;
	if (xml_is(w, node, n->para) || xml_is(w, node, n->para2))
		xml_para(w, node, depth);
	else if (xml_is(w, node, n->row))
		xml_row(w, node, depth);
	else if (xml_is(w, node, n->tab))
		xml_add(w, " ", 1);
	else if (xml_is(w, node, n->brk) || xml_is(w, node, n->brk2))
		xml_add(w, "\n", 1);
	else if (xml_is(w, node, n->space))
		xml_spaces(w, node);
	else if (xml_is(w, node, n->text)) {
		w->in_text++;
		xml_walk(w, node, depth + 1);
		w->in_text--;
	} else
		xml_walk(w, node, depth + 1);
}

static void
xml_walk(struct xml_walk *w, xmlNode *parent, int depth)
{
	xmlNode	*node;

	if (depth > w->l->max_depth) {
		w->too_deep = 1;
		return;
	}
	for (node = parent->children; node != NULL && !w->full &&
	    !w->too_deep; node = node->next) {
		if (node->type == XML_TEXT_NODE ||
		    node->type == XML_CDATA_SECTION_NODE) {
			if ((w->n->text == NULL ? w->in_para : w->in_text) > 0 &&
			    node->content != NULL)
				xml_add_text(w, (const char *)node->content);
		} else if (node->type == XML_ELEMENT_NODE)
			xml_element(w, node, depth);
	}
}

static xmlDoc *
xml_parse(const char *xml, size_t len, char *err, size_t errlen)
{
	const xmlError	*e;
	xmlDoc		*doc;

	if (len > INT_MAX) {
		errfmt(err, errlen, "its text part is too large");
		return NULL;
	}
	doc = xmlReadMemory(xml, (int)len, "document.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		errfmt(err, errlen, "its text part is not well-formed XML%s%s",
		    e != NULL && e->message != NULL ? ": " : "",
		    e != NULL && e->message != NULL ? e->message : "");
		utf8_truncate(err, errlen);
		return NULL;
	}
	if (doc->intSubset != NULL || xmlDocGetRootElement(doc) == NULL) {
		errfmt(err, errlen, "its text part declares a DTD or is "
		    "empty, which no word processor writes");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int
document_xml_text(const char *xml, size_t len,
    const struct document_xml_names *names, const struct document_limits *l,
    char **text, char *err, size_t errlen)
{
	struct strbuf	 b = { NULL, 0, 0 };
	struct xml_walk	 w;
	xmlDoc		*doc;
	xmlNode		 top;

	if ((doc = xml_parse(xml, len, err, errlen)) == NULL)
		return -1;
	memset(&w, 0, sizeof w);
	w.n = names;
	w.l = l;
	w.out = &b;
	strbuf_add(&b, "", 0);
	/* Walk from a stand-in parent so the root is treated like any node. */
	memset(&top, 0, sizeof top);
	top.children = xmlDocGetRootElement(doc);
	xml_walk(&w, &top, 0);
	xmlFreeDoc(doc);
	if (w.too_deep) {
		free(b.s);
		errfmt(err, errlen, "its XML nests deeper than %d, the limit",
		    l->max_depth);
		return -1;
	}
	*text = b.s;
	return 0;
}
