-- 008: a follow-up return some months after the end, for the wellbeing
-- questions asked again 3 to 6 months later: without it the follow-up
-- figure would wait on groups remembering to send it unasked.
ALTER TABLE monitoring_returns
	DROP CONSTRAINT return_kind,
	ADD CONSTRAINT return_kind CHECK (kind IN ('end', 'quarterly',
	    'annual', 'followup'));
