/* grantctl.c: the admin CLI for grantd. */
#include <stdlib.h>

#include "grantctl.h"

int
main(int argc, char **argv)
{
	log_init("grantctl", 1, LOG_LEVEL_WARN);
	if (getenv("GRANTD_SOCKET") != NULL)
		client_socket = getenv("GRANTD_SOCKET");
	return cmd_main(argc, argv);
}
