/**
 * Every subject the hub holds and every field of it a client can ask for. The field policy is
 * checked against these lists: a field missing here can never be projected (deny by default), and
 * the secure-schema check refuses to start a subgraph whose GraphQL type exposes a field that is
 * not listed for its subject.
 */
export const ACTIONS = ['read', 'create', 'update', 'withdraw'] as const;
export type Action = (typeof ACTIONS)[number];

/** Handling metadata carried by every marked record (TLP, 3x5x2 grading, owner, retention). */
export const RECORD_META = [
  'id',
  'marking',
  'sourceEvaluation',
  'intelligenceAssessment',
  'handlingCode',
  'handlingConditions',
  'ownerAgency',
  'createdAt',
  'updatedAt',
  'reviewDue',
] as const;

export const CASE_OVERVIEW = [...RECORD_META, 'status', 'exploitationTypes', 'periodStart', 'periodEnd', 'indicators'] as const;
export const CASE_DETAIL = ['reference', 'summary', 'nrmStage'] as const;

export const EVENT_OVERVIEW = [...RECORD_META, 'caseId', 'type', 'occurredOn', 'location'] as const;
export const EVENT_DETAIL = ['description'] as const;

export const PERSON_PROFILE = [...RECORD_META, 'caseId', 'role', 'pseudonym', 'ageBand', 'gender', 'nationality'] as const;
export const PERSON_IDENTITY = ['fullName', 'dateOfBirth', 'contact', 'documents'] as const;

/**
 * A dated stage of a victim's path through a national referral mechanism (services/cases/referral.ts):
 * victim-related like the case's NRM stage, so read by the agency types that read that.
 */
export const REFERRAL_STAGE_FIELDS = [...RECORD_META, 'caseId', 'personId', 'mechanism', 'stage', 'outcome', 'occurredOn'] as const;
/**
 * A referral mechanism's time-to-decision and outcome statistics, one row per quarter and group (UK
 * fields for the UK's NRM, identification and assistance for Romania's mechanism): aggregates
 * under the same disclosure control as hotspots (`exactCounts`, EXACT_COUNTS, decides exact or perturbed).
 */
export const NRM_STATISTICS_FIELDS = [
  'mechanism',
  'quarter',
  'group',
  'referrals',
  'reasonableGroundsDecisions',
  'reasonableGroundsPositive',
  'reasonableGroundsWithinTarget',
  'reasonableGroundsMedianWorkingDays',
  'conclusiveGroundsDecisions',
  'conclusiveGroundsPositive',
  'conclusiveGroundsMedianDays',
  'awaitingConclusive',
  'waitingBeyondReferenceMedian',
  'supportProvided',
  'identificationDecisions',
  'identificationPositive',
  'identificationMedianDays',
  'referredToAssistance',
  'assistanceProvided',
  'countSuppressed',
] as const;

export const ENTITY_OVERVIEW = ['id', 'kind', 'maskedValue', 'firstSeenAt'] as const;
export const ENTITY_VALUE = ['value'] as const;

export const OBSERVATION_FIELDS = [...RECORD_META, 'sourceType', 'sourceId', 'observedAt', 'note'] as const;
export const LINK_FIELDS = [...RECORD_META, 'kind', 'fromPerson', 'toPerson', 'validFrom', 'validTo', 'sourceType', 'sourceId'] as const;

export const LOCATION_FIELDS = ['id', 'name', 'city', 'countryCode', 'latitude', 'longitude'] as const;

/** `exactCounts` is a capability, not a column: without it counts below k are suppressed. */
export const ROUTE_FIELDS = [...RECORD_META, 'exploitationTypes', 'periodStart', 'periodEnd', 'victimCount', 'caseCount', 'countSuppressed'] as const;
export const EXACT_COUNTS = ['exactCounts'] as const;
export const HOTSPOT_FIELDS = ['periodStart', 'periodEnd', 'victimCount', 'caseCount', 'countSuppressed'] as const;

