import pkg from '../package.json';

/** This release: the helper ships in the gateway's blade and carries its version. */
export const PRODUCT_VERSION: string = pkg.version;
