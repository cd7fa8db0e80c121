/*
 * document-pdf.c: a PDF form with poppler: the fields of a fillable form
 * first, as "name: value" lines (the form reader keeps the first answer
 * to a question, and a field's value is the surest one), then the text
 * layer page by page, up to the page limit.
 */
#include <string.h>

#include <poppler.h>

#include "grant.h"
#include "mail/document.h"

struct pdf_out {
	struct strbuf			 b;
	const struct document_limits	*l;
};

static void
pdf_add(struct pdf_out *o, const char *s)
{
	size_t	len = strlen(s);

	if (o->b.len + len > o->l->max_text)
		len = o->l->max_text > o->b.len ? o->l->max_text - o->b.len : 0;
	strbuf_add(&o->b, s, len);
}

/* The question a field asks: its tooltip if it has one, else its name. */
static void
pdf_field(struct pdf_out *o, PopplerFormField *f)
{
	gchar	*label, *value = NULL;

	if (poppler_form_field_get_field_type(f) == POPPLER_FORM_FIELD_TEXT)
		value = poppler_form_field_text_get_text(f);
	else if (poppler_form_field_get_field_type(f) ==
	    POPPLER_FORM_FIELD_CHOICE)
		value = poppler_form_field_choice_get_text(f);
	if (value == NULL || *value == '\0') {
		g_free(value);
		return;
	}
	if ((label = poppler_form_field_get_alternate_ui_name(f)) == NULL ||
	    *label == '\0') {
		g_free(label);
		label = poppler_form_field_get_partial_name(f);
	}
	if (label != NULL && *label != '\0') {
		g_strdelimit(label, "\r\n", ' ');
		pdf_add(o, label);
		pdf_add(o, label[strlen(label) - 1] == ':' ? " " : ": ");
	}
	g_strdelimit(value, "\r", '\n');	/* PDF multi-line text */
	pdf_add(o, value);
	pdf_add(o, "\n");
	g_free(label);
	g_free(value);
}

/*
 * Reading order, top to bottom then left to right, as a person fills it
 * (the mapping's y grows up the page, as in PDF).
 */
static gint
pdf_field_order(gconstpointer a, gconstpointer b)
{
	const PopplerRectangle	*ra = &((const PopplerFormFieldMapping *)a)->area;
	const PopplerRectangle	*rb = &((const PopplerFormFieldMapping *)b)->area;

	if (ra->y1 != rb->y1)
		return ra->y1 > rb->y1 ? -1 : 1;
	return ra->x1 < rb->x1 ? -1 : ra->x1 > rb->x1;
}

static void
pdf_fields(struct pdf_out *o, PopplerPage *page)
{
	GList	*map, *m;

	map = g_list_sort(poppler_page_get_form_field_mapping(page),
	    pdf_field_order);
	for (m = map; m != NULL; m = m->next)
		pdf_field(o, ((PopplerFormFieldMapping *)m->data)->field);
	poppler_page_free_form_field_mapping(map);
}

static int
pdf_pages(PopplerDocument *doc, struct pdf_out *o)
{
	PopplerPage	*page;
	gchar		*text;
	int		 n, i;

	n = poppler_document_get_n_pages(doc);
	if (n > o->l->max_pages)
		n = o->l->max_pages;
	for (i = 0; i < n; i++)
		if ((page = poppler_document_get_page(doc, i)) != NULL) {
			pdf_fields(o, page);
			g_object_unref(page);
		}
	for (i = 0; i < n; i++) {
		if ((page = poppler_document_get_page(doc, i)) == NULL)
			continue;
		if ((text = poppler_page_get_text(page)) != NULL) {
			pdf_add(o, text);
			pdf_add(o, "\n");
			g_free(text);
		}
		g_object_unref(page);
	}
	return n;
}

int
document_pdf_text(const unsigned char *data, size_t len,
    const struct document_limits *l, char **text, char *err, size_t errlen)
{
	PopplerDocument	*doc;
	GBytes		*bytes;
	GError		*ge = NULL;
	struct pdf_out	 o = { { NULL, 0, 0 }, l };

	if (len < 5 || memcmp(data, "%PDF-", 5) != 0) {
		errfmt(err, errlen, "it is not a PDF");
		return -1;
	}
	bytes = g_bytes_new_static(data, len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		errfmt(err, errlen, "the PDF cannot be read: %s",
		    ge != NULL ? ge->message : "unknown error");
		utf8_truncate(err, errlen);
		g_clear_error(&ge);
		return -1;
	}
	strbuf_add(&o.b, "", 0);
	pdf_pages(doc, &o);
	g_object_unref(doc);
	*text = o.b.s;
	return 0;
}
