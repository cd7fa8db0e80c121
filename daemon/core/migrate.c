/*
 * migrate.c: numbered files in sql/ applied in order, each once, each
 * recorded with its SHA-256 so an edited migration is caught, not ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "core/core.h"
#include "domain/domain.h"

struct migration {
	int	 version;
	char	*name;
	char	*sql;
	char	 sum[65];
};

static int
migrate_cmp(const void *a, const void *b)
{
	return ((const struct migration *)a)->version -
	    ((const struct migration *)b)->version;
}

static void
migrate_free(struct migration *m, size_t n)
{
	while (n-- > 0) {
		free(m[n].name);
		free(m[n].sql);
	}
	free(m);
}

/* The files NNN-name.sql in dir, sorted by NNN. */
static struct migration *
migrate_read_dir(const char *dir, size_t *count, char *err, size_t errlen)
{
	DIR			*d;
	struct dirent		*de;
	struct migration	*m = NULL;
	size_t			 n = 0, len, i;
	char			*path;
	int			 v;

	if ((d = opendir(dir)) == NULL) {
		errfmt(err, errlen, "migrations directory %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 4, ".sql") != 0 ||
		    sscanf(de->d_name, "%3d-", &v) != 1 || v <= 0)
			continue;
		m = realloc(m, (n + 1) * sizeof *m);
		if (m == NULL)
			fatal("realloc");
		m[n].version = v;
		m[n].name = xstrdup(de->d_name);
		xasprintf(&path, "%s/%s", dir, de->d_name);
		m[n].sql = file_read(path, SIZE_MAX, &len);
		free(path);
		if (m[n].sql == NULL) {
			errfmt(err, errlen, "%s/%s: %s", dir, de->d_name,
			    strerror(errno));
			closedir(d);
			migrate_free(m, n + 1);
			return NULL;
		}
		sha256_hex(m[n].sql, len, m[n].sum);
		n++;
	}
	closedir(d);
	qsort(m, n, sizeof *m, migrate_cmp);
	for (i = 1; i < n; i++)
		if (m[i].version == m[i - 1].version) {
			errfmt(err, errlen, "two migrations numbered %03d: %s "
			    "and %s", m[i].version, m[i - 1].name, m[i].name);
			migrate_free(m, n);
			return NULL;
		}
	*count = n;
	return m;
}

static json_t *
migrate_applied(void)
{
	return db_query("SELECT version, name, checksum FROM schema_migrations "
	    "ORDER BY version", "");
}

