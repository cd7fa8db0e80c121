-- 005: assessment and decisions. Each round publishes its eligibility
-- rules and its score scale; assessors are assigned applications (never one
-- they are conflicted on) and score each criterion; a decision records the
-- award or the reason, and an award becomes a grant in state 'offered'.

-- Eligibility rules and the score scale, per round. NULL means "no rule".
-- org_types: a comma list of form.c's kinds of group; areas: outward
-- codes and ranges such as 'OL1-OL16,M35'; award_gap_months: no award
-- from the same fund to the same organisation in that many months.
ALTER TABLE rounds
	ADD COLUMN org_types VARCHAR(200) NULL,
	ADD COLUMN areas VARCHAR(1000) NULL,
	ADD COLUMN min_award BIGINT NULL,
	ADD COLUMN one_per_org TINYINT NOT NULL DEFAULT 1,
	ADD COLUMN award_gap_months INT NOT NULL DEFAULT 0,
	ADD COLUMN scale_max INT NOT NULL DEFAULT 4,
	ADD COLUMN scale_labels TEXT NULL,
	ADD COLUMN moderation_spread INT NOT NULL DEFAULT 2,
	ADD COLUMN scoring TINYINT NOT NULL DEFAULT 1,
	ADD COLUMN decision_days INT NULL,
	ADD COLUMN min_per_priority INT NOT NULL DEFAULT 0,
	ADD CONSTRAINT round_scale CHECK (scale_max BETWEEN 1 AND 10),
	ADD CONSTRAINT round_min_award CHECK (min_award IS NULL OR
	    min_award >= 0);

-- org_key: the organisation as the rules compare it (registration number,
-- else the name folded), for "one live application per organisation".
-- An officer's overrule of the eligibility rules is kept beside them.
ALTER TABLE applications
	ADD COLUMN org_key VARCHAR(200) NULL,
	ADD COLUMN eligibility_override VARCHAR(16) NULL,
	ADD COLUMN override_reason TEXT NULL,
	ADD COLUMN override_by VARCHAR(64) NULL,
	ADD COLUMN override_at DATETIME(6) NULL,
	ADD COLUMN amount_awarded BIGINT NULL,
	ADD COLUMN conditions TEXT NULL,
	ADD COLUMN decision_reason TEXT NULL,
	ADD COLUMN decided_by VARCHAR(64) NULL,
	ADD COLUMN decided_at DATETIME(6) NULL,
	ADD KEY application_org (round_id, org_key),
	ADD CONSTRAINT application_override CHECK (eligibility_override IS
	    NULL OR eligibility_override IN ('eligible', 'ineligible'));

CREATE TABLE assessment_conflicts (
	application_id	BIGINT NOT NULL,
	user_id		BIGINT NOT NULL,
	reason		TEXT NOT NULL,
	declared_by	VARCHAR(64) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	PRIMARY KEY (application_id, user_id),
	CONSTRAINT conflict_application FOREIGN KEY (application_id)
	    REFERENCES applications (id),
	CONSTRAINT conflict_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- token: unguessable, carried in the assignment email, so a volunteer
-- assessor can score by replying from their address on record.
CREATE TABLE assessment_assignments (
	application_id	BIGINT NOT NULL,
	user_id		BIGINT NOT NULL,
	token		CHAR(32) NOT NULL,
	assigned_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	scored_at	DATETIME(6) NULL,
	comment		TEXT NULL,
	source		VARCHAR(16) NULL,
	PRIMARY KEY (application_id, user_id),
	UNIQUE KEY assignment_token (token),
	KEY assignment_user (user_id),
	CONSTRAINT assignment_application FOREIGN KEY (application_id)
	    REFERENCES applications (id),
	CONSTRAINT assignment_user FOREIGN KEY (user_id) REFERENCES users (id),
	CONSTRAINT assignment_source CHECK (source IS NULL OR source IN
	    ('grantctl', 'email', 'import'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One score per assessor per criterion (round_criteria.position).
CREATE TABLE assessment_scores (
	application_id	BIGINT NOT NULL,
	user_id		BIGINT NOT NULL,
	position	INT NOT NULL,
	score		INT NOT NULL,
	PRIMARY KEY (application_id, user_id, position),
	CONSTRAINT score_assignment FOREIGN KEY (application_id, user_id)
	    REFERENCES assessment_assignments (application_id, user_id),
	CONSTRAINT score_range CHECK (score >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A grant: an award from a round (application_id set) or, later, one made
-- outside a round. The payments work continues it from 'offered'.
CREATE TABLE grants (
	id		BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	reference	VARCHAR(32) NOT NULL UNIQUE,
	application_id	BIGINT NULL UNIQUE,
	fund_id		BIGINT NOT NULL,
	round_id	BIGINT NULL,
	organisation	VARCHAR(200) NOT NULL,
	email		VARCHAR(254) NOT NULL,
	amount		BIGINT NOT NULL,
	purpose		TEXT NOT NULL,
	conditions	TEXT NULL,
	state		VARCHAR(16) NOT NULL DEFAULT 'offered',
	officer_id	BIGINT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
	CONSTRAINT grant_application FOREIGN KEY (application_id)
	    REFERENCES applications (id),
	CONSTRAINT grant_fund FOREIGN KEY (fund_id) REFERENCES funds (id),
	CONSTRAINT grant_round FOREIGN KEY (round_id) REFERENCES rounds (id),
	CONSTRAINT grant_officer FOREIGN KEY (officer_id) REFERENCES users (id),
	CONSTRAINT grant_amount_positive CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
