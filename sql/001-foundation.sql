-- 001: users, funds, rounds, budget transfers and the audit log.
-- Money is BIGINT pence; times are UTC DATETIME(6).

CREATE TABLE users (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name		VARCHAR(64) NOT NULL UNIQUE,
	uid		INT UNSIGNED NULL UNIQUE,
	roles		VARCHAR(64) NOT NULL,
	email		VARCHAR(254) NULL,
	notify		VARCHAR(16) NOT NULL DEFAULT 'daily',
	active		TINYINT NOT NULL DEFAULT 1,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE funds (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code		VARCHAR(16) NOT NULL UNIQUE,
	name		VARCHAR(200) NOT NULL,
	budget		BIGINT NOT NULL,
	max_award	BIGINT NULL,
	min_award	BIGINT NULL,
	currency	CHAR(3) NOT NULL DEFAULT 'GBP',
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	CONSTRAINT fund_budget_positive CHECK (budget >= 0),
	CONSTRAINT fund_award_range CHECK (min_award IS NULL OR
	    max_award IS NULL OR min_award <= max_award)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- committed and paid are kept by the grant and payment code as awards are
-- made and paid, so a round's position is one read.
CREATE TABLE rounds (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	fund_id		BIGINT NOT NULL,
	code		VARCHAR(32) NOT NULL UNIQUE,
	year		INT NOT NULL,
	seq		INT NOT NULL,
	title		VARCHAR(200) NOT NULL,
	opens_at	DATETIME(6) NOT NULL,
	closes_at	DATETIME(6) NULL,
	rolling		TINYINT NOT NULL DEFAULT 0,
	budget		BIGINT NOT NULL,
	max_award	BIGINT NULL,
	committed	BIGINT NOT NULL DEFAULT 0,
	paid		BIGINT NOT NULL DEFAULT 0,
	state		VARCHAR(16) NOT NULL DEFAULT 'draft',
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY round_number (fund_id, year, seq),
	CONSTRAINT round_fund FOREIGN KEY (fund_id) REFERENCES funds (id),
	CONSTRAINT round_budget_positive CHECK (budget >= 0),
	CONSTRAINT round_committed_within CHECK (committed <= budget),
	CONSTRAINT round_dates CHECK (closes_at IS NULL OR closes_at > opens_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE round_priorities (
	round_id	BIGINT NOT NULL,
	position	INT NOT NULL,
	text		VARCHAR(200) NOT NULL,
	PRIMARY KEY (round_id, position),
	CONSTRAINT priority_round FOREIGN KEY (round_id) REFERENCES rounds (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE round_criteria (
	round_id	BIGINT NOT NULL,
	position	INT NOT NULL,
	name		VARCHAR(200) NOT NULL,
	weight		INT NOT NULL,
	PRIMARY KEY (round_id, position),
	CONSTRAINT criterion_round FOREIGN KEY (round_id) REFERENCES rounds (id),
	CONSTRAINT criterion_weight CHECK (weight > 0 AND weight <= 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE budget_transfers (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	from_code	VARCHAR(32) NOT NULL,
	to_code		VARCHAR(32) NOT NULL,
	amount		BIGINT NOT NULL,
	reason		TEXT NOT NULL,
	actor		VARCHAR(64) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	CONSTRAINT transfer_positive CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE audit_log (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME(6) NOT NULL,
	actor		VARCHAR(64) NOT NULL,
	action		VARCHAR(64) NOT NULL,
	entity		VARCHAR(128) NOT NULL,
	detail		TEXT NOT NULL,
	prev_hash	CHAR(64) NOT NULL,
	hash		CHAR(64) NOT NULL,
	KEY audit_entity (entity)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row: the chain's last hash and length. Writers lock it, so the chain
-- stays a line even with several grantd on one database.
CREATE TABLE audit_head (
	id		TINYINT NOT NULL PRIMARY KEY,
	last_id		BIGINT NOT NULL DEFAULT 0,
	count		BIGINT NOT NULL DEFAULT 0,
	hash		CHAR(64) NOT NULL
) ENGINE=InnoDB;

INSERT INTO audit_head (id, hash) VALUES (1, REPEAT('0', 64));
