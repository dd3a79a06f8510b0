/** The queries the leak tables share: each selects every sensitive field its access path offers. */

export const CASE_DETAIL = `query($id: ID!) { case(id: $id) { id status reference summary nrmStage handlingConditions } }`;

export const CASE_PERSONS = `query($id: ID!) { case(id: $id) { id persons { id role pseudonym fullName dateOfBirth contact documents } } }`;

export const CASE_EVENTS = `query($id: ID!) { case(id: $id) { id events { type occurredOn description location { name } } } }`;

export const CASE_ENTITIES = `query($id: ID!) { case(id: $id) { id entities { id kind value maskedValue observations { note } links { kind fromPerson { fullName } } } } }`;

export const CASE_NARRATIVES = `query($id: ID!) { case(id: $id) { id narratives { id language text consentLawEnforcement } } }`;

export const CASES_LIST = `{ cases(first: 200) { totalCount nodes { id reference summary nrmStage handlingConditions } } }`;

export const PERSON = `query($id: ID!) { person(id: $id) { id role pseudonym ageBand gender nationality fullName dateOfBirth contact documents } }`;

export const PERSONS_LIST = `{ persons(first: 200) { totalCount nodes { id role pseudonym fullName dateOfBirth contact documents } } }`;

export const EVENT = `query($id: ID!) { traffickingEvent(id: $id) { id type occurredOn description location { name } } }`;

export const ENTITY = `query($id: ID!) { entity(id: $id) { id kind maskedValue value } }`;

export const ENTITY_RELATIONS = `query($id: ID!) {
  entity(id: $id) {
    id kind
    observations { note sourceId }
    cases { id reference summary persons { fullName dateOfBirth } }
    links { kind fromPerson { fullName dateOfBirth } toPerson { fullName dateOfBirth } fromEntity { value } toEntity { value } }
  }
}`;

export const ENTITIES_LIST = `{ entities(first: 200) { totalCount nodes { id kind maskedValue value } } }`;

export const OBSERVATION = `query($id: ID!) { observation(id: $id) { id note sourceId observedAt entity { value } } }`;

export const LINK = `query($id: ID!) { link(id: $id) { id kind sourceId fromPerson { fullName dateOfBirth } toPerson { fullName dateOfBirth } fromEntity { value } toEntity { value } } }`;

export const NARRATIVE = `query($id: ID!) { narrative(id: $id) { id language text indicators consentLawEnforcement consentHub } }`;

export const NARRATIVE_CASE = `query($id: ID!) { narrative(id: $id) { id case { id summary reference persons { fullName dateOfBirth contact documents } } } }`;

export const NARRATIVES_LIST = `{ narratives(first: 200) { totalCount nodes { id language text } } }`;

export const REPORT = `query($id: ID!) { transactionReport(id: $id) { id reason amount parties { name significance account { id value maskedValue } } } }`;

export const REPORTS_LIST = `{ transactionReports(first: 200) { totalCount nodes { id reason parties { name account { value } } } } }`;

export const TYPOLOGY = `query($id: ID!) { typology(id: $id) { id marking title pattern indicators channels } }`;

export const TYPOLOGIES_LIST = `{ typologies(first: 200) { totalCount nodes { id marking title pattern } } }`;

export const ROUTE = `query($id: ID!) { route(id: $id) { id victimCount caseCount countSuppressed origin { name } destination { name } } }`;

export const ROUTES_LIST = `{ routes(first: 200) { totalCount nodes { id victimCount caseCount countSuppressed } } }`;

export const HOTSPOTS = `query($from: String!, $to: String!) { hotspots(periodFrom: $from, periodTo: $to) { location { name } caseCount victimCount countSuppressed } }`;
