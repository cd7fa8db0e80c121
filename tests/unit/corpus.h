/*
 * corpus.h: what the reader tests measured on a corpus of real-looking
 * mail share: the cases in a directory (NN-name.eml with NN-name.json,
 * what its writer meant), each parsed as grantd parses mail.
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <stddef.h>

#include <jansson.h>

#include "mail/mime.h"

/* The names of dir's files ending in ext, without it, sorted. */
char			**corpus_names(const char *, const char *, size_t *);
/* Each .eml case of dir, at least min of them, read by read (its body)
 * and handed to measure(name, got, want, arg). How many cases. */
size_t			  corpus_each(const char *, size_t,
			      json_t *(*)(const char *),
			      void (*)(const char *, json_t *, json_t *, void *),
			      void *);

#endif
