import { texts } from './texts';

export const reports = texts(
  {
    nav: 'Transaction reports',
    title: 'Transaction-report batches',
    intro:
      'Send a CSV file of suspicious transaction or activity reports as one batch: all or nothing. The same file with the same handling sent again creates nothing new.',
    columns:
      'The header row names the columns of docs/formats.md (“CSV”), report_ref to party_email. One record per party; records with the same report_ref are one report.',
    file: 'CSV file',
    preview: 'Preview: {{records}} records, {{reports}} reports',
    line: 'Line',
    unreadable: 'The file is not readable as CSV: {{message}}',
    send: 'Send {{reports}} reports',
    sending: 'Sending the batch…',
    refused: 'The batch was refused: nothing was written. Correct the file and send it again.',
    errorAt: 'Line {{line}}, {{column}} (report {{row}}, {{field}}): {{message}}',
    created: 'Submitted: {{count}} reports created.',
    already: 'Already submitted on {{at}}: nothing new was created.',
    submission: 'Submission',
    reference: 'Your reference',
    report: 'Report',
    unmapped: 'Not kept by Tessera: {{columns}}',
  },
  {
    nav: 'Rapoarte de tranzacții',
    title: 'Loturi de rapoarte de tranzacții',
    intro:
      'Trimiteți un fișier CSV de rapoarte de tranzacții sau activități suspecte ca un singur lot: totul sau nimic. Același fișier, cu aceeași tratare, trimis din nou nu creează nimic nou.',
    columns:
      'Rândul de antet numește coloanele din docs/formats.md („CSV”), de la report_ref la party_email. O înregistrare pentru fiecare parte; înregistrările cu același report_ref formează un raport.',
    file: 'Fișier CSV',
    preview: 'Previzualizare: {{records}} înregistrări, {{reports}} rapoarte',
    line: 'Linia',
    unreadable: 'Fișierul nu poate fi citit ca CSV: {{message}}',
    send: 'Trimiteți {{reports}} rapoarte',
    sending: 'Se trimite lotul…',
    refused: 'Lotul a fost refuzat: nu s-a scris nimic. Corectați fișierul și trimiteți-l din nou.',
    errorAt: 'Linia {{line}}, {{column}} (raportul {{row}}, {{field}}): {{message}}',
    created: 'Trimis: {{count}} rapoarte create.',
    already: 'Deja trimis la {{at}}: nu s-a creat nimic nou.',
    submission: 'Trimiterea',
    reference: 'Referința dumneavoastră',
    report: 'Raportul',
    unmapped: 'Nepăstrate de Tessera: {{columns}}',
  },
);
