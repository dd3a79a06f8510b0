import path from 'node:path';

/** Every setting Tessera reads from the environment, in one place (documented in the README). */
export interface Config {
  port: number;
  databaseUrl: string | undefined;
  /** The application role's connection; derived from DATABASE_URL when unset (see kernel/security.ts). */
  appDatabaseUrl: string | undefined;
  /**
   * TESSERA_REPLICA_URL: a hot standby of DATABASE_URL (streaming replication) that read-only
   * requests may read on (docs/scale-out.md); its user is replaced by the application role's like
   * DATABASE_URL's, unless TESSERA_APP_DATABASE_URL is set (then it is used as given). Unset: every
   * request runs on DATABASE_URL.
   */
  replicaDatabaseUrl: string | undefined;
  dataDir: string;
  runMode: 'in-process' | 'multi-process';
  /** The address a subgraph process listens on: loopback unless TESSERA_SUBGRAPH_HOST says otherwise (containers: 0.0.0.0). */
  subgraphHost: string;
  audience: string;
  kAnonymity: number;
  /** Hit/no-hit quotas: distinct identifiers asked, per user and per agency, in the last minute and the last 24 hours. */
  hitNoHitQuota: HitNoHitQuota;
  /** Bulk screening: distinct identifiers an agency may screen in the last 24 hours (TESSERA_SCREENING_AGENCY_PER_DAY). */
  screeningAgencyPerDay: number;
  /** Bulk screening: days a chunk's identifiers and answers are kept after they were given, at least 1 (TESSERA_SCREENING_ANSWERS_DAYS). */
  screeningAnswersDays: number;
  /** Private screening: blinded elements an agency may have evaluated in the last 24 hours (TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY). */
  privateScreeningAgencyPerDay: number;
  development: boolean;
  logLevel: string;
  /** Signed checkpoints of the audit chain (services/audit/checkpoints.ts, docs/audit.md). */
  auditCheckpoints: {
    /** The file store the signed notes are written to. */
    dir: string;
    /** Sign when this many events were appended since the last checkpoint... */
    everyEvents: number;
    /** ...or when this many seconds passed and any was. */
    everySeconds: number;
    /** The checkpoints' origin line, also the signing key's name. */
    origin: string;
  };
  /** The URL people reach the hub at: the console's origin and the development IdP's issuers. */
  publicUrl: string;
  /**
   * Whether the hub serves the demo agencies' development OpenID Providers at /idp/<slug> and trusts
   * the demo issuers (TESSERA_DEV_IDP): they sign anyone in as a demo user without a password, so
   * only in development unless TESSERA_DEV_IDP=1 asks for them (`npm start`, the demo, does).
   */
  devIdp: boolean;
  subgraphUrl(name: string, defaultPort: number): string;
}

export interface HitNoHitQuota {
  userPerMinute: number;
  userPerDay: number;
  agencyPerMinute: number;
  agencyPerDay: number;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(): Config {
  const runMode = process.env.TESSERA_RUN_MODE ?? 'in-process';
  if (runMode !== 'in-process' && runMode !== 'multi-process') {
    throw new Error(`TESSERA_RUN_MODE must be "in-process" or "multi-process", got "${runMode}"`);
  }
  const dataDir = path.resolve(process.env.TESSERA_DATA_DIR ?? path.join(process.cwd(), '.tessera'));
  const port = intFromEnv('PORT', 4000);
  const development = process.env.TESSERA_DEV === '1' || process.env.NODE_ENV === 'development';
  return {
    port,
    publicUrl: (process.env.TESSERA_PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    devIdp: process.env.TESSERA_DEV_IDP === '1' || (process.env.TESSERA_DEV_IDP !== '0' && development),
    databaseUrl: process.env.DATABASE_URL || undefined,
    appDatabaseUrl: process.env.TESSERA_APP_DATABASE_URL || undefined,
    replicaDatabaseUrl: process.env.TESSERA_REPLICA_URL || undefined,
    dataDir,
    runMode,
    subgraphHost: process.env.TESSERA_SUBGRAPH_HOST || '127.0.0.1',
    audience: process.env.TESSERA_AUDIENCE ?? 'tessera',
    kAnonymity: intFromEnv('TESSERA_K_ANONYMITY', 5),
    hitNoHitQuota: {
      userPerMinute: intFromEnv('TESSERA_HIT_NO_HIT_USER_PER_MINUTE', 2000),
      userPerDay: intFromEnv('TESSERA_HIT_NO_HIT_USER_PER_DAY', 10000),
      agencyPerMinute: intFromEnv('TESSERA_HIT_NO_HIT_AGENCY_PER_MINUTE', 5000),
      agencyPerDay: intFromEnv('TESSERA_HIT_NO_HIT_AGENCY_PER_DAY', 50000),
    },
    screeningAgencyPerDay: intFromEnv('TESSERA_SCREENING_AGENCY_PER_DAY', 2_000_000),
    screeningAnswersDays: Math.max(1, intFromEnv('TESSERA_SCREENING_ANSWERS_DAYS', 30)),
    privateScreeningAgencyPerDay: intFromEnv('TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY', 2_000_000),
    development,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    auditCheckpoints: {
      dir: path.resolve(process.env.TESSERA_AUDIT_CHECKPOINT_DIR || path.join(dataDir, 'audit-checkpoints')),
      everyEvents: Math.max(1, intFromEnv('TESSERA_AUDIT_CHECKPOINT_EVERY_EVENTS', 1000)),
      everySeconds: Math.max(1, intFromEnv('TESSERA_AUDIT_CHECKPOINT_EVERY_SECONDS', 60)),
      origin: process.env.TESSERA_AUDIT_ORIGIN || 'tessera.hub/audit',
    },
    subgraphUrl(name, defaultPort) {
      const key = `TESSERA_SUBGRAPH_URL_${name.toUpperCase()}`;
      return process.env[key] ?? `http://127.0.0.1:${defaultPort}/graphql`;
    },
  };
}
