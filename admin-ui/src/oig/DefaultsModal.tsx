import { useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { NotLoaded } from '../components/NotLoaded';
import type { FieldErrors } from '../components/fieldErrors';
import { SelectField } from '../components/fields';
import { FormModal } from '../components/FormModal';
import { useSubmit } from '../components/useSubmit';
import { MivbFields, mivbForm, mivbSettings, TransportField, type MivbForm, type Transport } from './elementSettings';

type ElementType = Schemas['NetworkElement']['type'];

interface Draft {
  type: ElementType;
  mivb: MivbForm;
  transport: Transport;
}

/**
 * "Set Default Values for Network Element" (seed figures 17–18): pick MiVoice Business or
 * MiContact Center, then change the values every Default element of that type uses.
 */
export function DefaultsModal({ onClose, onSaved }: { onClose: () => void; onSaved: (type: ElementType) => Promise<void> }) {
  const defaults = useLoad(() => unwrap(api.GET('/api/admin/network-element-defaults')));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const { busy, error, fieldErrors, submit } = useSubmit();
  const current: Draft | null = draft ?? (defaults.data ? { type: 'MI_VB', mivb: mivbForm(defaults.data.mivb), transport: defaults.data.micc.transport } : null);
  const change = (patch: Partial<Draft>) => current && setDraft({ ...current, ...patch });

  const save = async () => {
    if (!current) return;
    let put: () => Promise<unknown>;
    if (current.type === 'MI_VB') {
      const checked = mivbSettings(current.mivb);
      setLocalErrors(checked.errors);
      const settings = checked.settings;
      if (!settings) return;
      put = () => unwrap(api.PUT('/api/admin/network-element-defaults/mivb', { body: settings }));
    } else {
      setLocalErrors({});
      put = () => unwrap(api.PUT('/api/admin/network-element-defaults/micc', { body: { transport: current.transport } }));
    }
    if (await submit(put)) await onSaved(current.type);
  };

  const errors = { ...fieldErrors, ...localErrors };
  return (
    <FormModal
      id="element-defaults"
      title="Set Default Values for Network Element"
      description="The values Default network elements of the type use, now and when added later."
      isOpen
      onClose={onClose}
      onSubmit={() => void save()}
      submitLabel="Save"
      busy={busy}
      error={error}
      errorContext="The default values were not saved."
    >
      {!current ? (
        <NotLoaded loaded={defaults} what="the default values" />
      ) : (
        <>
          <SelectField
            id="element-defaults-type"
            label="Type"
            value={current.type}
            onChange={(type) => change({ type: type as ElementType })}
            options={[
              { value: 'MI_VB', label: 'MiVoice Business' },
              { value: 'MI_CC', label: 'MiContact Center' },
            ]}
            isRequired
          />
          {current.type === 'MI_VB' ? (
            <MivbFields idPrefix="element-defaults" value={current.mivb} onChange={(mivb) => change({ mivb })} errors={errors} />
          ) : (
            <TransportField id="element-defaults-transport" value={current.transport} onChange={(transport) => change({ transport })} error={errors.transport} />
          )}
        </>
      )}
    </FormModal>
  );
}
