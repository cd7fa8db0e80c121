# services.sh: start and stop the private services grantd's scripts use.
# Sourced by scripts/test and scripts/quickstart; nothing here touches the
# system's own services.

# The Debian packages grantd needs to build, test and run.
GRANTD_PACKAGES="autoconf automake make gcc pkg-config libevent-dev
libmariadb-dev mariadb-server mariadb-client libcurl4-openssl-dev libxml2-dev
libxml2-utils libjansson-dev libcmocka-dev libgmime-3.0-dev libssl-dev
libsystemd-dev tzdata ca-certificates dovecot-imapd python3-aiosmtpd curl msmtp
openssl procps clang libclang-rt-14-dev libzip-dev libpoppler-glib-dev
libseccomp-dev chromium python3-jsonschema"

# Install what is missing (as root), after refreshing the package lists.
services_install_packages() {
	missing=""
	for p in $GRANTD_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages:$missing (run as root to install)" >&2
		return 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
}

# mariadb_start DIR: a private MariaDB, data and Unix socket under DIR, no
# TCP. Leaves the socket path in MARIADB_SOCKET.
mariadb_start() {
	dir=$1
	user_opt=""
	[ "$(id -u)" = 0 ] && user_opt="--user=root"
	mkdir -p "$dir/data" "$dir/run"
	MARIADB_SOCKET="$dir/run/mysqld.sock"
	if [ -S "$MARIADB_SOCKET" ] && mariadb-admin --no-defaults \
	    --socket="$MARIADB_SOCKET" -uroot ping >/dev/null 2>&1; then
		return 0
	fi
	if [ ! -d "$dir/data/mysql" ]; then
		# --force: no need for the host name to resolve; we use no TCP.
		mariadb-install-db --no-defaults --datadir="$dir/data" \
		    --auth-root-authentication-method=socket --skip-test-db \
		    --skip-name-resolve --force \
		    $user_opt >"$dir/install.log" 2>&1 || {
			cat "$dir/install.log" >&2; return 1; }
	fi
	mariadbd --no-defaults --datadir="$dir/data" \
	    --socket="$MARIADB_SOCKET" --pid-file="$dir/run/mysqld.pid" \
	    --skip-networking --skip-name-resolve --log-error="$dir/mariadb.log" \
	    $user_opt \
	    --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
	    --max-allowed-packet=256M \
	    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
	    >/dev/null 2>&1 &
	for _ in $(seq 1 120); do
		mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -uroot \
		    ping >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	echo "MariaDB did not start; its log:" >&2
	tail -20 "$dir/mariadb.log" >&2
	return 1
}

mariadb_stop() {
	dir=$1
	sock="$dir/run/mysqld.sock"
	pid=$(cat "$dir/run/mysqld.pid" 2>/dev/null)
	mariadb-admin --no-defaults --socket="$sock" -uroot shutdown \
	    >/dev/null 2>&1
	for _ in $(seq 1 120); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.25
	done
	kill -9 "$pid" 2>/dev/null
}

# mariadb_sql DIR SQL: run SQL as the server's root.
mariadb_sql() {
	mariadb --no-defaults --socket="$1/run/mysqld.sock" -uroot -e "$2"
}

# tls_cert DIR: a self-signed certificate for 127.0.0.1 in DIR/cert.pem,
# its key in DIR/key.pem (for the TLS tests; clients trust DIR/cert.pem).
tls_cert() {
	[ -f "$1/cert.pem" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 -keyout "$1/key.pem" \
	    -out "$1/cert.pem" >/dev/null 2>&1
}

# dovecot_start DIR PORT USER PASSWORD [IMAPS-PORT]: a private Dovecot IMAP
# server on 127.0.0.1:PORT, mail in DIR/mail/USER (a Maildir owned by
# nobody, since Dovecot will not serve mail as root), plain-text login
# allowed. With IMAPS-PORT, TLS too: STARTTLS on PORT and IMAPS there, with
# the certificate of tls_cert DIR.
dovecot_start() {
	dir=$1 port=$2 user=$3 pass=$4 imaps=${5:-0}
	ssl="ssl = no"
	if [ "$imaps" != 0 ]; then
		tls_cert "$dir"
		chmod 644 "$dir/cert.pem" "$dir/key.pem"
		ssl="ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem"
	fi
	mkdir -p "$dir/run" "$dir/state" "$dir/mail/$user"
	chmod 755 "$dir" "$dir/mail"
	chown -R nobody:nogroup "$dir/mail"
	printf '%s:{PLAIN}%s::::::\n' "$user" "$pass" >"$dir/users"
	cat >"$dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
$ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%u
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
	dovecot -c "$dir/dovecot.conf" || { cat "$dir/dovecot.log" >&2; return 1; }
	for _ in $(seq 1 50); do
		(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "Dovecot did not start:" >&2
	cat "$dir/dovecot.log" >&2
	return 1
}

# Its children too: an IMAP session would otherwise outlive the master.
dovecot_stop() {
	pid=$(cat "$1/run/master.pid" 2>/dev/null)
	[ -n "$pid" ] && pkill -KILL -P "$pid" 2>/dev/null
	[ -f "$1/dovecot.conf" ] && dovecot -c "$1/dovecot.conf" stop 2>/dev/null
	for _ in $(seq 1 50); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 0
}
