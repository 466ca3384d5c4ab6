-- One row per API call, upserted by call id (redelivery never doubles a row).
-- Times are ISO-8601 UTC text with microseconds (2026-11-21T09:10:00.000000Z), so text order is
-- time order. cost_usd has NUMERIC affinity: SQLite stores it as REAL (about 15 significant digits).
CREATE TABLE audit_calls (
    call_id                     TEXT    PRIMARY KEY NOT NULL,
    start_time                  TEXT    NOT NULL,
    end_time                    TEXT,
    credential_fingerprint      TEXT,
    credential_kind             TEXT    NOT NULL,
    session_id                  TEXT,
    client_name                 TEXT,
    client_version              TEXT,
    provider                    TEXT    NOT NULL,
    operation                   TEXT    NOT NULL,
    requested_model             TEXT,
    served_model                TEXT,
    input_tokens                INTEGER,
    output_tokens               INTEGER,
    cache_creation_input_tokens INTEGER,
    cache_read_input_tokens     INTEGER,
    cost_usd                    NUMERIC,
    cost_status                 TEXT    NOT NULL,
    price_table_version         TEXT,
    http_status                 INTEGER,
    outcome                     TEXT    NOT NULL,
    proxy_id                    TEXT    NOT NULL,
    upstream_request_id         TEXT,
    processed_at                TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX audit_calls_start_time_idx ON audit_calls (start_time);
CREATE INDEX audit_calls_credential_idx ON audit_calls (credential_fingerprint, start_time);
CREATE INDEX audit_calls_session_idx ON audit_calls (session_id);

-- Usage per UTC day, credential fingerprint and model (served model, else requested model).
CREATE VIEW audit_usage_daily AS
SELECT substr(start_time, 1, 10)                             AS day,
       credential_fingerprint,
       COALESCE(served_model, requested_model)               AS model,
       count(*)                                              AS calls,
       COALESCE(sum(input_tokens), 0)                        AS input_tokens,
       COALESCE(sum(output_tokens), 0)                       AS output_tokens,
       COALESCE(sum(cache_creation_input_tokens), 0)         AS cache_creation_input_tokens,
       COALESCE(sum(cache_read_input_tokens), 0)             AS cache_read_input_tokens,
       COALESCE(sum(cost_usd), 0)                            AS cost_usd
FROM audit_calls
GROUP BY 1, 2, 3;
