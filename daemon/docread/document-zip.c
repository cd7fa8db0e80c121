/*
 * document-zip.c: one named entry of a zip held in memory, read with
 * libzip. Sizes written in a zip are the sender's word, so they only
 * reject early; the real stop is counting the bytes as they inflate, which
 * ends a zip bomb at the limit after reading no more than the limit.
 */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "grant.h"
#include "mail/document.h"

#define ZIP_CHUNK	65536

static int
zip_check_entries(zip_t *z, const struct document_limits *l, char *err,
    size_t errlen)
{
	zip_int64_t	n = zip_get_num_entries(z, 0), i;
	zip_stat_t	st;
	zip_uint64_t	total = 0;

	if (n > l->max_entries) {
		errfmt(err, errlen, "it holds %lld files; the limit is %ld",
		    (long long)n, l->max_entries);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) == 0 &&
		    (st.valid & ZIP_STAT_SIZE))
			total += st.size;
		if (total > l->max_expanded) {
			errfmt(err, errlen, "it says it expands to more than "
			    "%zu bytes, the limit", l->max_expanded);
			return -1;
		}
	}
	return 0;
}

static int
zip_read_all(zip_file_t *f, const char *name, const struct document_limits *l,
    char **out, size_t *outlen, char *err, size_t errlen)
{
	size_t		 limit = l->max_entry < l->max_expanded ? l->max_entry :
			    l->max_expanded;
	struct strbuf	 b = { NULL, 0, 0 };
	char		 buf[ZIP_CHUNK];
	zip_int64_t	 n;

	while ((n = zip_fread(f, buf, sizeof buf)) > 0) {
		if (b.len + (size_t)n > limit) {
			free(b.s);
			errfmt(err, errlen, "%s expands past %zu bytes, the "
			    "limit", name, limit);
			return -1;
		}
		strbuf_add(&b, buf, (size_t)n);
	}
	if (n < 0) {
		free(b.s);
		errfmt(err, errlen, "%s cannot be unpacked: %s", name,
		    zip_error_strerror(zip_file_get_error(f)));
		return -1;
	}
	strbuf_add(&b, "", 0);
	*out = b.s;
	*outlen = b.len;
	return 0;
}

int
document_zip_entry(const unsigned char *data, size_t len, const char *name,
    const struct document_limits *l, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	zip_error_t	 ze;
	zip_source_t	*src;
	zip_t		*z;
	zip_file_t	*f;
	zip_int64_t	 idx;
	int		 rc = -1;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (z = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		errfmt(err, errlen, "it is not a readable zip file: %s",
		    zip_error_strerror(&ze));
		if (src != NULL)
			zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	if (zip_check_entries(z, l, err, errlen) == -1)
		goto out;
	if ((idx = zip_name_locate(z, name, 0)) < 0) {
		errfmt(err, errlen, "it has no %s", name);
		goto out;
	}
	if ((f = zip_fopen_index(z, (zip_uint64_t)idx, 0)) == NULL) {
		errfmt(err, errlen, "%s cannot be opened: %s", name,
		    zip_strerror(z));
		goto out;
	}
	rc = zip_read_all(f, name, l, out, outlen, err, errlen);
	zip_fclose(f);
out:
	zip_discard(z);
	return rc;
}
