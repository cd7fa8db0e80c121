/*
 * corpus.h: what the reader tests measured on a corpus of real-looking
 * mail share: the cases in a directory (NN-name.eml with NN-name.json,
 * what its writer meant), each read as grantd reads mail.
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <stddef.h>

#include <jansson.h>

#include "mail/mime.h"

/* The names of dir's files ending in ext, without it, sorted. */
char			**corpus_names(const char *, const char *, size_t *);
/* Case name of dir: its message parsed, and in *want what was meant. */
struct mime_message	 *corpus_case(const char *, const char *, json_t **);

#endif
