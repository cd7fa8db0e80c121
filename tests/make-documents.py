#!/usr/bin/python3
"""make-documents.py OUTDIR: the test documents, made here rather than kept
as opaque files: one application form as a .docx (paragraphs, a table,
content controls), an .odt, a text PDF and a fillable PDF, each holding the
same answers as form.txt; and hostile files (a zip bomb, a truncated zip,
XML with external entities, a PDF of random bytes, a PDF of 10,000 pages,
XML nested too deep, a zip of too many entries, a very large text part)."""
import os
import random
import sys
import zipfile

FORM = [
    ("Organisation name", ["Oakfield Allotment Society"]),
    ("Organisation type", ["Unincorporated community group"]),
    ("Contact name", ["Joan Davies"]),
    ("Email", ["joan.davies@example.org"]),
    ("Phone", ["0113 496 0000"]),
    ("Postcode", ["LS6 2AB"]),
    ("Project title", ["Oakfield Growing Together"]),
    ("Project summary", ["Weekly gardening sessions for older neighbours "
                         "who live alone, with tea afterwards.",
                         "We will share the harvest with the food bank."]),
    ("Priorities", ["1, 4"]),
    ("Amount requested", ["\u00a3450"]),
    ("Start date", ["1 March 2027"]),
    ("End date", ["31/08/2027"]),
    ("People who will benefit", ["40 older residents of the Oakfield estate"]),
    ("Budget", ["Seeds and compost \u00a3120", "Hand tools \u00a3180",
                "Tea and biscuits \u00a3150"]),
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
      'openxmlformats.org/package/2006/content-types"><Default Extension="xml"'
      ' ContentType="application/xml"/><Override PartName="/word/document.xml"'
      ' ContentType="application/vnd.openxmlformats-officedocument.'
      'wordprocessingml.document.main+xml"/></Types>')


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def form_text():
    out = []
    for label, lines in FORM:
        out.append("%s: %s" % (label, lines[0]))
        out.extend(lines[1:])
    return "\n".join(out) + "\n"


def w_p(text):
    return '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % esc(text)


def docx(path, body, prefix=""):
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>%s'
           '<w:document xmlns:w="%s" xmlns:v="urn:schemas-microsoft-com:vml">'
           '<w:body>%s</w:body></w:document>' % (prefix, W, body))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("word/document.xml", xml)


def docx_paragraphs(path):
    body = [w_p("Application form, Fast Grants"), w_p("")]
    for label, lines in FORM:
        if label == "Project title":
            # In a text box, as some templates have it.
            body.append('<w:p><w:r><w:pict><v:shape><v:textbox>'
                        '<w:txbxContent>%s</w:txbxContent></v:textbox>'
                        '</v:shape></w:pict></w:r></w:p>'
                        % w_p("%s: %s" % (label, lines[0])))
            continue
        # Label and answer in separate runs, with a tab between.
        body.append('<w:p><w:r><w:t>%s:</w:t></w:r><w:r><w:tab/></w:r>'
                    '<w:r><w:t>%s</w:t></w:r></w:p>'
                    % (esc(label), esc(lines[0])))
        body.extend(w_p(l) for l in lines[1:])
    body.append('<w:p><w:del><w:r><w:delText>Phone: 0000</w:delText></w:r>'
                '</w:del></w:p>')
    docx(path, "".join(body))


def docx_table(path):
    rows = []
    for label, lines in FORM:
        cell2 = "".join(w_p(l) for l in lines)
        rows.append('<w:tr><w:tc>%s</w:tc><w:tc>%s</w:tc></w:tr>'
                    % (w_p(label), cell2))
    docx(path, w_p("Application form") + '<w:tbl>%s</w:tbl>' % "".join(rows)
         + w_p("Thank you."))


def docx_controls(path):
    body = [w_p("Application form")]
    for label, lines in FORM:
        ctl = ''.join('<w:r><w:t>%s</w:t></w:r>' % esc(l) for l in lines[:1])
        body.append('<w:p><w:r><w:t xml:space="preserve">%s: </w:t></w:r>'
                    '<w:sdt><w:sdtPr><w:alias w:val="%s"/></w:sdtPr>'
                    '<w:sdtContent>%s</w:sdtContent></w:sdt></w:p>'
                    % (esc(label), esc(label), ctl))
        body.extend('<w:sdt><w:sdtContent>%s</w:sdtContent></w:sdt>' % w_p(l)
                    for l in lines[1:])
    # A control left as its prompt is not an answer.
    body.append('<w:p><w:r><w:t xml:space="preserve">Charity number: </w:t>'
                '</w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>'
                '<w:sdtContent><w:r><w:t>Click or tap here to enter text.'
                '</w:t></w:r></w:sdtContent></w:sdt></w:p>')
    docx(path, "".join(body))


def odt(path):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    rows = []
    for label, lines in FORM[:7]:
        rows.append('<table:table-row><table:table-cell><text:p>%s</text:p>'
                    '</table:table-cell><table:table-cell><text:p>%s</text:p>'
                    '</table:table-cell></table:table-row>'
                    % (esc(label), esc(lines[0])))
    paras = []
    for label, lines in FORM[7:]:
        paras.append('<text:p><text:span>%s:</text:span><text:s/>%s</text:p>'
                     % (esc(label), esc(lines[0])))
        paras.extend('<text:p>%s</text:p>' % esc(l) for l in lines[1:])
    xml = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
           '<office:body><office:text><text:h>Application form</text:h>'
           '<table:table>%s</table:table>%s'
           '<office:annotation><text:p>Phone: 0000</text:p></office:annotation>'
           '</office:text></office:body></office:document-content>'
           % (ns, "".join(rows), "".join(paras)))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", xml, compress_type=zipfile.ZIP_DEFLATED)