export const TYPOLOGY_FIELDS = [...RECORD_META, 'title', 'pattern', 'indicators', 'channels', 'amountBands', 'geography', 'periodStart', 'periodEnd'] as const;
export const TRANSACTION_REPORT_FIELDS = [...RECORD_META, 'reportCode', 'reason', 'indicators', 'amount', 'currency', 'dateFrom', 'dateTo', 'parties'] as const;

/**
 * An advert from an adult-services site, collected by a partner and held by the hub: where and when
 * it was seen (ADVERT_OVERVIEW), and what identifies the people behind it (ADVERT_IDENTIFIERS: the
 * advert's URL, phones, handles, text and image hashes).
 */
export const ADVERT_OVERVIEW = [...RECORD_META, 'site', 'firstSeen', 'lastSeen', 'location', 'city', 'collector', 'indicators'] as const;
export const ADVERT_IDENTIFIERS = ['advertRef', 'url', 'phones', 'handles', 'text', 'imageHashes'] as const;
/**
 * A lead the hub computes from adverts: what kind of pattern, how strong, which indicators and
 * cities (ADVERT_LEAD_OVERVIEW), and the evidence that names people: the adverts it rests on and
 * the phones and image hashes that join them (ADVERT_LEAD_EVIDENCE).
 */
export const ADVERT_LEAD_OVERVIEW = [...RECORD_META, 'kind', 'score', 'indicators', 'cities', 'advertCount', 'firstSeen', 'lastSeen', 'explanation'] as const;
export const ADVERT_LEAD_EVIDENCE = ['adverts', 'phones', 'imageHashes', 'movements'] as const;

export const NARRATIVE_OVERVIEW = [
  ...RECORD_META,
  'case',
  'language',
  'indicators',
  'consentLawEnforcement',
  'consentHub',
  'consentRecordedBy',
  'consentRecordedAt',
  'withdrawnAt',
] as const;
export const NARRATIVE_TEXT = ['text'] as const;

/** A member of the public's report, taken without an account: for the hub's analysts. */
export const PUBLIC_REPORT_FIELDS = [
  'id',
  'receivedAt',
  'story',
  'occurredWhen',
  'place',
  'latitude',
  'longitude',
  'situationKind',
  'language',
  'photos',
  'additions',
  'duplicateOf',
  'status',
] as const;
/** The contact details a reporter chose to give: the hub's analysts only, whatever else is ever shared. */
export const PUBLIC_REPORT_CONTACT = ['contact'] as const;
/** What a receipt code tells its holder: that the report arrived and where it stands, nothing of its content. */
export const PUBLIC_REPORT_RECEIPT_FIELDS = ['receivedOn', 'status', 'additionCount'] as const;
/**
 * A public report in the hub's triage: why it is urgent, what the extractor proposes in its text,
 * the reports it may repeat or relate to, the known entities it names, and the decision taken.
 */
export const TRIAGE_ITEM_FIELDS = [
  'id',
  'report',
  'urgency',
  'identifiers',
  'indicators',
  'places',
  'related',
  'touchedEntities',
  'decision',
  'retentionClass',
  'reviewDue',
] as const;
/** The decision on a triaged report and, unless discarded, its 3x5x2 grading as intelligence. */
export const TRIAGE_DECISION_FIELDS = [
  'id',
  'decision',
  'case',
  'reason',
  'sourceEvaluation',
  'intelligenceAssessment',
  'handlingCode',
  'handlingConditions',
  'corroboration',
  'decidedAt',
  'decidedByUserId',
] as const;
/** A frontline service's notification of a suspected case, and the referral to its destination agency. */
export const NOTIFICATION_FIELDS = [
  'id',
  'notifierAgency',
  'destinationAgency',
  'indicators',
  'exploitationTypes',
  'childInvolved',
  'imminentRisk',
  'summary',
  'place',
  'occurredWhen',
  'status',
  'outcome',
  'dueOn',
  'createdAt',
  'updatedAt',
] as const;

