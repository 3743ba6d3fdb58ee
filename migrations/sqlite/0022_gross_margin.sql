-- The vendor's gross margin on partner revenue (basis points), which Program ROI weighs the
-- revenue by. 40 % until an admin says otherwise.
ALTER TABLE program_settings ADD COLUMN gross_margin_bp BIGINT NOT NULL DEFAULT 4000
    CHECK (gross_margin_bp BETWEEN 0 AND 10000);
