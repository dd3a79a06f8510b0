import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import type { SubjectTable } from '../kernel/repository';

export const ADVERT_GRANTS = 'adverts.grants';

export const advertTable: SubjectTable = {
  subject: 'Advert',
  table: 'adverts.adverts',
  alias: 'a',
  grantsTable: ADVERT_GRANTS,
  columns: `${metaColumns('a')}, a.site, a.advert_ref AS "advertRef", a.url, a.first_seen AS "firstSeen", a.last_seen AS "lastSeen", a.location, a.city,
    a.phones, a.handles, a.image_hashes AS "imageHashes", a.text, a.collector, a.indicators`,
  attributes: (ctx, params) => metaAttributes('a', ctx.actor, params, ADVERT_GRANTS),
  map: (row) => withMeta('Advert', row) as PolicyRecord,
};

export const leadTable: SubjectTable = {
  subject: 'AdvertLead',
  table: 'adverts.leads',
  alias: 'l',
  grantsTable: ADVERT_GRANTS,
  columns: `${metaColumns('l')}, l.kind, l.score, l.indicators, l.cities, cardinality(l.advert_ids) AS "advertCount", l.advert_ids::text[] AS adverts,
    l.phones, l.image_hashes AS "imageHashes", l.movements, l.first_seen AS "firstSeen", l.last_seen AS "lastSeen", l.explanation`,
  attributes: (ctx, params) => metaAttributes('l', ctx.actor, params, ADVERT_GRANTS),
  map: (row) => withMeta('AdvertLead', row) as PolicyRecord,
};
