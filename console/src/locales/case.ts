import { texts } from './texts';

export const kase = texts(
  {
    title: 'Case',
    status: 'Status',
    nrmStage: 'NRM stage',
    periodStart: 'From',
    periodEnd: 'To',
    exploitationTypes: 'Exploitation',
    persons: 'Persons',
    timeline: 'Events',
    entities: 'Entities',
    narratives: 'Narratives',
  },
  {
    title: 'Cazul',
    status: 'Starea',
    nrmStage: 'Etapa NRM',
    periodStart: 'De la',
    periodEnd: 'Până la',
    exploitationTypes: 'Exploatarea',
    persons: 'Persoane',
    timeline: 'Evenimente',
    entities: 'Entități',
    narratives: 'Relatări',
  },
);
