import { ApiError } from '../api/client';
import { TextField } from '../components/fields';
import type { FieldErrors } from '../components/fieldErrors';

export interface PasswordPair {
  password: string;
  confirm: string;
}

export const EMPTY_PAIR: PasswordPair = { password: '', confirm: '' };

/** The checks made before asking the server: filled in, and typed the same twice. The length rules stay the server's. */
export function checkPasswordPair({ password, confirm }: PasswordPair): FieldErrors {
  if (!password) return { password: 'Enter a local password' };
  if (!confirm) return { confirm: 'Enter the local password again' };
  if (password !== confirm) return { confirm: 'The two passwords do not match' };
  return {};
}

/**
 * A refused password is shown under the password field: the schema's refusal (length) names the
 * localPassword field, the account service's (control characters) has its own code.
 */
export function passwordErrorOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === 'OIG_ACCOUNT_PASSWORD_INVALID') return error.message;
  return error.code === 'OIG_ADMIN_INVALID_FIELDS' ? error.fields.localPassword : undefined;
}

interface PasswordPairFieldsProps {
  idPrefix: string;
  /** "Local password" or "New local password": the confirm field's label follows it. */
  label: string;
  value: PasswordPair;
  onChange: (value: PasswordPair) => void;
  errors: FieldErrors;
}

/** The local password, typed twice (Create panel and Edit local password dialog). */
export function PasswordPairFields({ idPrefix, label, value, onChange, errors }: PasswordPairFieldsProps) {
  return (
    <>
      <TextField
        id={`${idPrefix}-password`}
        label={label}
        type="password"
        autoComplete="new-password"
        value={value.password}
        onChange={(password) => onChange({ ...value, password })}
        error={errors.password}
        isRequired
      />
      <TextField
        id={`${idPrefix}-confirm`}
        label={`Confirm ${label.charAt(0).toLowerCase()}${label.slice(1)}`}
        type="password"
        autoComplete="new-password"
        value={value.confirm}
        onChange={(confirm) => onChange({ ...value, confirm })}
        error={errors.confirm}
        isRequired
      />
    </>
  );
}
