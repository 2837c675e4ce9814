import { SelectField, TextField } from '../components/fields';
import type { FieldErrors } from '../components/fieldErrors';
import type { Schemas } from '../api/client';

/**
 * The Custom settings of a network element as a form holds them (text, as typed) and as the admin
 * API takes them. The gateway checks every field and names each bad one (element-settings.ts);
 * the form checks only what JSON cannot carry as typed: the extension length must be a number.
 */
export interface MivbForm {
  outsidePrefix: string;
  localCountryCode: string;
  longDistancePrefix: string;
  internationalPrefix: string;
  /** Area codes separated by commas or spaces. */
  localAreaCodes: string;
  maxExtensionLength: string;
  inboundTrunkServiceDigits: string;
}

export type Transport = Schemas['MiccSettings']['transport'];

export const mivbForm = (settings: Schemas['MivbSettings']): MivbForm => ({
  ...settings,
  localAreaCodes: settings.localAreaCodes.join(', '),
  maxExtensionLength: String(settings.maxExtensionLength),
});

/** The settings to send, or the fields that must be corrected first. */
export function mivbSettings(form: MivbForm): { settings?: Schemas['MivbSettings']; errors: FieldErrors } {
  const length = form.maxExtensionLength.trim();
  if (!/^[0-9]{1,2}$/.test(length)) return { errors: { maxExtensionLength: 'Max Extension Length must be a whole number from 1 to 10' } };
  return {
    settings: {
      outsidePrefix: form.outsidePrefix.trim(),
      localCountryCode: form.localCountryCode.trim(),
      longDistancePrefix: form.longDistancePrefix.trim(),
      internationalPrefix: form.internationalPrefix.trim(),
      localAreaCodes: form.localAreaCodes.split(/[\s,;]+/).filter((code) => code !== ''),
      maxExtensionLength: Number(length),
      inboundTrunkServiceDigits: form.inboundTrunkServiceDigits.trim(),
    },
    errors: {},
  };
}

interface MivbFieldsProps {
  idPrefix: string;
  value: MivbForm;
  onChange: (value: MivbForm) => void;
  errors: FieldErrors;
}

/** The seed's "To add a custom MiVoice Business network element" fields, with its explanations as hints. */
export function MivbFields({ idPrefix, value, onChange, errors }: MivbFieldsProps) {
  const field = (key: keyof MivbForm, label: string, hint: string, isRequired = false) => (
    <TextField
      id={`${idPrefix}-${key}`}
      label={label}
      hint={hint}
      value={value[key]}
      onChange={(next) => onChange({ ...value, [key]: next })}
      error={errors[key]}
      isRequired={isRequired}
    />
  );
  return (
    <>
      {field('outsidePrefix', 'Outside Prefix', 'The digits dialled to get an outside line, e.g. 9')}
      {field('localCountryCode', 'Local Country Code', 'The country code of the installation: 1 for North America, 353 for Ireland', true)}
      {field('longDistancePrefix', 'Long Distance Prefix', 'The trunk prefix for long-distance calls, e.g. 1 or 0')}
      {field('internationalPrefix', 'International Prefix', 'The exit code for international calls, e.g. 011 or 00')}
      {field('localAreaCodes', 'Local Area Codes', 'Area codes dialled as local numbers, separated by commas, e.g. 613, 819')}
      {field('maxExtensionLength', 'Max Extension Length', 'The most digits an extension of the cluster has (1 to 10)', true)}
      {field('inboundTrunkServiceDigits', 'Inbound Trunk Service Digits', 'Digits a dial-in trunk inserts before an outside number (Incoming Digit Modification – Insert)')}
    </>
  );
}

export function TransportField({ id, value, onChange, error }: { id: string; value: Transport; onChange: (value: Transport) => void; error?: string }) {
  return (
    <SelectField
      id={id}
      label="Transport Protocol"
      hint="How the gateway reaches the MiContact Center REST API"
      value={value}
      onChange={(next) => onChange(next as Transport)}
      options={[
        { value: 'https', label: 'https' },
        { value: 'http', label: 'http' },
      ]}
      error={error}
      isRequired
    />
  );
}
