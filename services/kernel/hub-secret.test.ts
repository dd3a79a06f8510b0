import fs from 'node:fs';
import path from 'node:path';
import { fileMadeOnce } from './hub-secret';
import { tempDir } from '../../test/support/temp-dir';

describe('a file made once', () => {
  test('is made by the first caller only, whole, and leaves nothing aside', () => {
    const dir = tempDir('made-once');
    const file = path.join(dir, 'keys', 'secret');
    expect(fileMadeOnce(file, () => 'first')).toBe('first');
    expect(fileMadeOnce(file, () => 'second')).toBe('first');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secret']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
