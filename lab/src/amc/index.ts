export { startLabAmc, MAX_BODY_BYTES, type AmcRequestRecord, type LabAmc, type LabAmcOptions } from './server';
export type { ActivationInfo, AmcPayload, Binding, Clock } from './accounts';
export { PART_CATALOGUE, partInfo, TRIAL_DAYS, type BasePlatform, type PartInfo, type Platform } from './catalogue';
export { AMC_ERROR_STATUS, AmcError, type AmcErrorCode } from './errors';
export {
  AmcFixtureError,
  checkAmcFixture,
  DEFAULT_AMC_FIXTURE,
  LAB_AMC_ACCOUNT,
  LAB_AMC_SP_ACCOUNT,
  readAmcFixture,
  type AccountFixture,
  type AmcFixture,
  type AridRecordFixture,
  type PartLine,
} from './fixture';
export { signPayload, verifyAmcEnvelope, type AmcEnvelope } from './signing';
export type { AmcStateFiles } from './state';
