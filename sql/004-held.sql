-- 004: mail held for an officer. A message that may not change an
-- application by itself (not threaded under a letter grantd sent to the
-- address on record, from another address, or failing the receiving
-- server's authentication checks) is kept with why, until an officer
-- accepts or rejects it.
ALTER TABLE mail_in
	ADD COLUMN held_reason VARCHAR(500) NULL,
	ADD COLUMN held_state VARCHAR(16) NULL,
	ADD COLUMN held_by VARCHAR(64) NULL,
	ADD COLUMN held_decided_at DATETIME(6) NULL,
	ADD KEY mail_held (held_state),
	ADD CONSTRAINT mail_held_state CHECK (held_state IN ('held',
	    'accepted', 'rejected'));
