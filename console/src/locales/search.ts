import { texts } from './texts';

export const search = texts(
  {
    title: 'Search people and identifiers',
    label: 'Name, phone, IBAN, e-mail…',
    submit: 'Search',
    people: 'People',
    identifiers: 'Identifiers',
    noResults: 'No result that reaches you.',
    score: 'match {{score}}%',
    hint: 'Type as you would say it: diacritics or not, national phone numbers.',
  },
  {
    title: 'Căutați persoane și identificatori',
    label: 'Nume, telefon, IBAN, e-mail…',
    submit: 'Căutați',
    people: 'Persoane',
    identifiers: 'Identificatori',
    noResults: 'Niciun rezultat care să vă fie accesibil.',
    score: 'potrivire {{score}}%',
    hint: 'Scrieți cum îl spuneți: cu sau fără diacritice, numere de telefon naționale.',
  },
);
