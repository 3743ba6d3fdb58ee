-- Performance measurement: the program settings KPIs and leaderboards read, and the rates that
-- convert deal amounts into the reporting currency.
CREATE TABLE program_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    reporting_currency TEXT NOT NULL DEFAULT 'USD',
    -- Whether partners see other partners' names on leaderboards.
    leaderboard_names TEXT NOT NULL DEFAULT 'anonymous' CHECK (leaderboard_names IN ('named', 'anonymous')),
    -- A partner is activated by a first deal won (or registered) within this many days of joining.
    activation_days INTEGER NOT NULL DEFAULT 90 CHECK (activation_days BETWEEN 1 AND 730),
    activation_event TEXT NOT NULL DEFAULT 'won' CHECK (activation_event IN ('won', 'registered'))
);
INSERT INTO program_settings (id) VALUES (1);

CREATE TABLE currency_rates (
    currency TEXT PRIMARY KEY,
    -- What one unit of the currency is worth in US dollars, in millionths (1 EUR = 1,080,000).
    usd_micros BIGINT NOT NULL CHECK (usd_micros > 0)
);
INSERT INTO currency_rates (currency, usd_micros) VALUES
    ('USD', 1000000), ('EUR', 1080000), ('GBP', 1270000), ('CAD', 730000), ('AUD', 660000),
    ('CHF', 1130000), ('SEK', 95000), ('JPY', 6700), ('INR', 12000), ('BRL', 200000);

-- The live figures catch up with changed deals by this column.
CREATE INDEX deals_updated ON deals (updated_at);
