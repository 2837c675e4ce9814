export { startLabMcs, type LabMcs, type LabMcsOptions } from './server';
export { createCertificateAuthority, issueCertificate, type KeyAndCertificate } from './ca';
export { DEFAULT_MCS_FIXTURE, LAB_APP_WITHOUT_LOCAL_PASSWORD, LAB_COMPANY, readMcsFixture, type LabApplication, type McsFixture } from './fixture';
export { writeLabCredentials, type LabCredentialFiles } from './credentials';