/** A prevention campaign: the hub's, run by a partner agency or a named platform, in target areas of the gazetteer. */
export const CAMPAIGN_FIELDS = [
  'id',
  'ownerAgency',
  'partnerAgency',
  'platformName',
  'name',
  'goal',
  'languages',
  'channels',
  'startsOn',
  'endsOn',
  'createdAt',
  'updatedAt',
] as const;
/** A campaign's candidate or target area (its `location` a relation): a place of recruitment with the counts behind it, under disclosure control. */
export const CAMPAIGN_AREA_FIELDS = ['periodStart', 'periodEnd', 'caseCount', 'victimCount', 'countSuppressed'] as const;
/** People reached and calls to the partner in one target area and ISO week, as the partner recorded them. */
export const CAMPAIGN_REACH_FIELDS = ['id', 'isoWeek', 'peopleReached', 'partnerCalls', 'recordedAt'] as const;
/** One indicator of a target area over equal windows before and after the campaign's start. */
export const CAMPAIGN_INDICATOR_FIELDS = [
  'location',
  'indicator',
  'beforeFrom',
  'beforeTo',
  'afterFrom',
  'afterTo',
  'before',
  'after',
  'countSuppressed',
] as const;
/**
 * An intelligence report the hub publishes to an audience. Its recipients read what it is and where it
 * stands; who else it went to, and a withdrawal's reason, stay with the hub's analysts.
 */
export const INTELLIGENCE_REPORT_FIELDS = ['id', 'marking', 'status', 'versionCount', 'createdAt', 'updatedAt'] as const;
export const INTELLIGENCE_REPORT_AUDIENCE = ['audienceAgencyTypes', 'audienceAgencies', 'audienceGroupIds', 'withdrawnAt', 'withdrawalReason'] as const;
/**
 * One published version of a report, with its visuals as rendered for the reader's agency type
 * (never the author's view) and that rendering as a PDF.
 */
export const REPORT_VERSION_FIELDS = [
  'id',
  'reportId',
  'version',
  'title',
  'summary',
  'keyJudgements',
  'body',
  'linkedCases',
  'linkedRoutes',
  'linkedTypologies',
  'hotspotLocations',
  'periodStart',
  'periodEnd',
  'exploitationType',
  'publishedAt',
  'visuals',
  'pdf',
] as const;
/** The seeds of the network chart as the author named them (persons, entities, cases): the hub's analysts only. */
export const REPORT_VERSION_AUTHORING = ['networkSeedIds'] as const;
/** A recipient agency's feedback on a report: its own only. */
export const REPORT_FEEDBACK_FIELDS = [
  'id',
  'reportId',
  'useful',
  'safeguardedPersons',
  'arrests',
  'accountsClosed',
  'advertsDisrupted',
  'note',
  'createdAt',
] as const;
/** Feedback summed per report and quarter over every recipient, never naming one: the hub's analysts. */
export const REPORT_FEEDBACK_SUMMARY_FIELDS = [
  'reportId',
  'quarter',
  'feedbackCount',
  'usefulCount',
  'safeguardedPersons',
  'arrests',
  'accountsClosed',
  'advertsDisrupted',
] as const;

export const AGENCY_FIELDS = ['id', 'slug', 'name', 'type', 'country', 'acceptsAccessRequests'] as const;
export const USER_FIELDS = ['id', 'subject', 'displayName', 'role', 'active'] as const;
export const TRUSTED_ISSUER_FIELDS = ['id', 'issuer', 'audience', 'algorithms', 'jwks', 'jwksUri'] as const;

/**
 * Governance subjects: not TLP-marked records (they carry no marking of their own), but subjects of
 * the same rules. Agencies named by them (requester, grantor, members) are relations to the
 * directory, which every member reads.
 */
