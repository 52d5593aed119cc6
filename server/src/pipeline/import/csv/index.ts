export * from './csv-import-error';
export * from './csv-import-options';
export * from './csv-import-args';
export * from './csv-import-report';
export * from './csv-row-reader';
export * from './import-row-outcome';
export * from './csv-importer';
