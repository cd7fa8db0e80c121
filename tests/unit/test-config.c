/* test-config.c: grantd.conf parsing, defaults and exact error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"

static char	path[] = "/tmp/grantd-config-XXXXXX";

static struct config *
load(const char *text, char *err, size_t errlen)
{
	FILE	*f;
	int	 fd;

	strcpy(path, "/tmp/grantd-config-XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		fail_msg("mkstemp");
	fputs(text, f);
	fclose(f);
	return config_load(path, err, errlen);
}

static void
refused(const char *text, const char *want)
{
	struct config	*c;
	char		 err[GRANT_ERRLEN] = "", full[GRANT_ERRLEN + 64];

	c = load(text, err, sizeof err);
	unlink(path);
	if (c != NULL)
		fail_msg("accepted: %s", text);
	snprintf(full, sizeof full, "%s:%s", path, want);
	if (strcmp(err, full) != 0)
		fail_msg("error '%s', wanted '%s'", err, full);
}

static void
test_config_defaults(void **state)
{
	struct config	*c;
	char		 err[GRANT_ERRLEN];

	c = load("# nothing but a comment\n", err, sizeof err);
	unlink(path);
	assert_non_null(c);
	assert_string_equal(c->api_socket, GRANT_DEFAULT_SOCKET);
	assert_int_equal(c->db_port, 3306);
	assert_string_equal(c->db_name, "grantd");
	assert_null(c->db_socket);
	assert_int_equal(c->admin_uid, -1);
	assert_int_equal(c->log_level, LOG_LEVEL_INFO);
	config_free(c);
}

/* Each mailbox type has its own poll_interval unless one is given. */
static void
test_config_intake_poll(void **state)
{
	struct config	*c;
	char		 err[GRANT_ERRLEN];

	c = load("[intake a]\ntype = maildir\npath = /m\nround = FG\n"
	    "[intake b]\ntype = imap\nurl = imap://127.0.0.1/INBOX\n"
	    "user = u\nround = FG\n[intake c]\ntype = imap\n"
	    "url = imap://127.0.0.1/INBOX\nuser = u\nround = FG\n"
	    "poll_interval = 120\n", err, sizeof err);
	unlink(path);
	if (c == NULL)
		fail_msg("refused: %s", err);
	assert_int_equal(c->nintake, 3);
	assert_int_equal(c->intake[0]->poll_interval, 60);
	assert_int_equal(c->intake[1]->poll_interval, 5);
	assert_int_equal(c->intake[2]->poll_interval, 120);
	config_free(c);
}

static void
test_config_values(void **state)
{
	struct config	*c;
	char		 err[GRANT_ERRLEN], *pw;

	c = load("[grantd]\nlog_level = debug\n\n[database]\n"
	    "  socket = /run/mysqld/mysqld.sock  \n; comment\nname=grants\n"
	    "port = 3307\npassword_file = /nonexistent/pw\n[api]\n"
	    "admin_uid = 1000\n", err, sizeof err);
	unlink(path);
	assert_non_null(c);
	assert_string_equal(c->db_socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c->db_name, "grants");
	assert_int_equal(c->db_port, 3307);
	assert_int_equal(c->admin_uid, 1000);
	assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(config_read_password(c, &pw, err, sizeof err), -1);
	assert_non_null(strstr(err, "password_file /nonexistent/pw"));
	config_free(c);
}

static void
test_config_errors(void **state)
{
	refused("[api]\nsocket = /x\ncolour = blue\n",
	    "3: unknown key 'colour' in [api]");
	refused("[database]\nport = 70000\n",
	    "2: key 'port': '70000' is not a number from 1 to 65535");
	refused("[database]\nport = 33o6\n",
	    "2: key 'port': '33o6' is not a number from 1 to 65535");
	refused("[grantd]\nlog_level = loud\n",
	    "2: key 'log_level': 'loud' is not one of error, warn, info, debug");
	refused("[nope]\n", "1: unknown section [nope]");
	refused("[api\n", "1: section header '[api' has no ']'");
	refused("name = x\n", "1: key 'name' is outside any [section]");
	refused("[database]\nname\n", "2: expected 'key = value', not 'name'");
	refused("[database]\nname =\n", "2: key 'name': empty value");
}

static void
test_config_keys_listed(void **state)
{
	const char	*section, *key;
	size_t		 i;

	for (i = 0; (key = config_key_name(i, &section)) != NULL; i++) {
		assert_non_null(section);
		assert_true(strlen(key) > 0);
	}
	assert_true(i >= 10);
}

/* STARTTLS is "try" by default only for a server on this machine. */
static void
test_config_starttls_default(void **state)
{
	static const char *loopback[] = { "smtp://127.0.0.1:25",
	    "smtp://127.1.2.3", "imap://localhost/INBOX", "imap://LOCALHOST:143",
	    "smtp://[::1]:587", "imap://user@127.0.0.1:143/INBOX", NULL };
	static const char *remote[] = { "smtp://mail.example.org:587",
	    "smtp://192.0.2.25", "imap://[2001:db8::1]/INBOX",
	    "imap://localhost.example.org/INBOX", "smtp://128.0.0.1",
	    "imap://127.0.0.1@evil.example.org/INBOX", "smtp://[::2]",
	    "smtp://localhost@192.0.2.1", "", NULL };
	struct config	*c;
	char		 err[GRANT_ERRLEN];
	int		 i;

	(void)state;
	for (i = 0; loopback[i] != NULL; i++)
		if (strcmp(config_starttls_default(loopback[i]), "try") != 0)
			fail_msg("%s: not try", loopback[i]);
	for (i = 0; remote[i] != NULL; i++)
		if (strcmp(config_starttls_default(remote[i]), "required") != 0)
			fail_msg("%s: not required", remote[i]);
	assert_string_equal(config_starttls_default(NULL), "required");

	/* Through grantd.conf: the default follows the URL, a value wins. */
	c = load("# defaults\n", err, sizeof err);
	unlink(path);
	assert_non_null(c);
	assert_string_equal(c->mail_smtp_starttls, "try");	/* 127.0.0.1 */
	config_free(c);
	c = load("[mail]\nsmtp_url = smtp://relay.example.org:587\n"
	    "[intake a]\ntype = imap\nurl = imap://imap.example.org/INBOX\n"
	    "user = u\nround = FG\n[intake b]\ntype = imap\n"
	    "url = imap://127.0.0.1/INBOX\nuser = u\nround = FG\n"
	    "[intake c]\ntype = imap\nurl = imap://imap.example.org/INBOX\n"
	    "user = u\nround = FG\nstarttls = try\n", err, sizeof err);
	unlink(path);
	assert_non_null(c);
	assert_string_equal(c->mail_smtp_starttls, "required");
	assert_string_equal(c->intake[0]->starttls, "required");
	assert_string_equal(c->intake[1]->starttls, "try");
	assert_string_equal(c->intake[2]->starttls, "try");
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_intake_poll),
		cmocka_unit_test(test_config_starttls_default),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_keys_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
