/*
 * transport.c: how outgoing mail leaves, chosen by [mail] transport. Each
 * transport takes one message and reports once, through done(), whether it
 * was accepted, may be retried, or failed for good.
 */
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"

static const struct transport *transports[] = {
	&transport_smtp, &transport_sendmail, &transport_maildir,
};

const struct transport *
transport_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof transports / sizeof transports[0]; i++)
		if (strcmp(transports[i]->name, name) == 0)
			return transports[i];
	return NULL;
}
