-- 002: the outbox (every email grantd sends) and staff notifications.

-- A row is written in the same transaction as the change that causes it.
-- message_id is fixed when the row is written, so a resend after a crash
-- carries the same Message-ID and the recipient's mail client can see it
-- is the same message.
CREATE TABLE outbox (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	template	VARCHAR(64) NOT NULL,
	to_addr		VARCHAR(254) NOT NULL,
	to_name		VARCHAR(200) NULL,
	reply_to_addr	VARCHAR(254) NULL,
	reply_to_name	VARCHAR(200) NULL,
	reference	VARCHAR(32) NULL,
	message_id	VARCHAR(250) NOT NULL UNIQUE,
	in_reply_to	VARCHAR(250) NULL,
	refs		TEXT NULL,
	auto_submitted	VARCHAR(32) NOT NULL DEFAULT 'auto-generated',
	vars		MEDIUMTEXT NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'queued',
	attempts	INT NOT NULL DEFAULT 0,
	next_attempt_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	queued_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	claimed_by	VARCHAR(64) NULL,
	claimed_at	DATETIME(6) NULL,
	sent_at		DATETIME(6) NULL,
	subject		TEXT NULL,
	body		MEDIUMTEXT NULL,
	last_error	TEXT NULL,
	KEY outbox_due (state, next_attempt_at),
	KEY outbox_reference (reference),
	CONSTRAINT outbox_state CHECK (state IN ('queued', 'sending', 'sent',
	    'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- What a member of staff needs to know, waiting for their daily digest.
CREATE TABLE staff_events (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	user_id		BIGINT NOT NULL,
	text		VARCHAR(500) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	digest_id	BIGINT NULL,
	KEY staff_pending (user_id, digest_id),
	CONSTRAINT staff_event_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE users ADD COLUMN last_digest_on DATE NULL;
