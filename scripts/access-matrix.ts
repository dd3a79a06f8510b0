import fs from 'node:fs';
import path from 'node:path';
import { accessMatrixMarkdown } from '../policies/matrix';

export const ACCESS_MATRIX_PATH = path.join(__dirname, '..', 'docs', 'access-matrix.md');

fs.writeFileSync(ACCESS_MATRIX_PATH, accessMatrixMarkdown());
console.log(`wrote ${ACCESS_MATRIX_PATH}`);
