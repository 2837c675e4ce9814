import type { ReactNode } from 'react';
import { FormModal } from './FormModal';
import { useSubmit } from './useSubmit';

interface ConfirmModalProps {
  id: string;
  title: string;
  isOpen: boolean;
  /** What will happen, in words: the administrator decides on this text. */
  children: ReactNode;
  confirmLabel: string;
  /** The action; the dialog closes when it succeeds and shows the server's refusal when it fails. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  /** Called after the action succeeded (the owner re-fetches and reports success). */
  onDone: () => void;
}

/** The one confirmation dialog (Delete, Deactivate, …). Focus starts on Cancel: a stray Enter changes nothing. */
export function ConfirmModal({ id, title, isOpen, children, confirmLabel, onConfirm, onClose, onDone }: ConfirmModalProps) {
  const { busy, error, submit, reset } = useSubmit();
  const close = () => {
    reset();
    onClose();
  };
  const confirm = async () => {
    if (await submit(onConfirm)) {
      reset();
      onDone();
    }
  };
  return (
    <FormModal
      id={id}
      title={title}
      isOpen={isOpen}
      onClose={close}
      onSubmit={() => void confirm()}
      submitLabel={confirmLabel}
      submitVariant="danger"
      busy={busy}
      error={error}
      variant="small"
      focusId={`${id}-cancel`}
    >
      {children}
    </FormModal>
  );
}
