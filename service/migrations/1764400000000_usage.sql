-- Up Migration
-- Usage recording and the monthly usage report (seed: "Send Mitel OIG Usage Report").
-- Figures per application and UTC day, and for the whole gateway per day (its peaks are of the
-- sum at one moment, which the applications' peaks added up would overstate). Writers merge:
-- sessions_opened adds up, peaks keep the greatest.

CREATE TABLE usage_application_day (
  day                     date    NOT NULL,
  company_name            text    NOT NULL,
  application_name        text    NOT NULL,
  sessions_opened         integer NOT NULL DEFAULT 0 CHECK (sessions_opened >= 0),
  peak_sessions           integer NOT NULL DEFAULT 0 CHECK (peak_sessions >= 0),
  peak_monitors           integer NOT NULL DEFAULT 0 CHECK (peak_monitors >= 0),
  peak_integration_users  integer NOT NULL DEFAULT 0 CHECK (peak_integration_users >= 0),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, company_name, application_name)
);

CREATE TABLE usage_gateway_day (
  day                     date    PRIMARY KEY,
  sessions_opened         integer NOT NULL DEFAULT 0 CHECK (sessions_opened >= 0),
  peak_sessions           integer NOT NULL DEFAULT 0 CHECK (peak_sessions >= 0),
  peak_monitors           integer NOT NULL DEFAULT 0 CHECK (peak_monitors >= 0),
  peak_integration_users  integer NOT NULL DEFAULT 0 CHECK (peak_integration_users >= 0),
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- The report's recipient (Options tab) and the mail server; one row. The SMTP password is kept
-- here because the gateway must present it; the admin API never returns it.
CREATE TABLE usage_report_settings (
  id             smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  recipient      text,
  smtp_host      text,
  smtp_port      integer CHECK (smtp_port BETWEEN 1 AND 65535),
  smtp_security  text CHECK (smtp_security IN ('tls', 'starttls', 'none')),
  smtp_username  text,
  smtp_password  text,
  smtp_sender    text,
  smtp_ca_pem    text,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((smtp_host IS NULL) = (smtp_port IS NULL) AND (smtp_host IS NULL) = (smtp_security IS NULL) AND (smtp_host IS NULL) = (smtp_sender IS NULL))
);
INSERT INTO usage_report_settings (id) VALUES (1);

-- Every report delivery: what was sent for which period, each attempt's outcome (errors without
-- secrets). A monthly report is made once per period.
CREATE TABLE usage_report_delivery (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger          text        NOT NULL CHECK (trigger IN ('monthly', 'manual')),
  period_from      date        NOT NULL,
  period_to        date        NOT NULL CHECK (period_to >= period_from),
  recipient        text,
  status           text        NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
  attempts         integer     NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL,
  last_attempt_at  timestamptz,
  sent_at          timestamptz,
  error            text,
  message_id       text
);
CREATE UNIQUE INDEX usage_report_delivery_monthly ON usage_report_delivery (period_from) WHERE trigger = 'monthly';

-- Down Migration
DROP TABLE usage_report_delivery;
DROP TABLE usage_report_settings;
DROP TABLE usage_gateway_day;
DROP TABLE usage_application_day;
