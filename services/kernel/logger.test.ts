import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { PERSONAL_FIELDS } from './personal-fields';

describe('logging', () => {
  test('tokens, variables and personal fields never reach a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger(sink).child({ requestId: 'r-1', service: 'cases' });
    log.level = 'info';
    log.info(
      {
        headers: { authorization: 'Bearer eyJsecret' },
        token: 'eyJsecret2',
        variables: { fullName: 'Elena Marinescu' },
        person: { fullName: 'Elena Marinescu', dateOfBirth: '2004-03-17', contact: '+447700900471', documents: 'passport' },
        narrative: { text: 'what the survivor said' },
        caseId: 'c-1',
      },
      'request',
    );
    const out = lines.join('');
    for (const secret of ['eyJsecret', 'Elena', '2004-03-17', '+447700900471', 'passport', 'survivor']) expect(out).not.toContain(secret);
    expect(out).toContain('"caseId":"c-1"');
    expect(out).toContain('"requestId":"r-1"');
  });

  test('every personal field of every type is redacted, at the top level and one level down', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger(sink);
    log.level = 'info';
    for (const [type, fields] of Object.entries(PERSONAL_FIELDS)) {
      for (const field of fields) {
        const secret = `secret-${type}-${field}`;
        log.info({ [field]: secret, record: { [field]: secret } }, 'line');
        expect({ type, field, leaked: lines.join('').includes(secret) }).toEqual({ type, field, leaked: false });
      }
    }
    expect(Object.values(PERSONAL_FIELDS).flat()).toEqual(expect.arrayContaining(['value', 'parties', 'excerpt', 'fullName', 'text']));
  });
});
