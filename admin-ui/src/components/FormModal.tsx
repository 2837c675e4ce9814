import { Button, Form, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import type { FormEvent, ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

interface FormModalProps {
  /** Unique on the page: the ids of the title and the form derive from it. */
  id: string;
  title: string;
  isOpen: boolean;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  submitVariant?: 'primary' | 'danger';
  busy?: boolean;
  /** The refusal of the last submit (its field messages are shown by the fields themselves). */
  error?: unknown;
  errorContext?: string;
  /** The id of the element to focus when the dialog opens (else its first focusable element). */
  focusId?: string;
  variant?: 'small' | 'medium' | 'large';
  description?: ReactNode;
  children: ReactNode;
}

/**
 * Every dialog of the UI: a titled modal (focus moves into it and stays there), a form that
 * submits with Enter, the server's refusal at the top, and the submit and Cancel buttons.
 */
export function FormModal(props: FormModalProps) {
  const { id, title, isOpen, onClose, onSubmit, submitLabel, submitVariant = 'primary', busy, error, errorContext, focusId, variant = 'medium', description, children } = props;
  const formId = `${id}-form`;
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onSubmit();
  };
  return (
    <Modal
      id={id}
      isOpen={isOpen}
      onClose={onClose}
      variant={variant}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-description` : undefined}
      elementToFocus={focusId ? `#${CSS.escape(focusId)}` : undefined}
    >
      <ModalHeader title={title} labelId={`${id}-title`} description={description} descriptorId={`${id}-description`} />
      <ModalBody>
        {error !== undefined && <ErrorAlert error={error} context={errorContext} />}
        <Form id={formId} onSubmit={handleSubmit} noValidate>
          {children}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form={formId} variant={submitVariant} isLoading={busy} isDisabled={busy}>
          {submitLabel}
        </Button>
        <Button id={`${id}-cancel`} variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
