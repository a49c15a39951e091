-- Two-way sync asks each side for its changes since the last pass (workflows/two-way/): change_watermark
-- is the source side's, this column the target side's. Null until a pass has listed that side.
ALTER TABLE workflows ADD COLUMN target_change_watermark timestamptz;
