-- 006: grants after the offer: acceptance, bank details under four eyes,
-- tranche schedules, payment runs approved by a second person, and what
-- the bank's statement says was paid.

-- org_key: the organisation as applications.org_key compares it, so bank
-- details and "recent awards" follow the organisation, not one grant.
ALTER TABLE grants
	ADD COLUMN org_key VARCHAR(200) NULL,
	ADD COLUMN plan VARCHAR(200) NULL,
	ADD COLUMN accepted_at DATETIME(6) NULL,
	ADD COLUMN accepted_by VARCHAR(200) NULL,
	ADD COLUMN offer_sent_at DATETIME(6) NULL,
	ADD COLUMN offer_chased_at DATETIME(6) NULL,
	ADD COLUMN offer_flagged_at DATETIME(6) NULL,
	ADD KEY grant_org (org_key),
	ADD KEY grant_state (state);

-- Bank details are never changed in place: a change is a new row,
-- unverified until a finance user other than the one who entered it
-- verifies it; the row it replaces becomes 'superseded'.
CREATE TABLE bank_details (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	org_key		VARCHAR(200) NOT NULL,
	organisation	VARCHAR(200) NOT NULL,
	account_name	VARCHAR(140) NOT NULL,
	sort_code	CHAR(6) NOT NULL,
	account_number	CHAR(8) NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'unverified',
	source		VARCHAR(16) NOT NULL,
	entered_by	VARCHAR(64) NOT NULL,
	verified_by	VARCHAR(64) NULL,
	verified_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY bank_org (org_key, state),
	CONSTRAINT bank_state CHECK (state IN ('unverified', 'verified',
	    'superseded', 'rejected')),
	CONSTRAINT bank_source CHECK (source IN ('grantctl', 'email')),
	CONSTRAINT bank_four_eyes CHECK (verified_by IS NULL OR
	    verified_by <> entered_by)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One payment of a grant. end_to_end_id is what the bank file and the
-- bank's statement carry, so a payment is matched and never made twice.
CREATE TABLE tranches (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	grant_id	BIGINT NOT NULL,
	number		INT NOT NULL,
	due_date	DATE NOT NULL,
	amount		BIGINT NOT NULL,
	match_amount	BIGINT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'scheduled',
	hold_reason	VARCHAR(500) NULL,
	waived_reason	TEXT NULL,
	waived_by	VARCHAR(64) NULL,
	run_id		BIGINT NULL,
	bank_id		BIGINT NULL,
	end_to_end_id	VARCHAR(35) NOT NULL,
	bank_ref	VARCHAR(64) NULL,
	paid_at		DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY tranche_number (grant_id, number),
	UNIQUE KEY tranche_e2e (end_to_end_id),
	KEY tranche_due (state, due_date),
	KEY tranche_run (run_id),
	CONSTRAINT tranche_grant FOREIGN KEY (grant_id) REFERENCES grants (id),
	CONSTRAINT tranche_bank FOREIGN KEY (bank_id) REFERENCES bank_details (id),
	CONSTRAINT tranche_amount_positive CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE payment_runs (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	reference	VARCHAR(32) NOT NULL UNIQUE,
	state		VARCHAR(16) NOT NULL DEFAULT 'draft',
	due_by		DATE NOT NULL,
	total		BIGINT NOT NULL DEFAULT 0,
	count		INT NOT NULL DEFAULT 0,
	created_by	VARCHAR(64) NOT NULL,
	approved_by	VARCHAR(64) NULL,
	approved_at	DATETIME(6) NULL,
	exported_at	DATETIME(6) NULL,
	export_format	VARCHAR(16) NULL,
	export_sha256	CHAR(64) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	CONSTRAINT payrun_four_eyes CHECK (approved_by IS NULL OR
	    approved_by <> created_by)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE tranches
	ADD CONSTRAINT tranche_run FOREIGN KEY (run_id)
	    REFERENCES payment_runs (id);

-- Work for finance that mail may ask for but never do by itself (a
-- request to change bank details).
CREATE TABLE finance_tasks (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	kind		VARCHAR(32) NOT NULL,
	grant_id	BIGINT NULL,
	org_key		VARCHAR(200) NULL,
	mail_id		BIGINT NULL,
	detail		TEXT NOT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'open',
	done_by		VARCHAR(64) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY finance_task_state (state),
	CONSTRAINT finance_task_grant FOREIGN KEY (grant_id) REFERENCES grants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- For variations: money a grant gave back (terminated before it was all
-- paid, or an underspend returned), so a round's committed money and a
-- fund's unallocated money stay exact: what a grant still holds is
-- amount - returned.
ALTER TABLE grants
	ADD COLUMN returned BIGINT NOT NULL DEFAULT 0;

-- For offers: how a fund's grants are paid unless an officer chooses
-- otherwise (grant plan); Fast Grants pay once, on acceptance.
ALTER TABLE funds
	ADD COLUMN default_plan VARCHAR(200) NOT NULL DEFAULT 'single';
