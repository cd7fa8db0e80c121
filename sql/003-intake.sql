-- 003: applications by email: messages in, applications, attachments,
-- quarantined mail and the state of each intake mailbox.

CREATE TABLE applications (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	reference	VARCHAR(32) NOT NULL UNIQUE,
	fund_id		BIGINT NOT NULL,
	round_id	BIGINT NOT NULL,
	year		INT NOT NULL,
	seq		INT NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'received',
	email		VARCHAR(254) NOT NULL,
	contact_name	VARCHAR(200) NULL,
	organisation	VARCHAR(200) NULL,
	project_title	VARCHAR(200) NULL,
	amount_requested BIGINT NULL,
	fields		MEDIUMTEXT NOT NULL,
	problems	TEXT NOT NULL,
	reason		TEXT NULL,
	officer_id	BIGINT NULL,
	received_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY application_number (fund_id, year, seq),
	KEY application_round_state (round_id, state),
	CONSTRAINT application_fund FOREIGN KEY (fund_id) REFERENCES funds (id),
	CONSTRAINT application_round FOREIGN KEY (round_id) REFERENCES rounds (id),
	CONSTRAINT application_officer FOREIGN KEY (officer_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every message taken in. The same Message-ID with the same content is the
-- same message seen twice, and creates nothing new.
CREATE TABLE mail_in (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	source		VARCHAR(64) NOT NULL,
	message_id	VARCHAR(250) NOT NULL,
	content_hash	CHAR(64) NOT NULL,
	application_id	BIGINT NULL,
	kind		VARCHAR(16) NOT NULL,
	from_addr	VARCHAR(254) NULL,
	subject		TEXT NULL,
	body		MEDIUMTEXT NULL,
	received_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY mail_seen (message_id, content_hash),
	KEY mail_message_id (message_id),
	KEY mail_application (application_id),
	CONSTRAINT mail_application FOREIGN KEY (application_id)
	    REFERENCES applications (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Attachment bodies, stored once however often they are sent.
CREATE TABLE blobs (
	sha256		CHAR(64) NOT NULL PRIMARY KEY,
	size		BIGINT NOT NULL,
	data		LONGBLOB NOT NULL
) ENGINE=InnoDB;

CREATE TABLE attachments (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	mail_id		BIGINT NOT NULL,
	filename	VARCHAR(255) NOT NULL,
	content_type	VARCHAR(127) NOT NULL,
	size		BIGINT NOT NULL,
	sha256		CHAR(64) NOT NULL,
	refused		TINYINT NOT NULL DEFAULT 0,
	refused_reason	VARCHAR(500) NULL,
	KEY attachment_mail (mail_id),
	CONSTRAINT attachment_mail FOREIGN KEY (mail_id) REFERENCES mail_in (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Mail grantd could not take in, kept whole with the reason.
CREATE TABLE quarantine (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	source		VARCHAR(64) NOT NULL,
	reason		VARCHAR(500) NOT NULL,
	content_hash	CHAR(64) NOT NULL,
	raw		LONGBLOB NOT NULL,
	size		BIGINT NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'held',
	received_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY quarantine_seen (content_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE intake_mailboxes (
	name		VARCHAR(64) NOT NULL PRIMARY KEY,
	uidvalidity	BIGINT NULL,
	last_uid	BIGINT NOT NULL DEFAULT 0,
	last_poll_at	DATETIME(6) NULL,
	last_error	TEXT NULL,
	taken		BIGINT NOT NULL DEFAULT 0,
	quarantined	BIGINT NOT NULL DEFAULT 0,
	duplicates	BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
