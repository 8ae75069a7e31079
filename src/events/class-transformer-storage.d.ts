// class-transformer ships the metadata storage of its decorators (@Type) without a typing at
// this path; class-validator-jsonschema reads nested types from it.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