int
migrate_schema_version(void)
{
	json_t	*row;
	int	 v;

	row = db_query_row("SELECT COALESCE(MAX(version), 0) AS v FROM "
	    "schema_migrations", "");
	if (row == NULL || json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	v = (int)json_integer_value(json_object_get(row, "v"));
	json_decref(row);
	return v;
}

/*
 * Compare what the database has applied with the files and this binary.
 * pending, if not NULL, receives the number of files not yet applied.
 */
static int
migrate_compare(struct migration *m, size_t n, int *pending, char *err,
    size_t errlen)
{
	json_t		*applied, *row;
	size_t		 i, j;
	int		 v, found;

	if ((applied = migrate_applied()) == NULL) {
		errfmt(err, errlen, "cannot read schema_migrations: %s",
		    db_last_error());
		return -1;
	}
	*pending = 0;
	json_array_foreach(applied, j, row) {
		v = (int)json_integer_value(json_object_get(row, "version"));
		if (v > GRANTD_SCHEMA_VERSION) {
			errfmt(err, errlen, "the database schema (version %d) "
			    "is newer than this grantd (version %d): install "
			    "the newer grantd", v, GRANTD_SCHEMA_VERSION);
			json_decref(applied);
			return -1;
		}
		for (found = 0, i = 0; i < n; i++) {
			if (m[i].version != v)
				continue;
			found = 1;
			if (strcmp(m[i].sum, json_string_value(json_object_get(
			    row, "checksum"))) != 0) {
				errfmt(err, errlen, "migration %s was changed "
				    "after it was applied (checksum differs)",
				    m[i].name);
				json_decref(applied);
				return -1;
			}
		}
		if (!found) {
			errfmt(err, errlen, "migration %03d (%s) is applied but "
			    "its file is missing", v, json_string_value(
			    json_object_get(row, "name")));
			json_decref(applied);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		found = 0;
		json_array_foreach(applied, j, row)
			if (json_integer_value(json_object_get(row, "version"))
			    == m[i].version)
				found = 1;
		if (!found)
			(*pending)++;
	}
	json_decref(applied);
	return 0;
}

static int
migrate_table_exists(void)
{
	json_t	*row;
	int	 exists;

	row = db_query_row("SELECT COUNT(*) AS n FROM information_schema.tables "
	    "WHERE table_schema = DATABASE() AND table_name = "
	    "'schema_migrations'", "");
	if (row == NULL)
		return -1;
	exists = !json_is_null(row) &&
	    json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	return exists;
}

/* At startup: the schema must be exactly what this binary expects. */
int
migrate_check(char *err, size_t errlen)
{
	struct migration	*m;
	size_t			 n;
	int			 pending, rc, exists;

	if ((exists = migrate_table_exists()) == -1) {
		errfmt(err, errlen, "%s", db_last_error());
		return -1;
	}
	if (!exists) {
		errfmt(err, errlen, "the database has no grantd schema yet: "
		    "run grantd -c FILE --migrate");
		return -1;
	}
	if ((m = migrate_read_dir(grantd_config->db_migrations, &n, err,
	    errlen)) == NULL)
		return -1;
	rc = migrate_compare(m, n, &pending, err, errlen);
	if (rc == 0 && n > 0 && m[n - 1].version > GRANTD_SCHEMA_VERSION) {
		errfmt(err, errlen, "migration %s is newer than this grantd "
		    "(version %d): install the newer grantd, or remove the file",
		    m[n - 1].name, GRANTD_SCHEMA_VERSION);
		rc = -1;
	}
	migrate_free(m, n);
	if (rc == 0 && pending > 0) {
		errfmt(err, errlen, "%d schema migration%s pending: run "
		    "grantd -c FILE --migrate", pending, pending == 1 ? "" : "s");
		return -1;
	}
	return rc;
}

/* The first admin: the uid that runs --migrate, or [api] admin_uid. */
static int
migrate_first_admin(const struct config *conf, char *err, size_t errlen)
{
	json_t		*row;
	struct passwd	*pw;
	uid_t		 uid;
	char		 name[64];

	row = db_query_row("SELECT COUNT(*) AS n FROM users", "");
	if (row == NULL)
		goto fail;
	if (json_integer_value(json_object_get(row, "n")) > 0) {
		json_decref(row);
		return 0;
	}
	json_decref(row);
	uid = conf->admin_uid >= 0 ? (uid_t)conf->admin_uid : getuid();
	pw = getpwuid(uid);
	snprintf(name, sizeof name, "%s", pw != NULL ? pw->pw_name : "admin");
	if (db_begin() == -1 ||
	    db_exec("INSERT INTO users (name, uid, roles) VALUES (?, ?, "
	    "'admin')", "si", name, (int64_t)uid) != 1 ||
	    audit_append("grantd", "user.create", name,
	    json_pack("{s:I,s:s}", "uid", (json_int_t)uid, "roles", "admin"))
	    == -1 || db_commit() == -1) {
		db_rollback();
		goto fail;
	}
	log_info("created the first admin: %s (uid %u)", name, (unsigned)uid);
	return 0;
fail:
	errfmt(err, errlen, "creating the first admin: %s", db_last_error());
	return -1;
}

int
migrate_apply(const struct config *conf, char *err, size_t errlen)
{
	struct migration	*m;
	size_t			 n, i;
	json_t			*applied, *row;
	int			 pending, done, rc = -1, count = 0;
	size_t			 j;

	if (db_raw("CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, "
	    "checksum CHAR(64) NOT NULL, applied_at DATETIME(6) NOT NULL "
	    "DEFAULT UTC_TIMESTAMP(6)) ENGINE=InnoDB") == -1) {
		errfmt(err, errlen, "creating schema_migrations: %s",
		    db_last_error());
		return -1;
	}
	if ((m = migrate_read_dir(conf->db_migrations, &n, err, errlen)) == NULL)
		return -1;
	if (migrate_compare(m, n, &pending, err, errlen) == -1 ||
	    (applied = migrate_applied()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		done = 0;
		json_array_foreach(applied, j, row)
			if (json_integer_value(json_object_get(row, "version"))
			    == m[i].version)
				done = 1;
		if (done)
			continue;
		if (m[i].version > GRANTD_SCHEMA_VERSION) {
			errfmt(err, errlen, "migration %s is newer than this "
			    "grantd (version %d)", m[i].name,
			    GRANTD_SCHEMA_VERSION);
			json_decref(applied);
			goto out;
		}
		log_info("applying migration %s", m[i].name);
		/* DDL commits implicitly; the record follows the last statement. */
		if (db_raw(m[i].sql) == -1 ||
		    db_exec("INSERT INTO schema_migrations (version, name, "
		    "checksum) VALUES (?, ?, ?)", "dss", m[i].version, m[i].name,
		    m[i].sum) != 1) {
			errfmt(err, errlen, "migration %s failed: %s",
			    m[i].name, db_last_error());
			json_decref(applied);
			goto out;
		}
		count++;
	}
	json_decref(applied);
	log_info("schema is at version %d (%d migration%s applied now)",
	    migrate_schema_version(), count, count == 1 ? "" : "s");
	rc = migrate_first_admin(conf, err, errlen);
out:
	migrate_free(m, n);
	return rc;
}
