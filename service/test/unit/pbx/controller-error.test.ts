import { expect, it } from 'vitest';
import { PbxError } from '../../../src/domain/callcontrol/pbx-port';
import { controllerError } from '../../../src/pbx/controller-link';

it('keeps the protocol’s error codes and the controller’s message', () => {
  for (const code of ['BAD_REQUEST', 'NO_SUCH_DEVICE', 'NOT_IN_SERVICE', 'COS_CALL_CONTROL_DENIED', 'COS_MONITOR_DENIED', 'NO_SUCH_MONITOR', 'NO_SUCH_CALL', 'INVALID_STATE', 'DESTINATION_BUSY', 'DESTINATION_DO_NOT_DISTURB', 'NO_SUCH_NUMBER', 'BAD_PIN', 'NOT_LOGGED_IN', 'ALREADY_LOGGED_IN', 'INTERNAL']) {
    const err = controllerError(code, 'because');
    expect(err).toBeInstanceOf(PbxError);
    expect([err.code, err.message]).toEqual([code, 'because']);
  }
});

it('reads an unknown code, and the gateway’s own LINK_DOWN/TIMEOUT, as INTERNAL naming the code', () => {
  for (const code of ['SOMETHING_NEW', 'LINK_DOWN', 'TIMEOUT', '']) {
    const err = controllerError(code, 'odd');
    expect([err.code, err.message]).toEqual(['INTERNAL', `${code}: odd`]);
  }
});
