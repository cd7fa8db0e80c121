-- 007: monitoring returns, programme targets, and personal data kept only
-- as long as it is needed.

-- Which returns a fund's grants owe: 'end' (one at the end of the
-- project), or 'quarterly' (quarterly, plus an annual one each year).
ALTER TABLE funds
	ADD COLUMN monitoring_plan VARCHAR(16) NOT NULL DEFAULT 'end',
	ADD CONSTRAINT fund_monitoring_plan CHECK (monitoring_plan IN ('end',
	    'quarterly'));

-- A return a grant owes. A tranche after the first waits for the latest
-- return due on or before its own due date to be approved (or waived).
CREATE TABLE monitoring_returns (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	grant_id	BIGINT NOT NULL,
	kind		VARCHAR(16) NOT NULL,
	period		VARCHAR(64) NOT NULL,
	due_date	DATE NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'scheduled',
	reminded_at	DATETIME(6) NULL,
	due_reminded_at	DATETIME(6) NULL,
	escalated_at	DATETIME(6) NULL,
	chased_at	DATETIME(6) NULL,
	received_at	DATETIME(6) NULL,
	mail_id		BIGINT NULL,
	fields		MEDIUMTEXT NULL,
	problems	TEXT NULL,
	spend		BIGINT NULL,
	people		INT NULL,
	volunteers	INT NULL,
	approved_by	VARCHAR(64) NULL,
	approved_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY return_period (grant_id, kind, period),
	KEY return_due (state, due_date),
	CONSTRAINT return_grant FOREIGN KEY (grant_id) REFERENCES grants (id),
	CONSTRAINT return_kind CHECK (kind IN ('end', 'quarterly', 'annual')),
	CONSTRAINT return_state CHECK (state IN ('scheduled', 'due',
	    'received', 'incomplete', 'approved'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- ONS personal wellbeing (life satisfaction, worthwhile, happiness,
-- anxiety; 0-10) at baseline, end and follow-up: how many people gave
-- each score, so means and the people behind them are both exact.
CREATE TABLE wellbeing_counts (
	return_id	BIGINT NOT NULL,
	stage		VARCHAR(16) NOT NULL,
	question	VARCHAR(16) NOT NULL,
	score		INT NOT NULL,
	people		INT NOT NULL,
	PRIMARY KEY (return_id, stage, question, score),
	CONSTRAINT wellbeing_return FOREIGN KEY (return_id)
	    REFERENCES monitoring_returns (id),
	CONSTRAINT wellbeing_stage CHECK (stage IN ('baseline', 'end',
	    'followup')),
	CONSTRAINT wellbeing_question CHECK (question IN ('life', 'worthwhile',
	    'happy', 'anxious')),
	CONSTRAINT wellbeing_score CHECK (score BETWEEN 0 AND 10),
	CONSTRAINT wellbeing_people CHECK (people >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE fund_targets (
	fund_id		BIGINT NOT NULL,
	measure		VARCHAR(32) NOT NULL,
	target		BIGINT NOT NULL,
	PRIMARY KEY (fund_id, measure),
	CONSTRAINT target_fund FOREIGN KEY (fund_id) REFERENCES funds (id),
	CONSTRAINT target_positive CHECK (target >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Personal data removed on a timer or on request: when, so it is not
-- asked for again. The audit chain hashes each row's detail through
-- detail_hash, so a detail can be redacted and the chain still verifies.
ALTER TABLE applications
	ADD COLUMN erased_at DATETIME(6) NULL;
ALTER TABLE audit_log
	ADD COLUMN detail_hash CHAR(64) NULL,
	ADD COLUMN redacted_at DATETIME(6) NULL;
