-- Up Migration
-- Network elements: the MiVoice Business controllers (and the one MiContact Center) the gateway
-- talks to. The id is the icpId applications see. Elements reached only through getIcpId are
-- kept as discovered (configured = false), so their icpId stays the same across restarts.

CREATE TABLE network_element (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ne_type     text        NOT NULL CHECK (ne_type IN ('MI_VB', 'MI_CC')),
  address     text        NOT NULL UNIQUE,
  name        text,
  configured  boolean     NOT NULL,
  settings    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE network_element;
