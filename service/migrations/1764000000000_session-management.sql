-- Up Migration
-- Session Management: the ACL as last received, local password accounts, the session record,
-- administrator logins.

CREATE TABLE acl_snapshot (
  id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  payload     text        NOT NULL,
  signature   text        NOT NULL,
  issued_at   timestamptz NOT NULL,
  fetched_at  timestamptz NOT NULL
);

CREATE TABLE application_account (
  id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_name         text        NOT NULL,
  application_name     text        NOT NULL,
  local_password_hash  text        NOT NULL,
  enabled              boolean     NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_name, application_name)
);

CREATE TABLE app_session (
  id                 bigint PRIMARY KEY,
  company_name       text        NOT NULL,
  application_name   text        NOT NULL,
  session_type       text        NOT NULL CHECK (session_type IN ('Standard', 'Advanced')),
  protocol           text        NOT NULL CHECK (protocol IN ('soap', 'rest')),
  client_version     text,
  client_address     text,
  created_at         timestamptz NOT NULL,
  last_keepalive_at  timestamptz NOT NULL,
  ha_callback_uri    text,
  ended_at           timestamptz,
  end_reason         text CHECK (end_reason IN ('logout', 'expired', 'shutdown', 'abandoned'))
);
CREATE INDEX app_session_open ON app_session (created_at) WHERE ended_at IS NULL;

CREATE TABLE admin_session (
  token_hash  bytea PRIMARY KEY,
  csrf_token  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

-- Down Migration
DROP TABLE admin_session;
DROP TABLE app_session;
DROP TABLE application_account;
DROP TABLE acl_snapshot;
