export * from './duration';
export * from './working-calendar';