export const ACCESS_REQUEST_FIELDS = ['id', 'identifier', 'purpose', 'status', 'createdAt', 'decidedAt', 'refusalReason'] as const;
/** The target agency's own records that mention the requested identifier: for the target only. */
export const GRANT_CANDIDATES = ['candidates'] as const;
export const ACCESS_GRANT_FIELDS = ['id', 'requestId', 'subjectType', 'recordId', 'purpose', 'expiresAt', 'revokedAt', 'createdAt', 'active'] as const;
export const SHARING_GROUP_FIELDS = ['id', 'slug', 'name'] as const;
export const REVIEWABLE_RECORD_FIELDS = ['subjectType', 'id', 'marking', 'reviewDue', 'retentionClass', 'reviewPeriodYears', 'createdAt'] as const;
export const RETENTION_REVIEW_FIELDS = [
  'id',
  'subjectType',
  'recordId',
  'decision',
  'reason',
  'reviewedByUserId',
  'reviewedAt',
  'previousReviewDue',
  'nextReviewDue',
  'erasedRecordCount',
] as const;
export const AUDIT_EVENT_FIELDS = [
  'seq',
  'at',
  'action',
  'actorUserId',
  'actorAgency',
  'subjectType',
  'subjectId',
  'recordOwnerAgency',
  'recipients',
  'purpose',
  'fields',
  'records',
  'requestId',
  'prevHash',
  'hash',
] as const;
export const HIT_NO_HIT_FIELDS = ['kind', 'value', 'known', 'holderCount', 'contactableAgencies'] as const;
/** How often other agencies asked hit/no-hit about an identifier the agency holds: counts by agency type, never who. */
export const HIT_NO_HIT_INTEREST_FIELDS = ['kind', 'value', 'queries', 'askedBy'] as const;
/** One agency type's answered requests about such an identifier (an element of `askedBy`; `agencyId` is the holder's). */
export const HIT_NO_HIT_ASKERS_FIELDS = ['agencyType', 'queries'] as const;
/** A bulk screening job: its progress and counts, never the identifiers (those are its results). */
export const SCREENING_JOB_FIELDS = ['id', 'reference', 'status', 'chunkCount', 'identifierCount', 'knownCount', 'createdAt', 'closedAt'] as const;
/** One identifier screened: the hit/no-hit answer about it, with its place in the job (chunk number, index in the chunk). */
export const SCREENING_RESULT_FIELDS = ['chunk', 'index', ...HIT_NO_HIT_FIELDS] as const;

