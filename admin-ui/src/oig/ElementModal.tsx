import { FormGroup, Radio } from '@patternfly/react-core';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { NotLoaded } from '../components/NotLoaded';
import type { FieldErrors } from '../components/fieldErrors';
import { SelectField, TextField } from '../components/fields';
import { FormModal } from '../components/FormModal';
import { useSubmit } from '../components/useSubmit';
import { MivbFields, mivbForm, mivbSettings, TransportField, type MivbForm, type Transport } from './elementSettings';

type Element = Schemas['NetworkElement'];
type ElementType = Element['type'];

interface ElementModalProps {
  /** The element to edit; without it the dialog adds one. */
  element?: Element;
  /** A MiContact Center exists already: the seed allows only one. */
  hasMicc: boolean;
  onClose: () => void;
  onSaved: (element: Element) => Promise<void>;
}

interface Draft {
  type: ElementType;
  address: string;
  name: string;
  useDefaults: boolean;
  mivb: MivbForm;
  transport: Transport;
}

/**
 * Add Network Element / Edit Network Element (seed figures 9–16). The Custom fields start from
 * the element's settings in force, or the type's default values for a new one, so Custom only
 * asks for what differs.
 */
export function ElementModal({ element, hasMicc, onClose, onSaved }: ElementModalProps) {
  const defaults = useLoad(() => unwrap(api.GET('/api/admin/network-element-defaults')));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const { busy, error, fieldErrors, submit } = useSubmit();

  // The draft is made once the defaults are known (they fill a new element's Custom fields).
  const start = defaults.data;
  const current: Draft | null =
    draft ??
    (start
      ? {
          type: element?.type ?? 'MI_VB',
          address: element?.address ?? '',
          name: element?.name ?? '',
          useDefaults: element?.useDefaults ?? true,
          mivb: mivbForm(element?.mivb ?? start.mivb),
          transport: element?.micc?.transport ?? start.micc.transport,
        }
      : null);
  const change = (patch: Partial<Draft>) => current && setDraft({ ...current, ...patch });

  const save = async () => {
    if (!current) return;
    const body = {
      address: current.address.trim(),
      name: current.name.trim() || null,
      useDefaults: current.useDefaults,
    };
    let custom: { mivb?: Schemas['MivbSettings']; micc?: { transport: Transport } } = {};
    if (!current.useDefaults && current.type === 'MI_VB') {
      const checked = mivbSettings(current.mivb);
      setLocalErrors(checked.errors);
      if (!checked.settings) return;
      custom = { mivb: checked.settings };
    } else {
      setLocalErrors({});
      if (!current.useDefaults) custom = { micc: { transport: current.transport } };
    }
    let saved: Element | undefined;
    const ok = await submit(async () => {
      saved = element
        ? await unwrap(api.PUT('/api/admin/network-elements/{icpId}', { params: { path: { icpId: element.icpId } }, body: { ...body, ...custom } }))
        : await unwrap(api.POST('/api/admin/network-elements', { body: { type: current.type, ...body, ...custom } }));
    });
    if (ok && saved) await onSaved(saved);
  };

  const errors = { ...fieldErrors, ...localErrors };
  const id = element ? 'edit-element' : 'add-element';
  const typeName = current?.type === 'MI_CC' ? 'MiContact Center' : 'MiVoice Business';
  return (
    <FormModal
      id={id}
      title={element ? `Edit ${typeName} network element` : 'Add Network Element'}
      isOpen
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel="Save"
      busy={busy}
      // Field messages are shown under their fields; the alert says there are some.
      error={error}
      errorContext={element ? 'The network element was not saved.' : 'The network element was not added.'}
    >
      {!current ? (
        <NotLoaded loaded={defaults} what="the default values" />
      ) : (
        <>
          {!element && (
            <SelectField
              id={`${id}-type`}
              label="Type"
              value={current.type}
              onChange={(type) => change({ type: type as ElementType })}
              options={[
                { value: 'MI_VB', label: 'MiVoice Business' },
                { value: 'MI_CC', label: hasMicc ? 'MiContact Center (this gateway has its one already)' : 'MiContact Center', isDisabled: hasMicc },
              ]}
              isRequired
            />
          )}
          <TextField
            id={`${id}-address`}
            label="IP Address"
            hint={current.type === 'MI_VB' ? 'The IP address of the MiVoice Business controller' : 'The IP address of the MiContact Center server'}
            value={current.address}
            onChange={(address) => change({ address })}
            error={errors.address}
            isRequired
          />
          <TextField id={`${id}-name`} label="Name" hint="Optional: how this element is known here, e.g. ICP-3" value={current.name} onChange={(name) => change({ name })} error={errors.name} />
          <FormGroup role="radiogroup" isInline fieldId={`${id}-setup`} label="Setup">
            <Radio
              id={`${id}-setup-default`}
              name={`${id}-setup`}
              label="Default"
              description={`Uses the ${typeName} default values (Set Default Values)`}
              isChecked={current.useDefaults}
              onChange={() => change({ useDefaults: true })}
            />
            <Radio
              id={`${id}-setup-custom`}
              name={`${id}-setup`}
              label="Custom"
              description="Values for this element only"
              isChecked={!current.useDefaults}
              onChange={() => change({ useDefaults: false })}
            />
          </FormGroup>
          {!current.useDefaults && current.type === 'MI_VB' && <MivbFields idPrefix={id} value={current.mivb} onChange={(mivb) => change({ mivb })} errors={errors} />}
          {!current.useDefaults && current.type === 'MI_CC' && (
            <TransportField id={`${id}-transport`} value={current.transport} onChange={(transport) => change({ transport })} error={errors.transport} />
          )}
        </>
      )}
    </FormModal>
  );
}
