/** A store failure (I/O, corrupt data, lost connection). Never swallowed: callers show a friendly retry message. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The data file or database cannot be used as it is (corrupt, wrong schema, newer version, locked). Start-up refuses. */
export class StoreUnusableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnusableError';
  }
}
