export { startLabMivb, type ControllerStatus, type LabMivb, type LabMivbOptions, type RecordedEvent } from './cluster';
export { ManualClock, systemClock, type Clock } from './clock';
export { buildDirectory, Directory, type DeviceDef, type DeviceKind } from './directory';
export { CallEngine, FORWARD_MODES, type CallSnapshot, type DeviceInfo, type FeatureStatus, type ForwardMode, type LegState, type MakeCallResult } from './engine';
export { MivbError, type LinkErrorCode } from './errors';
export { describeEvent, type CallEvent, type Emission, type FeatureEvent, type LabEvent } from './events';
export {
  DEFAULT_MIVB_FIXTURE,
  FixtureError,
  generatedFixture,
  readMivbFixture,
  type GeneratedFixtureOptions,
  type HotDeskUserFixture,
  type MivbFixture,
  type PhoneFixture,
  type PrgFixture,
} from './fixture';
export { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES } from './frame';
export { dialableNumber, incomingNumbers, type NumberingPlan } from './numbering';
