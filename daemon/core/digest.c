/*
 * digest.c: SHA-256 for content hashes, attachment sums, migration sums
 * and the audit chain. In the daemon, not lib/: libcrypto's loading alone
 * would be a third of grantctl's start-up, and grantctl never hashes.
 */
#include <stdio.h>

#include <openssl/evp.h>

#include "core/core.h"

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		fatalx("sha256 failed");
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}
