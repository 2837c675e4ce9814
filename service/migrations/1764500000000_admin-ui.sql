-- Up Migration
-- Admin UI (issue #6). Gateway options set by the administrator (the logging level, …), kept
-- across restarts. Network elements get the seed's Default/Custom setup: a Default element uses
-- the per-type defaults ("Set Default Values"), a Custom one its own settings (the existing
-- `settings` column). Only one MiContact Center may exist (installation guide, Network Elements).
-- The administrator password, once changed in the UI, is kept here as a scrypt hash (one row);
-- until then the one configured at installation (OIG_ADMIN_PASSWORD) is the password.

CREATE TABLE gateway_option (
  name        text        PRIMARY KEY,
  value       jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE network_element ADD COLUMN use_defaults boolean NOT NULL DEFAULT true;

CREATE UNIQUE INDEX network_element_one_micc ON network_element (ne_type) WHERE ne_type = 'MI_CC';

CREATE TABLE network_element_default (
  ne_type     text        PRIMARY KEY CHECK (ne_type IN ('MI_VB', 'MI_CC')),
  settings    jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_credential (
  id            boolean     PRIMARY KEY DEFAULT true CHECK (id),
  password_hash text        NOT NULL,
  changed_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE admin_credential;
DROP TABLE network_element_default;
DROP INDEX network_element_one_micc;
ALTER TABLE network_element DROP COLUMN use_defaults;
DROP TABLE gateway_option;