export const SUBJECT_FIELDS = {
  Case: [...CASE_OVERVIEW, ...CASE_DETAIL],
  TraffickingEvent: [...EVENT_OVERVIEW, ...EVENT_DETAIL],
  Person: [...PERSON_PROFILE, ...PERSON_IDENTITY],
  ReferralStage: [...REFERRAL_STAGE_FIELDS],
  NrmStatistics: [...NRM_STATISTICS_FIELDS, ...EXACT_COUNTS],
  Entity: [...ENTITY_OVERVIEW, ...ENTITY_VALUE],
  Observation: [...OBSERVATION_FIELDS],
  Link: [...LINK_FIELDS],
  Location: [...LOCATION_FIELDS],
  Route: [...ROUTE_FIELDS, ...EXACT_COUNTS],
  Hotspot: [...HOTSPOT_FIELDS, ...EXACT_COUNTS],
  Typology: [...TYPOLOGY_FIELDS],
  TransactionReport: [...TRANSACTION_REPORT_FIELDS],
  Narrative: [...NARRATIVE_OVERVIEW, ...NARRATIVE_TEXT],
  Advert: [...ADVERT_OVERVIEW, ...ADVERT_IDENTIFIERS],
  AdvertLead: [...ADVERT_LEAD_OVERVIEW, ...ADVERT_LEAD_EVIDENCE],
  PublicReport: [...PUBLIC_REPORT_FIELDS, ...PUBLIC_REPORT_CONTACT],
  PublicReportReceipt: [...PUBLIC_REPORT_RECEIPT_FIELDS],
  Notification: [...NOTIFICATION_FIELDS],
  TriageItem: [...TRIAGE_ITEM_FIELDS],
  TriageDecision: [...TRIAGE_DECISION_FIELDS],
  Campaign: [...CAMPAIGN_FIELDS],
  CampaignArea: [...CAMPAIGN_AREA_FIELDS, ...EXACT_COUNTS],
  CampaignReach: [...CAMPAIGN_REACH_FIELDS],
  CampaignIndicator: [...CAMPAIGN_INDICATOR_FIELDS, ...EXACT_COUNTS],
  IntelligenceReport: [...INTELLIGENCE_REPORT_FIELDS, ...INTELLIGENCE_REPORT_AUDIENCE],
  IntelligenceReportVersion: [...REPORT_VERSION_FIELDS, ...REPORT_VERSION_AUTHORING],
  ReportFeedback: [...REPORT_FEEDBACK_FIELDS],
  ReportFeedbackSummary: [...REPORT_FEEDBACK_SUMMARY_FIELDS],
  Agency: [...AGENCY_FIELDS],
  User: [...USER_FIELDS],
  TrustedIssuer: [...TRUSTED_ISSUER_FIELDS],
  AccessRequest: [...ACCESS_REQUEST_FIELDS, ...GRANT_CANDIDATES],
  AccessGrant: [...ACCESS_GRANT_FIELDS],
  SharingGroup: [...SHARING_GROUP_FIELDS],
  ReviewableRecord: [...REVIEWABLE_RECORD_FIELDS],
  RetentionReview: [...RETENTION_REVIEW_FIELDS],
  AuditEvent: [...AUDIT_EVENT_FIELDS],
  HitNoHitResult: [...HIT_NO_HIT_FIELDS],
  HitNoHitInterest: [...HIT_NO_HIT_INTEREST_FIELDS],
  HitNoHitAskers: [...HIT_NO_HIT_ASKERS_FIELDS],
  ScreeningJob: [...SCREENING_JOB_FIELDS],
  ScreeningResult: [...SCREENING_RESULT_FIELDS],
} as const;

export type SubjectType = keyof typeof SUBJECT_FIELDS;
export const SUBJECTS = Object.keys(SUBJECT_FIELDS) as SubjectType[];

/** Subjects whose rows carry RECORD_META and so pass through the TLP/ownership/grant reach rule. */
export const MARKED_SUBJECTS = [
  'Case',
  'Person',
  'ReferralStage',
  'TraffickingEvent',
  'Observation',
  'Link',
  'Route',
  'Typology',
  'TransactionReport',
  'Narrative',
  'Advert',
  'AdvertLead',
] as const satisfies readonly SubjectType[];
export type MarkedSubject = (typeof MARKED_SUBJECTS)[number];

export function isMarkedSubject(value: unknown): value is MarkedSubject {
  return typeof value === 'string' && (MARKED_SUBJECTS as readonly string[]).includes(value);
}

/** Governance subjects: unmarked, each with its own parties (requester and target, grantor and grantee, members, actor). */
export const GOVERNANCE_SUBJECTS: readonly SubjectType[] = [
  'AccessRequest',
  'AccessGrant',
  'SharingGroup',
  'ReviewableRecord',
  'RetentionReview',
  'AuditEvent',
  'HitNoHitResult',
  'HitNoHitInterest',
  'HitNoHitAskers',
  'ScreeningJob',
  'ScreeningResult',
];

/**
 * Naming convention: a policy field is a GraphQL field. A reference to a type another subgraph owns
 * (ownerAgency, location, case, fromPerson) is a policy field whose value is a federation reference
 * `{ __typename, id }` built by the repository. A relation to a type of the same subgraph
 * (Case.persons, Observation.entity, Route.origin) is resolved through that type's service and
 * declared in the subgraph's `relations`, so the target's own rules apply.
 */

/** A record as the policy sees it: its GraphQL typename and its field values and policy attributes. */
export type PolicyRecord = { __typename: SubjectType } & Record<string, unknown>;
