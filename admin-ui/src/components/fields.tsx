import {
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import type { ReactNode } from 'react';

/**
 * Labelled form fields with their hint and error under them. The error (a local check or the
 * server's field message) is tied to the input with aria-describedby and aria-invalid, so a
 * screen reader says it, and it is text with an icon, not only a red border.
 */
function HelperTexts({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  if (!hint && !error) return null;
  return (
    <FormHelperText>
      <HelperText id={`${id}-helper`}>
        {error ? <HelperTextItem variant="error">{error}</HelperTextItem> : <HelperTextItem>{hint}</HelperTextItem>}
      </HelperText>
    </FormHelperText>
  );
}

const validated = (error?: string) => (error ? 'error' : 'default');

interface FieldProps {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  isRequired?: boolean;
  isDisabled?: boolean;
}

export function TextField(
  props: FieldProps & {
    value: string;
    onChange: (value: string) => void;
    type?: 'text' | 'password' | 'email' | 'number';
    autoComplete?: string;
  },
) {
  const { id, label, hint, error, isRequired, isDisabled, value, onChange, type = 'text', autoComplete } = props;
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <TextInput
        id={id}
        name={id}
        type={type}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={validated(error)}
        aria-invalid={error ? true : undefined}
        aria-required={isRequired || undefined}
        aria-describedby={hint || error ? `${id}-helper` : undefined}
        isDisabled={isDisabled}
        autoComplete={autoComplete}
      />
      <HelperTexts id={id} hint={hint} error={error} />
    </FormGroup>
  );
}

export function TextAreaField(props: FieldProps & { value: string; onChange: (value: string) => void; rows?: number }) {
  const { id, label, hint, error, isRequired, isDisabled, value, onChange, rows = 4 } = props;
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <TextArea
        id={id}
        name={id}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={validated(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? `${id}-helper` : undefined}
        isDisabled={isDisabled}
        rows={rows}
        resizeOrientation="vertical"
      />
      <HelperTexts id={id} hint={hint} error={error} />
    </FormGroup>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  isDisabled?: boolean;
}

export function SelectField(props: FieldProps & { value: string; onChange: (value: string) => void; options: readonly SelectOption[] }) {
  const { id, label, hint, error, isRequired, isDisabled, value, onChange, options } = props;
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <FormSelect
        id={id}
        name={id}
        value={value}
        onChange={(_event, next) => onChange(next)}
        validated={validated(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? `${id}-helper` : undefined}
        isDisabled={isDisabled}
      >
        {options.map((option) => (
          <FormSelectOption key={option.value} value={option.value} label={option.label} isDisabled={option.isDisabled} />
        ))}
      </FormSelect>
      <HelperTexts id={id} hint={hint} error={error} />
    </FormGroup>
  );
}