def pdf_str(s):
    b = s.encode("cp1252")
    out = ""
    for c in b:
        ch = chr(c)
        if ch in "()\\":
            out += "\\" + ch
        elif c < 32 or c > 126:
            out += "\\%03o" % c
        else:
            out += ch
    return "(" + out + ")"


def pdf_write(path, objs):
    """objs: list of object bodies (bytes or str), numbered from 1."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        if isinstance(o, str):
            o = o.encode("latin-1")
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, x))
    with open(path, "wb") as f:
        f.write(out)


def stream(data):
    return "<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf_lines(lines):
    ops = ["BT /F1 11 Tf 14 TL 50 800 Td"]
    for l in lines:
        ops.append("%s Tj T*" % pdf_str(l))
    ops.append("ET")
    return "\n".join(ops)


def pdf_text(path):
    lines = ["Application form"] + form_text().splitlines()
    pdf_write(path, [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(pdf_lines(lines)),
        FONT,
    ])


def pdf_fillable(path):
    labels = [l for l, _ in FORM]
    fields = []
    objs = [None, None, None, None, FONT]   # 1..5 fixed below
    for i, (label, lines) in enumerate(FORM):
        n = len(objs) + 1
        fields.append(n)
        y = 790 - 20 * i
        value = "\r".join(lines)
        objs.append("<< /Type /Annot /Subtype /Widget /FT /Tx /T %s /TU %s "
                    "/V %s /Rect [250 %d 550 %d] /P 3 0 R %s>>"
                    % (pdf_str("field%d" % i), pdf_str(label), pdf_str(value),
                       y - 4, y + 12, "/Ff 4096 " if len(lines) > 1 else ""))
    refs = " ".join("%d 0 R" % n for n in fields)
    objs[0] = ("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] "
               "/DA (/Helv 0 Tf 0 g) >> >>" % refs)
    objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    objs[2] = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R "
               "/Annots [%s] >>" % refs)
    ops = ["BT /F1 11 Tf"]
    for i, label in enumerate(labels):
        ops.append("1 0 0 1 50 %d Tm %s Tj" % (790 - 20 * i, pdf_str(label + ":")))
    ops.append("ET")
    objs[3] = stream("\n".join(ops))
    pdf_write(path, objs)


def pdf_pages(path, n):
    kids = " ".join("%d 0 R" % (i + 4) for i in range(n))
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
            stream(pdf_lines(["Page text"]))]
    for _ in range(n):
        objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    "/Resources << /Font << /F1 %d 0 R >> >> /Contents 3 0 R >>"
                    % (n + 4))
    objs.append(FONT)
    pdf_write(path, objs)


def zip_bomb(path, size):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        with z.open("word/document.xml", "w") as f:
            f.write(('<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>' % W)
                    .encode())
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)


def lying_bomb(src, path):
    """The same bomb, its sizes rewritten to claim 5,000 bytes."""
    data = bytearray(open(src, "rb").read())
    i = data.find(b"word/document.xml") - 30      # its local header
    data[i + 22:i + 26] = (5000).to_bytes(4, "little")
    j = data.rfind(b"PK\x01\x02")                 # its central entry (last)
    data[j + 24:j + 28] = (5000).to_bytes(4, "little")
    open(path, "wb").write(data)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    p = lambda n: os.path.join(d, n)
    open(p("form.txt"), "w").write(form_text())
    docx_paragraphs(p("paragraphs.docx"))
    docx_table(p("table.docx"))
    docx_controls(p("controls.docx"))
    odt(p("form.odt"))
    pdf_text(p("form.pdf"))
    pdf_fillable(p("fillable.pdf"))
    # Hostile, or over a limit.
    zip_bomb(p("bomb.docx"), 200 << 20)
    lying_bomb(p("bomb.docx"), p("lying-bomb.docx"))
    data = open(p("table.docx"), "rb").read()
    open(p("truncated.docx"), "wb").write(data[:len(data) // 2])
    docx(p("entities.docx"), w_p("Organisation name: &xxe;"),
         '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    random.seed(12)
    open(p("random.pdf"), "wb").write(b"%PDF-1.4\n" +
                                      bytes(random.getrandbits(8) for _ in range(50000)))
    pdf_pages(p("pages.pdf"), 10000)
    docx(p("deep.docx"), "<w:sdt>" * 200 + w_p("deep") + "</w:sdt>" * 200)
    with zipfile.ZipFile(p("entries.docx"), "w") as z:
        z.writestr("word/document.xml", "<x/>")
        for i in range(3000):
            z.writestr("f%d" % i, "")
    docx(p("large.docx"), w_p("Organisation name: Large") +
         "".join(w_p("line %d of a long document" % i) for i in range(400000)))
    open(p("notadocx.docx"), "wb").write(b"This is plain text named .docx\n")


main()
