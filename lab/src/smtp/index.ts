export { startLabSmtp, type LabSmtp, type LabSmtpAttachment, type LabSmtpMessage, type LabSmtpOptions } from './server';
