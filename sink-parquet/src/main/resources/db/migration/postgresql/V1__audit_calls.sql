-- One row per API call, upserted by call id (redelivery never doubles a row).
CREATE TABLE audit_calls (
    call_id                     UUID           PRIMARY KEY,
    start_time                  TIMESTAMPTZ    NOT NULL,
    end_time                    TIMESTAMPTZ,
    credential_fingerprint      TEXT,
    credential_kind             TEXT           NOT NULL,
    session_id                  TEXT,
    client_name                 TEXT,
    client_version              TEXT,
    provider                    TEXT           NOT NULL,
    operation                   TEXT           NOT NULL,
    requested_model             TEXT,
    served_model                TEXT,
    input_tokens                BIGINT,
    output_tokens               BIGINT,
    cache_creation_input_tokens BIGINT,
    cache_read_input_tokens     BIGINT,
    cost_usd                    NUMERIC(22, 10),
    cost_status                 TEXT           NOT NULL,
    price_table_version         TEXT,
    http_status                 INTEGER,
    outcome                     TEXT           NOT NULL,
    proxy_id                    TEXT           NOT NULL,
    upstream_request_id         TEXT,
    processed_at                TIMESTAMPTZ    NOT NULL
);

CREATE INDEX audit_calls_start_time_idx ON audit_calls (start_time);
CREATE INDEX audit_calls_credential_idx ON audit_calls (credential_fingerprint, start_time);
CREATE INDEX audit_calls_session_idx ON audit_calls (session_id);

-- Usage per UTC day, credential fingerprint and model (served model, else requested model).
CREATE VIEW audit_usage_daily AS
SELECT (start_time AT TIME ZONE 'UTC')::date                 AS day,
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
