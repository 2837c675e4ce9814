-- Up Migration
-- The appliance's licence: the activated ARID, how the licensing server knows this appliance,
-- and the last signed entitlement exactly as received (verified again at every start).
-- The GUID a virtual appliance was issued outlives a deactivation (and travels in backups).

CREATE TABLE licence_activation (
  id                    smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  arid                  text        NOT NULL,
  platform              text        NOT NULL CHECK (platform IN ('physical', 'virtual')),
  hardware_id           text,
  guid                  text,
  payload               text        NOT NULL,
  signature             text        NOT NULL,
  certificate           text        NOT NULL,
  activated_at          timestamptz NOT NULL,
  last_sync_at          timestamptz NOT NULL,
  last_sync_attempt_at  timestamptz NOT NULL,
  last_sync_error       text,
  CHECK ((hardware_id IS NULL) <> (guid IS NULL))
);

CREATE TABLE appliance_identity (
  id    smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  guid  text NOT NULL
);

-- Down Migration
DROP TABLE appliance_identity;
DROP TABLE licence_activation;
