// Copies the non-TypeScript files the compiled code reads at run time (none yet beyond the schema).
import { cpSync, existsSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
if (existsSync('schema')) cpSync('schema', 'dist/schema', { recursive: true });
