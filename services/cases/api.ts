/**
 * What the cases subgraph offers the other subgraphs: the only module of services/cases/ they may
 * import (eslint.config.mjs). The cases schema's tables are named in SQL only inside this folder;
 * other subgraphs reach a case through these functions, or, where a read must stay one set-based
 * statement, through the SQL fragments below, which the cases subgraph writes and keeps.
 */
export { caseOpeningsWithVictimsByPlace, caseOwnedBySql, type ChainStep, type CountableCase, countableCases } from './case.repository';
export {
  assertPersonOfCase,
  demoCaseSource,
  insertCase,
  type NewCase,
  type OwnCase,
  ownCase,
  personsOfCase,
  validateNewCase,
  visibleCases,
  visiblePersons,
} from './case.service';
