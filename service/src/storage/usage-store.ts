import type pg from 'pg';
import type { ApplicationDayDelta, GatewayDayDelta, UsageStore } from '../domain/usage/ports';
import type { ApplicationUsageDay, DayRange, GatewayUsageDay, UsageData } from '../domain/usage/usage';

interface FiguresRow {
  day: string;
  sessions_opened: number;
  peak_sessions: number;
  peak_monitors: number;
  peak_integration_users: number;
}
interface ApplicationRow extends FiguresRow {
  company_name: string;
  application_name: string;
}

const FIGURES = 'day::text AS day, sessions_opened, peak_sessions, peak_monitors, peak_integration_users';
const MERGE = `sessions_opened = t.sessions_opened + EXCLUDED.sessions_opened,
         peak_sessions = GREATEST(t.peak_sessions, EXCLUDED.peak_sessions),
         peak_monitors = GREATEST(t.peak_monitors, EXCLUDED.peak_monitors),
         peak_integration_users = GREATEST(t.peak_integration_users, EXCLUDED.peak_integration_users),
         updated_at = now()`;

function figures(row: FiguresRow): GatewayUsageDay {
  return {
    day: row.day,
    sessionsOpened: row.sessions_opened,
    peakSessions: row.peak_sessions,
    peakMonitors: row.peak_monitors,
    peakIntegrationUsers: row.peak_integration_users,
  };
}

const column = <T>(rows: readonly T[], pick: (r: T) => unknown): unknown[] => rows.map(pick);

export class PgUsageStore implements UsageStore {
  constructor(private readonly pool: pg.Pool) {}

  async merge(applications: readonly ApplicationDayDelta[], gateway: readonly GatewayDayDelta[]): Promise<void> {
    // One statement for the whole batch (both tables), so it is applied entirely or not at all.
    await this.pool.query(
      `WITH apps AS (
         INSERT INTO usage_application_day AS t (day, company_name, application_name, sessions_opened, peak_sessions, peak_monitors, peak_integration_users)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[])
         ON CONFLICT (day, company_name, application_name) DO UPDATE SET ${MERGE}
         RETURNING 1
       ), gw AS (
         INSERT INTO usage_gateway_day AS t (day, sessions_opened, peak_sessions, peak_monitors, peak_integration_users)
         SELECT * FROM unnest($8::date[], $9::int[], $10::int[], $11::int[], $12::int[])
         ON CONFLICT (day) DO UPDATE SET ${MERGE}
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM apps) AS apps, (SELECT count(*) FROM gw) AS gw`,
      [
        column(applications, (r) => r.day),
        column(applications, (r) => r.companyName),
        column(applications, (r) => r.applicationName),
        column(applications, (r) => r.sessionsOpened),
        column(applications, (r) => r.peakSessions),
        column(applications, (r) => r.peakMonitors),
        column(applications, (r) => r.peakIntegrationUsers),
        column(gateway, (r) => r.day),
        column(gateway, (r) => r.sessionsOpened),
        column(gateway, (r) => r.peakSessions),
        column(gateway, (r) => r.peakMonitors),
        column(gateway, (r) => r.peakIntegrationUsers),
      ],
    );
  }

  async read(range: DayRange): Promise<UsageData> {
    const [apps, gateway] = await Promise.all([
      this.pool.query<ApplicationRow>(
        `SELECT ${FIGURES}, company_name, application_name FROM usage_application_day
         WHERE day BETWEEN $1::date AND $2::date ORDER BY day, company_name, application_name`,
        [range.from, range.to],
      ),
      this.pool.query<FiguresRow>(`SELECT ${FIGURES} FROM usage_gateway_day WHERE day BETWEEN $1::date AND $2::date ORDER BY day`, [range.from, range.to]),
    ]);
    return {
      applications: apps.rows.map((r): ApplicationUsageDay => ({ ...figures(r), companyName: r.company_name, applicationName: r.application_name })),
      gateway: gateway.rows.map(figures),
    };
  }
}
